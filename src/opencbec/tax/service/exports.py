"""What the tax bureau works on: export tax refund candidates (出口退税) and import tax bills.

A released export inventory (9610, 9710 or 9810) becomes a refund candidate once a customs
summary result (汇总结果单, CEB792) names it with a declaration number: the refund is claimed
on that declaration. Import tax bills (电子税单, CEB816) are due while their status is
1 (generated); 2 is summarised for periodic payment, 3 void.
Read-only over the clearance documents; for the zone administration and the departments entitled
to tax records.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from opencbec.clearance.models import ClearanceDocument
from opencbec.identity.rules import Principal, regulator_may_read
from opencbec.kit.money import lines_total, stored_amount
from opencbec.kit.time import ceb_month

RELEASED: Final = frozenset({"800", "899"})
EXPORT_MODES: Final = frozenset({"9610", "9710", "9810"})
BILL_DUE: Final = "1"
BILL_VOID: Final = "3"
_TAXES: Final = ("customsTax", "valueAddedTax", "consumptionTax")


@dataclass(frozen=True, slots=True)
class ExportRefund:
    """A released export inventory and, once the summary result came, its declaration number."""

    invt_no: str
    order_no: str
    seller_code: str
    seller_name: str
    trade_mode: str
    month: str | None  # of the export date (ieDate)
    value: Decimal
    declaration_no: str | None

    @property
    def candidate(self) -> bool:
        """True when the export is declared (summary result in) and can back a refund claim."""
        return self.declaration_no is not None


@dataclass(frozen=True, slots=True)
class TaxMonth:
    """The import tax bills of a month (by the time customs issued them)."""

    month: str
    bills: int
    due: int  # still at status 1 (generated)
    customs_tax: Decimal
    value_added_tax: Decimal
    consumption_tax: Decimal
    due_amount: Decimal

    @property
    def total(self) -> Decimal:
        """The month's tariff, VAT and consumption tax."""
        return self.customs_tax + self.value_added_tax + self.consumption_tax


def sees_tax(principal: Principal) -> bool:
    """True for the zone administration and the departments entitled to tax records."""
    return principal.is_zone_admin or regulator_may_read(principal, "tax.bill")


def _declarations(session: Session) -> dict[str, str]:
    """Declaration numbers of export inventories, by invtNo, from the summary results (CEB792)."""
    out: dict[str, str] = {}
    for content in session.scalars(
        select(ClearanceDocument.content).where(ClearanceDocument.kind == "summary_result")
    ):
        head: dict[str, Any] = content.get("summary_result_head") or {}
        number = head.get("entryId") or head.get("declSeqNo")
        if not number:
            continue
        for line in content.get("summary_result_list") or []:
            if isinstance(line, dict) and line.get("invtNo"):
                out[str(line["invtNo"])] = str(number)
    return out


def export_refunds(session: Session) -> list[ExportRefund]:
    """Return the zone's released export inventories, candidates (summary result in) first."""
    declarations = _declarations(session)
    out = []
    rows = session.execute(
        select(ClearanceDocument.invt_no, ClearanceDocument.content).where(
            ClearanceDocument.kind == "export_inventory",
            ClearanceDocument.status.in_(RELEASED),
        )
    )
    for invt_no, content in rows:
        head: dict[str, Any] = content.get("inventory_head") or {}
        mode = str(head.get("tradeMode") or "")
        if mode not in EXPORT_MODES:
            continue
        number = str(invt_no or head.get("invtNo") or "")
        out.append(
            ExportRefund(
                invt_no=number,
                order_no=str(head.get("orderNo") or ""),
                seller_code=str(head.get("ebcCode") or ""),
                seller_name=str(head.get("ebcName") or ""),
                trade_mode=mode,
                month=ceb_month(head.get("ieDate")),
                value=lines_total(content.get("inventory_list")),
                declaration_no=declarations.get(number) if number else None,
            )
        )
    out.sort(key=lambda r: (not r.candidate, r.month or "", r.invt_no))
    return out


def import_tax_by_month(session: Session) -> list[TaxMonth]:
    """Return the import tax bills (CEB816) by month, newest first; void bills left out.

    Reads the head fields it adds up, not the bills' whole content.
    """
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 4)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    head = [_field("tax_head_rd", name) for name in ("status", "returnTime", *_TAXES)]
    for status, stamp, *amounts in session.execute(
        select(*head).where(ClearanceDocument.kind == "tax_bill")
    ):
        month = ceb_month(stamp)
        if status == BILL_VOID or month is None:
            continue
        taxes = [stored_amount(value) for value in amounts]
        for i, value in enumerate(taxes):
            sums[month][i] += value
        counts[month][0] += 1
        if status == BILL_DUE:
            counts[month][1] += 1
            sums[month][3] += sum(taxes, Decimal(0))
    return [
        TaxMonth(month, counts[month][0], counts[month][1], *sums[month])
        for month in sorted(sums, reverse=True)
    ]


def _field(part: str, name: str) -> Any:
    return ClearanceDocument.content[(part, name)].as_string()


@dataclass(frozen=True, slots=True)
class TaxFigures:
    """What the tax bureau's home shows: released exports, refund candidates, the bills by month."""

    released_exports: int
    candidates: int
    candidate_value: Decimal
    months: list[TaxMonth]


def tax_figures(session: Session) -> TaxFigures:
    """Return the counts and sums of `export_refunds` and `import_tax_by_month`; of the released
    exports only their numbers and goods lines are read (the database picks the trade modes)."""
    declarations = _declarations(session)
    released = candidates = 0
    value = Decimal(0)
    rows = session.execute(
        select(
            ClearanceDocument.invt_no,
            _field("inventory_head", "invtNo"),
            ClearanceDocument.content["inventory_list"],
        ).where(
            ClearanceDocument.kind == "export_inventory",
            ClearanceDocument.status.in_(RELEASED),
            _field("inventory_head", "tradeMode").in_(EXPORT_MODES),
        )
    )
    for invt_no, head_invt_no, lines in rows:
        released += 1
        number = str(invt_no or head_invt_no or "")
        if number and number in declarations:
            candidates += 1
            value += lines_total(lines)
    return TaxFigures(released, candidates, value, import_tax_by_month(session))
