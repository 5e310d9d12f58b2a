"""Notification pages: the list, open one (marks it read and follows its link), mark all read."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from opencbec.notifications import service
from opencbec.webkit import CurrentPrincipal, DbSession, notice_text, render, safe_next

router = APIRouter(include_in_schema=False)


@router.get("/notifications", response_class=HTMLResponse)
def notifications_page(
    request: Request, principal: CurrentPrincipal, session: DbSession, unread: str = ""
) -> Response:
    """List the caller's notifications, newest first (only the unread ones with ?unread=1)."""
    rows = (
        service.list_notifications(session, user_id=principal.user_id, unread_only=unread == "1")
        if principal.user_id is not None
        else []
    )
    return render(
        request,
        "notifications/list.html",
        {
            "rows": [(n, notice_text(request, n.text, n.values)) for n in rows],
            "unread_only": unread == "1",
        },
    )


@router.post("/notifications/{notification_id}/open")
def notification_open(
    notification_id: int, principal: CurrentPrincipal, session: DbSession
) -> Response:
    """Mark a notification read and go where it points."""
    notification = service.mark_read(
        session, user_id=principal.user_id or 0, notification_id=notification_id
    )
    return RedirectResponse(safe_next(notification.href), status_code=303)


@router.post("/notifications/read")
def notifications_read_all(principal: CurrentPrincipal, session: DbSession) -> Response:
    """Mark every notification of the caller read."""
    if principal.user_id is not None:
        service.mark_all_read(session, user_id=principal.user_id)
    return RedirectResponse("/notifications", status_code=303)
