"""Returns and cancellations by seller and by goods."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from opencbec.analytics import portal, service
from opencbec.kit.i18n import N_
from opencbec.kit.report import Table
from opencbec.webkit import CurrentPrincipal, DbSession, Figure, render

router = APIRouter(include_in_schema=False)


def _table(id_: str, title: str, first: str, rows: list[service.Rates]) -> Table:
    return Table(
        id_,
        title,
        (
            (first, False),
            (N_("Released inventories"), True),
            (N_("Returns"), True),
            (N_("Cancellations"), True),
            (N_("Rate"), True),
            (N_("Above 10%"), False),
        ),
        [
            [
                f"{r.name} ({r.key})" if r.name else r.key,
                str(r.released),
                str(r.returns),
                str(r.cancellations),
                f"{r.rate * 100:.1f}%",
                "⚠" if r.needs_attention else "—",
            ]
            for r in rows
        ],
        N_("No released inventory yet."),
    )


@router.get(portal.RETURNS_PAGE, response_class=HTMLResponse)
def returns_page(request: Request, session: DbSession, principal: CurrentPrincipal) -> Response:
    """Show the zone's return and cancellation rates by seller and by goods."""
    service.require_reader(principal)
    rates = service.return_rates(session)
    return render(
        request,
        "report/report.html",
        {
            "title": N_("Returns and cancellations"),
            "lead": N_(
                "Returns (CEB625) and cancellations (CEB623) asked for import inventories, against the inventories customs released, by seller and by goods (10-digit code). Above 10% needs a look: quality, descriptions, consumer complaints."
            ),
            "figures": [
                Figure(N_("Returns asked"), str(rates.returns)),
                Figure(N_("Cancellations asked"), str(rates.cancellations)),
            ],
            "chart": None,
            "tables": [
                _table("sellers", N_("By seller"), N_("Seller"), rates.by_seller),
                _table("goods", N_("By goods"), N_("Goods (code)"), rates.by_goods),
            ],
        },
    )
