"""What SQL a block runs: for tests that hold a use case to the statements it needs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.orm import Session


@contextmanager
def statements_run(session: Session) -> Iterator[list[str]]:
    """Collect the text of every statement the session's engine runs inside the block."""
    seen: list[str] = []

    def _seen(*args: object) -> None:
        seen.append(str(args[2]))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", _seen)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", _seen)
