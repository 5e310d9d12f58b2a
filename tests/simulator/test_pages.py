"""The simulator's page for the zone administration, its thread, and `opencbec customs-sim`."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from opencbec.audit.models import AuditEntry
from opencbec.cli import app as cli_app
from opencbec.identity.models import OrgRole
from opencbec.messages import ceb
from opencbec.settings import Settings
from opencbec.simulator.pages import runner_of
from opencbec.simulator.runner import Runner
from opencbec.web import create_app
from tests.conftest import TestDatabase
from tests.factories.identity import csrf_from, log_in, make_org, make_user
from tests.simulator.conftest import import_messages


def _put_in_outbox(outbox: Path, message: Any) -> None:
    # Written whole, then renamed, as the link does: a running simulator thread must never read
    # a half-written file (it once answered one with a format receipt, failing a test).
    staged = outbox / f"{type(message).__name__}_{message.guid}.xml.tmp"
    staged.write_bytes(ceb.encode(message))
    staged.rename(outbox / staged.name.removesuffix(".tmp"))


def _zone_client(session: Session, client: TestClient) -> None:
    user = make_user(session, make_org(session, roles=(OrgRole.ZONE_ADMINISTRATION,)))
    log_in(client, user.username)


def _wait(condition: object, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_the_zone_administration_runs_the_simulator_from_its_page(
    session: Session, client: TestClient, app: FastAPI, settings: Settings
) -> None:
    _zone_client(session, client)
    page = client.get("/simulator?lang=zh_CN")
    assert page.status_code == 200
    assert "海关模拟器" in page.text or "Customs simulator" in page.text
    assert 'href="/simulator"' in page.text
    en = client.get("/simulator?lang=en").text
    assert "Customs simulator" in en
    assert "SIMULATOR" in en
    assert "Stopped" in en
    assert "Nothing received yet." in en
    runner_of(app).interval = 0.05
    started = client.post(
        "/simulator/start", data={"csrf_token": csrf_from(en)}, follow_redirects=False
    )
    assert started.status_code == 303
    assert runner_of(app).running
    outbox = settings.var_dir / "exchange" / "outbox"
    _put_in_outbox(outbox, import_messages("SIMWEB01")[0])
    _wait(lambda: not list(outbox.iterdir()))
    _wait(lambda: runner_of(app).snapshot().answered.get("CEB312Message") == (1, 0))
    running = client.get("/simulator?lang=en").text
    assert "Running" in running
    assert "CEB311Message" in running
    assert "CEB312Message" in running
    stopped = client.post(
        "/simulator/stop", data={"csrf_token": csrf_from(running)}, follow_redirects=False
    )
    assert stopped.status_code == 303
    assert not runner_of(app).running
    assert "Stopped" in client.get("/simulator?lang=en").text
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.action.like("simulator.%"))
    ).all()
    assert sorted(actions) == ["simulator.start", "simulator.stop"]


def test_settings_are_checked_and_kept(session: Session, client: TestClient, app: FastAPI) -> None:
    _zone_client(session, client)
    page = client.get("/simulator?lang=en").text
    token = csrf_from(page)
    bad = client.post(
        "/simulator/settings?lang=en",
        data={
            "csrf_token": token,
            "seed": "x",
            "delay_seconds": "-1",
            "review_rate": "2",
            "inspection_rate": "0.1",
        },
    )
    assert bad.status_code == 422
    assert "a whole number from 0" in bad.text
    assert "a share from 0 to 1" in bad.text
    assert 'value="x"' in bad.text
    good = client.post(
        "/simulator/settings",
        follow_redirects=False,
        data={
            "csrf_token": token,
            "seed": "42",
            "delay_seconds": "5",
            "review_rate": "0.25",
            "inspection_rate": "0.1",
        },
    )
    assert good.status_code == 303
    config = runner_of(app).config()
    assert (config.seed, config.delay_seconds, config.review_rate) == (42, 5.0, 0.25)
    assert 'value="42"' in client.get("/simulator").text


def test_other_organisations_may_not_use_the_simulator(
    session: Session, client: TestClient
) -> None:
    user = make_user(session, make_org(session))
    log_in(client, user.username)
    page = client.get("/home")
    assert 'href="/simulator"' not in page.text
    assert client.get("/simulator").status_code == 403
    token = csrf_from(page.text)
    assert client.post("/simulator/start", data={"csrf_token": token}).status_code == 403


def test_the_setting_starts_it_with_the_platform(settings: Settings, db: TestDatabase) -> None:
    app = create_app(settings.model_copy(update={"run_simulator": True}), database=db)
    with TestClient(app):
        assert runner_of(app).running
    assert not runner_of(app).running


def test_a_failing_pass_is_reported_and_the_thread_keeps_going(tmp_path: Path) -> None:
    runner = Runner(tmp_path / "exchange", interval=0.05)
    assert runner.stop() is False
    try:
        assert runner.start() is True
        assert runner.start() is False
        _wait(lambda: runner.passes > 0)
        inbox = tmp_path / "exchange" / "inbox"
        inbox.rmdir()
        inbox.write_bytes(b"")  # a file where the inbox should be: receipts cannot be written
        order = import_messages("SIMWEB02")[0]
        outbox = tmp_path / "exchange" / "outbox"
        _put_in_outbox(outbox, order)
        _wait(lambda: runner.last_error is not None)
        assert "inbox" in str(runner.last_error)
        assert runner.running
        inbox.unlink()
        _wait(lambda: runner.last_error is None and runner.snapshot().answered != {})
        assert runner.snapshot().answered["CEB312Message"] == (1, 0)
    finally:
        runner.stop()
    assert not runner.running


def test_the_command_line_answers_once(tmp_path: Path) -> None:
    order = import_messages("SIMCLI01")[0]
    outbox = tmp_path / "exchange" / "outbox"
    outbox.mkdir(parents=True)
    (outbox / f"CEB311Message_{order.guid}.xml").write_bytes(ceb.encode(order))
    result = CliRunner().invoke(
        cli_app,
        ["customs-sim", "--exchange", str(tmp_path / "exchange"), "--seed", "3", "--once"],
    )
    assert result.exit_code == 0, result.output
    assert "customs simulator" in result.output
    assert "received 1" in result.output
    assert len(list((tmp_path / "exchange" / "inbox").glob("CEB312Message_*.xml"))) == 1
    again = CliRunner().invoke(
        cli_app, ["customs-sim", "--exchange", str(tmp_path / "exchange"), "--once"]
    )
    assert again.exit_code == 0
    assert "received" not in again.output
