"""Tax JSON API: the public consumer quota check."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from opencbec.errors import FieldError, InvalidInput
from opencbec.kit.time import utcnow
from opencbec.problems import PROBLEM_JSON, from_domain_error
from opencbec.tax import service
from opencbec.webkit import (
    ANON_CSRF_COOKIE,
    PROBLEM_RESPONSES,
    DbSession,
    csrf_token,
    locale_of,
    set_cookie,
    settings_of,
)

_LIMITED: dict[int | str, dict[str, Any]] = {
    429: {
        "description": "Too many lookups for this ID number or from this address; see Retry-After (problem details)",
        "headers": {
            "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
        },
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }
}
router = APIRouter(prefix="/api/v1/tax", tags=["tax"], responses={**PROBLEM_RESPONSES, **_LIMITED})


class CsrfTokenRead(BaseModel):
    """A CSRF token for an anonymous caller, bound to the cookie set with it."""

    csrf_token: str


class QuotaCheck(BaseModel):
    """A person's resident ID number (GB 11643, 18 characters) and name."""

    model_config = ConfigDict(extra="forbid")

    id_number: str = Field(max_length=40, examples=["11010519491231002X"])
    name: str = Field(max_length=200, examples=["张三"])


class QuotaStatementRead(BaseModel):
    """This year's quota for the ID number and name, masked; amounts are decimal strings (CNY)."""

    masked_id_number: str = Field(examples=["1101************2X"])
    masked_name: str = Field(examples=["张*"])
    year: int
    annual_limit: str
    recorded: bool = Field(
        description="False when no declaration of this year matches the ID number and name "
        "(unknown ID and wrong name answer alike)"
    )
    used: str
    pending: str = Field(description="The part of `used` declared but not yet released")
    remaining: str
    message: str | None = Field(description="The neutral answer when nothing is recorded")


@router.get("/quota-check/csrf", response_model=CsrfTokenRead)
def quota_check_token(request: Request) -> Response:
    """Return a CSRF token (and its cookie) for an anonymous quota check; send it as X-CSRF-Token."""
    response = JSONResponse({"csrf_token": csrf_token(request)})
    nonce: str | None = getattr(request.state, "new_csrf_nonce", None)
    if nonce is not None:
        set_cookie(request, response, ANON_CSRF_COOKIE, nonce, max_age=None, samesite="strict")
    return response


@router.post(
    "/quota-check",
    response_model=QuotaStatementRead,
    openapi_extra={
        "parameters": [
            {
                "name": "X-CSRF-Token",
                "in": "header",
                "required": False,
                "schema": {"type": "string"},
                "description": "From GET /api/v1/tax/quota-check/csrf; not needed with an API key",
            }
        ]
    },
)
def quota_check(body: QuotaCheck, request: Request, session: DbSession) -> Response:
    """Check a person's annual CBEC quota (CNY 26,000): no login; 5 lookups an hour per ID number,
    30 per address. Unknown ID numbers and wrong names get the same neutral answer."""
    now = utcnow()
    locale = locale_of(request)
    try:
        statement = service.look_up_quota(
            session,
            id_number=body.id_number,
            name=body.name,
            client_key=service.client_key(
                settings_of(request).secret_key, request.client.host if request.client else ""
            ),
            year=service.quota_year(now),
            now=now,
        )
    except InvalidInput as exc:
        raise InvalidInput(
            [FieldError(f"body.{e.field}", e.reason, e.code) for e in exc.errors], exc.message
        ) from None
    except service.TooManyLookups as exc:
        return JSONResponse(
            from_domain_error(exc, locale=locale, instance=request.url.path),
            status_code=429,
            media_type=PROBLEM_JSON,
            headers={"Retry-After": str(exc.retry_after)},
        )
    read = QuotaStatementRead(
        masked_id_number=statement.masked_id_number,
        masked_name=statement.masked_name,
        year=statement.year,
        annual_limit=format(statement.annual_limit, "f"),
        recorded=statement.recorded,
        used=format(statement.used, "f"),
        pending=format(statement.pending, "f"),
        remaining=format(statement.remaining, "f"),
        message=None if statement.recorded else service.NOTHING_RECORDED.get(locale),
    )
    return JSONResponse(read.model_dump(), headers={"Cache-Control": "no-store"})
