"""Tax on the portal: how close the zone's buyers come to their annual limit, and the tax
bureau's work: export refund candidates and import tax bills due.

Aggregates only (buyers are kept as hashes and never shown): for the zone administration and
regulators entitled to tax records.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from opencbec.identity.models import Department
from opencbec.identity.rules import Principal, regulator_may_read
from opencbec.kit.charts import BarChart, bar_chart
from opencbec.kit.i18n import N_
from opencbec.kit.money import shown_amount
from opencbec.kit.time import utcnow
from opencbec.tax import service
from opencbec.tax.models import QuotaAccount
from opencbec.webkit import (
    Figure,
    NavItem,
    Panel,
    TodoItem,
    register_nav,
    register_panels,
    register_todos,
)

# Share of the annual limit used: the upper bound of each bucket (the last is open-ended).
BUCKETS: Final = (
    (Decimal("0.2"), "0–20%"),
    (Decimal("0.4"), "20–40%"),
    (Decimal("0.6"), "40–60%"),
    (Decimal("0.8"), "60–80%"),
    (Decimal("1"), "80–100%"),
)
NEAR: Final = Decimal("0.8")
EXPORTS_PAGE: Final = "/tax/exports"


def buckets(used: list[Decimal], limit: Decimal) -> list[tuple[str, int]]:
    """Count buyers by the share of `limit` they used; 100% and over is the last bucket."""
    counts = [0] * (len(BUCKETS) + 1)
    for amount in used:
        share = amount / limit
        index = next((i for i, (top, _) in enumerate(BUCKETS) if share < top), len(BUCKETS))
        counts[index] += 1
    labels = [label for _, label in BUCKETS] + ["≥100%"]
    return list(zip(labels, counts, strict=True))


@register_panels
def quota_panels(session: Session, principal: Principal) -> list[Panel]:
    """Buyers of this year by share of the annual limit used (reserved and consumed)."""
    if not (principal.is_zone_admin or regulator_may_read(principal, "tax.quota")):
        return []
    year = service.quota_year(utcnow())
    used = [
        reserved + consumed
        for reserved, consumed in session.execute(
            select(QuotaAccount.reserved, QuotaAccount.consumed).where(QuotaAccount.year == year)
        )
    ]
    if not used:
        return []
    limit = service.ANNUAL_LIMIT
    near = sum(1 for amount in used if amount >= limit * NEAR)
    return [
        Panel(
            N_("Buyers' annual quota this year"),
            (
                Figure(N_("Buyers with declared purchases this year"), str(len(used))),
                Figure(N_("Buyers above 80% of the annual limit"), str(near)),
                Figure(N_("Buyers at the annual limit"), str(sum(1 for a in used if a >= limit))),
            ),
            bar_chart(N_("Buyers by share of the annual limit used"), buckets(used, limit)),
        )
    ]


def tax_chart(months: list[service.TaxMonth]) -> BarChart | None:
    """Return the import tax billed by month (CNY, oldest first), or None with nothing to draw."""
    chart = bar_chart(
        N_("Import tax billed by month (CNY)"), [(m.month, int(m.total)) for m in reversed(months)]
    )
    return chart if chart.total else None


@register_todos
def tax_bureau_todos(session: Session, principal: Principal) -> list[TodoItem]:
    """The tax bureau: refund candidates to check, import tax bills still due."""
    if principal.department is not Department.TAX or not service.sees_tax(principal):
        return []
    items = []
    candidates = [r for r in service.export_refunds(session) if r.candidate]
    if candidates:
        items.append(
            TodoItem(
                N_(
                    "%(n)s released export inventories (CNY %(amount)s) have their customs declaration number: check them as export tax refund candidates."
                ),
                EXPORTS_PAGE + "#refunds",
                {
                    "n": len(candidates),
                    "amount": shown_amount(sum((r.value for r in candidates), Decimal(0))),
                },
            )
        )
    due = [m for m in service.import_tax_by_month(session) if m.due]
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
    refunds = service.export_refunds(session)
    months = service.import_tax_by_month(session)
    if not refunds and not months:
        return []
    return [
        Panel(
            N_("Export tax refunds and import tax"),
            (
                Figure(N_("Released exports"), str(len(refunds)), EXPORTS_PAGE),
                Figure(N_("Refund candidates"), str(sum(r.candidate for r in refunds))),
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
