"""The public consumer quota page (公民个人跨境电商年度交易额度查询): no login, CSRF-protected form;
the tax bureau's page of export refund candidates and import tax bills."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from opencbec.errors import Forbidden, InvalidInput
from opencbec.kit.i18n import N_
from opencbec.kit.money import shown_amount
from opencbec.kit.report import Table
from opencbec.kit.time import utcnow
from opencbec.tax import portal, service
from opencbec.webkit import (
    CurrentPrincipal,
    DbSession,
    Figure,
    OptionalPrincipal,
    format_amount,
    render,
    settings_of,
)

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


@router.get(portal.EXPORTS_PAGE, response_class=HTMLResponse)
def exports_page(request: Request, session: DbSession, principal: CurrentPrincipal) -> Response:
    """Show the export refund candidates and the import tax bills by month."""
    if not service.sees_tax(principal):
        raise Forbidden()
    refunds = service.export_refunds(session)
    months = service.import_tax_by_month(session)
    candidates = [r for r in refunds if r.candidate]
    tables = [
        Table(
            "refunds",
            N_("Released exports: export tax refund candidates"),
            (
                (N_("Inventory (invtNo)"), False),
                (N_("Seller"), False),
                (N_("Mode"), False),
                (N_("Month"), False),
                (N_("Value (CNY)"), True),
                (N_("Declaration number (CEB792)"), False),
            ),
            [
                [
                    r.invt_no,
                    r.seller_name,
                    r.trade_mode,
                    r.month or "—",
                    format_amount(r.value),
                    r.declaration_no or "—",
                ]
                for r in refunds
            ],
            N_("No export released yet."),
        ),
        Table(
            "import-tax",
            N_("Import tax bills (CEB816) by month"),
            (
                (N_("Month"), False),
                (N_("Tax bills"), True),
                (N_("Due (status 1)"), True),
                (N_("Customs duty (CNY)"), True),
                (N_("VAT (CNY)"), True),
                (N_("Consumption tax (CNY)"), True),
                (N_("Total (CNY)"), True),
                (N_("Due (CNY)"), True),
            ),
            [
                [
                    m.month,
                    str(m.bills),
                    str(m.due),
                    format_amount(m.customs_tax),
                    format_amount(m.value_added_tax),
                    format_amount(m.consumption_tax),
                    format_amount(m.total),
                    format_amount(m.due_amount),
                ]
                for m in months
            ],
            N_("No import tax bill yet."),
        ),
    ]
    return render(
        request,
        "report/report.html",
        {
            "title": N_("Export tax refunds and import tax"),
            "lead": N_(
                "Released 9610, 9710 and 9810 export inventories: one is a refund candidate once the customs summary result (CEB792) gives its declaration number. Import tax bills (CEB816) are due while at status 1 (generated)."
            ),
            "figures": [
                Figure(N_("Released exports"), str(len(refunds))),
                Figure(N_("Refund candidates"), str(len(candidates))),
                Figure(
                    N_("Value of refund candidates (CNY)"),
                    shown_amount(sum((r.value for r in candidates), Decimal(0))),
                ),
                Figure(N_("Import tax bills due"), str(sum(m.due for m in months))),
            ],
            "chart": portal.tax_chart(months),
            "tables": tables,
        },
    )
