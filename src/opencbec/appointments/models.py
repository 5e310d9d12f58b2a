"""Appointment tables: customs sites with their weekly pattern, closures, and bookings.

Slots are not stored: they follow from a site's weekly pattern and closures (rules.slots_of);
a booking holds the slot's start and end, and a slot's use is the count of its live bookings.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from opencbec.db import Base, JSONType, UTCDateTime


class Service(StrEnum):
    """What a booking is for."""

    INSPECTION = "inspection"  # 出口拼箱货物装运前查验
    CLEARANCE_7X24 = "clearance_7x24"  # 7×24小时预约通关


class Status(StrEnum):
    """Where a booking stands."""

    BOOKED = "booked"
    ARRIVED = "arrived"
    INSPECTED = "inspected"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


class CustomsSite(Base):
    """A customs-controlled site (监管场所/查验场地) that takes appointments.

    `weekly_hours` maps the weekday ("0" Monday .. "6" Sunday) to its opening intervals as
    [start, end] minutes of the day in China Standard Time (end 1440: open until midnight).
    """

    __tablename__ = "appointment_sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    customs_office_code: Mapped[str] = mapped_column(String(4))
    address: Mapped[str] = mapped_column(String(300))
    services: Mapped[list[str]] = mapped_column(JSONType)
    weekly_hours: Mapped[dict[str, Any]] = mapped_column(JSONType)
    slot_minutes: Mapped[int] = mapped_column(Integer)
    capacity: Mapped[int] = mapped_column(Integer)
    cutoff_minutes: Mapped[int] = mapped_column(Integer)
    horizon_days: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class SiteClosure(Base):
    """Days a site is closed (a public holiday, works), first and last day inclusive (CST dates)."""

    __tablename__ = "appointment_closures"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("appointment_sites.id"), index=True)
    first_day: Mapped[dt.date] = mapped_column(Date)
    last_day: Mapped[dt.date] = mapped_column(Date)
    reason_zh: Mapped[str] = mapped_column(String(200))
    reason_en: Mapped[str] = mapped_column(String(200))


class Booking(Base):
    """An enterprise's booking of one slot at a site for one service (预约).

    Gross weight is kept in grams so it stays exact on both databases.
    """

    __tablename__ = "appointment_bookings"
    __table_args__ = (
        Index("ix_appointment_bookings_site_id_starts_at", "site_id", "starts_at"),
        Index("ix_appointment_bookings_transport_no_starts_at", "transport_no", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(30), unique=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("appointment_sites.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    service: Mapped[str] = mapped_column(String(30))
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(20))
    goods_description: Mapped[str] = mapped_column(String(500))
    packages: Mapped[int] = mapped_column(Integer)
    gross_weight_g: Mapped[int] = mapped_column(Integer)
    transport_no: Mapped[str] = mapped_column(String(20))
    document_numbers: Mapped[list[str]] = mapped_column(JSONType)
    contact_name: Mapped[str] = mapped_column(String(60))
    contact_phone: Mapped[str] = mapped_column(String(30))
    officer_note: Mapped[str | None] = mapped_column(String(500))
    result_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    result_by: Mapped[str | None] = mapped_column(String(160))
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
