"""Appointment API shapes. Times are aware ISO 8601; the API answers in UTC, pages show CST."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from opencbec.appointments.models import Booking, CustomsSite, Service, Status

_STRICT = ConfigDict(extra="forbid")


class SiteWrite(BaseModel):
    """A customs site's content. `weekly_hours` maps "0" (Monday) .. "6" (Sunday) to opening
    intervals as [start, end] minutes of the day in China Standard Time ([[0, 1440]]: all day)."""

    model_config = _STRICT

    code: str = Field(max_length=40, examples=["xx-rail-port"])
    name_zh: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    customs_office_code: str = Field(max_length=4, examples=["4600"])
    address: str = Field(max_length=300)
    services: list[Service] = Field(min_length=1, max_length=2)
    weekly_hours: dict[str, list[tuple[int, int]]] = Field(
        examples=[{"0": [[510, 720], [810, 1050]], "5": [[0, 1440]]}]
    )
    slot_minutes: int = Field(ge=10, le=720)
    capacity: int = Field(ge=1, le=500)
    cutoff_minutes: int = Field(default=120, ge=0, le=2880)
    horizon_days: int = Field(default=28, ge=1, le=90)
    active: bool = True


class ClosureWrite(BaseModel):
    """Closed days, first and last inclusive (CST calendar days)."""

    model_config = _STRICT

    first_day: dt.date
    last_day: dt.date
    reason_zh: str = Field(max_length=200, examples=["春节"])
    reason_en: str = Field(max_length=200, examples=["Spring Festival"])


class ClosureRead(BaseModel):
    """A closure of a site."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    first_day: dt.date
    last_day: dt.date
    reason_zh: str
    reason_en: str


class SiteRead(BaseModel):
    """A customs site."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name_zh: str
    name_en: str
    customs_office_code: str
    address: str
    services: list[str]
    weekly_hours: dict[str, list[list[int]]]
    slot_minutes: int
    capacity: int
    cutoff_minutes: int
    horizon_days: int
    active: bool


class SlotRead(BaseModel):
    """A slot of a site's calendar."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    booked: int
    free: int
    bookable: bool = Field(description="Free, not yet started, and within the booking horizon")


class BookingCreate(BaseModel):
    """A booking: the slot (its start, as given by the slots route) and what the site needs."""

    model_config = _STRICT

    site_id: int
    service: Service
    starts_at: AwareDatetime
    goods_description: str = Field(max_length=500)
    packages: int = Field(ge=1, le=100_000)
    gross_weight_kg: str = Field(
        pattern=r"^\d{1,7}(\.\d{1,3})?$", examples=["860.5"], description="Kilograms"
    )
    transport_no: str = Field(
        max_length=20,
        examples=["CSQU3054383"],
        description="Container number (ISO 6346) or vehicle plate",
    )
    document_numbers: list[str] = Field(
        min_length=1, max_length=50, description="Export inventory or waybill numbers"
    )
    contact_name: str = Field(max_length=60)
    contact_phone: str = Field(max_length=30)

    def details(self) -> dict[str, Any]:
        """Return the booking's details as the service reads them."""
        return self.model_dump(exclude={"site_id", "service", "starts_at"})


class BookingMove(BaseModel):
    """Where to move a booking: the start of another slot of the same site."""

    model_config = _STRICT

    starts_at: AwareDatetime


class BookingCancel(BaseModel):
    """Why a booking is cancelled (optional)."""

    model_config = _STRICT

    reason: str = Field(default="", max_length=500)


class BookingResult(BaseModel):
    """What happened at the site."""

    model_config = _STRICT

    status: Status = Field(description="arrived, inspected or no_show")
    note: str = Field(default="", max_length=500)


def _kilograms(grams: int) -> str:
    kg = (Decimal(grams) / 1000).normalize()
    return f"{kg:f}"


class BookingRead(BaseModel):
    """A booking."""

    id: int
    reference: str
    site_id: int
    organisation_id: int
    service: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str
    goods_description: str
    packages: int
    gross_weight_kg: str
    transport_no: str
    document_numbers: list[str]
    contact_name: str
    contact_phone: str
    officer_note: str | None
    result_at: dt.datetime | None
    result_by: str | None
    acknowledged_at: dt.datetime | None
    cancel_reason: str | None

    @classmethod
    def of(cls, booking: Booking) -> BookingRead:
        """Return the API form of a booking."""
        fields = {
            name: getattr(booking, name) for name in cls.model_fields if name != "gross_weight_kg"
        }
        return cls(**fields, gross_weight_kg=_kilograms(booking.gross_weight_g))


class DaySlotRead(BaseModel):
    """One slot of a site's day with its bookings."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    booked: int
    bookings: list[BookingRead]


def site_read(site: CustomsSite) -> SiteRead:
    """Return the API form of a site."""
    return SiteRead.model_validate(site)
