"""Clearance on the portal: to-dos (rejected, stuck), key figures and charts, global search,
and notifications when customs answers a declaration.

Registered with the web kit's hooks when the clearance pages are imported; it reads through the
clearance models with the same rule as the clearance service (a declarant sees its own
documents) and shows the zone's aggregates only to those who may read clearance records.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from opencbec.clearance import service
from opencbec.clearance.models import ClearanceDocument
from opencbec.clearance.service.documents import IMPORT_SET_KINDS
from opencbec.clearance.service.notices import (
    INVENTORY_KINDS,
    REJECTED,
    document_number,
    fix_link,
)
from opencbec.identity.rules import Principal, has_scope, regulator_may_read
from opencbec.kit.charts import bar_chart
from opencbec.kit.i18n import N_
from opencbec.kit.mask import is_id_number, is_phone, mask_id_number, mask_name, mask_phone
from opencbec.kit.money import shown_amount
from opencbec.kit.time import CHINA_STANDARD_TIME, utcnow
from opencbec.webkit import (
    LIKE_ESCAPE,
    SEARCH_LIMIT,
    Figure,
    Panel,
    SearchHit,
    TodoItem,
    like_text,
    register_panels,
    register_search,
    register_todos,
)

RELEASED: Final = frozenset({"800", "899"})
SENDING_FAILED: Final = "4"
# Statuses on the way through customs: a document resting in one of them for a day needs a look.
# Sent (2) or taken in by customs (3), any document; then an inventory goes on from 120 to
# 399/800 through manual review (300) or inspection (500), where an order, payment or waybill
# stops at 120 (its last receipt: customs has matched it).
WAITING: Final = ("2", "3")
IN_PROGRESS: Final = (*WAITING, "120", "300", "500")
# An import set's order, payment and waybill: customs answers them (120) when it matches them
# with the set's inventory.
SET_PARTS: Final = tuple(k for k in IMPORT_SET_KINDS if k != "inventory")
WAITING_TOO_LONG: Final = dt.timedelta(hours=24)
TODO_LIMIT: Final = 10
CHART_DAYS: Final = 30
_GUID: Final = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")
_INVT_NO: Final = re.compile(r"^[0-9]{8}[IE][0-9]{9}$")  # customs office, year, I/E, serial


# --- to-dos --------------------------------------------------------------------------------


def _own(principal: Principal) -> ColumnElement[bool]:
    return ClearanceDocument.organisation_id == principal.organisation_id


def _refused_by_customs() -> ColumnElement[bool]:
    # A refusal (100) or a processing error (a negative code).
    return or_(ClearanceDocument.status == REJECTED, ClearanceDocument.status.like("-%"))


@register_todos
def customs_answer_todos(session: Session, principal: Principal) -> list[TodoItem]:
    """The caller's documents refused by customs or by the link, and those stuck on the way."""
    refused = session.scalars(
        select(ClearanceDocument)
        .where(
            _own(principal),
            or_(ClearanceDocument.status == SENDING_FAILED, _refused_by_customs()),
        )
        .order_by(ClearanceDocument.updated_at.desc(), ClearanceDocument.id.desc())
        .limit(TODO_LIMIT)
    ).all()
    items = [
        TodoItem(
            N_("Sending %(no)s (%(message)s) to customs failed: check it and send it again.")
            if document.status == SENDING_FAILED
            else N_(
                "Customs rejected %(no)s (%(message)s): %(reason)s. Fix it and declare it again."
            ),
            fix_link(document),
            {
                "no": document_number(document),
                "message": document.message_type.removesuffix("Message"),
                "reason": document.status_info or document.status,
            },
        )
        for document in refused
    ]
    cutoff = utcnow() - WAITING_TOO_LONG
    stuck = session.scalars(
        select(ClearanceDocument)
        .where(
            _own(principal),
            or_(
                ClearanceDocument.status.in_(WAITING),
                and_(
                    ClearanceDocument.kind.in_(INVENTORY_KINDS),
                    ClearanceDocument.status.in_(IN_PROGRESS),
                ),
            ),
            ClearanceDocument.updated_at < cutoff,
        )
        .order_by(ClearanceDocument.updated_at, ClearanceDocument.id)
        .limit(TODO_LIMIT)
    ).all()
    now = utcnow()
    held_up = _inventory_refused(session, [d.order_no for d in stuck if d.kind in SET_PARTS])
    items.extend(
        TodoItem(
            N_(
                "%(no)s (%(message)s) waits at '%(status)s': customs refused the inventory of order %(order)s, and matches the order, payment and waybill when the inventory is declared again."
            )
            if document.kind in SET_PARTS and document.order_no in held_up
            else N_(
                "%(no)s (%(message)s) has waited %(hours)s hours at '%(status)s' without a new receipt: check the customs link or ask customs."
            ),
            f"/clearance/{document.id}",
            {
                "no": document_number(document),
                "message": document.message_type.removesuffix("Message"),
                "hours": int((now - document.updated_at).total_seconds() // 3600),
                "status": document.status,
                "order": document.order_no or "",
            },
        )
        for document in stuck
    )
    return items


def _inventory_refused(session: Session, order_nos: list[str | None]) -> set[str]:
    """Return which of these orders have their import inventory refused by customs (100 or an
    error code): their other documents wait for it, not for the link."""
    wanted = sorted({n for n in order_nos if n})
    if not wanted:
        return set()
    return set(
        session.scalars(
            select(ClearanceDocument.order_no).where(
                ClearanceDocument.kind == "inventory",
                ClearanceDocument.order_no.in_(wanted),
                _refused_by_customs(),
            )
        )
    )


# --- key figures and charts ----------------------------------------------------------------


def _month_start(now: dt.datetime) -> dt.datetime:
    local = now.astimezone(CHINA_STANDARD_TIME)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0).astimezone(dt.UTC)


def _tally(session: Session, *conditions: ColumnElement[bool]) -> Counter[tuple[str, str]]:
    """Count documents by (kind, status) in one pass over the rows that meet `conditions`."""
    rows = session.execute(
        select(ClearanceDocument.kind, ClearanceDocument.status, func.count())
        .where(*conditions)
        .group_by(ClearanceDocument.kind, ClearanceDocument.status)
    )
    return Counter({(kind, status): int(n) for kind, status, n in rows})


def _by_status(tally: Counter[tuple[str, str]], kinds: Iterable[str]) -> Counter[str]:
    """Add up the counts of `kinds` by status (an import and an export inventory may share one)."""
    wanted = frozenset(kinds)
    counts: Counter[str] = Counter()
    for (kind, status), n in tally.items():
        if kind in wanted:
            counts[status] += n
    return counts


def _per_day(stamps: Iterable[dt.datetime], now: dt.datetime) -> list[tuple[str, int]]:
    """Count moments per China day over the last CHART_DAYS days, oldest first (zeros kept)."""
    today = now.astimezone(CHINA_STANDARD_TIME).date()
    days = [today - dt.timedelta(days=n) for n in range(CHART_DAYS - 1, -1, -1)]
    counted = Counter(stamp.astimezone(CHINA_STANDARD_TIME).date() for stamp in stamps)
    return [(f"{day:%m-%d}", counted.get(day, 0)) for day in days]


def _inventories_per_day(
    session: Session, now: dt.datetime, *conditions: ColumnElement[bool]
) -> list[tuple[str, int]]:
    # Bucketed here by China day (portable across SQLite and PostgreSQL); only a column is read.
    since = now - dt.timedelta(days=CHART_DAYS)
    stamps = session.scalars(
        select(ClearanceDocument.created_at).where(
            ClearanceDocument.kind.in_(INVENTORY_KINDS),
            ClearanceDocument.created_at >= since,
            *conditions,
        )
    )
    return _per_day(stamps, now)


def _tax_billed(session: Session, since: dt.datetime, *conditions: ColumnElement[bool]) -> Decimal:
    """Sum the tariff, VAT and consumption tax of the tax bills (CEB816) issued since `since`."""
    total = Decimal(0)
    heads = session.scalars(
        select(ClearanceDocument.content).where(
            ClearanceDocument.kind == "tax_bill", ClearanceDocument.created_at >= since, *conditions
        )
    )
    for content in heads:
        head: dict[str, Any] = content.get("tax_head_rd") or {}
        if head.get("status") == "3":  # a cancelled tax bill (作废) was never paid
            continue
        for field in ("customsTax", "valueAddedTax", "consumptionTax"):
            total += Decimal(str(head.get(field) or 0))
    return total


@register_panels
def declarant_panels(session: Session, principal: Principal) -> list[Panel]:
    """The caller's own declarations this month, and a chart of inventories per day."""
    if not session.scalar(select(ClearanceDocument.id).where(_own(principal)).limit(1)):
        return []
    now = utcnow()
    since = _month_start(now)
    month = _tally(session, _own(principal), ClearanceDocument.created_at >= since)
    inventories = _by_status(month, INVENTORY_KINDS)
    figures = [
        Figure(N_("Documents declared this month"), str(month.total()), "/clearance"),
        Figure(N_("Inventories declared this month"), str(inventories.total())),
        Figure(N_("Released this month"), str(sum(inventories[s] for s in RELEASED))),
        Figure(
            N_("Rejected by customs this month"),
            str(sum(n for (_, s), n in month.items() if s == REJECTED)),
        ),
    ]
    tax = _tax_billed(session, since, _own(principal))
    if tax:
        figures.append(Figure(N_("Import tax billed this month (CNY)"), shown_amount(tax)))
    chart = bar_chart(
        N_("Inventories declared per day, last 30 days"),
        _inventories_per_day(session, now, _own(principal)),
    )
    return [Panel(N_("Your declarations"), tuple(figures), chart if chart.total else None)]


def sees_zone_clearance(principal: Principal) -> bool:
    """True for the zone administration and regulators entitled to clearance records."""
    return principal.is_zone_admin or regulator_may_read(principal, "clearance.inventory")


@register_panels
def zone_panels(session: Session, principal: Principal) -> list[Panel]:
    """The zone's inventories over 30 days: how many, the release rate, per day."""
    if not sees_zone_clearance(principal):
        return []
    now = utcnow()
    recent = _by_status(
        _tally(
            session,
            ClearanceDocument.kind.in_(INVENTORY_KINDS),
            ClearanceDocument.created_at >= now - dt.timedelta(days=CHART_DAYS),
        ),
        INVENTORY_KINDS,
    )
    released = sum(recent[s] for s in RELEASED)
    concluded = released + recent[REJECTED]
    rate = f"{released * 100 / concluded:.1f}%" if concluded else "—"
    figures = [
        Figure(N_("Inventories declared in the zone, last 30 days"), str(recent.total())),
        Figure(N_("Release rate of concluded inventories"), rate),
        Figure(N_("Rejected by customs, last 30 days"), str(recent[REJECTED])),
        Figure(N_("Inventories waiting for customs"), str(sum(recent[s] for s in IN_PROGRESS))),
    ]
    tax = _tax_billed(session, _month_start(now))
    if tax:
        figures.append(
            Figure(N_("Import tax billed in the zone this month (CNY)"), shown_amount(tax))
        )
    chart = bar_chart(
        N_("Inventories declared in the zone per day, last 30 days"),
        _inventories_per_day(session, now),
    )
    return [Panel(N_("Zone clearance traffic"), tuple(figures), chart)]


# --- search --------------------------------------------------------------------------------


def _hit(document: ClearanceDocument, detail: str = "") -> SearchHit:
    return SearchHit(
        N_("Declared document"),
        f"{document_number(document)} · {document.message_type.removesuffix('Message')}",
        f"/clearance/{document.id}",
        detail or service.status_label(document.status),
    )


def _buyer_of(document: ClearanceDocument) -> tuple[str, str, str]:
    head: dict[str, Any] = (
        document.content.get("inventory_head") or document.content.get("order_head") or {}
    )
    return (
        str(head.get("buyerName") or ""),
        str(head.get("buyerIdNumber") or ""),
        str(head.get("buyerTelephone") or ""),
    )


def _buyer_hits(
    session: Session, principal: Principal, field: str, value: str
) -> Sequence[SearchHit]:
    # Exact equality only: a buyer is found by the whole ID number or phone, never by a part.
    conditions = [
        ClearanceDocument.content[head][field].as_string() == value
        for head in ("inventory_head", "order_head")
    ]
    documents = session.scalars(
        select(ClearanceDocument)
        .where(
            _own(principal), ClearanceDocument.kind.in_(("inventory", "order")), or_(*conditions)
        )
        .order_by(ClearanceDocument.updated_at.desc())
        .limit(SEARCH_LIMIT)
    ).all()
    hits = []
    for document in documents:
        name, id_number, phone = _buyer_of(document)
        masked = " · ".join(
            part for part in (mask_name(name), mask_id_number(id_number), mask_phone(phone)) if part
        )
        hits.append(
            SearchHit(
                N_("Buyer"),
                masked,
                f"/clearance/{document.id}",
                f"{document_number(document)} · {document.message_type.removesuffix('Message')}",
            )
        )
    return hits


@register_search
def search_documents(session: Session, principal: Principal, query: str) -> list[SearchHit]:
    """The caller's documents by order, waybill, inventory, invtNo or guid; buyers by ID/phone."""
    if not has_scope(principal, "clearance:read"):
        return []
    hits: list[SearchHit] = []
    upper = query.upper()
    if is_id_number(upper):
        hits.extend(_buyer_hits(session, principal, "buyerIdNumber", upper))
    elif is_phone(query):
        hits.extend(_buyer_hits(session, principal, "buyerTelephone", query))
    matches = [
        ClearanceDocument.order_no == query,
        ClearanceDocument.order_no.like(like_text(query) + "%", escape=LIKE_ESCAPE),
        ClearanceDocument.business_key.like(f"%|{like_text(query)}%", escape=LIKE_ESCAPE),
    ]
    # Looked up only for what has their form.
    if _GUID.match(upper):
        matches.append(ClearanceDocument.guid == upper)
    if _INVT_NO.match(upper):
        matches.append(ClearanceDocument.invt_no == upper)
    documents = session.scalars(
        select(ClearanceDocument)
        .where(
            _own(principal),
            or_(*matches),
        )
        .order_by(ClearanceDocument.updated_at.desc(), ClearanceDocument.id.desc())
        .limit(SEARCH_LIMIT)
    ).all()
    hits.extend(_hit(document) for document in documents)
    return hits
