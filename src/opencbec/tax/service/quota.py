"""The annual quota ledger (年度交易限值): reserve on declaration, consume on release, release on
rejection, cancellation (撤销) or return (退货), driven by clearance's document hook."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from opencbec.audit import service as audit_service
from opencbec.audit.service import Actor
from opencbec.clearance import service as clearance_service
from opencbec.clearance.models import ClearanceDocument
from opencbec.db import Prepared, insert_columns, upsert_columns
from opencbec.errors import DomainError, FieldError
from opencbec.identity.rules import Principal
from opencbec.kit.i18n import N_, Bilingual
from opencbec.kit.time import utcnow
from opencbec.tax.models import QuotaAccount, QuotaEntry
from opencbec.tax.rules import ANNUAL_LIMIT, name_hash, round_cent

# --- the annual quota ledger -----------------------------------------------------------------

audit_service.describe_actions(
    {
        "tax.quota.reserve": N_("Annual quota reserved"),
        "tax.quota.consume": N_("Annual quota consumed"),
        "tax.quota.release": N_("Annual quota released"),
        "tax.quota.return": N_("Annual quota given back after a return"),
    }
)


class QuotaExceeded(DomainError):
    """The buyer's annual CBEC limit would be passed."""

    def __init__(self, remaining: Decimal, amount: Decimal) -> None:
        remaining = round_cent(remaining)  # stored to five places; said in yuan and fen
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
    # Insert the account if it is missing, or touch it when it exists (a concurrent writer may
    # have just made it), in one statement that answers the row: the touch takes the row lock on
    # PostgreSQL (SQLite holds the write lock), which keeps two declarations from taking the same
    # last yuan.
    (row,) = _upsert_account(session.get_bind().dialect.name).rows(
        session, {"buyer_hash": key, "year": year, "reserved": Decimal(0), "consumed": Decimal(0)}
    )
    return clearance_service.attach_row(
        session, QuotaAccount, dict(zip(_ACCOUNTS.c.keys(), row, strict=True))
    )


@functools.cache
def _upsert_account(dialect: str) -> Prepared:
    # Built once per dialect, on the table: the ORM's upsert path costs more than the row.
    upsert = upsert_columns(_ACCOUNTS, dialect)
    return Prepared(
        upsert.on_conflict_do_update(
            index_elements=["buyer_hash", "year"], set_={"year": upsert.excluded.year}
        ).returning(*_ACCOUNTS.c)
    )


_ACCOUNTS: Final = cast(Table, QuotaAccount.__table__)
_ENTRIES: Final = cast(Table, QuotaEntry.__table__)


@functools.cache
def _reserve_on_account(dialect: str) -> Prepared:
    # The buyer's account made with the amount reserved, or the amount added to the account
    # there when the limit allows it, in one statement that answers the row (none: the limit
    # does not allow it). The conflict takes the row lock on PostgreSQL whether or not it
    # updates (SQLite holds the write lock), which keeps two declarations from taking the same
    # last yuan.
    upsert = upsert_columns(_ACCOUNTS, dialect)
    limit = bindparam("limit", type_=_ACCOUNTS.c.reserved.type)
    return Prepared(
        upsert.on_conflict_do_update(
            index_elements=["buyer_hash", "year"],
            set_={"reserved": _ACCOUNTS.c.reserved + upsert.excluded.reserved},
            where=_ACCOUNTS.c.reserved + _ACCOUNTS.c.consumed + upsert.excluded.reserved <= limit,
        ).returning(*_ACCOUNTS.c)
    )


# Built once and prepared: each declared inventory runs these, and building a statement costs
# more than running it (and Core's per-execution work more than the database's).
_INSERT_ENTRY: Final = Prepared(
    insert_columns(_ENTRIES, generated=("id",)).returning(_ENTRIES.c.id)
)
_GIVE_BACK: Final = Prepared(
    update(_ACCOUNTS)
    .where(_ACCOUNTS.c.id == bindparam("account_id"))
    .values(reserved=_ACCOUNTS.c.reserved - bindparam("amount", type_=_ACCOUNTS.c.reserved.type))
)


@functools.cache
def _insert_new_entry(dialect: str) -> Prepared:
    # The entry, unless its key has one already (then no row is answered).
    entry = upsert_columns(_ENTRIES, dialect)
    return Prepared(
        entry.on_conflict_do_nothing(index_elements=["document_key"]).returning(_ENTRIES.c.id)
    )


_ENTRY_BY_KEY: Final = Prepared(
    select(*_ENTRIES.c).where(_ENTRIES.c.document_key == bindparam("key"))
)
_ACCOUNT: Final = Prepared(
    select(_ACCOUNTS.c.id, _ACCOUNTS.c.reserved, _ACCOUNTS.c.consumed).where(
        _ACCOUNTS.c.buyer_hash == bindparam("key"), _ACCOUNTS.c.year == bindparam("year")
    )
)
_ORDER_INVENTORIES: Final = select(ClearanceDocument.business_key, ClearanceDocument.version).where(
    ClearanceDocument.kind == "inventory", ClearanceDocument.order_no == bindparam("order_no")
)
_LIVE_AMOUNTS: Final = select(QuotaEntry.amount).where(
    QuotaEntry.account_id == bindparam("account_id"),
    QuotaEntry.document_key.in_(bindparam("keys", expanding=True)),
    QuotaEntry.state != "released",
)


def reserve_quota(
    session: Session,
    *,
    actor: Actor,
    id_number: str,
    year: int,
    document_key: str,
    amount: Decimal,
    name: str | None = None,
) -> QuotaEntry:
    """Reserve an inventory's value against the buyer's year; refused past 26,000 (idempotent by key).

    `name` (the inventory's buyerName) is kept only as a hash, for the consumer quota page.
    """
    session.flush()  # the rows read below are then as the session holds them
    key = buyer_hash(id_number)
    dialect = session.get_bind().dialect.name
    # The amount is taken on the account first (its row lock keeps two declarations from taking
    # the same last yuan), then the entry is made unless the key has one: a repeated call, rare,
    # gives the amount back on the locked account and answers the entry there. One statement
    # fewer per declaration than asking for the entry first.
    reserved = (
        _reserve_on_account(dialect).rows(
            session,
            {
                "buyer_hash": key,
                "year": year,
                "reserved": amount,
                "consumed": Decimal(0),
                "limit": ANNUAL_LIMIT,
            },
        )
        if amount <= ANNUAL_LIMIT
        else []
    )
    if not reserved:  # the limit does not allow it: say what is left, unless the key has its entry
        existing = _existing_entry(session, document_key)
        if existing is not None:
            return existing
        refused = _locked_account(session, key, year)
        raise QuotaExceeded(ANNUAL_LIMIT - refused.reserved - refused.consumed, amount)
    account_id = reserved[0][0]
    now = utcnow()
    values = {
        "account_id": account_id,
        "document_key": document_key,
        "amount": amount,
        "state": "reserved",
        "name_hash": name_hash(name) if name else None,
        "created_at": now,
        "updated_at": now,
    }
    made = _insert_new_entry(dialect).rows(session, values)
    if not made:
        _GIVE_BACK.count(session, [{"account_id": account_id, "amount": amount}])
        existing = _existing_entry(session, document_key)
        assert existing is not None, "the entry's key conflicted, yet no entry has it"
        return existing
    clearance_service.attach_row(
        session, QuotaAccount, dict(zip(_ACCOUNTS.c.keys(), reserved[0], strict=True))
    )
    return _recorded_entry(session, actor, made[0][0], values, details={"year": year})


def _existing_entry(session: Session, document_key: str) -> QuotaEntry | None:
    existing = _ENTRY_BY_KEY.rows(session, {"key": document_key})
    if not existing:
        return None
    return clearance_service.attach_row(
        session, QuotaEntry, dict(zip(_ENTRIES.c.keys(), existing[0], strict=True))
    )


def _add_entry(
    session: Session,
    actor: Actor,
    account: QuotaAccount,
    *,
    document_key: str,
    amount: Decimal,
    state: str,
    name_hash: str | None,
    details: dict[str, Any],
) -> QuotaEntry:
    # A reservation, or the credit of a return: a new entry and its audit row.
    now = utcnow()
    values = {
        "account_id": account.id,
        "document_key": document_key,
        "amount": amount,
        "state": state,
        "name_hash": name_hash,
        "created_at": now,
        "updated_at": now,
    }
    # A plain insert (the unit of work's bookkeeping cost more than the row); a change of the
    # account made through the session is flushed by the audit row's.
    ((entry_id,),) = _INSERT_ENTRY.rows(session, values)
    return _recorded_entry(session, actor, entry_id, values, details=details)


def _recorded_entry(
    session: Session,
    actor: Actor,
    entry_id: int,
    values: Mapping[str, Any],
    *,
    details: dict[str, Any],
) -> QuotaEntry:
    # The entry just inserted, as the session's object, and its audit row.
    entry = clearance_service.attach_row(session, QuotaEntry, {"id": entry_id, **values})
    audit_service.record(
        session,
        actor=actor,
        action="tax.quota.return" if entry.state == "returned" else "tax.quota.reserve",
        object_type="tax.quota",
        object_id=entry.id,
        organisation_id=actor.organisation_id,
        details={"document_key": entry.document_key, "amount": entry.amount, **details},
    )
    return entry


def _account_of(session: Session, entry: QuotaEntry) -> QuotaAccount:
    account = session.scalar(
        select(QuotaAccount)
        .where(QuotaAccount.id == entry.account_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert account is not None
    return account


def settle_quota(
    session: Session, *, actor: Actor, document_key: str, outcome: str
) -> QuotaEntry | None:
    """Consume a reservation on release, or release it on rejection, cancellation or return."""
    if outcome not in {"consume", "release"}:
        raise ValueError(f"unknown outcome {outcome!r}")
    entry = session.scalar(select(QuotaEntry).where(QuotaEntry.document_key == document_key))
    if entry is None:
        return None
    account = _account_of(session, entry)
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


def return_quota(
    session: Session,
    *,
    actor: Actor,
    document_key: str,
    return_key: str,
    amount: Decimal | None = None,
) -> QuotaEntry | None:
    """Give back what a return (退货) takes out of a released inventory: all of it, or `amount`.

    domain-rules §3(a) names Caiguanshui [2016] No. 18 as the basis but does not quote its
    return clause; the circular's art. 6 reads: goods returned within 30 days of release may have
    their tax refunded "and the person's annual transaction total adjusted accordingly"
    (并相应调整个人年度交易总额) — quoted from the circular, to be checked against the official
    text with the other open points of the spec. The 30 days are customs' to judge: the ledger
    moves when customs approves the return (CEB626). Only a consumed (released) entry can be
    returned; a declared one not yet released is cancelled with CEB623 instead.

    Once per return: `return_key` names the return, and a second call with it does nothing.
    Returns the entry recording what was given back, or None when nothing moved.
    """
    if session.scalar(select(QuotaEntry.id).where(QuotaEntry.document_key == return_key)):
        return None
    entry = session.scalar(select(QuotaEntry).where(QuotaEntry.document_key == document_key))
    if entry is None or entry.state != "consumed":
        return None
    part = entry.amount if amount is None else min(amount, entry.amount)
    if part <= 0:
        return None
    account = _account_of(session, entry)
    account.consumed -= part
    entry.amount -= part
    if entry.amount == 0:
        entry.state = "released"
    entry.updated_at = utcnow()
    return _add_entry(
        session,
        actor,
        account,
        document_key=return_key,
        amount=part,
        state="returned",
        name_hash=entry.name_hash,
        details={"inventory_key": document_key},
    )


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
    session.flush()  # an account change the session holds counts
    found = _ACCOUNT.rows(session, {"key": buyer_hash(id_number), "year": year})
    if not found:
        return Decimal(0)
    ((account_id, reserved, consumed),) = found
    used = cast(Decimal, reserved + consumed)
    if exclude_order_no is not None:
        # Only the keys of the order's inventories: their stored content is not needed here.
        keys = [
            _entry_key(business_key, version)
            for business_key, version in session.execute(
                _ORDER_INVENTORIES, {"order_no": exclude_order_no}
            )
        ]
        used -= sum(
            session.scalars(_LIVE_AMOUNTS, {"account_id": account_id, "keys": keys}), Decimal(0)
        )
    return used


def _entry_key(business_key: str, version: int) -> str:
    # How the ledger names one version of an inventory.
    return f"inventory|{business_key}|v{version}"


RELEASED: Final = frozenset({"800", "899"})
REJECTED: Final = frozenset({"100"})
# A cancellation (CEB623) or return (CEB625) is approved when customs concludes it: 399 海关审结 is
# the concluding status the 624/626 receipts carry (spec §4.2 and the XSD's list 1, 2, 3, 4, 100,
# 120, 399); 800 放行 is listed for returns in §4.2 and taken as approval too. 100 is a refusal.
APPROVED: Final = frozenset({"399", "800"})
CANCELLATION: Final = "CEB623Message"
RETURN: Final = "CEB625Message"


def _inventory_value(head: Mapping[str, Any], lines: list[dict[str, Any]]) -> Decimal:
    total = sum((Decimal(str(line.get("totalPrice") or 0)) for line in lines), Decimal(0))
    return (
        total + Decimal(str(head.get("freight") or 0)) + Decimal(str(head.get("insuredFee") or 0))
    )


def _text(fields: Mapping[str, Any], name: str) -> str:
    return str(fields.get(name) or "").strip()


def named_inventory(session: Session, request: ClearanceDocument) -> ClearanceDocument | None:
    """Return the import inventory a cancellation or return names, or None when not exactly one.

    Both carry the inventory's orderNo, ebcCode and ebpCode, the buyer's ID and invtNo (the
    number customs gave; our inventory holds it only when it was declared with it): each must
    agree where both sides have it, and the inventory must be the same declarant's. Customs
    allows one inventory per order (-301011), so this names one. Their copNo is the request's own
    document number (their receipts come back under it), so it only breaks a tie.
    """
    fields: Mapping[str, Any] = request.content.get("invt_refund_head") or request.content
    order_no, ebc = _text(fields, "orderNo"), _text(fields, "ebcCode")
    if not order_no or not ebc:
        return None
    found = []
    for inventory in session.scalars(
        select(ClearanceDocument).where(
            ClearanceDocument.kind == "inventory",
            ClearanceDocument.order_no == order_no,
            ClearanceDocument.organisation_id == request.organisation_id,
        )
    ):
        head: Mapping[str, Any] = inventory.content.get("inventory_head") or {}
        if _text(head, "ebcCode") != ebc or any(
            _text(fields, name) and _text(head, name) and _text(fields, name) != _text(head, name)
            for name in ("invtNo", "ebpCode")
        ):
            continue
        buyer = _text(fields, "buyerIdNumber")
        if buyer and buyer_hash(buyer) != buyer_hash(_text(head, "buyerIdNumber")):
            continue
        found.append(inventory)
    if len(found) > 1:
        cop_no = _text(fields, "copNo")
        found = [
            i for i in found if _text(i.content.get("inventory_head") or {}, "copNo") == cop_no
        ]
    return found[0] if len(found) == 1 else None


def returned_value(inventory: ClearanceDocument, request: ClearanceDocument) -> Decimal | None:
    """Return the value of the lines a return takes back, or None when it takes back everything.

    Each returned line is priced at its share of the inventory line's totalPrice (qty capped at
    the declared qty); lines the inventory does not have count for nothing. Freight and insurance
    come back only with a full return.
    """
    lines = {
        int(line["gnum"]): line
        for line in inventory.content.get("inventory_list") or []
        if line.get("gnum") is not None
    }
    taken: dict[int, Decimal] = {}
    for line in request.content.get("invt_refund_list") or []:
        gnum, qty = line.get("gnum"), line.get("qty")
        if gnum is not None and qty is not None and int(gnum) in lines:
            taken[int(gnum)] = taken.get(int(gnum), Decimal(0)) + Decimal(str(qty))
    value = Decimal(0)
    whole = bool(lines)
    for gnum, line in lines.items():
        declared = Decimal(str(line.get("qty") or 0))
        back = min(taken.get(gnum, Decimal(0)), declared)
        whole = whole and back == declared
        if declared > 0:
            value += Decimal(str(line.get("totalPrice") or 0)) * back / declared
    return None if whole else round_cent(value)


def _settle_request(session: Session, principal: Principal, request: ClearanceDocument) -> None:
    inventory = named_inventory(session, request)
    if inventory is None:
        return  # an inventory we do not hold (or cannot tell apart): nothing to give back
    key = _entry_key(inventory.business_key, inventory.version)
    if request.message_type == CANCELLATION:
        settle_quota(session, actor=principal.actor, document_key=key, outcome="release")
        return
    return_quota(
        session,
        actor=principal.actor,
        document_key=key,
        return_key=f"{request.kind}|{request.business_key}|v{request.version}",
        amount=returned_value(inventory, request),
    )


@clearance_service.register_document_hook
def quota_hook(
    session: Session, principal: Principal, document: ClearanceDocument, event: str
) -> None:
    """Move the ledger for a document: declared inventories reserve, release consumes, rejection,
    approved cancellations (CEB623/624) and approved returns (CEB625/626) give back."""
    status = event.removeprefix("status:") if event.startswith("status:") else None
    if document.message_type in {CANCELLATION, RETURN}:
        if status in APPROVED:
            _settle_request(session, principal, document)
        return
    if document.kind != "inventory":
        return
    key = _entry_key(document.business_key, document.version)
    if event in {"new", "changed"}:
        if event == "changed":
            settle_quota(
                session,
                actor=principal.actor,
                document_key=_entry_key(document.business_key, document.version - 1),
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
            name=_text(head, "buyerName") or None,
        )
    elif status in RELEASED:
        settle_quota(session, actor=principal.actor, document_key=key, outcome="consume")
    elif status in REJECTED:
        settle_quota(session, actor=principal.actor, document_key=key, outcome="release")
