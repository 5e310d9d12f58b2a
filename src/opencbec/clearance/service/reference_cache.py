"""What the pre-flight check reads from the code tables, kept between checks per edition.

Code-table rows change only when an edition is applied (goods.service.apply_edition writes the
edition and its rows in one transaction, and editions are never removed), so the editions a
transaction sees fix the rows it sees. A check asks one question (how many editions, the last id,
the last import time) instead of one lookup per code, and reuses what an earlier check found
under the same editions. The import time is part of the stamp because SQLite may give a
rolled-back edition's id to the next one.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any, Final, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opencbec.db import Prepared
from opencbec.goods.models import CodeEdition

T = TypeVar("T")

MAX_ENTRIES: Final = 50_000
"""Past this many answers under one stamp the cache starts afresh (codes asked are unbounded)."""

_STAMP: Final = Prepared(
    select(func.count(CodeEdition.id), func.max(CodeEdition.id), func.max(CodeEdition.imported_at))
)
# The stamp the kept answers were found under, and the answers. Replaced whole, never edited in
# place across stamps: a check running beside an edition's commit sees either one or the other.
_kept: tuple[tuple[Any, ...] | None, dict[Hashable, Any]] = (None, {})


_ONE_CHECK: Final = "opencbec.clearance.code_tables"


class CodeTables:
    """Answers from the code tables as the caller's transaction sees them, shared between checks."""

    def __init__(self, session: Session) -> None:
        global _kept  # noqa: PLW0603 - one cache per process, replaced when the editions change
        (stamp,) = _STAMP.rows(session, {})
        if _kept[0] != stamp:
            _kept = (stamp, {})
        self._answers = _kept[1]

    @classmethod
    def of(cls, session: Session) -> CodeTables:
        """Return the code tables of the check running in `session` (asked once), or new ones."""
        if _ONE_CHECK not in session.info:
            return cls(session)
        tables: CodeTables | None = session.info[_ONE_CHECK]
        if tables is None:
            tables = session.info[_ONE_CHECK] = cls(session)
        return tables

    def remember(self, key: Hashable, find: Callable[[], T]) -> T:
        """Return the kept answer to `key`, or find it now and keep it (answers must not change)."""
        try:
            return self._answers[key]  # type: ignore[no-any-return]
        except KeyError:
            pass
        answer = find()
        if len(self._answers) >= MAX_ENTRIES:
            self._answers.clear()
        self._answers[key] = answer
        return answer


@contextmanager
def one_check(session: Session) -> Iterator[None]:
    """Let everything one check asks of the code tables share one stamp (no edition is applied
    in the middle of a check)."""
    if _ONE_CHECK in session.info:  # inside another check: it owns the stamp
        yield
        return
    session.info[_ONE_CHECK] = None
    try:
        yield
    finally:
        del session.info[_ONE_CHECK]


def clear() -> None:
    """Forget every kept answer (tests; an operator who changed code rows by hand)."""
    global _kept  # noqa: PLW0603
    _kept = (None, {})
