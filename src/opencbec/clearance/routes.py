"""Clearance JSON API: send CEB messages (documents or receipts) or CSV/XLSX tables of
documents, list documents."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Request
from fastapi.responses import Response
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


def _outcome(outcome: service.Outcome) -> OutcomeRead:
    return OutcomeRead(
        kind=outcome.kind,
        business_key=outcome.business_key,
        result=outcome.result,
        document_id=outcome.document_id,
    )


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
    return [_outcome(o) for o in outcomes]


EntryKindName = Literal["order", "payment", "waybill", "inventory"]
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class EntryRead(BaseModel):
    """What a CSV/XLSX entry stored: rows read, documents, messages, and each document's outcome."""

    kind: str
    rows: int
    documents: int
    messages: int
    results: dict[str, int]
    outcomes: list[OutcomeRead]


class EntryColumnRead(BaseModel):
    """One column of an entry table: a CEB field name, whether it is required, its format."""

    name: str
    required: bool
    line: bool
    format: str
    default: str | None


class EntryKindRead(BaseModel):
    """A kind of document that can be entered from a table, with its columns."""

    name: str
    message_type: str
    one_row_per: Literal["document", "goods line"]
    columns: list[EntryColumnRead]


@router.get("/entries", response_model=list[EntryKindRead])
def entry_kinds(principal: CurrentPrincipal) -> list[EntryKindRead]:
    """List the kinds of document that can be entered from CSV/XLSX, with their columns."""
    require_scope(principal, "clearance:read")
    return [
        EntryKindRead(
            name=k.name,
            message_type=k.kind.message,
            one_row_per="goods line" if k.lines else "document",
            columns=[
                EntryColumnRead(
                    name=c.name,
                    required=c.required,
                    line=c.line,
                    format=c.format,
                    default=c.default,
                )
                for c in k.columns
            ],
        )
        for k in service.ENTRY_KINDS.values()
    ]


@router.get(
    "/entries/{kind}/template",
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def entry_template(kind: EntryKindName, principal: CurrentPrincipal) -> Response:
    """Return the CSV template of a kind: the header row and one example row."""
    require_scope(principal, "clearance:read")
    return Response(
        service.template_csv(kind),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{kind}.csv"'},
    )


@router.post(
    "/entries/{kind}",
    response_model=EntryRead,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                _XLSX: {"schema": {"type": "string", "format": "binary"}},
            },
        }
    },
)
def enter_table(
    kind: EntryKindName,
    content: Annotated[bytes, Body(media_type="text/csv")],
    principal: CurrentPrincipal,
    session: DbSession,
) -> EntryRead:
    """Declare documents from a CSV (UTF-8) or XLSX table whose columns are CEB field names.

    Orders and inventories: one row per goods line, head fields repeated. Payments and waybills:
    one row per document. All rows or none: any fault refuses the table, each fault naming its
    row and column (`row 3/itemName`). The same table sent again is answered `duplicate`.
    """
    require_scope(principal, "clearance:write")
    # A plain `def`: a large table is checked and stored in the thread pool, not on the event loop.
    report = service.enter_table(session, principal=principal, kind=kind, content=content)
    return EntryRead(
        kind=report.kind,
        rows=report.rows,
        documents=report.documents,
        messages=report.messages,
        results=report.results,
        outcomes=[_outcome(o) for o in report.outcomes],
    )


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
