"""The annual quota on the portal: how close the zone's buyers come to their annual limit.

Aggregates only (buyers are kept as hashes and never shown): for the zone administration and
regulators entitled to tax records.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from opencbec.identity.rules import Principal, regulator_may_read
from opencbec.kit.charts import bar_chart
from opencbec.kit.i18n import N_
from opencbec.kit.time import utcnow
from opencbec.tax import service
from opencbec.tax.models import QuotaAccount
from opencbec.webkit import Figure, Panel, register_panels

# Share of the annual limit used: the upper bound of each bucket (the last is open-ended).
BUCKETS: Final = (
    (Decimal("0.2"), "0–20%"),
    (Decimal("0.4"), "20–40%"),
    (Decimal("0.6"), "40–60%"),
    (Decimal("0.8"), "60–80%"),
    (Decimal("1"), "80–100%"),
)
NEAR: Final = Decimal("0.8")


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
