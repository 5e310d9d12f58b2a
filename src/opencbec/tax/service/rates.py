"""Tax rates from the code tables, and the taxTotal check of the pre-flight."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Session

from opencbec.clearance import service as clearance_service
from opencbec.clearance.rules_import import ImportSet
from opencbec.goods import service as goods_service
from opencbec.kit.i18n import Bilingual
from opencbec.tax.rules import MissingRate, RateTable, TaxRate, check_order_tax

HUNDRED = Decimal(100)


def rate_table(session: Session, *, on: dt.date) -> RateTable:
    """Return the import tax rates in force on `on` (the `tax_rate` code table, in %)."""
    # Kept per code-table edition: every pre-flight check asks, and the rows change only with one.
    return clearance_service.CodeTables.of(session).remember(
        ("tax_rate", on), lambda: _rate_table(session, on)
    )


def _rate_table(session: Session, on: dt.date) -> RateTable:
    rates = [
        TaxRate(
            code=code,
            vat=Decimal(str(data["vat"])) / HUNDRED,
            consumption=Decimal(str(data["consumption"])) / HUNDRED,
            tariff=Decimal(str(data["tariff"])) / HUNDRED,
            effective_from=on,
        )
        for code, data in goods_service.rows_in_force(session, table="tax_rate", on=on).items()
    ]
    return RateTable(rates)


@clearance_service.register_preflight_check
def tax_total_check(
    session: Session, documents: ImportSet, day: dt.date, year_to_date: Decimal
) -> list[clearance_service.ExtraFailure]:
    """Check the order's taxTotal against the tax of its inventory lines at the rates in force."""
    if documents.order is None or documents.inventory is None:
        return []
    try:
        failures = check_order_tax(
            documents.order,
            documents.inventory,
            rate_table(session, on=day),
            on=day,
            year_to_date=year_to_date,
        )
    except MissingRate as exc:
        return [
            clearance_service.ExtraFailure(
                "TAX_RATE_MISSING",
                tuple(e.field for e in exc.errors),
                exc.errors[0].reason,
                Bilingual(
                    "Ask the zone administration to import the tax rate of this code (code table tax_rate).",
                    "请综试区管理机构导入该商品编码的税率（参数代码表 tax_rate）。",
                ),
            )
        ]
    return [clearance_service.ExtraFailure(f.code, (f.field,), f.detail, f.fix) for f in failures]
