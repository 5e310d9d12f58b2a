"""The link's runs (each its own transactions), the web app's periodic job, and `opencbec link`."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from bench.link import echo
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select
from typer.testing import CliRunner

from opencbec.cli import app as cli_app
from opencbec.customs import jobs, service
from opencbec.customs.models import APPLIED, IN, OUT, WRITTEN, Exchange
from opencbec.db import build_engine
from opencbec.demo import service as demo_service
from opencbec.identity import service as identity_service
from opencbec.identity.models import User
from opencbec.migrate import upgrade_engine
from opencbec.settings import Settings
from opencbec.web import create_app
from tests.conftest import FreshDatabases, TestDatabase
from tests.customs.conftest import IMPORT_READY


def _declare(db: TestDatabase, settings: Settings) -> None:
    with db.session() as session:
        demo_service.load(session, var_dir=settings.var_dir)
    with db.session() as session:
        seller = session.scalar(select(User).where(User.username == "seller"))
        assert seller is not None
        service.declare_set(
            session,
            principal=identity_service.principal_for_user(session, seller),
            order_no=IMPORT_READY,
            envelope=service.envelope(settings),
        )


def test_one_run_writes_the_outbox_then_applies_and_archives_the_inbox(
    db: TestDatabase, link_settings: Settings
) -> None:
    _declare(db, link_settings)
    gateway = service.gateway_for(link_settings)
    first = jobs.link_once(db, gateway=gateway)
    assert (first.written, first.applied, first.dead) == (4, 0, 0)
    assert bool(first)
    assert echo(gateway.root) == 4
    (gateway.root / "inbox" / "CEB622Message_JUNK.xml").write_bytes(b"junk")
    second = jobs.link_once(db, gateway=gateway, batch=2)  # three batches drain five files
    assert (second.written, second.applied, second.dead) == (0, 4, 1)
    assert list((gateway.root / "inbox").iterdir()) == []
    assert len(list((gateway.root / "archive" / "inbox").iterdir())) == 4
    assert (gateway.root / "dead" / "CEB622Message_JUNK.xml.reason.txt").is_file()
    assert not jobs.link_once(db, gateway=gateway)  # nothing to do: a falsy run
    with db.session(write=False) as session:
        states = {(e.direction, e.state) for e in session.scalars(select(Exchange))}
    assert (OUT, WRITTEN) in states
    assert (IN, APPLIED) in states


def test_the_crash_probe_fires_only_at_its_point() -> None:
    assert jobs.crash_probe(None) is None
    assert jobs.crash_probe("") is None
    probe = jobs.crash_probe("somewhere:2")
    assert probe is not None
    probe("elsewhere")  # not the point: nothing happens
    probe("somewhere")  # the first of two: nothing yet


def test_the_web_app_runs_the_link_while_it_serves(
    db: TestDatabase, link_settings: Settings
) -> None:
    settings = link_settings.model_copy(update={"run_link": True, "link_interval_seconds": 3600})
    _declare(db, settings)
    app = create_app(settings, database=db)
    with TestClient(app, base_url="https://testserver") as client:
        runner = app.state.link_runner
        assert runner.running
        deadline = time.monotonic() + 30
        while runner.runs < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert client.get("/health").status_code == 200
    assert not runner.running
    assert runner.failures == 0
    assert len(list((settings.var_dir / "exchange" / "outbox").iterdir())) == 4


def test_without_run_link_no_job_is_started(db: TestDatabase, settings: Settings) -> None:
    app = create_app(settings, database=db)
    with TestClient(app, base_url="https://testserver"):
        assert not hasattr(app.state, "link_runner")


def test_the_link_task_logs_what_it_did(
    db: TestDatabase, link_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    _declare(db, link_settings)
    runner = jobs.link_runner(db, link_settings)
    assert runner.tasks[0].interval == link_settings.link_interval_seconds
    caplog.set_level("INFO", logger="opencbec.customs")
    runner.run_due()
    assert "customs link: LinkRun(written=4" in caplog.text


@pytest.fixture
def environment(
    fresh_databases: FreshDatabases, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Path:
    """A migrated empty database and a var_dir, named by the environment as in production."""
    url = fresh_databases.new_url()
    engine = build_engine(url)
    upgrade_engine(engine)
    engine.dispose()
    monkeypatch.setenv("OPENCBEC_DATABASE_URL", url)
    monkeypatch.setenv("OPENCBEC_VAR_DIR", str(tmp_path))
    monkeypatch.delenv(jobs.CRASH_ENV, raising=False)
    return tmp_path


def test_link_once_and_run_from_the_command_line(environment: Path) -> None:
    tmp_path = environment
    runner = CliRunner()
    (tmp_path / "exchange" / "inbox").mkdir(parents=True)
    (tmp_path / "exchange" / "inbox" / "CEB622Message_X.xml").write_bytes(b"junk")
    once = runner.invoke(cli_app, ["link", "once"])
    assert once.exit_code == 0, once.output
    assert "dead letters 1" in once.output
    assert "死信 1" in once.output
    assert (tmp_path / "exchange" / "dead" / "CEB622Message_X.xml").is_file()
    loop = runner.invoke(cli_app, ["link", "run", "--interval", "0.01", "--runs", "2"])
    assert loop.exit_code == 0, loop.output
    assert "海关通道运行中" in loop.output


def test_the_module_entry_runs_the_link_once(
    environment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from opencbec.customs.__main__ import main

    del environment
    main()
    assert "LinkRun(written=0" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(-3, "0 s"), (59, "59 s"), (600, "10 min"), (7200, "2 h"), (3 * 86400, "3 d")],
)
def test_ages_on_the_monitor_read_naturally(seconds: int, shown: str) -> None:
    import datetime as dt

    from opencbec.customs.pages import _age

    now = dt.datetime(2026, 11, 27, tzinfo=dt.UTC)
    assert _age(now - dt.timedelta(seconds=seconds), now) == shown
    assert _age(None, now) == "—"


def test_the_link_holds_no_database_lock_while_it_writes_files(
    fresh_databases: FreshDatabases, link_settings: Settings
) -> None:
    """Writing and syncing the outbox files happens with no transaction open: a web request that
    writes meanwhile (here: on another connection, with a short lock timeout) is not held up."""
    from opencbec.customs.gateway import FolderExchange
    from opencbec.db import Database
    from opencbec.identity.models import Organisation

    url = fresh_databases.new_url()
    database = Database(build_engine(url))
    upgrade_engine(database.engine)
    with database.session() as session:
        demo_service.load(session, var_dir=link_settings.var_dir)
    with database.session() as session:
        seller = session.scalars(select(User).where(User.username == "seller")).one()
        service.declare_set(
            session,
            principal=identity_service.principal_for_user(session, seller),
            order_no=IMPORT_READY,
            envelope=service.envelope(link_settings),
        )
    # Another writer that gives up after 200 ms of waiting for a lock.
    short_wait = (
        {"timeout": 0.2} if url.startswith("sqlite") else {"options": "-c lock_timeout=200"}
    )
    other = create_engine(url, connect_args=short_wait)
    written_beside: list[str] = []
    held_by_the_link: list[int] = []

    class Watched(FolderExchange):
        def send_many(self, messages: Sequence[tuple[bytes, str]]) -> list[bool | Exception]:
            for _, name in messages:
                # No connection of the link's is out of its pool, so no transaction is open: on
                # PostgreSQL, whose row locks would let the writer below pass anyway, this is
                # the check.
                held_by_the_link.append(database.engine.pool.checkedout())  # type: ignore[attr-defined]
                with other.begin() as conn:  # another writer, while the files are being written
                    conn.execute(
                        Organisation.__table__.update()
                        .where(Organisation.__table__.c.code == "muye-chem")
                        .values(name_en=f"Muye {name[:8]}")
                    )
                    written_beside.append(name)
            return super().send_many(messages)

    gateway = Watched(service.gateway_for(link_settings).root)
    try:
        run = jobs.link_once(database, gateway=gateway)
    finally:
        other.dispose()
        database.dispose()
    assert run.written == 4
    assert len(written_beside) == 4
    assert held_by_the_link == [0, 0, 0, 0]
