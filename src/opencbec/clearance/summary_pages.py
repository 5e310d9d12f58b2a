"""Export summary declaration pages (清单核放、汇总申报): the months with released export
inventories, a month's groups before preparation, preparation in rounds with its progress, the
applications with their lines and summary results, and the home reminder."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from opencbec.clearance import service
from opencbec.errors import DomainError
from opencbec.identity.rules import Principal
from opencbec.kit.i18n import N_
from opencbec.webkit import CurrentPrincipal, DbSession, TodoItem, register_todos, render

router = APIRouter(include_in_schema=False)


# --- export summary declaration (清单核放、汇总申报) -------------------------------------------


@router.get("/clearance/summary", response_class=HTMLResponse)
def summary_page(request: Request, principal: CurrentPrincipal, session: DbSession) -> Response:
    """List the months with released export inventories and the summary applications."""
    return render(
        request,
        "clearance/summary.html",
        {
            "months": service.months(session, principal=principal),
            "applications": service.list_applications(session, principal=principal),
            "status_label": service.status_label,
        },
    )


@router.get("/clearance/summary/applications/{application_id}", response_class=HTMLResponse)
def summary_application_page(
    request: Request, application_id: int, principal: CurrentPrincipal, session: DbSession
) -> Response:
    """Show one summary application: its lines, its inventories and its summary results."""
    detail = service.application_detail(session, principal=principal, application_id=application_id)
    _versions, receipts = service.timeline(session, document_id=detail.document.id)
    return render(
        request,
        "clearance/summary_application.html",
        {"detail": detail, "receipts": receipts, "status_label": service.status_label},
    )


def _month_page(
    request: Request,
    principal: Principal,
    session: Session,
    month: str,
    *,
    summary_flag: str = "1",
    error: DomainError | None = None,
    status_code: int = 200,
) -> Response:
    preview = service.preview_month(
        session, principal=principal, month=month, summary_flag=summary_flag
    )
    top = max([g.value for g in preview.groups] or [Decimal(1)])
    return render(
        request,
        "clearance/summary_month.html",
        {
            "preview": preview,
            "top_value": top,
            "error": error,
            "flags": SUMMARY_FLAG_LABELS,
            "why_labels": WHY_LABELS,
        },
        status_code=status_code,
    )


SUMMARY_FLAG_LABELS = {
    "1": N_("By consignor (e-commerce enterprise) only"),
    "2": N_("By consignor and producer/seller"),
}
WHY_LABELS = {
    service.summary_groups.NO_REFUND_TABLE: service.summary_groups.NO_REFUND_TABLE,
    service.summary_groups.HAS_REFUND: service.summary_groups.HAS_REFUND,
    service.summary_groups.HAS_LICENCE: service.summary_groups.HAS_LICENCE,
    service.summary_groups.DECLARED_B: service.summary_groups.DECLARED_B,
    service.summary_groups.STATISTICS: service.summary_groups.STATISTICS,
}


@router.get("/clearance/summary/{month}", response_class=HTMLResponse)
def summary_month_page(
    request: Request,
    month: str,
    principal: CurrentPrincipal,
    session: DbSession,
    summary_flag: str = "1",
) -> Response:
    """Preview a month's groups (counts, values) before the applications are prepared."""
    return _month_page(request, principal, session, month, summary_flag=summary_flag)


@router.post("/clearance/summary/{month}/prepare", response_class=HTMLResponse)
def summary_prepare(
    request: Request,
    month: str,
    principal: CurrentPrincipal,
    session: DbSession,
    summary_flag: Annotated[str, Form()] = "1",
    decl_agent_code: Annotated[str, Form()] = "",
    decl_agent_name: Annotated[str, Form()] = "",
) -> Response:
    """Prepare one round of the month's applications and show the progress."""
    try:
        report = service.prepare_applications(
            session,
            principal=principal,
            month=month,
            summary_flag=summary_flag,
            decl_agent_code=decl_agent_code,
            decl_agent_name=decl_agent_name,
            round_size=SUMMARY_ROUND,
        )
    except DomainError as exc:
        session.rollback()
        return _month_page(
            request,
            principal,
            session,
            month,
            summary_flag=summary_flag if summary_flag in service.SUMMARY_FLAGS else "1",
            error=exc,
            status_code=exc.status,
        )
    # A month with no released inventory at all has no row: nothing done, nothing left.
    counts = {m.month: (m.done, m.pending) for m in service.months(session, principal=principal)}
    done, pending = counts.get(month, (0, 0))
    return render(
        request,
        "clearance/summary_progress.html",
        {
            "report": report,
            "done": done,
            "total": done + pending,
            "form": {
                "summary_flag": summary_flag,
                "decl_agent_code": decl_agent_code,
                "decl_agent_name": decl_agent_name,
            },
        },
    )


SUMMARY_ROUND = 500  # inventories per round in the browser, so each answer comes back quickly


@register_todos
def summary_todos(session: Session, principal: Principal) -> list[TodoItem]:
    """Months whose released export inventories still wait for their summary applications."""
    return [
        TodoItem(
            N_(
                "Summary declaration for %(month)s is late: it was due on %(deadline)s; %(n)s released export inventories wait."
            )
            if due.late
            else N_(
                "Summary declaration for %(month)s: %(n)s released export inventories to prepare by %(deadline)s."
            ),
            f"/clearance/summary/{due.month}",
            {"month": due.month, "n": due.pending, "deadline": due.deadline.isoformat()},
        )
        for due in service.due_months(session, principal=principal)
    ]
