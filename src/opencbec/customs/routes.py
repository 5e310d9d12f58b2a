"""Customs link JSON API: declare a ready set, a document's exchange, the link's monitor."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict

from opencbec.customs import service
from opencbec.customs.models import Exchange
from opencbec.webkit import (
    PROBLEM_RESPONSES,
    CurrentPrincipal,
    DbSession,
    require_scope,
    settings_of,
)

router = APIRouter(prefix="/api/v1/customs", tags=["customs"], responses=PROBLEM_RESPONSES)


class ExchangeRead(BaseModel):
    """One message sent to customs or received from it (the XML at `xml_url`)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    direction: str
    message_type: str
    message_guid: str | None
    file_name: str
    document_id: int | None
    order_no: str | None
    state: str
    attempts: int
    next_attempt_at: dt.datetime | None
    last_error: str | None
    last_error_zh: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    done_at: dt.datetime | None
    xml_url: str


def _read(exchange: Exchange) -> ExchangeRead:
    return ExchangeRead.model_validate(
        {
            **{k: getattr(exchange, k) for k in ExchangeRead.model_fields if k != "xml_url"},
            "xml_url": f"/customs/exchanges/{exchange.id}.xml",
        }
    )


class StateCountRead(BaseModel):
    """How many messages of a direction wait in a state, and since when the oldest waits."""

    direction: str
    state: str
    count: int
    oldest: dt.datetime | None


class FolderRead(BaseModel):
    """Finished files in an exchange folder and the age of the oldest, in seconds."""

    folder: str
    files: int
    oldest_age_seconds: float | None


class MonitorRead(BaseModel):
    """The link at a glance: records by state, and the folders (all organisations' files)."""

    states: list[StateCountRead]
    folders: list[FolderRead] | None


@router.post("/orders/{order_no}/declare", response_model=list[ExchangeRead], status_code=201)
def declare(
    request: Request, order_no: str, principal: CurrentPrincipal, session: DbSession
) -> list[ExchangeRead]:
    """Queue a ready set for customs: each document signed; refused (409) with the failures."""
    require_scope(principal, "clearance:write")
    settings = settings_of(request)
    queued = service.declare_set(
        session, principal=principal, order_no=order_no, envelope=service.envelope(settings)
    )
    return [_read(e) for e in queued]


@router.post("/documents/{document_id}/declare", response_model=ExchangeRead, status_code=201)
def declare_one(
    request: Request, document_id: int, principal: CurrentPrincipal, session: DbSession
) -> ExchangeRead:
    """Queue one document that stands on its own (cancellation, return, summary application)."""
    require_scope(principal, "clearance:write")
    exchange = service.declare_document(
        session,
        principal=principal,
        document_id=document_id,
        envelope=service.envelope(settings_of(request)),
    )
    return _read(exchange)


@router.get("/documents/{document_id}/exchange", response_model=list[ExchangeRead])
def document_exchange(
    document_id: int, principal: CurrentPrincipal, session: DbSession
) -> list[ExchangeRead]:
    """List every message sent and received for one of your documents, oldest first."""
    require_scope(principal, "clearance:read")
    _, rows = service.document_exchange(session, principal=principal, document_id=document_id)
    return [_read(e) for e in rows]


@router.get("/monitor", response_model=MonitorRead)
def monitor(request: Request, principal: CurrentPrincipal, session: DbSession) -> MonitorRead:
    """Count your messages by state; the zone administration and customs see all, and folders."""
    require_scope(principal, "clearance:read")
    everyone = service.may_see_all(principal)
    states = service.counts(
        session, organisation_id=None if everyone else principal.organisation_id
    )
    folders = None
    if everyone:
        now = dt.datetime.now(dt.UTC).timestamp()
        folders = [
            FolderRead(
                folder=c.folder,
                files=c.files,
                oldest_age_seconds=round(now - c.oldest_mtime, 1) if c.oldest_mtime else None,
            )
            for c in service.census(service.gateway_for(settings_of(request)))
        ]
    return MonitorRead(
        states=[
            StateCountRead(direction=s.direction, state=s.state, count=s.count, oldest=s.oldest)
            for s in states
        ],
        folders=folders,
    )


@router.post("/exchanges/{exchange_id}/retry", response_model=ExchangeRead)
def retry(exchange_id: int, principal: CurrentPrincipal, session: DbSession) -> ExchangeRead:
    """Send again a message that could not be written to the outbox."""
    require_scope(principal, "clearance:write")
    return _read(service.retry(session, principal=principal, exchange_id=exchange_id))
