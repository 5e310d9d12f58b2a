"""Time in one place: timezone-aware UTC everywhere, China Standard Time for display."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

CHINA_STANDARD_TIME = timezone(timedelta(hours=8), "CST")


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Return `value` as aware UTC; a naive value is taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


_CEB_STAMP = re.compile(r"^(20[0-9]{2})(0[1-9]|1[0-2])[0-9]{0,11}$")  # at most yyyyMMddHHmmssSSS


def ceb_month(stamp: object) -> str | None:
    """Return "YYYY-MM" of a CEB time stamp (yyyyMMdd[HHmmss...]); None for anything else."""
    if not isinstance(stamp, str):
        return None
    found = _CEB_STAMP.match(stamp.strip())
    return f"{found.group(1)}-{found.group(2)}" if found else None
