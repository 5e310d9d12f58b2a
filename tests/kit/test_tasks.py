"""The in-process periodic runner: runs each task at its interval, survives a failing task, stops."""

from __future__ import annotations

import threading

import pytest

from opencbec.kit.tasks import Periodic, PeriodicRunner


def test_each_task_runs_when_due_and_not_before() -> None:
    calls: list[str] = []
    runner = PeriodicRunner(
        [
            Periodic("a", lambda: calls.append("a"), 10.0),
            Periodic("b", lambda: calls.append("b"), 1.0),
        ]
    )
    wait = runner.run_due(now=0.0)
    assert calls == ["a", "b"]
    assert 0.0 < wait <= 1.0  # b is due again first
    runner.run_due()  # neither is due yet
    assert calls == ["a", "b"]
    assert runner.runs == 2


def test_a_failing_task_is_logged_and_the_others_still_run(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls: list[str] = []

    def broken() -> None:
        raise RuntimeError("disk on fire")

    runner = PeriodicRunner(
        [Periodic("broken", broken, 1.0), Periodic("ok", lambda: calls.append("ok"), 1.0)]
    )
    runner.run_due()
    assert calls == ["ok"]
    assert runner.failures == 1
    assert "background task broken failed" in caplog.text


def test_the_thread_runs_until_stopped_and_cannot_start_twice() -> None:
    ran = threading.Event()
    runner = PeriodicRunner([Periodic("tick", ran.set, 60.0)])
    runner.start()
    try:
        assert ran.wait(5)
        assert runner.running
        with pytest.raises(RuntimeError, match="already running"):
            runner.start()
    finally:
        runner.stop(timeout=5)  # wakes the 60 s pause at once
    assert not runner.running
    runner.stop()  # stopping a stopped runner is harmless


def test_a_stop_between_tasks_skips_the_rest() -> None:
    calls: list[str] = []
    runner = PeriodicRunner([])

    def first() -> None:
        calls.append("first")
        runner.stop()

    runner.tasks = [
        Periodic("first", first, 1.0),
        Periodic("second", lambda: calls.append("x"), 1.0),
    ]
    runner.run_due()
    assert calls == ["first"]


@pytest.mark.parametrize(
    ("tasks", "message"),
    [
        ([Periodic("a", lambda: None, 0.0)], "positive"),
        ([Periodic("a", lambda: None, 1.0), Periodic("a", lambda: None, 2.0)], "unique"),
    ],
)
def test_bad_schedules_are_refused(tasks: list[Periodic], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PeriodicRunner(tasks)
