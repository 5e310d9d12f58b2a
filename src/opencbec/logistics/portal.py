"""The zone's parcels on the portal: the postal administration's to-do of parcels customs holds
or refused, and the carriers' parcels in figures and by month."""

from __future__ import annotations

from typing import Final

from sqlalchemy.orm import Session

from opencbec.identity.models import Department
from opencbec.identity.rules import Principal
from opencbec.kit.charts import BarChart, bar_chart
from opencbec.kit.i18n import N_
from opencbec.logistics import service
from opencbec.webkit import (
    Figure,
    NavItem,
    Panel,
    TodoItem,
    register_nav,
    register_panels,
    register_todos,
)

PARCELS_PAGE: Final = "/logistics/parcels"


def month_chart(found: list[service.Parcel]) -> BarChart | None:
    """Return the parcels by month as a chart, or None with nothing to draw."""
    chart = bar_chart(N_("Parcels declared by month"), service.per_month(found))
    return chart if chart.total else None


@register_todos
def post_todos(session: Session, principal: Principal) -> list[TodoItem]:
    """The postal administration: parcels customs holds now, and parcels it refused."""
    if principal.department is not Department.POST or not service.sees_parcels(principal):
        return []
    found = service.parcels(session)
    held = sum(p.held for p in found)
    refused = sum(p.status == service.REFUSED for p in found)
    inspected = sum(p.inspected for p in found)
    if not (held or refused or inspected):
        return []
    return [
        TodoItem(
            N_(
                "Customs holds %(held)s parcels now; %(refused)s were refused and %(inspected)s inspected: see them by carrier."
            ),
            PARCELS_PAGE + "#attention",
            {"held": held, "refused": refused, "inspected": inspected},
        )
    ]


@register_panels
def parcel_panels(session: Session, principal: Principal) -> list[Panel]:
    """The zone's carriers and parcels in figures, and the parcels by month."""
    if not service.sees_parcels(principal):
        return []
    found = service.parcels(session)
    if not found:
        return []
    return [
        Panel(
            N_("Cross-border parcels by carrier"),
            (
                Figure(N_("Carriers"), str(len(service.by_carrier(found))), PARCELS_PAGE),
                Figure(N_("Parcels declared"), str(len(found))),
                Figure(N_("Inspected by customs"), str(sum(p.inspected for p in found))),
                Figure(
                    N_("Refused by customs"), str(sum(p.status == service.REFUSED for p in found))
                ),
            ),
            month_chart(found),
        )
    ]


register_nav(
    NavItem(PARCELS_PAGE, N_("Cross-border parcels by carrier"), visible=service.sees_parcels)
)
