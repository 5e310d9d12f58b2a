"""Clearance pages: the declarant's documents, a document's timeline, XML upload, entry of
documents by web form or CSV/XLSX file, export summary declaration, and follow-up requests
(cancellations, returns) from an inventory's page."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from opencbec.clearance import portal as _portal  # noqa: F401 - registers home, search, notices
from opencbec.clearance import service, summary_pages
from opencbec.clearance.models import ClearanceDocument
from opencbec.errors import DomainError
from opencbec.identity.rules import Principal
from opencbec.kit.i18n import N_
from opencbec.kit.tables import MAX_TABLE_BYTES
from opencbec.webkit import CurrentPrincipal, DbSession, TodoItem, register_todos, render

router = APIRouter(include_in_schema=False)


def _list_page(
    request: Request,
    principal: Principal,
    session: DbSession,
    *,
    error: DomainError | None = None,
    outcomes: list[service.Outcome] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "clearance/documents.html",
        {
            "documents": service.list_documents(session, principal=principal),
            "error": error,
            "outcomes": outcomes,
            "status_label": service.status_label,
            "result_labels": service.RESULT_LABELS,
        },
        status_code=status_code,
    )


@router.get("/clearance", response_class=HTMLResponse)
def documents_page(request: Request, principal: CurrentPrincipal, session: DbSession) -> Response:
    """List the declarant's documents with their status."""
    return _list_page(request, principal, session)


@router.post("/clearance", response_class=HTMLResponse)
def upload_message(
    request: Request,
    principal: CurrentPrincipal,
    session: DbSession,
    file: Annotated[UploadFile, File()],
) -> Response:
    """Receive one CEB XML message (documents or receipts) and say what happened to each item."""
    data = file.file.read(MAX_TABLE_BYTES + 1)
    try:
        outcomes = service.ingest_message(session, principal=principal, data=data)
    except DomainError as exc:
        if exc.status == 404:
            raise
        session.rollback()
        return _list_page(request, principal, session, error=exc, status_code=exc.status)
    return _list_page(request, principal, session, outcomes=outcomes)


def _entry_page(
    request: Request,
    *,
    error: DomainError | None = None,
    report: service.EntryReport | None = None,
    kind: str = "",
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "clearance/entry.html",
        {
            "kinds": list(service.ENTRY_KINDS.values()),
            "error": error,
            "report": report,
            "chosen": kind,
            "result_labels": service.RESULT_LABELS,
            "max_rows": service.MAX_ENTRY_ROWS,
            "max_mib": MAX_TABLE_BYTES // (1024 * 1024),
            "per_message": service.DOCUMENTS_PER_MESSAGE,
        },
        status_code=status_code,
    )


@router.get("/clearance/entry", response_class=HTMLResponse)
def entry_page(request: Request, principal: CurrentPrincipal) -> Response:
    """Offer the entry forms, the CSV templates and the CSV/XLSX upload."""
    return _entry_page(request)


@router.post("/clearance/entry", response_class=HTMLResponse)
def entry_upload(
    request: Request,
    principal: CurrentPrincipal,
    session: DbSession,
    kind: Annotated[str, Form()],
    file: Annotated[UploadFile, File()],
) -> Response:
    """Declare the documents of a CSV or XLSX file: all of them, or none with each fault named."""
    content = file.file.read(MAX_TABLE_BYTES + 1)
    try:
        report = service.enter_table(session, principal=principal, kind=kind, content=content)
    except DomainError as exc:
        session.rollback()
        return _entry_page(request, error=exc, kind=kind, status_code=exc.status)
    return _entry_page(request, report=report, kind=kind)


@router.get("/clearance/entry/{kind}/template.csv")
def entry_template(kind: str, principal: CurrentPrincipal) -> Response:
    """Send the CSV template of a kind: the header row and one example row."""
    return Response(
        service.template_csv(kind),
        media_type="text/csv; charset=utf-8",
        headers={
            "content-disposition": f'attachment; filename="{service.entry_kind(kind).name}.csv"',
            "x-content-type-options": "nosniff",
        },
    )


def _form_page(
    request: Request,
    entry: service.EntryKind,
    *,
    head: dict[str, str] | None = None,
    lines: list[dict[str, str]] | None = None,
    error: DomainError | None = None,
    status_code: int = 200,
) -> Response:
    offered = service.template_columns(entry.name)
    return render(
        request,
        "clearance/entry_form.html",
        {
            "entry": entry,
            "head_columns": [c for c in offered if not c.line],
            "line_columns": [c for c in offered if c.line],
            "head": head or {},
            "lines": lines or [{} for _ in range(service.FORM_LINES)],
            "error": error,
            "errors": {e.field: e.reason for e in error.errors} if error else {},
        },
        status_code=status_code,
    )


@router.get("/clearance/entry/{kind}", response_class=HTMLResponse)
def entry_form(request: Request, kind: str, principal: CurrentPrincipal) -> Response:
    """Show the form for one document of a kind (head and, for orders and inventories, lines)."""
    return _form_page(request, service.entry_kind(kind))


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


async def _form_data(request: Request) -> FormData:
    # The form's field names come from the field specs, so they are read here, not declared.
    return await request.form()


@router.post("/clearance/entry/{kind}", response_class=HTMLResponse)
def entry_form_submit(
    request: Request,
    kind: str,
    principal: CurrentPrincipal,
    session: DbSession,
    form: Annotated[FormData, Depends(_form_data)],
) -> Response:
    """Declare the document typed into the form, or show the form again with each field's fault."""
    entry = service.entry_kind(kind)
    head = {c.name: _text(form.get(c.name)) for c in entry.head_columns}
    lines = (
        [
            {c.name: _text(form.get(f"lines[{n}].{c.name}")) for c in entry.line_columns}
            for n in range(1, service.FORM_LINES + 1)
        ]
        if entry.line_columns
        else []
    )
    try:
        report = service.enter_form(session, principal=principal, kind=kind, head=head, lines=lines)
    except DomainError as exc:
        session.rollback()
        return _form_page(request, entry, head=head, lines=lines, error=exc, status_code=exc.status)
    return RedirectResponse(f"/clearance/{report.outcomes[0].document_id}", status_code=303)


# The summary pages sit in their own module; included here, before /clearance/{document_id},
# so that /clearance/summary is not taken for a document number.
router.include_router(summary_pages.router)


# --- follow-up requests from an inventory's page -------------------------------------------


def _document_page(
    request: Request,
    principal: Principal,
    session: Session,
    document_id: int,
    *,
    error: DomainError | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    document = service.get_document(session, principal=principal, document_id=document_id)
    versions, receipts = service.timeline(session, document_id=document.id)
    offers = service.offers(session, principal, document)
    return render(
        request,
        "clearance/document.html",
        {
            "document": document,
            # Cancellations, returns, summary applications ... are sent to customs on their own.
            "standalone": not service.BY_MESSAGE[document.message_type].set_member
            and not service.BY_MESSAGE[document.message_type].issued_status,
            "versions": versions,
            "receipts": receipts,
            "status_label": service.status_label,
            "offers": offers,
            "follow_ups": service.follow_ups(session, inventory_ids=[document.id])
            if offers
            else [],
            "cancel_reasons": service.CANCEL_REASONS,
            "return_reasons": service.RETURN_REASONS,
            "transport": service.transport_defaults(document) if offers else {},
            "follow_up_labels": FOLLOW_UP_LABELS,
            "error": error,
            "errors": {e.field: e.reason for e in error.errors} if error else {},
            "form": form or {},
        },
        status_code=status_code,
    )


FOLLOW_UP_LABELS = {
    "cancellation": N_("Cancellation (CEB623)"),
    "export_cancellation": N_("Export cancellation (CEB605)"),
    "return": N_("Return (CEB625)"),
    "export_return": N_("Export return (CEB213)"),
    "return_tally": N_("Return tally (CEB215)"),
}


def _follow_up(
    request: Request,
    principal: Principal,
    session: Session,
    document_id: int,
    form: FormData,
    make: Callable[[], ClearanceDocument],
) -> Response:
    try:
        created = make()
    except DomainError as exc:
        if exc.status == 404:
            raise
        session.rollback()
        return _document_page(
            request,
            principal,
            session,
            document_id,
            error=exc,
            form={k: _text(v) for k, v in form.items()},
            status_code=exc.status,
        )
    return RedirectResponse(f"/clearance/{created.id}", status_code=303)


def _return_lines(form: FormData) -> dict[int, str] | None:
    # "whole": everything left of every line; otherwise the qty_<gnum> fields filled in.
    if _text(form.get("scope")) != "lines":
        return None
    return {
        int(name[4:]): _text(value).strip()
        for name, value in form.items()
        if name.startswith("qty_") and name[4:].isdigit() and _text(value).strip()
    }


def _request(
    session: Session,
    principal: Principal,
    document: ClearanceDocument,
    action: str,
    form: FormData,
) -> Callable[[], ClearanceDocument]:
    # The use case behind each follow-up form, with the form's fields.
    reason, reason_text = _text(form.get("reason")), _text(form.get("reason_text"))
    if action == "cancel":
        return lambda: service.request_cancellation(
            session,
            reason=reason,
            reason_text=reason_text,
            principal=principal,
            inventory_id=document.id,
        )
    if action == "return-tally":
        return lambda: service.request_return_tally(
            session,
            location=_text(form.get("location")),
            principal=principal,
            inventory_id=document.id,
        )
    lines = _return_lines(form)
    if document.kind == "export_inventory":
        transport = service.Transport(
            **{f: _text(form.get(f)) for f in service.Transport.__dataclass_fields__}
        )
        return lambda: service.request_export_return(
            session,
            reason=reason,
            reason_text=reason_text,
            lines=lines,
            transport=transport,
            principal=principal,
            inventory_id=document.id,
        )
    return lambda: service.request_import_return(
        session,
        reason=reason,
        reason_text=reason_text,
        lines=lines,
        principal=principal,
        inventory_id=document.id,
    )


@router.post("/clearance/{document_id}/{action}", response_class=HTMLResponse)
def follow_up_request(
    request: Request,
    document_id: int,
    action: Literal["cancel", "return", "return-tally"],
    principal: CurrentPrincipal,
    session: DbSession,
    form: Annotated[FormData, Depends(_form_data)],
) -> Response:
    """Make a follow-up request from an inventory's page: cancel (CEB623/605), return (import
    CEB625, export CEB213: whole or chosen lines) or return tally (CEB215), then show it."""
    document = service.get_document(session, principal=principal, document_id=document_id)
    return _follow_up(
        request,
        principal,
        session,
        document_id,
        form,
        _request(session, principal, document, action, form),
    )


@router.get("/clearance/{document_id}", response_class=HTMLResponse)
def document_page(
    request: Request, document_id: int, principal: CurrentPrincipal, session: DbSession
) -> Response:
    """Show a document's versions and receipts, and on an inventory its follow-up requests."""
    return _document_page(request, principal, session, document_id)


DeclaredVersions = Callable[[Session, Sequence[int]], Mapping[int, set[int]]]
"""For document ids, the versions of each already sent to customs (registered by the link)."""
_DECLARED_VERSIONS: list[DeclaredVersions] = []


def register_declared_versions(provider: DeclaredVersions) -> DeclaredVersions:
    """Let the customs link tell the order page what it has sent (clearance never imports it)."""
    _DECLARED_VERSIONS.append(provider)
    return provider


def _declaration(session: Session, documents: Sequence[ClearanceDocument]) -> str:
    # "none": customs has none of the set; "all": every document's current version is sent;
    # "changes": customs has the set, but some documents changed since (or were never sent).
    sent: dict[int, set[int]] = {}
    for provider in _DECLARED_VERSIONS:
        for document_id, versions in provider(session, [d.id for d in documents]).items():
            sent.setdefault(document_id, set()).update(versions)
    if not any(sent.values()):
        return "none"
    current = all(d.version in sent.get(d.id, set()) for d in documents)
    return "all" if current else "changes"


@router.get("/clearance/orders/{order_no}", response_class=HTMLResponse)
def order_set_page(
    request: Request, order_no: str, principal: CurrentPrincipal, session: DbSession
) -> Response:
    """Show an order's four documents side by side, the pre-flight check with its fixes, and
    whether customs has the set: the declare button only while something is left to send."""
    result = service.preflight(session, principal=principal, order_no=order_no)
    present = [d for d in result.documents.values() if d is not None]
    return render(
        request,
        "clearance/order_set.html",
        {
            "result": result,
            "declaration": _declaration(session, present),
            "status_label": service.status_label,
            "kind_labels": KIND_LABELS,
            "follow_ups": service.follow_ups_of_order(
                session, principal=principal, order_no=order_no
            ),
            "follow_up_labels": FOLLOW_UP_LABELS,
        },
    )


KIND_LABELS = {
    "order": N_("Order (CEB311)"),
    "payment": N_("Payment (CEB411)"),
    "waybill": N_("Waybill (CEB511)"),
    "inventory": N_("Inventory list (CEB621)"),
    "export_order": N_("Export order (CEB303)"),
    "collection": N_("Collection (CEB403)"),
    "export_waybill": N_("Export waybill (CEB505)"),
    "export_inventory": N_("Export inventory list (CEB603)"),
}


@register_todos
def clearance_todos(session: Session, principal: Principal) -> list[TodoItem]:
    """The declarant's order sets that are not ready to declare, each a link to its fixes."""
    # The kept check of each set (refreshed as its documents arrive): no check runs here.
    return [
        TodoItem(
            N_("Order %(no)s is not ready to declare: %(n)s problem(s) to fix."),
            f"/clearance/orders/{check.order_no}",
            {"no": check.order_no, "n": check.failure_count},
        )
        for check in service.sets_not_ready(session, principal=principal)
    ]
