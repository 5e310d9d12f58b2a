"""Clearance pages: the declarant's documents, a document's timeline, and XML upload."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from opencbec.clearance import service
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


@router.get("/clearance/{document_id}", response_class=HTMLResponse)
def document_page(
    request: Request, document_id: int, principal: CurrentPrincipal, session: DbSession
) -> Response:
    """Show a document's versions and receipts."""
    document = service.get_document(session, principal=principal, document_id=document_id)
    versions, receipts = service.timeline(session, document_id=document.id)
    return render(
        request,
        "clearance/document.html",
        {
            "document": document,
            "versions": versions,
            "receipts": receipts,
            "status_label": service.status_label,
        },
    )


@router.get("/clearance/orders/{order_no}", response_class=HTMLResponse)
def order_set_page(
    request: Request, order_no: str, principal: CurrentPrincipal, session: DbSession
) -> Response:
    """Show an order's four documents side by side and the pre-flight check with its fixes."""
    result = service.preflight(session, principal=principal, order_no=order_no)
    return render(
        request,
        "clearance/order_set.html",
        {
            "result": result,
            "status_label": service.status_label,
            "kind_labels": KIND_LABELS,
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
    order_nos = sorted(
        {d.order_no for d in service.list_documents(session, principal=principal) if d.order_no}
    )
    items: list[TodoItem] = []
    for order_no in order_nos[:20]:
        result = service.preflight(session, principal=principal, order_no=order_no)
        if result.failures:
            items.append(
                TodoItem(
                    N_("Order %(no)s is not ready to declare: %(n)s problem(s) to fix."),
                    f"/clearance/orders/{order_no}",
                    {"no": order_no, "n": len(result.failures)},
                )
            )
    return items
