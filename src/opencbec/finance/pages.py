"""Pages of the financial services: export collections (a bank's clients, or the zone) and the
reconciliation of collections against released exports by seller."""

from __future__ import annotations

from decimal import Decimal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from opencbec.finance import portal, service
from opencbec.kit.i18n import N_
from opencbec.kit.money import shown_amount
from opencbec.kit.report import Table
from opencbec.webkit import CurrentPrincipal, DbSession, Figure, format_amount, render

router = APIRouter(include_in_schema=False)
TEMPLATE = "report/report.html"


def _status(status: str | None) -> str:
    return status if status is not None else "—"


@router.get(portal.COLLECTIONS_PAGE, response_class=HTMLResponse)
def collections_page(request: Request, session: DbSession, principal: CurrentPrincipal) -> Response:
    """Show the export collections the caller sees, those ready for settlement first."""
    scope = service.scope_of(session, principal)
    collections = service.export_collections(session, scope=scope)
    ready = service.settleable(collections)
    table = Table(
        "collections",
        N_("Export collections (CEB403)"),
        (
            (N_("Order"), False),
            (N_("Seller"), False),
            (N_("Payment enterprise"), False),
            (N_("Month"), False),
            (N_("Amount (CNY)"), True),
            (N_("Export inventory status"), False),
            (N_("Ready for settlement"), False),
        ),
        [
            [
                c.order_no,
                c.seller_name,
                c.payer_name,
                c.month or "—",
                format_amount(c.amount),
                _status(c.export_status),
                "✓" if c.settleable else "—",
            ]
            for c in sorted(collections, key=lambda c: not c.settleable)
        ],
        N_("No export collection yet."),
    )
    figures = [
        Figure(N_("Export collections"), str(len(collections))),
        Figure(N_("Ready for settlement"), str(len(ready))),
        Figure(
            N_("Collections of released exports (CNY)"),
            shown_amount(sum((c.amount for c in ready), Decimal(0))),
        ),
    ]
    if scope.sellers is not None:
        figures.insert(0, Figure(N_("Client enterprises"), str(len(scope.sellers))))
    return render(
        request,
        TEMPLATE,
        {
            "title": N_("Export collections and FX settlement"),
            "lead": N_(
                "Collections (CEB403) of export orders. One is ready for settlement in foreign exchange when customs released the order's export inventory (800 or 899). A bank sees the enterprises whose approved filing names an account with it."
            ),
            "figures": figures,
            "chart": portal.month_chart(N_("Export collections by month (CNY)"), collections),
            "tables": [table],
        },
    )


@router.get(portal.RECONCILIATION_PAGE, response_class=HTMLResponse)
def reconciliation_page(
    request: Request, session: DbSession, principal: CurrentPrincipal
) -> Response:
    """Show each seller's collections against its declared and released exports."""
    rows = service.reconcile(session, scope=service.scope_of(session, principal))
    table = Table(
        "sellers",
        N_("Sellers: collections against exports"),
        (
            (N_("Seller"), False),
            (N_("Collections"), True),
            (N_("Collected (CNY)"), True),
            (N_("Export inventories"), True),
            (N_("Declared (CNY)"), True),
            (N_("Released (CNY)"), True),
            (N_("Difference (CNY)"), True),
            (N_("Beyond the tolerance"), False),
        ),
        [
            [
                f"{r.seller_name} ({r.seller_code})",
                str(r.collections),
                format_amount(r.collected),
                str(r.inventories),
                format_amount(r.declared),
                format_amount(r.released),
                format_amount(r.difference),
                "⚠" if r.mismatch else "—",
            ]
            for r in rows
        ],
        N_("No export declared yet."),
    )
    return render(
        request,
        TEMPLATE,
        {
            "title": N_("Collections against released exports"),
            "lead": N_(
                "For each seller, the money collected (CEB403) against the goods value of its export inventories, declared and released by customs. A difference beyond 5% (at least CNY 1.00) is a mismatch to check: money in without a released export, or exports without collections."
            ),
            "figures": [
                Figure(N_("Sellers"), str(len(rows))),
                Figure(N_("Sellers beyond the tolerance"), str(sum(r.mismatch for r in rows))),
            ],
            "chart": None,
            "tables": [table],
        },
    )
