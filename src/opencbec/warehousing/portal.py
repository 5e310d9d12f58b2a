"""The bonded warehouse on the portal: released goods waiting to leave, goods still in
clearance, and what left by month."""

from __future__ import annotations

from typing import Final

from sqlalchemy.orm import Session

from opencbec.identity.models import OrgRole
from opencbec.identity.rules import Principal
from opencbec.kit.charts import BarChart, bar_chart
from opencbec.kit.i18n import N_
from opencbec.warehousing import service
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

BONDED_PAGE: Final = "/warehousing/bonded"
FIGURES: Final = "warehousing.bonded_figures"


def month_chart(per_month: list[tuple[str, int]]) -> BarChart | None:
    """Return the released bonded inventories by month as a chart, or None."""
    chart = bar_chart(N_("Bonded inventories released by month"), per_month)
    return chart if chart.total else None


def _figures(session: Session, principal: Principal) -> service.BondedFigures:
    # A warehouse's to-do and panel are on one page: counted once per request.
    return read_once(
        session,
        f"{FIGURES}:{principal.organisation_id}",
        lambda s: service.bonded_figures(s, scope=service.scope_of(s, principal)),
    )


@register_todos
def warehouse_todos(session: Session, principal: Principal) -> list[TodoItem]:
    """A warehouse operator: released goods to dispatch, goods held for customs."""
    if not principal.has_role(OrgRole.WAREHOUSE_OPERATOR):
        return []
    counts = _figures(session, principal).stages
    items = []
    if counts["dispatch"]:
        items.append(
            TodoItem(
                N_(
                    "%(n)s bonded (1210) inventories are released by customs: pick the goods and dispatch them to the buyers."
                ),
                BONDED_PAGE + "#inventories",
                {"n": counts["dispatch"]},
            )
        )
    if counts["customs"]:
        items.append(
            TodoItem(
                N_(
                    "%(n)s bonded (1210) inventories are still with customs: keep their goods in the warehouse."
                ),
                BONDED_PAGE + "#inventories",
                {"n": counts["customs"]},
            )
        )
    return items


@register_panels
def warehouse_panels(session: Session, principal: Principal) -> list[Panel]:
    """Bonded inventories by stage, and releases by month."""
    if not service.sees_bonded(principal):
        return []
    figures = _figures(session, principal)
    if not figures.inventories:
        return []
    counts = figures.stages
    return [
        Panel(
            N_("Bonded warehouse (1210)"),
            (
                Figure(N_("Bonded inventories"), str(figures.inventories), BONDED_PAGE),
                Figure(N_("Released, waiting for dispatch"), str(counts["dispatch"])),
                Figure(N_("With customs"), str(counts["customs"])),
                Figure(N_("Delivered"), str(counts["delivered"])),
            ),
            month_chart(figures.delivered_per_month),
        )
    ]


register_nav(NavItem(BONDED_PAGE, N_("Bonded warehouse (1210)"), visible=service.sees_bonded))
