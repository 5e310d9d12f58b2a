"""Crash tests: the link runs in a subprocess killed with SIGKILL at injected points; the next
normal run must leave every message in the outbox exactly once and every receipt applied once."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from bench.link import echo
from sqlalchemy import func, select

from opencbec.clearance.models import ClearanceDocument, DocumentReceipt
from opencbec.customs import service
from opencbec.customs.jobs import CRASH_ENV
from opencbec.customs.models import APPLIED, DEAD, IN, OUT, QUEUED, WRITTEN, Exchange
from opencbec.db import Database, build_engine
from opencbec.demo import service as demo_service
from opencbec.identity import service as identity_service
from opencbec.identity.models import User
from opencbec.migrate import upgrade_engine
from opencbec.settings import Settings
from tests.customs.conftest import EXPORT_READY, IMPORT_READY

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory, key_pair: tuple[Path, Path]) -> Path:
    """A file database with the demo zone and two ready sets declared (8 messages queued)."""
    folder = tmp_path_factory.mktemp("crash-template")
    path = folder / "db.sqlite3"
    database = Database(build_engine(f"sqlite:///{path}"))
    settings = Settings(
        env="test",  # type: ignore[arg-type]
        var_dir=folder,
        load_demo=False,
        signing_key_file=key_pair[0],
        signing_cert_file=key_pair[1],
    )
    identity_service.configure_password_hashing(time_cost=1, memory_kib=64)
    try:
        upgrade_engine(database.engine)
        with database.session() as session:
            demo_service.load(session, var_dir=folder)
        with database.session() as session:
            seller = session.scalar(select(User).where(User.username == "seller"))
            assert seller is not None
            principal = identity_service.principal_for_user(session, seller)
            for order_no in (IMPORT_READY, EXPORT_READY):
                service.declare_set(
                    session,
                    principal=principal,
                    order_no=order_no,
                    envelope=service.envelope(settings),
                )
    finally:
        database.dispose()
    return path


@pytest.fixture
def place(tmp_path: Path, template: Path) -> Iterator[tuple[Path, Database]]:
    """A copy of the template database in this test's folder, and the folder (the var_dir)."""
    target = tmp_path / "db.sqlite3"
    with sqlite3.connect(template) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    database = Database(build_engine(f"sqlite:///{target}"))
    yield tmp_path, database
    database.dispose()


def run_link(var_dir: Path, crash_at: str | None = None) -> int:
    """Run `python -m opencbec.customs` once; return its exit status (-9: killed)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENCBEC_")}
    env |= {
        "OPENCBEC_ENV": "test",
        "OPENCBEC_VAR_DIR": str(var_dir),
        "OPENCBEC_DATABASE_URL": f"sqlite:///{var_dir / 'db.sqlite3'}",
    }
    if crash_at:
        env[CRASH_ENV] = crash_at
    done = subprocess.run(
        [sys.executable, "-m", "opencbec.customs"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    if crash_at is None:
        assert done.returncode == 0, done.stderr.decode()
    return done.returncode


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_killed_while_writing_the_outbox_every_message_is_sent_exactly_once(
    place: tuple[Path, Database],
) -> None:
    var_dir, database = place
    outbox = var_dir / "exchange" / "outbox"
    assert run_link(var_dir, "send.tmp_written") == -9  # between write and rename
    assert [n for n in _files(outbox) if not n.endswith(".tmp")] == []
    assert len([n for n in _files(outbox) if n.endswith(".tmp")]) == 1
    assert run_link(var_dir, "send.renamed:3") == -9  # renamed, not yet marked written
    assert len([n for n in _files(outbox) if n.endswith(".xml")]) == 3
    # Customs (the simulator) collects two of them before the link comes back.
    archive = var_dir / "exchange" / "archive" / "outbox"
    for name in [n for n in _files(outbox) if n.endswith(".xml")][:2]:
        os.replace(outbox / name, archive / name)
    assert run_link(var_dir, "outbox.flushed") == -9  # every file written, nothing committed
    with database.session(write=False) as session:
        assert {e.state for e in session.scalars(select(Exchange))} == {QUEUED}
    assert run_link(var_dir) == 0
    with database.session(write=False) as session:
        rows = list(session.scalars(select(Exchange).where(Exchange.direction == OUT)))
    assert len(rows) == 8
    assert {e.state for e in rows} == {WRITTEN}
    everywhere = _files(outbox) + _files(archive)
    assert sorted(everywhere) == sorted(e.file_name for e in rows)  # each exactly once, no .tmp
    for e in rows:
        path = outbox / e.file_name if (outbox / e.file_name).exists() else archive / e.file_name
        assert path.read_bytes() == e.content
    assert run_link(var_dir) == 0  # a further run changes nothing
    assert sorted(_files(outbox) + _files(archive)) == sorted(everywhere)


def test_killed_after_the_outbox_batch_is_made_durable_nothing_is_sent_twice(
    place: tuple[Path, Database],
) -> None:
    var_dir, database = place
    outbox = var_dir / "exchange" / "outbox"
    # Every file written and the folder fsync'ed once for the batch; nothing recorded yet.
    assert run_link(var_dir, "send.synced") == -9
    with database.session(write=False) as session:
        rows = list(session.scalars(select(Exchange).where(Exchange.direction == OUT)))
    assert {e.state for e in rows} == {QUEUED}
    assert _files(outbox) == sorted(e.file_name for e in rows)  # all 8, no .tmp left
    assert run_link(var_dir) == 0  # found written: recorded, not written again
    with database.session(write=False) as session:
        rows = list(session.scalars(select(Exchange).where(Exchange.direction == OUT)))
    assert {e.state for e in rows} == {WRITTEN}
    assert _files(outbox) == sorted(e.file_name for e in rows)
    for e in rows:
        assert (outbox / e.file_name).read_bytes() == e.content


def test_killed_while_applying_the_inbox_every_receipt_is_applied_exactly_once(
    place: tuple[Path, Database],
) -> None:
    var_dir, database = place
    root = var_dir / "exchange"
    assert run_link(var_dir) == 0
    assert echo(root) == 8
    (root / "inbox" / "CEB622Message_JUNK.xml").write_bytes(b"<not a message")
    with database.session(write=False) as session:
        before = session.scalar(select(func.count()).select_from(DocumentReceipt)) or 0
    assert run_link(var_dir, "inbox.applied:3") == -9  # applied, not committed
    with database.session(write=False) as session:
        assert session.scalar(select(func.count()).select_from(DocumentReceipt)) == before
    assert run_link(var_dir, "archive.before_move:2") == -9  # committed, one file archived
    assert len(_files(root / "archive" / "inbox")) == 1
    assert len(_files(root / "inbox")) == 8
    assert run_link(var_dir, "dead.tmp_written") == -9  # the dead letter's reason half written
    assert run_link(var_dir) == 0
    assert _files(root / "inbox") == []
    assert len(_files(root / "archive" / "inbox")) == 8
    assert _files(root / "dead") == ["CEB622Message_JUNK.xml", "CEB622Message_JUNK.xml.reason.txt"]
    with database.session(write=False) as session:
        assert session.scalar(select(func.count()).select_from(DocumentReceipt)) == before + 8
        received = list(session.scalars(select(Exchange).where(Exchange.direction == IN)))
        assert sorted(e.state for e in received) == [APPLIED] * 8 + [DEAD]
        assert len({e.file_name for e in received}) == 9
        statuses = session.scalars(
            select(ClearanceDocument.status).where(
                ClearanceDocument.order_no.in_([IMPORT_READY, EXPORT_READY])
            )
        )
        assert set(statuses) == {"2"}
    assert run_link(var_dir) == 0  # nothing left, nothing applied twice
    with database.session(write=False) as session:
        assert session.scalar(select(func.count()).select_from(DocumentReceipt)) == before + 8
