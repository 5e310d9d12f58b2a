"""Returns and cancellations on the portal: market supervision's to-do of sellers and goods
whose rates need a look, and the zone's rates in figures."""

from __future__ import annotations

from typing import Final

from sqlalchemy.orm import Session

from opencbec.analytics import service
from opencbec.identity.models import Department
from opencbec.identity.rules import Principal
from opencbec.kit.charts import bar_chart
from opencbec.kit.i18n import N_
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

RETURNS_PAGE: Final = "/analytics/returns"
RATES: Final = "analytics.return_rates"


def _rates(session: Session) -> service.ReturnRates:
    # Market supervision's to-do and panel are on one page: read once per request.
    return read_once(session, RATES, service.return_rates)


@register_todos
def market_todos(session: Session, principal: Principal) -> list[TodoItem]:
    """Market supervision: sellers and goods whose returns and cancellations pass 10%."""
    if principal.department is not Department.MARKET_SUPERVISION:
        return []
    if not service.sees_returns(principal):
        return []
    rates = _rates(session)
    sellers = sum(r.needs_attention for r in rates.by_seller)
    goods = sum(r.needs_attention for r in rates.by_goods)
    if not (sellers or goods):
        return []
    return [
        TodoItem(
            N_(
                "%(sellers)s sellers and %(goods)s goods have returns and cancellations above 10%% of their released parcels: look at them."
            ),
            RETURNS_PAGE,
            {"sellers": sellers, "goods": goods},
        )
    ]


@register_panels
def returns_panels(session: Session, principal: Principal) -> list[Panel]:
    """The zone's returns and cancellations in figures, the sellers with most of them drawn."""
    if not service.sees_returns(principal):
        return []
    rates = _rates(session)
    if not rates.by_seller:
        return []
    top = [r for r in rates.by_seller if r.returns + r.cancellations][:8]
    chart = bar_chart(
        N_("Returns and cancellations by seller"),
        [(r.name[:12] or r.key, r.returns + r.cancellations) for r in top],
    )
    return [
        Panel(
            N_("Returns and cancellations"),
            (
                Figure(N_("Returns asked"), str(rates.returns), RETURNS_PAGE),
                Figure(N_("Cancellations asked"), str(rates.cancellations)),
                Figure(
                    N_("Sellers above 10%"), str(sum(r.needs_attention for r in rates.by_seller))
                ),
                Figure(N_("Goods above 10%"), str(sum(r.needs_attention for r in rates.by_goods))),
            ),
            chart if chart.total else None,
        )
    ]


register_nav(NavItem(RETURNS_PAGE, N_("Returns and cancellations"), visible=service.sees_returns))
