"""The simulator's own memory, a small SQLite file beside the exchange: what it has seen and
answered, the documents it matches, receipts still due, settings and each buyer's yearly total.

A restart reads it back, so nothing is answered twice and timed receipts survive.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Final

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS config (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS seen (
    id TEXT PRIMARY KEY, file TEXT NOT NULL, root TEXT NOT NULL, outcome TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    id INTEGER PRIMARY KEY, kind TEXT NOT NULL, key TEXT NOT NULL, ref TEXT NOT NULL,
    message_id INTEGER NOT NULL, item INTEGER NOT NULL, status TEXT NOT NULL,
    pre_no TEXT NOT NULL DEFAULT '', invt_no TEXT NOT NULL DEFAULT '',
    UNIQUE (kind, key)
);
CREATE INDEX IF NOT EXISTS docs_ref ON docs (kind, ref);
CREATE INDEX IF NOT EXISTS docs_invt ON docs (kind, invt_no);
CREATE TABLE IF NOT EXISTS schedule (
    id INTEGER PRIMARY KEY, due REAL NOT NULL, name TEXT NOT NULL, data BLOB NOT NULL,
    written INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS schedule_due ON schedule (written, due);
CREATE TABLE IF NOT EXISTS ledger (
    doc_key TEXT PRIMARY KEY, buyer TEXT NOT NULL, year INTEGER NOT NULL, amount TEXT NOT NULL
);
"""


@dataclass(frozen=True, slots=True)
class Doc:
    """A document the simulator holds: where its message is, its status and numbers."""

    id: int
    kind: str
    key: str
    ref: str
    message_id: int
    item: int
    status: str
    pre_no: str
    invt_no: str


class State:
    """One simulator's SQLite state; every write happens inside `transaction()`."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the file."""
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run a block atomically: all its writes or none."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # --- settings ------------------------------------------------------------------------

    def config(self) -> dict[str, str]:
        """Return the stored settings."""
        return dict(self._db.execute("SELECT name, value FROM config").fetchall())

    def set_config(self, values: dict[str, str]) -> None:
        """Store settings."""
        with self.transaction():
            self._db.executemany(
                "INSERT INTO config (name, value) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                sorted(values.items()),
            )

    # --- what was seen -------------------------------------------------------------------

    def was_seen(self, key: str) -> bool:
        """Return whether a message with this key was already answered."""
        return self._db.execute("SELECT 1 FROM seen WHERE id = ?", (key,)).fetchone() is not None

    def mark_seen(self, key: str, *, file: str, root: str, outcome: str, at: str) -> None:
        """Record a message as answered."""
        self._db.execute(
            "INSERT INTO seen (id, file, root, outcome, at) VALUES (?, ?, ?, ?, ?)",
            (key, file, root, outcome, at),
        )

    def received_by_type(self) -> dict[str, int]:
        """Return how many messages of each root were received."""
        rows = self._db.execute("SELECT root, COUNT(*) FROM seen GROUP BY root ORDER BY root")
        return dict(rows.fetchall())

    def outcomes(self) -> dict[str, int]:
        """Return how many messages ended in each outcome (accepted, format fault ...)."""
        rows = self._db.execute("SELECT outcome, COUNT(*) FROM seen GROUP BY outcome")
        return dict(rows.fetchall())

    # --- documents -----------------------------------------------------------------------

    def add_message(self, data: bytes) -> int:
        """Keep a message's bytes; return its id."""
        cur = self._db.execute("INSERT INTO messages (data) VALUES (?)", (data,))
        assert cur.lastrowid is not None
        return cur.lastrowid

    def message(self, message_id: int) -> bytes:
        """Return a kept message's bytes."""
        row = self._db.execute("SELECT data FROM messages WHERE id = ?", (message_id,)).fetchone()
        return bytes(row[0])

    def put_doc(
        self, *, kind: str, key: str, ref: str, message_id: int, item: int, status: str
    ) -> Doc:
        """Store a document (a change replaces the earlier version under the same key)."""
        self._db.execute(
            "INSERT INTO docs (kind, key, ref, message_id, item, status) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (kind, key) DO UPDATE SET ref = excluded.ref, "
            "message_id = excluded.message_id, item = excluded.item, status = excluded.status",
            (kind, key, ref, message_id, item, status),
        )
        found = self.doc(kind, key)
        assert found is not None
        return found

    def doc(self, kind: str, key: str) -> Doc | None:
        """Return the document of `kind` with `key`."""
        row = self._db.execute(
            "SELECT id, kind, key, ref, message_id, item, status, pre_no, invt_no FROM docs WHERE kind = ? AND key = ?",
            (kind, key),
        ).fetchone()
        return Doc(*row) if row else None

    def docs_by_ref(self, kind: str, ref: str) -> list[Doc]:
        """Return the documents of `kind` referring to `ref` (orderNo, waybill ...), oldest first."""
        rows = self._db.execute(
            "SELECT id, kind, key, ref, message_id, item, status, pre_no, invt_no FROM docs WHERE kind = ? AND ref = ? ORDER BY id",
            (kind, ref),
        )
        return [Doc(*row) for row in rows.fetchall()]

    def doc_by_invt_no(self, kind: str, invt_no: str) -> Doc | None:
        """Return the inventory of `kind` customs numbered `invt_no`."""
        row = self._db.execute(
            "SELECT id, kind, key, ref, message_id, item, status, pre_no, invt_no FROM docs WHERE kind = ? AND invt_no = ?",
            (kind, invt_no),
        ).fetchone()
        return Doc(*row) if row else None

    def docs_with_status(self, kind: str, status: str) -> list[Doc]:
        """Return the documents of `kind` in `status`, oldest first."""
        rows = self._db.execute(
            "SELECT id, kind, key, ref, message_id, item, status, pre_no, invt_no FROM docs WHERE kind = ? AND status = ? ORDER BY id",
            (kind, status),
        )
        return [Doc(*row) for row in rows.fetchall()]

    def set_doc(self, doc_id: int, *, status: str, pre_no: str = "", invt_no: str = "") -> None:
        """Move a document's status (and give it its numbers)."""
        self._db.execute(
            "UPDATE docs SET status = ?, pre_no = CASE WHEN ? = '' THEN pre_no ELSE ? END, "
            "invt_no = CASE WHEN ? = '' THEN invt_no ELSE ? END WHERE id = ?",
            (status, pre_no, pre_no, invt_no, invt_no, doc_id),
        )

    def doc_counts(self) -> dict[tuple[str, str], int]:
        """Return how many documents sit in each (kind, status)."""
        rows = self._db.execute("SELECT kind, status, COUNT(*) FROM docs GROUP BY kind, status")
        return {(kind, status): n for kind, status, n in rows.fetchall()}

    # --- timed receipts ------------------------------------------------------------------

    def schedule(self, *, due: float, name: str, data: bytes) -> None:
        """Keep a receipt to write at `due` (seconds since the epoch)."""
        self._db.execute(
            "INSERT INTO schedule (due, name, data) VALUES (?, ?, ?)", (due, name, data)
        )

    def due(self, now: float) -> list[tuple[int, str, bytes]]:
        """Return the unwritten receipts due by `now`, in due order."""
        rows = self._db.execute(
            "SELECT id, name, data FROM schedule WHERE written = 0 AND due <= ? ORDER BY due, id",
            (now,),
        )
        return [(i, name, bytes(data)) for i, name, data in rows.fetchall()]

    def mark_written(self, receipt_ids: list[int]) -> None:
        """Record receipts as written to the inbox."""
        with self.transaction():
            self._db.executemany(
                "UPDATE schedule SET written = 1 WHERE id = ?", [(i,) for i in receipt_ids]
            )

    def answered_by_type(self) -> dict[str, tuple[int, int]]:
        """Return, per receipt root, how many were written and how many are still due."""
        rows = self._db.execute(
            "SELECT substr(name, 1, instr(name, '_') - 1), "
            "SUM(written), SUM(1 - written) FROM schedule GROUP BY 1 ORDER BY 1"
        )
        return {root: (int(w), int(p)) for root, w, p in rows.fetchall()}

    # --- the buyers' ledger --------------------------------------------------------------

    def used(self, buyer: str, year: int) -> Decimal:
        """Return what a buyer's accepted inventories add up to in `year`."""
        rows = self._db.execute(
            "SELECT amount FROM ledger WHERE buyer = ? AND year = ?", (buyer, year)
        )
        return sum((Decimal(a) for (a,) in rows.fetchall()), Decimal(0))

    def charge(self, doc_key: str, *, buyer: str, year: int, amount: Decimal) -> None:
        """Count an inventory's value against its buyer's year (replacing an earlier charge)."""
        self._db.execute(
            "INSERT INTO ledger (doc_key, buyer, year, amount) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (doc_key) DO UPDATE SET amount = excluded.amount",
            (doc_key, buyer, year, format(amount, "f")),
        )

    def charged(self, doc_key: str) -> Decimal | None:
        """Return what an inventory counts for now, or None."""
        row = self._db.execute("SELECT amount FROM ledger WHERE doc_key = ?", (doc_key,)).fetchone()
        return Decimal(row[0]) if row else None
