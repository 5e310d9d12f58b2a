"""The bonded warehouse's inventories: what to dispatch, what waits for customs."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from opencbec.kit.i18n import N_, translator
from opencbec.kit.report import Table
from opencbec.warehousing import portal, service
from opencbec.webkit import CurrentPrincipal, DbSession, Figure, format_amount, locale_of, render

router = APIRouter(include_in_schema=False)
STAGES = {
    "dispatch": N_("Released: dispatch"),
    "customs": N_("With customs"),
    "refused": N_("Refused"),
    "delivered": N_("Delivered"),
}


@router.get(portal.BONDED_PAGE, response_class=HTMLResponse)
def bonded_page(request: Request, session: DbSession, principal: CurrentPrincipal) -> Response:
    """Show the bonded inventories in the caller's scope, those to dispatch first."""
    found = service.bonded_inventories(session, scope=service.scope_of(session, principal))
    counts = service.stages(found)
    gettext = translator(locale_of(request)).gettext
    table = Table(
        "inventories",
        N_("Bonded (1210) inventories"),
        (
            (N_("Order"), False),
            (N_("Inventory (invtNo)"), False),
            (N_("Warehouse"), False),
            (N_("Seller"), False),
            (N_("Month"), False),
            (N_("Value (CNY)"), True),
            (N_("Status"), False),
            (N_("Stage"), False),
        ),
        [
            [
                i.order_no,
                i.invt_no or "—",
                i.area_name or i.area_code,
                i.seller_name,
                i.month or "—",
                format_amount(i.value),
                i.status,
                gettext(STAGES[i.stage]),
            ]
            for i in found
        ],
        N_("No bonded inventory names this warehouse yet."),
    )
    return render(
        request,
        "report/report.html",
        {
            "title": N_("Bonded warehouse (1210)"),
            "lead": N_(
                "Bonded import inventories (1210) that name the warehouse as their area (areaCode). Released goods (800) wait to be picked and dispatched to the buyer; goods stay in the warehouse until customs releases them; 899 is delivered."
            ),
            "figures": [
                Figure(N_("Bonded inventories"), str(len(found))),
                Figure(N_("Released, waiting for dispatch"), str(counts["dispatch"])),
                Figure(N_("With customs"), str(counts["customs"])),
                Figure(N_("Delivered"), str(counts["delivered"])),
            ],
            "chart": portal.month_chart(service.delivered_per_month(found)),
            "tables": [table],
        },
    )
