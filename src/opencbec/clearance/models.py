"""Clearance tables: documents (订单、支付单、运单、清单) with their versions and receipts (回执)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from opencbec.db import Base, JSONType, Money, UTCDateTime


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
    # Numbers other documents find this one by, kept beside the content so they are indexed:
    # the logisticsNo its head names (an export waybill joins its set by the inventory's), and
    # the invtNo customs assigned to an inventory (a tax bill names nothing else).
    logistics_no: Mapped[str | None] = mapped_column(String(60), index=True)
    invt_no: Mapped[str | None] = mapped_column(String(18), index=True)


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
    # The numbers customs assigns with a receipt (invtNo, preNo, sumNo): a declared inventory
    # does not carry its invtNo, yet its cancellation, return and summary must name it.
    numbers: Mapped[dict[str, Any] | None] = mapped_column(JSONType)


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


class SummaryCandidate(Base):
    """A released 9610 export inventory of a month, waiting for its summary (清单核放、汇总申报).

    state: "pending" (not yet prepared), "applied" (its lines are in summary applications),
    "statistics" (every line may go by list release and summary statistics: no application).
    """

    __tablename__ = "clearance_summary_candidates"
    __table_args__ = (Index("ix_clearance_summary_candidates_month", "organisation_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    inventory_id: Mapped[int] = mapped_column(ForeignKey("clearance_documents.id"), unique=True)
    month: Mapped[str] = mapped_column(String(7))
    state: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class SummaryLine(Base):
    """One goods line of a released export inventory, in the summary application of its group.

    application_id is empty for a line that needs no application (summary statistics only).
    The declaration numbers arrive with the summary result (CEB792).
    """

    __tablename__ = "clearance_summary_lines"
    __table_args__ = (UniqueConstraint("inventory_id", "gnum"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inventory_id: Mapped[int] = mapped_column(ForeignKey("clearance_documents.id"))
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("clearance_documents.id"), index=True
    )
    gnum: Mapped[int] = mapped_column(Integer)
    group_key: Mapped[str] = mapped_column(String(300))
    gcode: Mapped[str] = mapped_column(String(10))
    currency: Mapped[str] = mapped_column(String(3))
    qty: Mapped[Decimal] = mapped_column(Money())
    total_price: Mapped[Decimal] = mapped_column(Money())
    statistics_only: Mapped[bool]
    decl_seq_no: Mapped[str | None] = mapped_column(String(18))
    entry_id: Mapped[str | None] = mapped_column(String(18))


class SummaryResultLink(Base):
    """A summary result (汇总结果单, CEB792) tied to the application it answers."""

    __tablename__ = "clearance_summary_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("clearance_documents.id"), index=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("clearance_documents.id"), unique=True)
    sum_no: Mapped[str] = mapped_column(String(18))
    decl_seq_no: Mapped[str] = mapped_column(String(18))
    entry_id: Mapped[str | None] = mapped_column(String(18))
    linked_by: Mapped[str] = mapped_column(String(12))
    linked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class FollowUp(Base):
    """A cancellation, return or return tally a person requested from an inventory's page."""

    __tablename__ = "clearance_follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    inventory_id: Mapped[int] = mapped_column(ForeignKey("clearance_documents.id"), index=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("clearance_documents.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    order_no: Mapped[str | None] = mapped_column(String(60), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
