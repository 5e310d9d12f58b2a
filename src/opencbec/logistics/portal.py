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
    read_once,
    register_nav,
    register_panels,
    register_todos,
)

PARCELS_PAGE: Final = "/logistics/parcels"
FIGURES: Final = "logistics.parcel_figures"


def month_chart(per_month: list[tuple[str, int]]) -> BarChart | None:
    """Return the parcels by month as a chart, or None with nothing to draw."""
    chart = bar_chart(N_("Parcels declared by month"), per_month)
    return chart if chart.total else None


def _figures(session: Session) -> service.ParcelFigures:
    # The post's to-do and panel are on one page: counted once per request.
    return read_once(session, FIGURES, service.parcel_figures)


@register_todos
def post_todos(session: Session, principal: Principal) -> list[TodoItem]:
    """The postal administration: parcels customs holds now, and parcels it refused."""
    if principal.department is not Department.POST or not service.sees_parcels(principal):
        return []
    figures = _figures(session)
    if not (figures.held or figures.refused or figures.inspected):
        return []
    return [
        TodoItem(
            N_(
                "Customs holds %(held)s parcels now; %(refused)s were refused and %(inspected)s inspected: see them by carrier."
            ),
            PARCELS_PAGE + "#attention",
            {"held": figures.held, "refused": figures.refused, "inspected": figures.inspected},
        )
    ]


@register_panels
def parcel_panels(session: Session, principal: Principal) -> list[Panel]:
    """The zone's carriers and parcels in figures, and the parcels by month."""
    if not service.sees_parcels(principal):
        return []
    figures = _figures(session)
    if not figures.parcels:
        return []
    return [
        Panel(
            N_("Cross-border parcels by carrier"),
            (
                Figure(N_("Carriers"), str(figures.carriers), PARCELS_PAGE),
                Figure(N_("Parcels declared"), str(figures.parcels)),
                Figure(N_("Inspected by customs"), str(figures.inspected)),
                Figure(N_("Refused by customs"), str(figures.refused)),
            ),
            month_chart(figures.per_month),
        )
    ]


register_nav(
    NavItem(PARCELS_PAGE, N_("Cross-border parcels by carrier"), visible=service.sees_parcels)
)
