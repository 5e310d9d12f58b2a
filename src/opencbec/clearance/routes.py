"""Clearance JSON API: send CEB messages (documents or receipts), list documents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict

from opencbec.clearance import service
from opencbec.webkit import PROBLEM_RESPONSES, CurrentPrincipal, DbSession, require_scope

router = APIRouter(prefix="/api/v1/clearance", tags=["clearance"], responses=PROBLEM_RESPONSES)


class OutcomeRead(BaseModel):
    """What happened to one document or receipt of a message."""

    kind: str
    business_key: str
    result: str
    document_id: int | None


class DocumentRead(BaseModel):
    """A declared document and its current status."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    message_type: str
    business_key: str
    order_no: str | None
    guid: str
    version: int
    status: str
    status_time: str | None
    status_info: str | None
    content: dict[str, Any]
    updated_at: dt.datetime


@router.post(
    "/messages",
    response_model=list[OutcomeRead],
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/xml": {"schema": {"type": "string"}}},
        }
    },
)
async def send_message(
    request: Request, principal: CurrentPrincipal, session: DbSession
) -> list[OutcomeRead]:
    """Send one CEB message as XML: declared documents are stored, receipts applied; all or nothing."""
    require_scope(principal, "clearance:write")
    data = await request.body()
    outcomes = service.ingest_message(session, principal=principal, data=data)
    return [
        OutcomeRead(
            kind=o.kind, business_key=o.business_key, result=o.result, document_id=o.document_id
        )
        for o in outcomes
    ]


@router.get("/documents", response_model=list[DocumentRead])
def list_documents(
    principal: CurrentPrincipal, session: DbSession, kind: str | None = None
) -> list[DocumentRead]:
    """List your declared documents, newest first."""
    require_scope(principal, "clearance:read")
    return [
        DocumentRead.model_validate(d)
        for d in service.list_documents(session, principal=principal, kind=kind)
    ]


@router.get("/documents/{document_id}", response_model=DocumentRead)
def get_document(document_id: int, principal: CurrentPrincipal, session: DbSession) -> DocumentRead:
    """Return one of your declared documents."""
    require_scope(principal, "clearance:read")
    return DocumentRead.model_validate(
        service.get_document(session, principal=principal, document_id=document_id)
    )
