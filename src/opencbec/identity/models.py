"""Identity tables: organisations, roles, users, web sessions, API keys and record shares."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from opencbec.db import Base, JSONType, UTCDateTime


class OrgRole(StrEnum):
    """What an organisation is in the zone (DESIGN.md, "Who uses it")."""

    ECOMMERCE_ENTERPRISE = "ecommerce_enterprise"
    ECOMMERCE_PLATFORM = "ecommerce_platform"
    LOGISTICS = "logistics"
    PAYMENT = "payment"
    CUSTOMS_BROKER = "customs_broker"
    WAREHOUSE_OPERATOR = "warehouse_operator"
    FINANCIAL_INSTITUTION = "financial_institution"
    REGULATOR = "regulator"
    ZONE_ADMINISTRATION = "zone_administration"


class Department(StrEnum):
    """A regulator's government department."""

    CUSTOMS = "customs"
    TAX = "tax"
    FOREIGN_EXCHANGE = "foreign_exchange"
    COMMERCE = "commerce"
    MARKET_SUPERVISION = "market_supervision"
    POST = "post"


class Organisation(Base):
    """A party of the zone: an enterprise, a bank, a regulator, the zone administration."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    department: Mapped[str | None] = mapped_column(String(40))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    roles: Mapped[list[OrganisationRole]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="OrganisationRole.role"
    )


class OrganisationRole(Base):
    """One role an organisation holds; an organisation may hold several."""

    __tablename__ = "organisation_roles"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(40), primary_key=True)


class User(Base):
    """A person who logs in to the web; belongs to exactly one organisation."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    username: Mapped[str] = mapped_column(String(120), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_org_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class WebSession(Base):
    """A logged-in browser. The cookie holds a random token; only its SHA-256 is stored."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    client_ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))


class ApiKey(Base):
    """A machine client's key: scoped, expiring, revocable; the secret is stored hashed."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(120))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[str]] = mapped_column(JSONType)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class RecordShare(Base):
    """A counterparty's record made visible to another organisation (one object, one grantee)."""

    __tablename__ = "record_shares"
    __table_args__ = (
        UniqueConstraint("object_type", "object_id", "grantee_organisation_id"),
        Index("ix_record_shares_grantee", "grantee_organisation_id", "object_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    object_type: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[str] = mapped_column(String(64))
    owner_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    grantee_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    purpose: Mapped[str] = mapped_column(String(200))
    granted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


def snapshot(obj: Base, *, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Return the column values of `obj` for an audit digest (secrets excluded by the caller)."""
    out: dict[str, Any] = {}
    for column in obj.__table__.columns:
        if column.key not in exclude:
            out[column.key] = getattr(obj, column.key)
    return out
