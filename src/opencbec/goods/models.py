"""Reference-code tables: editions (who published what, when it applies) and effective-dated rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from opencbec.db import Base, JSONType, Money, UTCDateTime


class CodeEdition(Base):
    """One edition of a code table: its source, version, the day it applies from, and its digest."""

    __tablename__ = "code_editions"
    __table_args__ = (UniqueConstraint("table_name", "effective_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    table_name: Mapped[str] = mapped_column(String(40), index=True)
    version: Mapped[str] = mapped_column(String(60))
    source: Mapped[str] = mapped_column(String(500))
    effective_from: Mapped[dt.date] = mapped_column(Date)
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    imported_by: Mapped[str] = mapped_column(String(160))
    row_count: Mapped[int] = mapped_column(Integer)
    added: Mapped[int] = mapped_column(Integer)
    removed: Mapped[int] = mapped_column(Integer)
    changed: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))


class ReferenceCode(Base):
    """One code of one table, valid from a day until the day a later edition replaced it."""

    __tablename__ = "reference_codes"
    __table_args__ = (
        UniqueConstraint("table_name", "code", "valid_from"),
        Index("ix_reference_codes_lookup", "table_name", "code", "valid_to"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    table_name: Mapped[str] = mapped_column(String(40))
    code: Mapped[str] = mapped_column(String(20))
    name_zh: Mapped[str] = mapped_column(String(500))
    name_en: Mapped[str] = mapped_column(String(500))
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    edition_id: Mapped[int] = mapped_column(ForeignKey("code_editions.id"), index=True)


class Product(Base):
    """A filed product (商品备案) of an e-commerce enterprise, checked against the code tables."""

    __tablename__ = "products"
    __table_args__ = (UniqueConstraint("organisation_id", "item_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    item_no: Mapped[str] = mapped_column(String(30))
    direction: Mapped[str] = mapped_column(String(6))
    supervision_mode: Mapped[str] = mapped_column(String(4))
    name_zh: Mapped[str] = mapped_column(String(250))
    name_en: Mapped[str] = mapped_column(String(250))
    brand: Mapped[str] = mapped_column(String(100))
    model_spec: Mapped[str] = mapped_column(String(255))
    declared_elements: Mapped[str] = mapped_column(String(500))
    hs_code: Mapped[str] = mapped_column(String(10), index=True)
    unit: Mapped[str] = mapped_column(String(3))
    origin_country: Mapped[str] = mapped_column(String(3))
    price: Mapped[Decimal] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(String(3))
    barcode: Mapped[str | None] = mapped_column(String(14))
    status: Mapped[str] = mapped_column(String(20))
    positive_list_notes: Mapped[str | None] = mapped_column(String(500))
    ip_owner: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class BrandRecordal(Base):
    """A brand recorded with customs for IP protection and its owner (filled by the IP domain later)."""

    __tablename__ = "brand_recordals"

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_key: Mapped[str] = mapped_column(String(100), unique=True)
    brand: Mapped[str] = mapped_column(String(100))
    owner: Mapped[str] = mapped_column(String(200))
    recordal_no: Mapped[str] = mapped_column(String(40))


class ProductImage(Base):
    """A picture of a filed product, stored under var/ by its SHA-256."""

    __tablename__ = "product_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
