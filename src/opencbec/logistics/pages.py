"""The zone's parcels by carrier, and the parcels that need attention."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from opencbec.kit.i18n import N_, translator
from opencbec.kit.report import Table
from opencbec.logistics import portal, service
from opencbec.webkit import CurrentPrincipal, DbSession, Figure, locale_of, render

router = APIRouter(include_in_schema=False)
_DIRECTIONS = {"import": N_("Import"), "export": N_("Export")}


@router.get(portal.PARCELS_PAGE, response_class=HTMLResponse)
def parcels_page(request: Request, session: DbSession, principal: CurrentPrincipal) -> Response:
    """Show the carriers' parcels and those customs inspected, holds or refused."""
    service.require_reader(principal)
    gettext = translator(locale_of(request)).gettext
    found = service.parcels(session)
    carriers = service.by_carrier(found)
    attention = [p for p in found if p.held or p.inspected or p.status == service.REFUSED]
    tables = [
        Table(
            "carriers",
            N_("Carriers"),
            (
                (N_("Carrier"), False),
                (N_("Parcels"), True),
                (N_("Import"), True),
                (N_("Export"), True),
                (N_("Released"), True),
                (N_("Inspected"), True),
                (N_("Held now"), True),
                (N_("Refused"), True),
            ),
            [
                [
                    f"{c.name} ({c.code})",
                    str(c.parcels),
                    str(c.imports),
                    str(c.exports),
                    str(c.released),
                    str(c.inspected),
                    str(c.held),
                    str(c.refused),
                ]
                for c in carriers
            ],
            N_("No parcel declared yet."),
        ),
        Table(
            "attention",
            N_("Parcels customs inspected, holds or refused"),
            (
                (N_("Waybill"), False),
                (N_("Carrier"), False),
                (N_("Direction"), False),
                (N_("Order"), False),
                (N_("Month"), False),
                (N_("Status"), False),
                (N_("Inspected"), False),
            ),
            [
                [
                    p.logistics_no,
                    p.carrier_name,
                    gettext(_DIRECTIONS[p.direction]),
                    p.order_no,
                    p.month or "—",
                    p.status,
                    "✓" if p.inspected else "—",
                ]
                for p in attention
            ],
            N_("No parcel needs attention."),
        ),
    ]
    return render(
        request,
        "report/report.html",
        {
            "title": N_("Cross-border parcels by carrier"),
            "lead": N_(
                "Every declared inventory is a parcel of its carrier (the waybill's logistics enterprise). Customs receipts say which it inspected (500), holds for review or inspection now (300, 500) or refused (100)."
            ),
            "figures": [
                Figure(N_("Carriers"), str(len(carriers))),
                Figure(N_("Parcels declared"), str(len(found))),
                Figure(N_("Inspected by customs"), str(sum(p.inspected for p in found))),
                Figure(N_("Held by customs now"), str(sum(p.held for p in found))),
            ],
            "chart": portal.month_chart(service.per_month(found)),
            "tables": tables,
        },
    )
