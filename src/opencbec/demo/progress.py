"""The demo load's progress bar: order sets done of planned, the rate, the time left.

The rate and the time left are measured over the sets this run sent: a continued load starts
from the sets earlier runs loaded without counting them as sent in no time.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class RateColumn(ProgressColumn):
    """Order sets per second, over the last half minute."""

    def render(self, task: Task) -> Text:
        """Show the rate, or a dash before there is one."""
        speed = task.speed
        return Text(
            "- sets/s 套/秒" if speed is None else f"{speed:,.1f} sets/s 套/秒",
            style="progress.data.speed",
        )


def label(scale: str) -> str:
    """The bar's description for a zone of `scale`: short, so the bar fits 80 columns."""
    return f"demo {scale} 演示"


class LoadProgress:
    """A progress bar for `loader.load_zone`: pass the instance as its `progress` callback."""

    def __init__(
        self, console: Console, description: str, *, clock: Callable[[], float] | None = None
    ) -> None:
        self.bar = Progress(
            # Fits an 80-column terminal: a wider one widens nothing but the description.
            TextColumn("{task.description}"),
            BarColumn(bar_width=16),
            MofNCompleteColumn(),
            RateColumn(),
            TextColumn("ETA 剩余"),
            TimeRemainingColumn(),
            console=console,
            get_time=clock,
        )
        self.task: TaskID = self.bar.add_task(description, total=None)
        self.started = False

    def __call__(self, done: int, total: int) -> None:
        """Record `done` of `total` order sets; the first call sets where this run starts."""
        if not self.started:
            self.started = True
            self.bar.reset(self.task, total=total, completed=done)
            return
        self.bar.update(self.task, completed=done, total=total)

    def __enter__(self) -> LoadProgress:
        self.bar.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.bar.stop()
