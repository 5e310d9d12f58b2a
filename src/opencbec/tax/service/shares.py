"""The year's buyers by share of the annual limit they used, counted in the database (one row
whatever the number of buyers): what the zone's and the regulators' home pages draw.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import bindparam, case, func, select
from sqlalchemy.orm import Session

from opencbec.db import Money
from opencbec.tax.models import QuotaAccount
from opencbec.tax.rules import ANNUAL_LIMIT

# Share of the annual limit used: the upper bound of each bucket (the last is open-ended).
BUCKETS: Final = (
    (Decimal("0.2"), "0–20%"),
    (Decimal("0.4"), "20–40%"),
    (Decimal("0.6"), "40–60%"),
    (Decimal("0.8"), "60–80%"),
    (Decimal("1"), "80–100%"),
)
NEAR: Final = Decimal("0.8")


@dataclass(frozen=True, slots=True)
class QuotaShares:
    """Buyers of a year counted by the share of the annual limit they used."""

    buyers: int
    near: int  # at NEAR of the limit or more
    at_limit: int
    buckets: list[tuple[str, int]]  # BUCKETS, then 100% and over


def quota_shares(session: Session, *, year: int) -> QuotaShares:
    """Count the year's buyers by share of the limit used (reserved and consumed), in the
    database: one row whatever the number of buyers."""
    limit = ANNUAL_LIMIT
    used = QuotaAccount.reserved + QuotaAccount.consumed

    def at_least(share: Decimal) -> Any:
        bound = bindparam(None, limit * share, type_=Money())
        return func.coalesce(func.sum(case((used >= bound, 1), else_=0)), 0)

    tops = [top for top, _ in BUCKETS]
    row = session.execute(
        select(func.count(), at_least(NEAR), *(at_least(top) for top in tops)).where(
            QuotaAccount.year == year
        )
    ).one()
    buyers, near, *from_top = (int(n) for n in row)
    # from_top[i]: buyers at tops[i] or more; a bucket holds those below its top.
    counts = [a - b for a, b in zip([buyers, *from_top], from_top, strict=False)] + [from_top[-1]]
    labels = [label for _, label in BUCKETS] + ["≥100%"]
    return QuotaShares(buyers, near, from_top[-1], list(zip(labels, counts, strict=True)))
