"""The `opencbec` command line against a fresh database of the kind under test."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from opencbec.cli import app
from opencbec.db import build_engine
from tests.conftest import FreshDatabases

runner = CliRunner()


@pytest.fixture
def cli_env(
    fresh_databases: FreshDatabases, monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> str:
    url = fresh_databases.new_url()
    monkeypatch.setenv("OPENCBEC_DATABASE_URL", url)
    monkeypatch.setenv("OPENCBEC_PASSWORD_TIME_COST", "1")
    monkeypatch.setenv("OPENCBEC_PASSWORD_MEMORY_KIB", "64")
    return url


def run(*args: str, input_text: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, list(args), input=input_text)
    return result.exit_code, result.output


def test_database_upgrade_and_check(cli_env: str) -> None:
    code, out = run("db", "check")
    assert code == 1
    assert "db upgrade" in out
    assert run("db", "upgrade")[0] == 0
    code, out = run("db", "check")
    assert code == 0, out
    assert "agree" in out


def test_organisations_users_keys_and_audit(cli_env: str) -> None:
    assert run("db", "upgrade")[0] == 0
    code, out = run(
        "orgs",
        "create",
        "--code",
        "xx-bank",
        "--name-zh",
        "测试银行",
        "--name-en",
        "Test Bank",
        "--role",
        "financial_institution",
    )
    assert code == 0, out
    code, out = run(
        "orgs",
        "create",
        "--code",
        "Bad Code",
        "--name-zh",
        "x",
        "--name-en",
        "x",
        "--role",
        "payment",
    )
    assert code == 2
    assert "code" in out
    code, out = run("orgs", "list")
    assert "xx-bank" in out
    code, out = run(
        "users",
        "create",
        "--org",
        "xx-bank",
        "--username",
        "teller",
        "--admin",
        input_text="a-long-password\na-long-password\n",
    )
    assert code == 0, out
    assert (
        run("users", "create", "--org", "nope", "--username", "x", "--password", "a-long-password")[
            0
        ]
        == 2
    )
    assert (
        run("users", "create", "--org", "xx-bank", "--username", "t2", "--password", "short")[0]
        == 2
    )
    code, out = run(
        "apikeys", "create", "--org", "xx-bank", "--name", "core banking", "--scope", "audit:read"
    )
    assert code == 0, out
    secret = out.strip().splitlines()[-1]
    assert secret.startswith("ocb_")
    assert run("apikeys", "create", "--org", "xx-bank", "--name", "x", "--scope", "root")[0] == 2
    assert run("apikeys", "create", "--org", "nope", "--name", "x", "--scope", "audit:read")[0] == 2
    assert run("apikeys", "revoke", "--org", "xx-bank", "1")[0] == 0
    assert run("apikeys", "revoke", "--org", "xx-bank", "999")[0] == 2
    assert run("apikeys", "revoke", "--org", "nope", "1")[0] == 2
    code, out = run("audit", "verify")
    assert code == 0, out
    assert "intact" in out

    engine = build_engine(cli_env)
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("DROP TRIGGER audit_entries_no_update")
        else:
            conn.exec_driver_sql("ALTER TABLE audit_entries DISABLE TRIGGER USER")
        conn.execute(text("UPDATE audit_entries SET actor_label = 'someone else' WHERE seq = 2"))
    engine.dispose()
    code, out = run("audit", "verify")
    assert code == 1
    assert "#2 changed" in out


def test_demo_load_once(cli_env: str, monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.setenv("OPENCBEC_VAR_DIR", str(tmp_path))
    assert run("db", "upgrade")[0] == 0
    code, out = run("demo", "load", "--scale", "tiny", "--seed", "7")
    assert code == 0, out
    assert "customs" in out
    assert "opencbec-demo-2026" in out
    assert "demo zone tiny (seed 7)" in out
    code, out = run("demo", "load", "--scale", "tiny", "--seed", "7")
    assert code == 1
    assert "already holds a demo zone" in out


def test_demo_load_says_where_it_stopped_and_continues(
    cli_env: str, monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    from pathlib import Path

    monkeypatch.setenv("OPENCBEC_VAR_DIR", str(tmp_path))
    assert run("db", "upgrade")[0] == 0
    # A signing key that cannot be read: the enterprises are loaded, then nothing can be sent.
    monkeypatch.setenv("OPENCBEC_SIGNING_KEY_FILE", str(Path(str(tmp_path)) / "missing.key"))
    monkeypatch.setenv("OPENCBEC_SIGNING_CERT_FILE", str(Path(str(tmp_path)) / "missing.pem"))
    code, out = run("demo", "load", "--scale", "tiny", "--seed", "7")
    assert code == 2
    assert "stopped after the enterprises" in out
    assert "signing key" in out
    code, out = run("demo", "load", "--scale", "tiny", "--seed", "8")
    assert code == 1
    assert "same scale and seed" in out
    monkeypatch.delenv("OPENCBEC_SIGNING_KEY_FILE")
    monkeypatch.delenv("OPENCBEC_SIGNING_CERT_FILE")
    code, out = run("demo", "load", "--scale", "tiny", "--seed", "7")
    assert code == 0, out
    assert "demo zone tiny (seed 7)" in out


def test_demo_scale_must_be_known(cli_env: str) -> None:
    code, out = run("demo", "load", "--scale", "huge")
    assert code == 2
    assert "scale must be one of" in out


def test_demo_refused_when_switched_off(cli_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENCBEC_LOAD_DEMO", "false")
    assert run("demo", "load")[0] == 2


def test_code_tables_from_the_command_line(cli_env: str, tmp_path: object) -> None:
    from pathlib import Path

    assert run("db", "upgrade")[0] == 0
    code, out = run("codes", "seed")
    assert code == 0, out
    assert "currency" in out
    assert "already" in run("codes", "seed")[1]
    code, out = run("codes", "tables")
    assert "JGS-20" in out
    edition = Path(str(tmp_path)) / "currency.csv"
    edition.write_text("code,iso4217,name_zh,name_en\n142,CNY,人民币,Renminbi\n", encoding="utf-8")
    code, out = run(
        "codes", "import", "currency", str(edition), "--effective-from", "2030-01-01", "--dry-run"
    )
    assert code == 0, out
    assert "nothing applied" in out
    code, out = run(
        "codes", "import", "currency", str(edition), "--effective-from", "2030-01-01", "--yes"
    )
    assert code == 0, out
    assert "applied" in out
    code, out = run("codes", "show", "currency", "142")
    assert "2030-01-01" in out
    assert run("codes", "show", "currency", "999")[0] == 1
    assert (
        run("codes", "import", "currency", str(edition), "--effective-from", "2020-01-01", "--yes")[
            0
        ]
        == 2
    )
    assert run("codes", "import", "currency", str(edition), "--effective-from", "soon")[0] == 2
    assert run("codes", "import", "planets", str(edition), "--yes")[0] == 2
