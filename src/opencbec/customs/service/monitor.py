"""What the monitor pages read: counts and ages by state, dead letters, a document's exchange."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opencbec.clearance import service as clearance_service
from opencbec.clearance.models import ClearanceDocument
from opencbec.customs.gateway import CustomsGateway, FolderCensus
from opencbec.customs.models import APPLIED, DEAD, FAILED, IN, OUT, QUEUED, WRITTEN, Exchange
from opencbec.errors import NotFound
from opencbec.identity.models import Department
from opencbec.identity.rules import Principal


@dataclass(frozen=True, slots=True)
class StateCount:
    """How many messages of a direction are in a state, and since when the oldest waits."""

    direction: str
    state: str
    count: int
    oldest: dt.datetime | None


def counts(session: Session, *, organisation_id: int | None = None) -> list[StateCount]:
    """Return the count and oldest age of each direction and state (every state listed)."""
    stmt = select(
        Exchange.direction, Exchange.state, func.count(), func.min(Exchange.updated_at)
    ).group_by(Exchange.direction, Exchange.state)
    if organisation_id is not None:
        stmt = stmt.where(Exchange.organisation_id == organisation_id)
    found = {(d, s): (int(n), oldest) for d, s, n, oldest in session.execute(stmt)}
    out_states = (QUEUED, WRITTEN, FAILED, DEAD)
    in_states = (APPLIED, DEAD)
    return [
        StateCount(direction, state, *found.get((direction, state), (0, None)))
        for direction, states in ((OUT, out_states), (IN, in_states))
        for state in states
    ]


def list_exchanges(
    session: Session,
    *,
    organisation_id: int | None,
    states: Iterable[str] | None = None,
    direction: str | None = None,
    limit: int = 200,
) -> list[Exchange]:
    """Return exchange records, newest first; organisation None means every organisation's."""
    stmt = select(Exchange)
    if organisation_id is not None:
        stmt = stmt.where(Exchange.organisation_id == organisation_id)
    if states is not None:
        stmt = stmt.where(Exchange.state.in_(list(states)))
    if direction is not None:
        stmt = stmt.where(Exchange.direction == direction)
    return list(session.scalars(stmt.order_by(Exchange.id.desc()).limit(limit)))


def document_exchange(
    session: Session, *, principal: Principal, document_id: int
) -> tuple[ClearanceDocument, list[Exchange]]:
    """Return one of the caller's documents and every message sent or received for it."""
    document = clearance_service.get_document(session, principal=principal, document_id=document_id)
    rows = session.scalars(
        select(Exchange).where(Exchange.document_id == document.id).order_by(Exchange.id)
    )
    return document, list(rows)


def get_exchange(session: Session, *, principal: Principal, exchange_id: int) -> Exchange:
    """Return one of the caller's exchange records (a dead letter nobody owns: zone admins)."""
    exchange = session.get(Exchange, exchange_id)
    if exchange is None:
        raise NotFound()
    if exchange.organisation_id != principal.organisation_id and not (
        exchange.organisation_id is None and may_see_all(principal)
    ):
        raise NotFound()
    return exchange


def may_see_all(principal: Principal) -> bool:
    """True for those who watch the whole link: the zone administration and customs."""
    return principal.is_zone_admin or principal.department is Department.CUSTOMS


def census(gateway: CustomsGateway) -> list[FolderCensus]:
    """Return the files waiting in each exchange folder."""
    return gateway.census()


def order_exchange(session: Session, *, principal: Principal, order_no: str) -> list[Exchange]:
    """Return every message of an order's set, for an organisation holding one of its documents.

    Like the order's set page, a party sees the whole set's traffic; only its own messages'
    content can be downloaded (`get_exchange`).
    """
    holds = session.scalar(
        select(ClearanceDocument.id)
        .where(
            ClearanceDocument.order_no == order_no,
            ClearanceDocument.organisation_id == principal.organisation_id,
        )
        .limit(1)
    )
    if holds is None:
        raise NotFound()
    return list(
        session.scalars(select(Exchange).where(Exchange.order_no == order_no).order_by(Exchange.id))
    )
