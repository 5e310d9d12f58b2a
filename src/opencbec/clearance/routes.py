"""Clearance JSON API: send CEB messages (documents or receipts) or CSV/XLSX tables of
documents, list documents; export summary declaration; follow-up requests (cancellations,
returns, return tally)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from opencbec.clearance import service
from opencbec.kit.money import Money
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


class CheckFailureRead(BaseModel):
    """One failure of the pre-flight check: a stable code, the fields, what is wrong, the fix."""

    code: str
    fields: list[str]
    detail: dict[str, str]
    fix: dict[str, str]


class SetCheckRead(BaseModel):
    """The kept pre-flight result of an order's set, as of its last arrival."""

    model_config = ConfigDict(from_attributes=True)

    order_no: str
    direction: str
    ready: bool
    failure_count: int
    failures: list[CheckFailureRead]
    checked_at: dt.datetime


@router.get("/orders/{order_no}/check", response_model=SetCheckRead)
def set_check(order_no: str, principal: CurrentPrincipal, session: DbSession) -> SetCheckRead:
    """Return the pre-flight result of one of your complete order sets (checked on arrival)."""
    require_scope(principal, "clearance:read")
    return SetCheckRead.model_validate(
        service.kept_check(session, principal=principal, order_no=order_no)
    )


# --- export summary declaration (清单核放、汇总申报) -------------------------------------------

Month = Annotated[str, Path(pattern=r"^\d{4}-\d{2}$", examples=["2026-11"])]
SummaryFlag = Literal["1", "2"]


class GroupRead(BaseModel):
    """One group of lines: what they share, and how many inventories, lines and how much value."""

    key: dict[str, str]
    inventories: int
    invt_nos: list[str]
    lines: int
    qty: Money
    value: Money


class StatisticsLineRead(BaseModel):
    """A line that goes by list release and summary statistics: no application."""

    inventory_id: int
    invt_no: str | None
    gnum: int
    gcode: str
    value: Money


class MonthRead(BaseModel):
    """A month's released export inventories not yet summarised, grouped as they would be."""

    month: str
    summary_flag: str
    deadline: dt.date
    late: bool
    inventories: int
    prepared: int
    groups: list[GroupRead]
    statistics: list[StatisticsLineRead]
    without_number: list[int]
    refund_rates_loaded: bool


class PrepareRequest(BaseModel):
    """How to prepare a month's applications."""

    model_config = ConfigDict(extra="forbid")

    summary_flag: SummaryFlag = "1"
    decl_agent_code: str | None = Field(default=None, max_length=18)
    decl_agent_name: str | None = Field(default=None, max_length=100)
    round_size: int = Field(default=2000, ge=1, le=100_000)


class PrepareRead(BaseModel):
    """What one round of preparation did, and what is left."""

    month: str
    applications: list[int]
    lines: int
    statistics_lines: int
    inventories_done: int
    inventories_left: int
    groups_left: int
    without_number: int
    finished: bool


class SummaryResultRead(BaseModel):
    """A summary result (CEB792) tied to its application."""

    model_config = ConfigDict(from_attributes=True)

    result_id: int
    sum_no: str
    decl_seq_no: str
    entry_id: str | None
    linked_by: str


class ApplicationRead(BaseModel):
    """A summary application (CEB701), its status, lines and results."""

    document: DocumentRead
    sum_no: str | None = None
    lines: int
    inventories: int
    value: Money
    results: list[SummaryResultRead]


@router.get("/summary/{month}", response_model=MonthRead)
def summary_month(
    month: Month, principal: CurrentPrincipal, session: DbSession, summary_flag: SummaryFlag = "1"
) -> MonthRead:
    """Group a month's released, not yet summarised 9610 export inventories by the rules."""
    require_scope(principal, "clearance:read")
    preview = service.preview_month(
        session, principal=principal, month=month, summary_flag=summary_flag
    )
    return MonthRead(
        month=preview.month,
        summary_flag=preview.summary_flag,
        deadline=preview.deadline,
        late=preview.late,
        inventories=preview.inventories,
        prepared=preview.done,
        groups=[
            GroupRead(
                key={k: str(v) for k, v in dataclasses.asdict(g.key).items()},
                inventories=len(g.inventory_ids),
                invt_nos=g.invt_nos,
                lines=len(g.lines),
                qty=g.qty,
                value=g.value,
            )
            for g in preview.groups
        ],
        statistics=[
            StatisticsLineRead(
                inventory_id=s.inventory_id,
                invt_no=s.invt_no,
                gnum=s.gnum,
                gcode=s.gcode,
                value=s.total_price,
            )
            for s in preview.statistics
        ],
        without_number=preview.without_number,
        refund_rates_loaded=preview.refund_rates_loaded,
    )


@router.post("/summary/{month}/applications", response_model=PrepareRead)
def prepare_summary(
    month: Month, body: PrepareRequest, principal: CurrentPrincipal, session: DbSession
) -> PrepareRead:
    """Prepare a round of the month's summary applications (one CEB701 per group).

    Call again while `finished` is false; each call takes about `round_size` inventories.
    """
    require_scope(principal, "clearance:write")
    report = service.prepare_applications(
        session,
        principal=principal,
        month=month,
        summary_flag=body.summary_flag,
        decl_agent_code=body.decl_agent_code,
        decl_agent_name=body.decl_agent_name,
        round_size=body.round_size,
    )
    return PrepareRead(finished=report.finished, **dataclasses.asdict(report))


def _results(links: list[Any]) -> list[SummaryResultRead]:
    return [SummaryResultRead.model_validate(link) for link in links]


@router.get("/summary-applications", response_model=list[ApplicationRead])
def summary_applications(principal: CurrentPrincipal, session: DbSession) -> list[ApplicationRead]:
    """List your summary applications, newest first, with counts, values and results."""
    require_scope(principal, "clearance:read")
    return [
        ApplicationRead(
            document=DocumentRead.model_validate(row.document),
            lines=row.lines,
            inventories=row.inventories,
            value=row.value,
            results=_results(row.results),
        )
        for row in service.list_applications(session, principal=principal)
    ]


@router.get("/summary-applications/{application_id}", response_model=ApplicationRead)
def summary_application(
    application_id: int, principal: CurrentPrincipal, session: DbSession
) -> ApplicationRead:
    """Return one summary application with its sumNo, lines and results."""
    require_scope(principal, "clearance:read")
    detail = service.application_detail(session, principal=principal, application_id=application_id)
    return ApplicationRead(
        document=DocumentRead.model_validate(detail.document),
        sum_no=detail.sum_no,
        lines=len(detail.lines),
        inventories=len({inventory.id for _, inventory in detail.lines}),
        value=sum((line.total_price for line, _ in detail.lines), Decimal(0)),
        results=_results([link for link, _ in detail.results]),
    )


# --- follow-up requests (cancellations, returns, return tally) ------------------------------

Reason = Annotated[
    str,
    Field(
        description="One of the offered reasons (buyer_cancelled, declared_in_error, out_of_stock, "
        "declared_twice for cancellations; buyer_returned, quality, wrong_goods, undeliverable "
        "for returns) or `other` with reason_text."
    ),
]


class CancellationRequest(BaseModel):
    """Why the inventory is to be cancelled."""

    model_config = ConfigDict(extra="forbid")

    reason: Reason
    reason_text: str | None = Field(default=None, max_length=1000)


class ReturnLine(BaseModel):
    """A line of the inventory and the quantity coming back."""

    model_config = ConfigDict(extra="forbid")

    gnum: int = Field(ge=1, le=99999)
    qty: Money


class ReturnRequest(BaseModel):
    """A return: why, and which lines (none given: everything still declared)."""

    model_config = ConfigDict(extra="forbid")

    reason: Reason
    reason_text: str | None = Field(default=None, max_length=1000)
    lines: list[ReturnLine] | None = Field(default=None, max_length=100)


class ExportReturnRequest(ReturnRequest):
    """An export return (CEB213) also says how the goods come back; empty: from the inventory."""

    bill_no: str = Field(default="", max_length=37)
    traf_mode: str = Field(default="", max_length=1)
    traf_name: str = Field(default="", max_length=100)
    voyage_no: str = Field(default="", max_length=32)
    country: str = Field(default="", max_length=3)
    port_code: str = Field(default="", max_length=4)


class TallyRequest(BaseModel):
    """The return tally at the site (CEB215)."""

    model_config = ConfigDict(extra="forbid")

    location: str | None = Field(default=None, max_length=250)


def _lines(body: ReturnRequest) -> dict[int, Decimal] | None:
    if body.lines is None:
        return None
    lines: dict[int, Decimal] = {}
    for line in body.lines:
        lines[line.gnum] = lines.get(line.gnum, Decimal(0)) + line.qty
    return lines


@router.post("/documents/{document_id}/cancellation", response_model=DocumentRead, status_code=201)
def request_cancellation(
    document_id: int, body: CancellationRequest, principal: CurrentPrincipal, session: DbSession
) -> DocumentRead:
    """Ask customs to cancel an inventory: import CEB623, export CEB605 (409 when customs would refuse)."""
    require_scope(principal, "clearance:write")
    return DocumentRead.model_validate(
        service.request_cancellation(
            session,
            principal=principal,
            inventory_id=document_id,
            reason=body.reason,
            reason_text=body.reason_text,
        )
    )


@router.post("/documents/{document_id}/return", response_model=DocumentRead, status_code=201)
def request_import_return(
    document_id: int, body: ReturnRequest, principal: CurrentPrincipal, session: DbSession
) -> DocumentRead:
    """Declare an import return (CEB625) of a released inventory: whole, or lines and quantities."""
    require_scope(principal, "clearance:write")
    return DocumentRead.model_validate(
        service.request_import_return(
            session,
            principal=principal,
            inventory_id=document_id,
            reason=body.reason,
            reason_text=body.reason_text,
            lines=_lines(body),
        )
    )


@router.post("/documents/{document_id}/export-return", response_model=DocumentRead, status_code=201)
def request_export_return(
    document_id: int, body: ExportReturnRequest, principal: CurrentPrincipal, session: DbSession
) -> DocumentRead:
    """Declare an export return (CEB213) of a released export inventory."""
    require_scope(principal, "clearance:write")
    return DocumentRead.model_validate(
        service.request_export_return(
            session,
            principal=principal,
            inventory_id=document_id,
            reason=body.reason,
            reason_text=body.reason_text,
            lines=_lines(body),
            transport=service.Transport(
                bill_no=body.bill_no,
                traf_mode=body.traf_mode,
                traf_name=body.traf_name,
                voyage_no=body.voyage_no,
                country=body.country,
                port_code=body.port_code,
            ),
        )
    )


@router.post("/documents/{document_id}/return-tally", response_model=DocumentRead, status_code=201)
def request_return_tally(
    document_id: int, body: TallyRequest, principal: CurrentPrincipal, session: DbSession
) -> DocumentRead:
    """Send the return tally (CEB215) of an export inventory's return, as the site operator."""
    require_scope(principal, "clearance:write")
    return DocumentRead.model_validate(
        service.request_return_tally(
            session, principal=principal, inventory_id=document_id, location=body.location
        )
    )
