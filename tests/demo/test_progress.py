"""The demo load's progress bar shows the sets done of planned, the rate and the time left,
measured over what this run sent."""

from __future__ import annotations

import io

from rich.console import Console

from opencbec.demo.progress import LoadProgress, label


def test_the_bar_counts_sets_and_measures_the_rate_from_where_this_run_started() -> None:
    now = [0.0]
    out = io.StringIO()
    console = Console(file=out, width=200, force_terminal=False)
    progress = LoadProgress(console, "demo zone", clock=lambda: now[0])
    progress(50, 100)  # 50 loaded by an earlier run: not sent in no time by this one
    now[0] = 10.0
    progress(60, 100)
    now[0] = 20.0
    progress(80, 100)
    task = progress.bar.tasks[0]
    assert task.speed == 2.0  # 20 sets in the 10 s since the first day of this run
    line = progress.bar.make_tasks_table([task])
    console.print(line)
    shown = out.getvalue()
    assert "80/100" in shown
    assert "2.0 sets/s" in shown
    assert "0:00:10" in shown  # 20 sets left at 2 per second


def test_the_bar_fits_an_80_column_terminal_whole() -> None:
    now = [0.0]
    out = io.StringIO()
    console = Console(file=out, width=80, force_terminal=False)
    progress = LoadProgress(console, label("medium"), clock=lambda: now[0])
    progress(0, 6071)
    now[0] = 10.0
    progress(245, 6071)
    now[0] = 20.0
    progress(490, 6071)
    console.print(progress.bar.make_tasks_table(progress.bar.tasks))
    [line] = out.getvalue().splitlines()
    # Every column whole on one line: the counts, the rate and the time left.
    assert "490/6071" in line
    assert "24.5 sets/s 套/秒" in line
    assert line.rstrip().endswith("0:03:48")
