"""Pure rules of the financial services: when a collection and an export disagree."""

from __future__ import annotations

from decimal import Decimal
from typing import Final

# A seller's collections may differ from its released exports by 5% (exchange differences, fees,
# parcels collected before the month's release), and by at least CNY 1.00 (rounding).
TOLERANCE_SHARE: Final = Decimal("0.05")
TOLERANCE_FLOOR: Final = Decimal("1.00")


def tolerance(released: Decimal) -> Decimal:
    """Return how far collections may stray from `released` before they are a mismatch."""
    return max(TOLERANCE_FLOOR, abs(released) * TOLERANCE_SHARE)


def beyond_tolerance(collected: Decimal, released: Decimal) -> bool:
    """True when what was collected and what customs released differ by more than allowed."""
    return abs(collected - released) > tolerance(released)
