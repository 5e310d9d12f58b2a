"""Tax JSON API: the public consumer quota check; export refund candidates and import tax
bills by month for the tax bureau."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from opencbec.errors import FieldError, Forbidden, InvalidInput
from opencbec.kit.time import utcnow
from opencbec.problems import PROBLEM_JSON, from_domain_error
from opencbec.tax import service
from opencbec.webkit import (
    ANON_CSRF_COOKIE,
    PROBLEM_RESPONSES,
    CurrentPrincipal,
    DbSession,
    csrf_token,
    locale_of,
    require_scope,
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
router = APIRouter(prefix="/api/v1/tax", tags=["tax"], responses=PROBLEM_RESPONSES)


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
    responses=_LIMITED,
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


class ExportRefundRead(BaseModel):
    """A released export inventory; a refund candidate once its declaration number is known."""

    model_config = ConfigDict(from_attributes=True)

    invt_no: str
    order_no: str
    seller_code: str
    seller_name: str
    trade_mode: str = Field(examples=["9610"])
    month: str | None = Field(description="YYYY-MM of the export date")
    value: Decimal = Field(description="Goods value, CNY")
    declaration_no: str | None = Field(
        description="From the summary result (CEB792); null while it has not come"
    )
    candidate: bool


class TaxMonthRead(BaseModel):
    """The import tax bills (CEB816) of a month; amounts are CNY decimal strings."""

    model_config = ConfigDict(from_attributes=True)

    month: str
    bills: int
    due: int = Field(description="Bills still at status 1 (generated)")
    customs_tax: Decimal
    value_added_tax: Decimal
    consumption_tax: Decimal
    total: Decimal
    due_amount: Decimal


def _tax_reader(principal: CurrentPrincipal) -> None:
    require_scope(principal, "tax:read")
    if not service.sees_tax(principal):
        raise Forbidden()


@router.get("/export-refunds", response_model=list[ExportRefundRead])
def export_refunds(session: DbSession, principal: CurrentPrincipal) -> list[ExportRefundRead]:
    """List the zone's released exports (9610/9710/9810), refund candidates first."""
    _tax_reader(principal)
    return [ExportRefundRead.model_validate(r) for r in service.export_refunds(session)]


@router.get("/import-tax", response_model=list[TaxMonthRead])
def import_tax(session: DbSession, principal: CurrentPrincipal) -> list[TaxMonthRead]:
    """List the zone's import tax bills by month, newest first (void bills left out)."""
    _tax_reader(principal)
    return [TaxMonthRead.model_validate(m) for m in service.import_tax_by_month(session)]
