"""Enterprise filing tables: the filing, its versions (each with its own review), its documents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from opencbec.db import Base, JSONType, UTCDateTime


class EnterpriseFiling(Base):
    """An enterprise's filing with the zone: one per USCC, owned by its organisation."""

    __tablename__ = "enterprise_filings"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), unique=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    status: Mapped[str] = mapped_column(String(20))
    current_version_id: Mapped[int | None] = mapped_column(Integer)
    certificate_no: Mapped[str | None] = mapped_column(String(30), unique=True)
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    status_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class FilingVersion(Base):
    """One version of a filing's content and its review: the first filing or a change request."""

    __tablename__ = "filing_versions"
    __table_args__ = (UniqueConstraint("filing_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("enterprise_filings.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20))
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)
    reasons: Mapped[list[str]] = mapped_column(JSONType)
    effective_from: Mapped[dt.date | None] = mapped_column(Date)
    effective_to: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    reviewer: Mapped[str | None] = mapped_column(String(160))


class FilingDocument(Base):
    """A qualification document uploaded with a filing, stored under var/ by its SHA-256."""

    __tablename__ = "filing_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("enterprise_filings.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Park(Base):
    """An industrial park of the zone's offline platform (线下产业园区)."""

    __tablename__ = "parks"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    district: Mapped[str] = mapped_column(String(100))
    focus_zh: Mapped[str] = mapped_column(String(500))
    focus_en: Mapped[str] = mapped_column(String(500))


class IndustrialBelt(Base):
    """An industrial belt (产业带) whose sellers the zone helps onto cross-border e-commerce."""

    __tablename__ = "industrial_belts"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))


class Factory(Base):
    """A source factory (源头工厂): where goods are made, with its products and export markets."""

    __tablename__ = "factories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    uscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    park_id: Mapped[int | None] = mapped_column(ForeignKey("parks.id"), index=True)
    belt_id: Mapped[int] = mapped_column(ForeignKey("industrial_belts.id"), index=True)
    products_zh: Mapped[str] = mapped_column(String(500))
    products_en: Mapped[str] = mapped_column(String(500))
    markets: Mapped[list[str]] = mapped_column(JSONType)
    county: Mapped[str] = mapped_column(String(60))
    search_text: Mapped[str] = mapped_column(String(2000))
    is_listed: Mapped[bool] = mapped_column(Boolean, default=False)
    listed_at: Mapped[dt.date | None] = mapped_column(Date)
