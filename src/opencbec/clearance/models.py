"""Clearance tables: documents (订单、支付单、运单、清单) with their versions and receipts (回执)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from opencbec.db import Base, JSONType, UTCDateTime


class ClearanceDocument(Base):
    """One trade document as customs knows it: its kind, business key, current version and status."""

    __tablename__ = "clearance_documents"
    __table_args__ = (
        UniqueConstraint("kind", "business_key"),
        Index("ix_clearance_documents_owner_kind", "organisation_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    kind: Mapped[str] = mapped_column(String(20))
    message_type: Mapped[str] = mapped_column(String(20))
    business_key: Mapped[str] = mapped_column(String(200))
    order_no: Mapped[str | None] = mapped_column(String(60), index=True)
    guid: Mapped[str] = mapped_column(String(36))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10))
    status_time: Mapped[str | None] = mapped_column(String(17))
    status_info: Mapped[str | None] = mapped_column(String(1000))
    content: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class DocumentVersion(Base):
    """A document's content as it was declared (new, then each change), kept for good."""

    __tablename__ = "clearance_document_versions"
    __table_args__ = (UniqueConstraint("document_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("clearance_documents.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    guid: Mapped[str] = mapped_column(String(36), unique=True)
    app_type: Mapped[str] = mapped_column(String(1))
    content: Mapped[dict[str, Any]] = mapped_column(JSONType)
    message_guid: Mapped[str | None] = mapped_column(String(36))
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class DocumentReceipt(Base):
    """A receipt (回执) for a document, kept whether or not it changed the status."""

    __tablename__ = "clearance_receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("clearance_documents.id"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    business_key: Mapped[str] = mapped_column(String(200))
    guid: Mapped[str] = mapped_column(String(36), unique=True)
    status: Mapped[str] = mapped_column(String(10))
    return_time: Mapped[str] = mapped_column(String(17))
    info: Mapped[str | None] = mapped_column(String(1000))
    applied: Mapped[bool]
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class SetCheck(Base):
    """The latest pre-flight check of an order's set (三单对碰结果), kept with the documents.

    Written whenever a document of the set arrives or changes, so lists and to-dos read it instead
    of re-running the check; the order page still runs the check live and refreshes it.
    """

    __tablename__ = "clearance_set_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_no: Mapped[str] = mapped_column(String(60), unique=True)
    direction: Mapped[str] = mapped_column(String(6))
    ready: Mapped[bool]
    failure_count: Mapped[int] = mapped_column(Integer)
    failures: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    checked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
