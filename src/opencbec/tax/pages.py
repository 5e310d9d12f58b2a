"""The public consumer quota page (公民个人跨境电商年度交易额度查询): no login, CSRF-protected form."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from opencbec.errors import InvalidInput
from opencbec.kit.time import utcnow
from opencbec.tax import portal as _portal  # noqa: F401 - registers the quota figures
from opencbec.tax import service
from opencbec.webkit import DbSession, OptionalPrincipal, render, settings_of

router = APIRouter(include_in_schema=False)
FormStr = Annotated[str, Form()]
TEMPLATE = "tax/quota.html"


def _context(**extra: Any) -> dict[str, Any]:
    return {
        "annual_limit": service.ANNUAL_LIMIT,
        "per_id": service.LOOKUPS_PER_ID,
        "errors": {},
        **extra,
    }


@router.get("/quota", response_class=HTMLResponse)
def quota_page(request: Request, principal: OptionalPrincipal) -> Response:
    """Show the quota check form."""
    return render(request, TEMPLATE, _context())


@router.post("/quota", response_class=HTMLResponse)
def quota_check(
    request: Request,
    session: DbSession,
    principal: OptionalPrincipal,
    id_number: FormStr = "",
    name: FormStr = "",
) -> Response:
    """Answer the quota check; what was typed is never sent back in full, not even on an error."""
    now = utcnow()
    try:
        statement = service.look_up_quota(
            session,
            id_number=id_number,
            name=name,
            client_key=service.client_key(
                settings_of(request).secret_key, request.client.host if request.client else ""
            ),
            year=service.quota_year(now),
            now=now,
        )
    except InvalidInput as exc:
        errors = {e.field: e.reason for e in exc.errors}
        return render(request, TEMPLATE, _context(errors=errors), status_code=422)
    except service.TooManyLookups as exc:
        response = render(request, TEMPLATE, _context(limited=exc), status_code=429)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    response = render(
        request, TEMPLATE, _context(statement=statement, nothing=service.NOTHING_RECORDED)
    )
    response.headers["Cache-Control"] = "no-store"
    return response
