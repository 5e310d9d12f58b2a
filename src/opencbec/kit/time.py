"""Time in one place: timezone-aware UTC everywhere, China Standard Time for display.

`utcnow()` reads the real clock, unless a scope runs on a `Clock` of its own (`running_on`): the
demo loader runs each planned day of its calendar so, and everything written then carries the
day's time, not the moment of the load.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta, timezone
from typing import Final

CHINA_STANDARD_TIME = timezone(timedelta(hours=8), "CST")
TICK: Final = timedelta(microseconds=1)


class Clock:
    """A clock a scope runs on instead of the real one (see `running_on`).

    It stands where it was last moved to, and each read moves it on by one microsecond, so two
    things done one after the other never share a moment and keep their order.
    """

    __slots__ = ("_at",)

    def __init__(self, start: datetime) -> None:
        self._at = as_utc(start)

    def read(self) -> datetime:
        """Return the clock's time (aware UTC) and move it on by one tick."""
        at = self._at
        self._at = at + TICK
        return at

    def advance_to(self, moment: datetime) -> None:
        """Move the clock on to `moment`; a clock never goes back, so an earlier one is ignored."""
        self._at = max(self._at, as_utc(moment))


_CLOCK: ContextVar[Clock | None] = ContextVar("opencbec_clock", default=None)


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime (the scope's clock's, when it has one)."""
    clock = _CLOCK.get()
    return datetime.now(UTC) if clock is None else clock.read()


@contextmanager
def running_on(clock: Clock) -> Iterator[Clock]:
    """Make `utcnow()` read `clock` inside the block (this thread or task); the clock it read
    before comes back when the block ends, also on an exception."""
    token = _CLOCK.set(clock)
    try:
        yield clock
    finally:
        _CLOCK.reset(token)


def advance_to(moment: datetime) -> None:
    """Move the scope's clock on to `moment` (never back); the real clock moves by itself, so
    outside a `running_on` scope nothing happens."""
    clock = _CLOCK.get()
    if clock is not None:
        clock.advance_to(moment)


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
