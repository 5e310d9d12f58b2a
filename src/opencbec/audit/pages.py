"""Audit pages: your organisation's activity; platform-wide aggregates for zone administration."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from opencbec.audit import service
from opencbec.kit.time import utcnow
from opencbec.webkit import CurrentPrincipal, DbSession, render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    principal: CurrentPrincipal,
    session: DbSession,
    before: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    """Show the organisation's audit entries, newest first, page by page."""
    entries = service.list_entries(
        session, organisation_id=principal.organisation_id, before_seq=before, limit=PAGE_SIZE
    )
    by_action = (
        service.count_by_action(session, since=utcnow() - dt.timedelta(days=30))
        if principal.is_zone_admin
        else []
    )
    return render(
        request,
        "audit/log.html",
        {
            "entries": entries,
            "older": entries[-1].seq if len(entries) == PAGE_SIZE else None,
            "by_action": by_action,
            "max_count": max((n for _, n in by_action), default=1),
        },
    )
