"""Tax use cases: the rate table from the code tables, and the taxTotal check of the pre-flight."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from opencbec.audit import service as audit_service
from opencbec.audit.service import Actor
from opencbec.clearance import service as clearance_service
from opencbec.clearance.models import ClearanceDocument
from opencbec.clearance.rules_import import ImportSet
from opencbec.errors import DomainError, FieldError
from opencbec.goods import service as goods_service
from opencbec.identity.rules import Principal
from opencbec.kit.i18n import N_, Bilingual
from opencbec.kit.time import utcnow
from opencbec.tax.models import QuotaAccount, QuotaEntry
from opencbec.tax.rules import ANNUAL_LIMIT, MissingRate, RateTable, TaxRate, check_order_tax

HUNDRED = Decimal(100)


def rate_table(session: Session, *, on: dt.date) -> RateTable:
    """Return the import tax rates in force on `on` (the `tax_rate` code table, in %)."""
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


# --- the annual quota ledger -----------------------------------------------------------------

audit_service.describe_actions(
    {
        "tax.quota.reserve": N_("Annual quota reserved"),
        "tax.quota.consume": N_("Annual quota consumed"),
        "tax.quota.release": N_("Annual quota released"),
    }
)


class QuotaExceeded(DomainError):
    """The buyer's annual CBEC limit would be passed."""

    def __init__(self, remaining: Decimal, amount: Decimal) -> None:
        super().__init__(
            Bilingual(
                f"The buyer's annual CBEC limit of {ANNUAL_LIMIT} would be passed: {remaining} left, {amount} asked.",
                f"将超过订购人年度跨境电商交易限值 {ANNUAL_LIMIT}：剩余 {remaining}，本次 {amount}。",
            ),
            [
                FieldError(
                    "buyerIdNumber",
                    Bilingual("annual limit reached", "已达年度限值"),
                    "quota_exceeded",
                )
            ],
            "quota_exceeded",
            409,
        )


def buyer_hash(id_number: str) -> str:
    """Return how the ledger names a buyer: the SHA-256 of the upper-cased ID number."""
    return hashlib.sha256(id_number.strip().upper().encode()).hexdigest()


def _locked_account(session: Session, key: str, year: int) -> QuotaAccount:
    # Insert the account if it is missing without failing when a concurrent writer does the same,
    # then lock it: the lock is what keeps two declarations from taking the same last yuan.
    dialect = session.get_bind().dialect.name
    insert_stmt = (pg_insert if dialect == "postgresql" else sqlite_insert)(QuotaAccount).values(
        buyer_hash=key, year=year, reserved=Decimal(0), consumed=Decimal(0)
    )
    session.execute(insert_stmt.on_conflict_do_nothing(index_elements=["buyer_hash", "year"]))
    account = session.scalar(
        select(QuotaAccount)
        .where(QuotaAccount.buyer_hash == key, QuotaAccount.year == year)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert account is not None
    return account


def reserve_quota(
    session: Session, *, actor: Actor, id_number: str, year: int, document_key: str, amount: Decimal
) -> QuotaEntry:
    """Reserve an inventory's value against the buyer's year; refused past 26,000 (idempotent by key)."""
    existing = session.scalar(select(QuotaEntry).where(QuotaEntry.document_key == document_key))
    if existing is not None:
        return existing
    account = _locked_account(session, buyer_hash(id_number), year)
    remaining = ANNUAL_LIMIT - account.reserved - account.consumed
    if amount > remaining:
        raise QuotaExceeded(remaining, amount)
    account.reserved += amount
    now = utcnow()
    entry = QuotaEntry(
        account_id=account.id,
        document_key=document_key,
        amount=amount,
        state="reserved",
        created_at=now,
        updated_at=now,
    )
    session.add(entry)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action="tax.quota.reserve",
        object_type="tax.quota",
        object_id=entry.id,
        organisation_id=actor.organisation_id,
        details={"document_key": document_key, "amount": amount, "year": year},
    )
    return entry


def settle_quota(
    session: Session, *, actor: Actor, document_key: str, outcome: str
) -> QuotaEntry | None:
    """Consume a reservation on release, or release it on rejection, cancellation or return."""
    if outcome not in {"consume", "release"}:
        raise ValueError(f"unknown outcome {outcome!r}")
    entry = session.scalar(select(QuotaEntry).where(QuotaEntry.document_key == document_key))
    if entry is None:
        return None
    account = session.scalar(
        select(QuotaAccount)
        .where(QuotaAccount.id == entry.account_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert account is not None
    if outcome == "consume" and entry.state == "reserved":
        account.reserved -= entry.amount
        account.consumed += entry.amount
        entry.state = "consumed"
    elif outcome == "release" and entry.state in {"reserved", "consumed"}:
        if entry.state == "reserved":
            account.reserved -= entry.amount
        else:
            account.consumed -= entry.amount  # a return after release gives the quota back
        entry.state = "released"
    else:
        return entry
    entry.updated_at = utcnow()
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action=f"tax.quota.{outcome}",
        object_type="tax.quota",
        object_id=entry.id,
        organisation_id=actor.organisation_id,
        details={"document_key": document_key, "amount": entry.amount},
    )
    return entry


def remaining_quota(session: Session, *, id_number: str, year: int) -> Decimal:
    """Return what is left of the buyer's annual limit."""
    account = session.scalar(
        select(QuotaAccount).where(
            QuotaAccount.buyer_hash == buyer_hash(id_number), QuotaAccount.year == year
        )
    )
    if account is None:
        return ANNUAL_LIMIT
    return ANNUAL_LIMIT - account.reserved - account.consumed


@clearance_service.register_annual_used
def annual_used(
    session: Session, id_number: str, year: int, exclude_order_no: str | None = None
) -> Decimal:
    """Return the buyer's reserved and consumed total of `year`, without one order's inventories."""
    account = session.scalar(
        select(QuotaAccount).where(
            QuotaAccount.buyer_hash == buyer_hash(id_number), QuotaAccount.year == year
        )
    )
    if account is None:
        return Decimal(0)
    used = account.reserved + account.consumed
    if exclude_order_no is not None:
        keys = [
            _entry_key(document)
            for document in session.scalars(
                select(ClearanceDocument).where(
                    ClearanceDocument.kind == "inventory",
                    ClearanceDocument.order_no == exclude_order_no,
                )
            )
        ]
        used -= sum(
            session.scalars(
                select(QuotaEntry.amount).where(
                    QuotaEntry.account_id == account.id,
                    QuotaEntry.document_key.in_(keys),
                    QuotaEntry.state != "released",
                )
            ),
            Decimal(0),
        )
    return used


def _entry_key(document: ClearanceDocument, version: int | None = None) -> str:
    return f"inventory|{document.business_key}|v{document.version if version is None else version}"


RELEASED: Final = frozenset({"800", "899"})
REJECTED: Final = frozenset({"100"})


def _inventory_value(head: dict[str, Any], lines: list[dict[str, Any]]) -> Decimal:
    total = sum((Decimal(str(line.get("totalPrice") or 0)) for line in lines), Decimal(0))
    return (
        total + Decimal(str(head.get("freight") or 0)) + Decimal(str(head.get("insuredFee") or 0))
    )


@clearance_service.register_document_hook
def quota_hook(
    session: Session, principal: Principal, document: ClearanceDocument, event: str
) -> None:
    """Reserve a declared import inventory's value; consume it on release, release it on rejection."""
    if document.kind != "inventory":
        return
    key = _entry_key(document)
    if event in {"new", "changed"}:
        if event == "changed":
            settle_quota(
                session,
                actor=principal.actor,
                document_key=_entry_key(document, document.version - 1),
                outcome="release",
            )
        head = document.content.get("inventory_head") or {}
        year = int(str(head.get("declTime") or "")[:4] or utcnow().year)
        reserve_quota(
            session,
            actor=principal.actor,
            id_number=str(head.get("buyerIdNumber") or ""),
            year=year,
            document_key=key,
            amount=_inventory_value(head, document.content.get("inventory_list") or []),
        )
    elif event.removeprefix("status:") in RELEASED:
        settle_quota(session, actor=principal.actor, document_key=key, outcome="consume")
    elif event.removeprefix("status:") in REJECTED:
        settle_quota(session, actor=principal.actor, document_key=key, outcome="release")
