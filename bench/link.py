"""Customs link throughput: messages/s through sign → outbox → echo → inbox → apply, on one core.

Ready import sets (CEB311/411/511/621, from bench.clearance) are declared through
`customs.service.declare_set` (each document signed with the platform's RSA key and queued),
written to the outbox by the link, answered by a tiny echo that writes one receipt per message
(CEB312/412/512/622, status 2) into the inbox the way customs does (tmp + fsync + rename) and
archives the message, then applied by the link and archived after the commit. Beside it, in the
same run, the same work without the folders: each document signed, its receipt built and applied
with `clearance.service.ingest_message` directly, a commit per set.

Run: `.venv/bin/python -m bench.link [N]` (N sets, SQLite in a temporary folder).
`--simulator` answers with the customs simulator instead of the echo, when it is installed.
Prints `name: value` lines; the last is `ratio: <link messages/s / direct messages/s>`.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench import clearance as bench_clearance
from opencbec.clearance import service as clearance_service
from opencbec.clearance.models import ClearanceDocument, DocumentReceipt
from opencbec.customs import jobs
from opencbec.customs import service as customs_service
from opencbec.customs.gateway import FolderExchange
from opencbec.customs.models import Exchange
from opencbec.db import Database, build_engine
from opencbec.identity import service as identity_service
from opencbec.messages import ceb
from opencbec.migrate import upgrade_engine
from opencbec.settings import Settings


def receipt_for(data: bytes, status: str = "2") -> tuple[str, bytes]:
    """Return (file name, bytes) of the receipt customs owes for one sent message."""
    message = ceb.decode(customs_service.unwrap(data))
    kind = clearance_service.BY_MESSAGE[type(message).__name__]
    items = getattr(message, kind.items)
    item = items[0] if isinstance(items, list) else items
    head = getattr(item, kind.head) if kind.head else item
    receipt_message = ceb.skeleton(ceb.message_class(kind.receipt_message))
    guid = str(uuid.uuid4()).upper()
    receipt_message.guid = guid
    record = _items(receipt_message, kind.receipt_items)[0]
    receipt = getattr(record, kind.receipt_head) if kind.receipt_head else record
    for name in kind.key:
        setattr(receipt, name, getattr(head, name))
    receipt.guid = str(uuid.uuid4()).upper()
    now = dt.datetime.now()
    setattr(receipt, kind.receipt_status, status)
    receipt.returnTime = now.strftime("%Y%m%d%H%M%S") + f"{now.microsecond // 1000:03d}"
    receipt.returnInfo = "新增申报成功"
    return f"{kind.receipt_message}_{guid}.xml", ceb.encode(receipt_message)


def _items(message: Any, attr: str) -> list[Any]:
    value = getattr(message, attr)
    return value if isinstance(value, list) else [value]


def _write_atomic(folder: Path, name: str, data: bytes) -> None:
    tmp = folder / (name + ".tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, folder / name)


def echo(root: Path, status: str = "2") -> int:
    """Answer every outbox message with its receipt in the inbox, then archive it; return count."""
    outbox = root / "outbox"
    done = 0
    for name in sorted(os.listdir(outbox)):
        if name.endswith(".tmp") or name.startswith("."):
            continue
        receipt_name, receipt = receipt_for((outbox / name).read_bytes(), status)
        _write_atomic(root / "inbox", receipt_name, receipt)
        os.replace(outbox / name, root / "archive" / "outbox" / name)
        done += 1
    return done


def _simulator_answer() -> Callable[[Path], int] | None:
    try:
        module = importlib.import_module("opencbec.simulator.service")
    except ImportError:
        return None
    step: Callable[[Path], int] | None = getattr(module, "answer_folders", None)
    return step


@dataclass(frozen=True, slots=True)
class Figures:
    """One run's figures."""

    messages: int
    link_seconds: float
    direct_seconds: float
    receipts_applied: int
    link_applied: int
    link_dead: int

    @property
    def link_rate(self) -> float:
        """Return messages/s through the folders."""
        return self.messages / self.link_seconds

    @property
    def direct_rate(self) -> float:
        """Return messages/s without the folders."""
        return self.messages / self.direct_seconds


def _ready_sets(database: Database, zone: bench_clearance.Zone, n: int, offset: int) -> list[str]:
    day = dt.date.today()
    sets = [bench_clearance.build_set(offset + i, day, zone.parties) for i in range(n)]
    bench_clearance.ingest(database, zone, sets, day)
    return [s.order_no for s in sets]


def through_link(
    database: Database,
    zone: bench_clearance.Zone,
    settings: Settings,
    orders: Sequence[str],
    answer: Callable[[Path], int],
) -> tuple[float, int, int]:
    """Declare each set, run the link and the answerer until a receipt per message is in.

    Returns the seconds taken, the incoming messages applied and those set aside (dead letters).
    """
    envelope = customs_service.envelope(settings)
    gateway = customs_service.gateway_for(settings)
    root = customs_service.exchange_root(settings)
    expected = 4 * len(orders)
    start = time.perf_counter()
    for order_no in orders:
        with database.session() as session:
            customs_service.declare_set(
                session, principal=zone.principals["broker"], order_no=order_no, envelope=envelope
            )
    applied = dead = 0
    while applied + dead < expected:
        jobs.link_once(database, gateway=gateway)
        answer(root)
        run = jobs.link_once(database, gateway=gateway)
        applied, dead = applied + run.applied, dead + run.dead
    return time.perf_counter() - start, applied, dead


def direct(
    database: Database, zone: bench_clearance.Zone, settings: Settings, orders: Sequence[str]
) -> float:
    """Sign each document and apply its receipt with ingest_message, a commit per set."""
    envelope = customs_service.envelope(settings)
    start = time.perf_counter()
    for order_no in orders:
        with database.session() as session:
            documents = session.scalars(
                select(ClearanceDocument).where(ClearanceDocument.order_no == order_no)
            )
            for document in list(documents):
                _, _, signed = customs_service.build_message(document, envelope)
                _, receipt = receipt_for(signed)
                clearance_service.ingest_message(
                    session, principal=zone.principals["broker"], data=receipt
                )
    return time.perf_counter() - start


def measure(n: int, *, simulator: bool = False) -> Figures:
    """Measure `n` sets through the link and `n` other sets directly, on SQLite in a temp folder."""
    identity_service.configure_password_hashing(time_cost=1, memory_kib=64)
    answer: Callable[[Path], int] = echo
    if simulator:
        found = _simulator_answer()
        if found is None:
            raise SystemExit("the customs simulator is not installed (opencbec.simulator)")
        answer = found
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(env="test", var_dir=Path(tmp), load_demo=False)
        database = Database(build_engine(f"sqlite:///{tmp}/bench.sqlite3"))
        try:
            upgrade_engine(database.engine)
            zone = bench_clearance.prepare_zone(database, Path(tmp))
            linked = _ready_sets(database, zone, n, 0)
            plain = _ready_sets(database, zone, n, n)
            FolderExchange(customs_service.exchange_root(settings))
            customs_service.envelope(settings)  # the development key is made before timing
            link_seconds, applied, dead = through_link(database, zone, settings, linked, answer)
            direct_seconds = direct(database, zone, settings, plain)
            with database.session(write=False) as session:
                receipts = session.scalar(select(func.count()).select_from(DocumentReceipt)) or 0
                sent = session.scalar(
                    select(func.count()).select_from(Exchange).where(Exchange.direction == "out")
                )
            if sent != 4 * n or receipts < 8 * n:
                raise RuntimeError(
                    f"expected {4 * n} sent and {8 * n} receipts: {sent}, {receipts}"
                )
        finally:
            database.dispose()
    return Figures(4 * n, link_seconds, direct_seconds, int(receipts), applied, dead)


def main(argv: Sequence[str]) -> None:
    """Measure and print `name: value` lines, the ratio last."""
    simulator = "--simulator" in argv
    numbers = [a for a in argv if a.isdigit()]
    n = int(numbers[0]) if numbers else 100
    figures = measure(n, simulator=simulator)
    print(f"answerer: {'simulator' if simulator else 'echo'}")
    print(f"sets: {n}")
    print(f"messages: {figures.messages}")
    print(f"link_incoming_applied: {figures.link_applied}")
    print(f"link_dead_letters: {figures.link_dead}")
    print(f"link_messages_per_s: {figures.link_rate:.1f}")
    print(f"direct_messages_per_s: {figures.direct_rate:.1f}")
    print(f"ratio: {figures.link_rate / figures.direct_rate:.3f}")


if __name__ == "__main__":
    main(sys.argv[1:])
