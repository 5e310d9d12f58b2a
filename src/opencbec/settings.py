"""One settings class for the whole platform, read from OPENCBEC_* environment variables."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET_KEY = "dev-only-insecure-secret-key-change-me"  # noqa: S105 - refused outside dev


class Environment(StrEnum):
    """Where the platform runs; only `dev` and `test` accept the built-in defaults for secrets."""

    DEV = "dev"
    TEST = "test"
    PROD = "prod"


class Settings(BaseSettings):
    """Platform settings. Every field is described: `opencbec --help` and the docs show them."""

    model_config = SettingsConfigDict(env_prefix="OPENCBEC_", extra="forbid", frozen=True)

    env: Environment = Field(
        default=Environment.DEV,
        description="Deployment environment: dev, test or prod. Default secrets are refused in prod.",
    )
    var_dir: Path = Field(
        default=Path("var"),
        description="Directory for the embedded database, uploaded files and customs folders.",
    )
    database_url: str = Field(
        default="",
        description=(
            "SQLAlchemy database URL. Empty means the embedded SQLite file var/opencbec.sqlite3; "
            "postgresql+psycopg://user@host/db selects PostgreSQL."
        ),
    )
    host: str = Field(default="127.0.0.1", description="Address the web server listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port the web server listens on.")
    secret_key: str = Field(
        default=DEV_SECRET_KEY,
        min_length=32,
        description="Secret for CSRF tokens and other keyed hashes; at least 32 characters.",
    )
    cookie_secure: bool = Field(
        default=True,
        description=(
            "Mark cookies Secure. Browsers accept Secure cookies from http://127.0.0.1 and "
            "http://localhost, so the default suits local use too."
        ),
    )
    session_idle_minutes: int = Field(
        default=30,
        ge=1,
        description="A web session ends after this many minutes without a request.",
    )
    session_absolute_hours: int = Field(
        default=12, ge=1, description="A web session ends this many hours after login, used or not."
    )
    login_max_failures: int = Field(
        default=5, ge=1, description="Failed logins in a row after which an account is locked."
    )
    login_lockout_minutes: int = Field(
        default=15, ge=1, description="How long an account stays locked after too many failures."
    )
    api_key_max_days: int = Field(
        default=365, ge=1, description="Longest validity an API key may be given, in days."
    )
    password_time_cost: int = Field(
        default=3,
        ge=1,
        le=20,
        description="argon2id passes per password hash (higher is slower and safer).",
    )
    password_memory_kib: int = Field(
        default=65536,
        ge=8,
        description="argon2id memory per password hash in KiB (default 64 MiB, as OWASP advises).",
    )
    max_body_bytes: int = Field(
        default=10 * 1024 * 1024,
        ge=1024,
        description="Request bodies larger than this many bytes are refused with 413.",
    )
    default_locale: Literal["zh_CN", "en"] = Field(
        default="zh_CN", description="Language shown when the browser and the user state none."
    )
    load_demo: bool = Field(
        default=True,
        description="Load the demo zone on first start of `opencbec serve` (refused in prod).",
    )
    hs_nomenclature_file: Path | None = Field(
        default=None,
        description=(
            "Full HS 2022 CSV (harmonized-system.csv format) loaded on first start; when unset, "
            "../shared/data/hs2022/harmonized-system.csv is used if present, else the demo subset."
        ),
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        default="info", description="Log level of the web server and background work."
    )
    signing_key_file: Path | None = Field(
        default=None,
        description=(
            "Private key (PEM or DER, RSA or SM2) that signs messages sent to customs. Unset in "
            "dev/test: a self-signed development key is made under var_dir; unset in prod: "
            "nothing can be sent."
        ),
    )
    signing_cert_file: Path | None = Field(
        default=None, description="X.509 certificate of signing_key_file (PEM or DER)."
    )
    run_link: bool = Field(
        default=False,
        description=(
            "Run the customs link (write the outbox, read the inbox) in the web process. "
            "`opencbec serve` turns it on unless OPENCBEC_RUN_LINK is set."
        ),
    )
    link_interval_seconds: float = Field(
        default=2.0, gt=0, le=3600, description="Pause of the customs link between two runs."
    )
    dxp_envelope: bool = Field(
        default=False,
        description="Wrap each message sent to customs in the DXP terminal-node envelope (DxpMsg).",
    )
    dxp_sender_id: str = Field(
        default="DXPENT0000000001",
        min_length=1,
        max_length=16,
        description="The platform's DXP id (SenderId, dxpId) assigned by the E-port data centre.",
    )

    run_simulator: bool = Field(
        default=False,
        description=(
            "Run the customs simulator (海关模拟器, not customs) in the web process, answering the "
            "exchange outbox under var_dir; it can also be started from its page."
        ),
    )

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> Settings:
        if self.env is Environment.PROD:
            if self.secret_key == DEV_SECRET_KEY:
                raise ValueError(
                    "OPENCBEC_SECRET_KEY is the built-in development key; set a secret of your own "
                    "for prod. / OPENCBEC_SECRET_KEY 仍是内置开发密钥，生产环境请设置自己的密钥。"
                )
            if self.load_demo:
                raise ValueError(
                    "OPENCBEC_LOAD_DEMO must be false in prod: demo users have published passwords. "
                    "/ 生产环境必须关闭演示数据（OPENCBEC_LOAD_DEMO=false）。"
                )
        return self

    @property
    def effective_hs_file(self) -> Path | None:
        """Return the HS CSV to load on first start, if one can be found."""
        if self.hs_nomenclature_file is not None:
            return self.hs_nomenclature_file
        candidate = (
            Path(__file__).resolve().parents[3]
            / "shared"
            / "data"
            / "hs2022"
            / "harmonized-system.csv"
        )
        return candidate if candidate.is_file() else None

    @property
    def effective_database_url(self) -> str:
        """Return the configured database URL, or the embedded SQLite file under var_dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.var_dir / 'opencbec.sqlite3').resolve()}"
