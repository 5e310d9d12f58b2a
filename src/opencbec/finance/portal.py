"""The financial services on the portal: a bank's to-do of its clients' export collections
ready for FX settlement; the FX administration's collections that differ from released exports.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from opencbec.finance import service
from opencbec.identity.models import Department
from opencbec.identity.rules import Principal
from opencbec.kit.charts import BarChart, bar_chart
from opencbec.kit.i18n import N_
from opencbec.kit.money import shown_amount
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

COLLECTIONS_PAGE = "/finance/collections"
RECONCILIATION_PAGE = "/finance/reconciliation"
OVERVIEW = "finance.overview"


def month_chart(title: str, collections: list[service.ExportCollection]) -> BarChart | None:
    """Return collected CNY by month as a chart, or None when there is nothing to draw."""
    points = [(month, int(total)) for month, total in service.by_month(collections)]
    chart = bar_chart(title, points)
    return chart if chart.total else None


def _is_forex(principal: Principal) -> bool:
    return principal.department is Department.FOREIGN_EXCHANGE


@dataclass(frozen=True, slots=True)
class _Overview:
    scope: service.Scope
    collections: list[service.ExportCollection]
    sellers: list[service.SellerReconciliation]


def _read_overview(session: Session, principal: Principal) -> _Overview:
    # The FX administration's to-do looks at the whole zone, as it always did.
    if _is_forex(principal) and not service.is_bank(principal):
        scope = service.Scope(None)
    else:
        scope = service.scope_of(session, principal)
    return _Overview(scope, *service.overview(session, scope=scope))


def _overview(session: Session, principal: Principal) -> _Overview:
    # A bank's (or the FX administration's) to-do and panel are on one page: read once.
    return read_once(
        session,
        f"{OVERVIEW}:{principal.organisation_id}",
        lambda s: _read_overview(s, principal),
    )


@register_todos
def finance_todos(session: Session, principal: Principal) -> list[TodoItem]:
    """A bank: collections it can settle for its clients; FX: sellers whose collections stray."""
    if service.is_bank(principal):
        ready = service.settleable(_overview(session, principal).collections)
        if not ready:
            return []
        return [
            TodoItem(
                N_(
                    "%(n)s export collections of your client enterprises (CNY %(amount)s) match exports customs released: settle them in foreign exchange."
                ),
                COLLECTIONS_PAGE,
                {
                    "n": len(ready),
                    "amount": shown_amount(sum((c.amount for c in ready), Decimal(0))),
                },
            )
        ]
    if _is_forex(principal):
        stray = [r for r in _overview(session, principal).sellers if r.mismatch]
        if not stray:
            return []
        return [
            TodoItem(
                N_(
                    "%(n)s sellers' export collections differ from the exports customs released by more than 5%%: check them."
                ),
                RECONCILIATION_PAGE,
                {"n": len(stray)},
            )
        ]
    return []


@register_panels
def finance_panels(session: Session, principal: Principal) -> list[Panel]:
    """Collections in figures and by month: a bank's clients, or the whole zone."""
    if not (service.is_bank(principal) or service.sees_zone(principal)):
        return []
    found = _overview(session, principal)
    scope, collections, sellers = found.scope, found.collections, found.sellers
    if not collections:
        return []
    ready = service.settleable(collections)
    figures = [
        Figure(N_("Export collections"), str(len(collections)), COLLECTIONS_PAGE),
        Figure(
            N_("Collected (CNY)"), shown_amount(sum((c.amount for c in collections), Decimal(0)))
        ),
        Figure(
            N_("Collections of released exports (CNY)"),
            shown_amount(sum((c.amount for c in ready), Decimal(0))),
        ),
    ]
    if scope.sellers is not None:
        figures.insert(0, Figure(N_("Client enterprises"), str(len(scope.sellers))))
    else:
        stray = sum(1 for r in sellers if r.mismatch)
        figures.append(Figure(N_("Sellers beyond the tolerance"), str(stray), RECONCILIATION_PAGE))
    return [
        Panel(
            N_("Export collections and FX settlement"),
            tuple(figures),
            month_chart(N_("Export collections by month (CNY)"), collections),
        )
    ]


register_nav(
    NavItem(
        COLLECTIONS_PAGE,
        N_("Export collections and FX settlement"),
        visible=lambda p: service.is_bank(p) or service.sees_zone(p),
    )
)
