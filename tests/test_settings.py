"""Settings: every field described; default secrets refused outside dev."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from opencbec.settings import DEV_SECRET_KEY, Settings


def test_every_field_is_described() -> None:
    for name, field in Settings.model_fields.items():
        assert field.description, f"Settings.{name} has no description"
        assert len(field.description) > 15, f"Settings.{name}: say what it is for"


def test_prod_refuses_the_default_secret() -> None:
    with pytest.raises(ValidationError, match="OPENCBEC_SECRET_KEY"):
        Settings(env="prod", load_demo=False)  # type: ignore[arg-type]


def test_prod_refuses_the_demo() -> None:
    with pytest.raises(ValidationError, match="OPENCBEC_LOAD_DEMO"):
        Settings(env="prod", secret_key="s" * 40)  # type: ignore[arg-type]


def test_prod_with_own_secret_is_accepted() -> None:
    settings = Settings(env="prod", secret_key="s" * 40, load_demo=False)  # type: ignore[arg-type]
    assert settings.secret_key != DEV_SECRET_KEY


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.setenv("OPENCBEC_PORT", "8123")
    monkeypatch.setenv("OPENCBEC_DATABASE_URL", "postgresql+psycopg://u@h/db")
    settings = Settings()
    assert settings.port == 8123
    assert settings.effective_database_url == "postgresql+psycopg://u@h/db"


def test_default_database_is_sqlite_under_var(tmp_path: object) -> None:
    from pathlib import Path

    settings = Settings(var_dir=Path("/tmp/somewhere"))
    assert settings.effective_database_url == "sqlite:////tmp/somewhere/opencbec.sqlite3"


def test_unknown_and_short_values_are_refused() -> None:
    with pytest.raises(ValidationError):
        Settings(secret_key="short")
    with pytest.raises(ValidationError):
        Settings(port=0)
