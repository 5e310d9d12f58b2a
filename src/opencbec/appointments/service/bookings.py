"""Bookings (预约): an approved enterprise books, moves and cancels; customs officers record
arrival, inspection or no-show; the enterprise acknowledges the result."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opencbec.appointments.models import Booking, CustomsSite, Service, Status
from opencbec.appointments.rules import (
    LIVE,
    RESULTS,
    Slot,
    check_bookable,
    check_capacity,
    check_cutoff,
    check_details,
    check_no_overlap,
    find_slot,
    local_day,
    local_day_start,
    result_allowed,
    slots_on,
)
from opencbec.appointments.service.sites import (
    is_officer,
    locked_site,
    pattern_of,
    require_officer,
    require_site,
)
from opencbec.audit import service as audit_service
from opencbec.enterprise import service as enterprise_service
from opencbec.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound, invalid
from opencbec.identity.models import Department, snapshot
from opencbec.identity.rules import Principal
from opencbec.kit.i18n import N_, Bilingual
from opencbec.kit.ids import new_token
from opencbec.kit.time import CHINA_STANDARD_TIME, utcnow
from opencbec.notifications import service as notifications_service

audit_service.describe_actions(
    {
        "appointments.booking.book": N_("Appointment booked"),
        "appointments.booking.move": N_("Appointment moved"),
        "appointments.booking.cancel": N_("Appointment cancelled"),
        "appointments.booking.result": N_("Appointment result recorded"),
        "appointments.booking.acknowledge": N_("Appointment result acknowledged"),
    }
)
BOOKING_NOT_FOUND: Final = Bilingual("No such booking.", "没有该预约。")
_LIVE_VALUES: Final = [s.value for s in LIVE]


def may_book(session: Session, principal: Principal) -> bool:
    """True for an enterprise whose filing is approved (regulators and the zone never book)."""
    if principal.is_regulator or principal.is_zone_admin:
        return False
    return enterprise_service.is_approved(session, organisation_id=principal.organisation_id)


def _require_booker(session: Session, principal: Principal) -> None:
    if not may_book(session, principal):
        raise Forbidden(
            Bilingual(
                "Only enterprises with an approved filing may book customs appointments.",
                "只有备案已通过的企业可以预约海关查验或通关。",
            )
        )


def _record(
    session: Session, principal: Principal, action: str, booking: Booking, **kw: Any
) -> None:
    audit_service.record(
        session,
        actor=principal.actor,
        action=f"appointments.booking.{action}",
        object_type="appointments.booking",
        object_id=booking.id,
        organisation_id=booking.organisation_id,
        **kw,
    )


def _tell_officers(session: Session, booking: Booking, site: CustomsSite, text: str) -> None:
    """Tell customs officers (they serve every site) about a new or moved booking."""
    notifications_service.notify_department(
        session,
        department=Department.CUSTOMS,
        event="appointments.booking",
        text=text,
        href=f"/appointments/bookings/{booking.id}",
        values={
            "reference": booking.reference,
            "site": site.name_zh,
            "time": f"{booking.starts_at.astimezone(CHINA_STANDARD_TIME):%Y-%m-%d %H:%M}",
        },
    )


def _live_count(session: Session, site_id: int, starts_at: dt.datetime) -> int:
    return int(
        session.scalar(
            select(func.count()).where(
                Booking.site_id == site_id,
                Booking.starts_at == starts_at,
                Booking.status.in_(_LIVE_VALUES),
            )
        )
        or 0
    )


def _check_transport_free(
    session: Session, slot: Slot, transport_no: str, *, besides: int | None = None
) -> None:
    rows = session.execute(
        select(Booking.id, Booking.reference, Booking.starts_at, Booking.ends_at).where(
            Booking.transport_no == transport_no,
            Booking.status.in_(_LIVE_VALUES),
            Booking.starts_at < slot.ends_at,
            Booking.ends_at > slot.starts_at,
        )
    )
    check_no_overlap(
        slot, transport_no, [(r.reference, r.starts_at, r.ends_at) for r in rows if r.id != besides]
    )


def _service(site: CustomsSite, value: str) -> Service:
    if value not in site.services:
        raise invalid(
            "service",
            "this site does not offer that service",
            "该场所不提供此项服务",
            "service_not_offered",
        )
    return Service(value)


def _require_active(site: CustomsSite) -> None:
    if not site.active:
        raise Conflict(Bilingual("This site takes no bookings at present.", "该场所暂不接受预约。"))


def book(
    session: Session,
    *,
    principal: Principal,
    site_id: int,
    service: str,
    starts_at: dt.datetime,
    data: Mapping[str, Any],
    now: dt.datetime | None = None,
) -> Booking:
    """Book the slot starting at `starts_at` for `service`, if a place is free."""
    now = now or utcnow()
    _require_booker(session, principal)
    details = check_details(data)
    site = locked_site(session, site_id)
    _require_active(site)
    kind = _service(site, service)
    slot = find_slot(pattern_of(session, site), starts_at)
    check_bookable(slot, now=now, horizon_days=site.horizon_days)
    _check_transport_free(session, slot, details.transport_no)
    check_capacity(_live_count(session, site.id, slot.starts_at), site.capacity)
    booking = Booking(
        reference="tmp-" + new_token(12),  # replaced once the id is known
        site_id=site.id,
        organisation_id=principal.organisation_id,
        service=kind.value,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        status=Status.BOOKED.value,
        goods_description=details.goods_description,
        packages=details.packages,
        gross_weight_g=details.gross_weight_g,
        transport_no=details.transport_no,
        document_numbers=list(details.document_numbers),
        contact_name=details.contact_name,
        contact_phone=details.contact_phone,
        created_at=now,
        updated_at=now,
    )
    session.add(booking)
    session.flush()
    booking.reference = f"AP{local_day(slot.starts_at):%Y%m%d}{booking.id:06d}"
    _record(session, principal, "book", booking, after=snapshot(booking))
    _tell_officers(
        session, booking, site, N_("New customs appointment %(reference)s at %(site)s, %(time)s.")
    )
    return booking


def _own(session: Session, principal: Principal, booking_id: int) -> Booking:
    booking = session.get(Booking, booking_id)
    if booking is None or booking.organisation_id != principal.organisation_id:
        raise NotFound(BOOKING_NOT_FOUND)
    return booking


def _require_booked(booking: Booking) -> None:
    if booking.status != Status.BOOKED:
        raise Conflict(
            Bilingual(
                f"The booking is {booking.status}: it can no longer be moved or cancelled.",
                f"该预约状态为 {booking.status}，不能再改约或取消。",
            )
        )


def move(
    session: Session,
    *,
    principal: Principal,
    booking_id: int,
    starts_at: dt.datetime,
    now: dt.datetime | None = None,
) -> Booking:
    """Move a booking to another slot of the same site with a free place, before the cut-off."""
    now = now or utcnow()
    booking = _own(session, principal, booking_id)
    _require_booked(booking)
    site = locked_site(session, booking.site_id)
    check_cutoff(booking.starts_at, now=now, cutoff_minutes=site.cutoff_minutes)
    _require_active(site)
    slot = find_slot(pattern_of(session, site), starts_at)
    if slot.starts_at == booking.starts_at:
        raise invalid(
            "starts_at",
            "the booking is already in this slot; choose another",
            "该预约已在此时段，请选择其他时段",
            "same_slot",
        )
    check_bookable(slot, now=now, horizon_days=site.horizon_days)
    _check_transport_free(session, slot, booking.transport_no, besides=booking.id)
    check_capacity(_live_count(session, site.id, slot.starts_at), site.capacity)
    before = snapshot(booking)
    booking.starts_at, booking.ends_at, booking.updated_at = slot.starts_at, slot.ends_at, now
    session.flush()
    _record(
        session,
        principal,
        "move",
        booking,
        before=before,
        after=snapshot(booking),
        details={"from": before["starts_at"], "to": slot.starts_at},
    )
    _tell_officers(
        session,
        booking,
        site,
        N_("Customs appointment %(reference)s at %(site)s moved to %(time)s."),
    )
    return booking


def cancel(
    session: Session,
    *,
    principal: Principal,
    booking_id: int,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Booking:
    """Cancel a booking before the site's cut-off; its place is free again."""
    now = now or utcnow()
    booking = _own(session, principal, booking_id)
    _require_booked(booking)
    site = require_site(session, booking.site_id)
    check_cutoff(booking.starts_at, now=now, cutoff_minutes=site.cutoff_minutes)
    if len(reason.strip()) > 500:
        raise invalid("reason", "at most 500 characters", "不超过 500 字")
    before = snapshot(booking)
    booking.status = Status.CANCELLED.value
    booking.cancel_reason = reason.strip() or None
    booking.updated_at = now
    session.flush()
    _record(session, principal, "cancel", booking, before=before, after=snapshot(booking))
    return booking


def record_result(
    session: Session,
    *,
    principal: Principal,
    booking_id: int,
    status: str,
    note: str = "",
    now: dt.datetime | None = None,
) -> Booking:
    """Record what happened at the site: arrived, inspected (or cleared), or no-show."""
    now = now or utcnow()
    require_officer(principal)
    booking = session.get(Booking, booking_id)
    if booking is None:
        raise NotFound(BOOKING_NOT_FOUND)
    if status not in {s.value for s in RESULTS}:
        raise invalid(
            "status", "choose arrived, inspected or no-show", "请选择已到场、已查验或未到场"
        )
    target = Status(status)
    if not result_allowed(Status(booking.status), target):
        raise Conflict(
            Bilingual(
                f"A booking that is {booking.status} cannot be marked {target.value}.",
                f"状态为 {booking.status} 的预约不能标记为 {target.value}。",
            ),
            [FieldError("status", Bilingual("not allowed now", "当前不允许"), "transition")],
        )
    if now < local_day_start(local_day(booking.starts_at)):
        raise invalid(
            "status",
            "results are recorded from the day of the slot",
            "须在预约当日起登记结果",
            "too_early",
        )
    if len(note.strip()) > 500:
        raise invalid("note", "at most 500 characters", "不超过 500 字")
    before = snapshot(booking)
    booking.status = target.value
    booking.officer_note = note.strip() or booking.officer_note
    booking.result_at = now
    booking.result_by = principal.display_name or principal.label
    booking.acknowledged_at = None
    booking.updated_at = now
    session.flush()
    _record(session, principal, "result", booking, before=before, after=snapshot(booking))
    notifications_service.notify(
        session,
        organisation_id=booking.organisation_id,
        event="appointments.booking.result",
        text=N_("Customs recorded the result of appointment %(reference)s: %(status)s."),
        href=f"/appointments/bookings/{booking.id}",
        values={"reference": booking.reference, "status": booking.status},
    )
    return booking


def acknowledge(
    session: Session, *, principal: Principal, booking_id: int, now: dt.datetime | None = None
) -> Booking:
    """Mark a booking's result as read by the enterprise."""
    now = now or utcnow()
    booking = _own(session, principal, booking_id)
    if booking.result_at is None or booking.acknowledged_at is not None:
        raise Conflict(
            Bilingual("There is no new result to acknowledge.", "没有需要确认的新结果。")
        )
    before = snapshot(booking)
    booking.acknowledged_at = now
    session.flush()
    _record(session, principal, "acknowledge", booking, before=before, after=snapshot(booking))
    return booking


# --- reading -------------------------------------------------------------------------------------


def get_booking(session: Session, *, principal: Principal, booking_id: int) -> Booking:
    """Return a booking: your own, or any for a customs officer."""
    booking = session.get(Booking, booking_id)
    if booking is None or not (
        booking.organisation_id == principal.organisation_id or is_officer(principal)
    ):
        raise NotFound(BOOKING_NOT_FOUND)
    return booking


def my_bookings(session: Session, *, principal: Principal, limit: int = 200) -> list[Booking]:
    """Return your organisation's bookings, latest slot first."""
    return list(
        session.scalars(
            select(Booking)
            .where(Booking.organisation_id == principal.organisation_id)
            .order_by(Booking.starts_at.desc(), Booking.id.desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True, slots=True)
class SlotBookings:
    """One slot of a site's day and its bookings (cancelled ones last)."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    bookings: list[Booking]

    @property
    def live(self) -> int:
        """Bookings holding a place."""
        return sum(1 for b in self.bookings if b.status in _LIVE_VALUES)


def day_view(
    session: Session, *, principal: Principal, site_id: int, day: dt.date
) -> list[SlotBookings]:
    """Return a site's CST day slot by slot with every booking, for customs officers."""
    require_officer(principal)
    site = require_site(session, site_id)
    bookings = list(
        session.scalars(
            select(Booking)
            .where(
                Booking.site_id == site.id,
                Booking.starts_at >= local_day_start(day),
                Booking.starts_at < local_day_start(day + dt.timedelta(days=1)),
            )
            .order_by(Booking.starts_at, Booking.id)
        )
    )
    by_start: dict[dt.datetime, SlotBookings] = {
        s.starts_at: SlotBookings(s.starts_at, s.ends_at, site.capacity, [])
        for s in slots_on(pattern_of(session, site), day)
    }
    # A booking outside today's pattern (the hours changed after it was made) keeps its row.
    for booking in bookings:
        row = by_start.setdefault(
            booking.starts_at,
            SlotBookings(booking.starts_at, booking.ends_at, site.capacity, []),
        )
        row.bookings.append(booking)
    for row in by_start.values():
        row.bookings.sort(key=lambda b: (b.status == Status.CANCELLED, b.id))
    return [by_start[k] for k in sorted(by_start)]


def due_between(
    session: Session, *, organisation_id: int | None, start: dt.datetime, end: dt.datetime
) -> int:
    """Count booked (not yet served) bookings whose slot starts in [start, end)."""
    query = select(func.count()).where(
        Booking.status == Status.BOOKED.value,
        Booking.starts_at >= start,
        Booking.starts_at < end,
    )
    if organisation_id is not None:
        query = query.where(Booking.organisation_id == organisation_id)
    return int(session.scalar(query) or 0)


def unread_results(session: Session, *, principal: Principal) -> int:
    """Count results recorded for your bookings that you have not acknowledged."""
    return int(
        session.scalar(
            select(func.count()).where(
                Booking.organisation_id == principal.organisation_id,
                Booking.result_at.is_not(None),
                Booking.acknowledged_at.is_(None),
            )
        )
        or 0
    )


def parse_starts_at(value: str) -> dt.datetime:
    """Read a slot start from a form (ISO 8601 with an offset)."""
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise InvalidInput(
            [
                FieldError(
                    "starts_at",
                    Bilingual("choose a slot from the calendar", "请在日历中选择时段"),
                )
            ]
        )
    return moment.astimezone(dt.UTC)
