"""The month of a CEB time stamp, and what is not one."""

from __future__ import annotations

import pytest

from opencbec.kit.time import ceb_month


@pytest.mark.parametrize(
    ("stamp", "month"),
    [
        ("20261127", "2026-11"),
        ("20261127093000", "2026-11"),
        ("20251201100000000", "2025-12"),
        (" 20260131 ", "2026-01"),
        ("202611", "2026-11"),
        ("20261327", None),  # month 13
        ("20260027", None),  # month 0
        ("19991231", None),  # before the platform's century
        ("2026-11-27", None),
        ("202611270930000000000", None),  # longer than any CEB stamp
        ("", None),
        (None, None),
        (20261127, None),
        ("２０２６１１２７", None),  # full-width digits
    ],
)
def test_ceb_month(stamp: object, month: str | None) -> None:
    assert ceb_month(stamp) == month
