"""The month of a CEB time stamp, and what is not one; the clock a scope runs on."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from opencbec.kit.time import (
    CHINA_STANDARD_TIME,
    TICK,
    Clock,
    advance_to,
    ceb_month,
    running_on,
    utcnow,
)


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


MOMENT = dt.datetime(2026, 3, 1, 9, 30, tzinfo=CHINA_STANDARD_TIME)


def _real(value: dt.datetime) -> bool:
    return abs(value - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)


def test_a_scope_reads_its_own_clock_and_gives_the_real_one_back() -> None:
    with running_on(Clock(MOMENT)):
        first, second = utcnow(), utcnow()
    assert first == MOMENT
    assert first.tzinfo == dt.UTC
    assert second == MOMENT + TICK  # each read a tick later: one after another, in order
    assert _real(utcnow())


def test_the_real_clock_comes_back_when_the_scope_fails() -> None:
    with pytest.raises(KeyError), running_on(Clock(MOMENT)):
        raise KeyError("planned day")
    assert _real(utcnow())


def test_a_scope_inside_another_gives_the_outer_clock_back() -> None:
    outer = Clock(MOMENT)
    with running_on(outer):
        with running_on(Clock(MOMENT + dt.timedelta(days=30))):
            assert utcnow().date() == dt.date(2026, 3, 31)
        assert MOMENT <= utcnow() < MOMENT + dt.timedelta(seconds=1)


def test_a_clock_moves_on_and_never_back() -> None:
    later = MOMENT + dt.timedelta(hours=2)
    with running_on(Clock(MOMENT)) as clock:
        advance_to(later)
        assert utcnow() == later
        clock.advance_to(MOMENT)  # earlier: ignored
        assert utcnow() == later + TICK
        clock.advance_to(dt.datetime(2026, 3, 1, 4, 0))  # naive is UTC: 12:00 China time
        assert utcnow() == dt.datetime(2026, 3, 1, 4, 0, tzinfo=dt.UTC)


def test_advancing_outside_a_scope_leaves_the_real_clock_alone() -> None:
    advance_to(MOMENT + dt.timedelta(days=3650))
    assert _real(utcnow())


def test_another_thread_keeps_the_real_clock() -> None:
    seen: list[dt.datetime] = []
    with running_on(Clock(MOMENT)):
        worker = threading.Thread(target=lambda: seen.append(utcnow()))
        worker.start()
        worker.join()
    assert _real(seen[0])
