"""Tax on the portal: how close the zone's buyers come to their annual limit, and the tax
bureau's work: export refund candidates and import tax bills due.

Aggregates only (buyers are kept as hashes and never shown): for the zone administration and
regulators entitled to tax records.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from sqlalchemy.orm import Session

from opencbec.identity.models import Department
from opencbec.identity.rules import Principal, regulator_may_read
from opencbec.kit.charts import BarChart, bar_chart
from opencbec.kit.i18n import N_
from opencbec.kit.money import shown_amount
from opencbec.kit.time import utcnow
from opencbec.tax import service
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

EXPORTS_PAGE: Final = "/tax/exports"
FIGURES: Final = "tax.figures"


@register_panels
def quota_panels(session: Session, principal: Principal) -> list[Panel]:
    """Buyers of this year by share of the annual limit used (reserved and consumed)."""
    if not (principal.is_zone_admin or regulator_may_read(principal, "tax.quota")):
        return []
    shares = service.quota_shares(session, year=service.quota_year(utcnow()))
    if not shares.buyers:
        return []
    return [
        Panel(
            N_("Buyers' annual quota this year"),
            (
                Figure(N_("Buyers with declared purchases this year"), str(shares.buyers)),
                Figure(N_("Buyers above 80% of the annual limit"), str(shares.near)),
                Figure(N_("Buyers at the annual limit"), str(shares.at_limit)),
            ),
            bar_chart(N_("Buyers by share of the annual limit used"), shares.buckets),
        )
    ]


def tax_chart(months: list[service.TaxMonth]) -> BarChart | None:
    """Return the import tax billed by month (CNY, oldest first), or None with nothing to draw."""
    chart = bar_chart(
        N_("Import tax billed by month (CNY)"), [(m.month, int(m.total)) for m in reversed(months)]
    )
    return chart if chart.total else None


def _figures(session: Session) -> service.TaxFigures:
    # The tax bureau's to-do and panel are on one page: read once per request.
    return read_once(session, FIGURES, service.tax_figures)


@register_todos
def tax_bureau_todos(session: Session, principal: Principal) -> list[TodoItem]:
    """The tax bureau: refund candidates to check, import tax bills still due."""
    if principal.department is not Department.TAX or not service.sees_tax(principal):
        return []
    figures = _figures(session)
    items = []
    if figures.candidates:
        items.append(
            TodoItem(
                N_(
                    "%(n)s released export inventories (CNY %(amount)s) have their customs declaration number: check them as export tax refund candidates."
                ),
                EXPORTS_PAGE + "#refunds",
                {"n": figures.candidates, "amount": shown_amount(figures.candidate_value)},
            )
        )
    due = [m for m in figures.months if m.due]
    if due:
        items.append(
            TodoItem(
                N_(
                    "%(n)s import tax bills (CNY %(amount)s) are generated and not yet summarised for payment."
                ),
                EXPORTS_PAGE + "#import-tax",
                {
                    "n": sum(m.due for m in due),
                    "amount": shown_amount(sum((m.due_amount for m in due), Decimal(0))),
                },
            )
        )
    return items


@register_panels
def tax_panels(session: Session, principal: Principal) -> list[Panel]:
    """Export refunds and import tax in figures, and the tax billed by month."""
    if not service.sees_tax(principal):
        return []
    figures = _figures(session)
    months = figures.months
    if not figures.released_exports and not months:
        return []
    return [
        Panel(
            N_("Export tax refunds and import tax"),
            (
                Figure(N_("Released exports"), str(figures.released_exports), EXPORTS_PAGE),
                Figure(N_("Refund candidates"), str(figures.candidates)),
                Figure(
                    N_("Import tax billed (CNY)"),
                    shown_amount(sum((m.total for m in months), Decimal(0))),
                ),
                Figure(N_("Import tax bills due"), str(sum(m.due for m in months))),
            ),
            tax_chart(months),
        )
    ]


register_nav(
    NavItem(EXPORTS_PAGE, N_("Export tax refunds and import tax"), visible=service.sees_tax)
)
