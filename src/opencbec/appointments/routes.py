"""Appointments JSON API: sites and their slots, bookings, the site's day, results.

Appointments are customs clearance services: API keys use the clearance scopes.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Response

from opencbec.appointments import service
from opencbec.appointments.schemas import (
    BookingCancel,
    BookingCreate,
    BookingMove,
    BookingRead,
    BookingResult,
    ClosureRead,
    ClosureWrite,
    DaySlotRead,
    SiteRead,
    SiteWrite,
    SlotRead,
    site_read,
)
from opencbec.kit.time import utcnow
from opencbec.webkit import PROBLEM_RESPONSES, CurrentPrincipal, DbSession, require_scope

router = APIRouter(
    prefix="/api/v1/appointments", tags=["appointments"], responses=PROBLEM_RESPONSES
)
READ, WRITE = "clearance:read", "clearance:write"


@router.get("/sites", response_model=list[SiteRead])
def list_sites(principal: CurrentPrincipal, session: DbSession) -> list[SiteRead]:
    """List the customs sites that take appointments (managers also see inactive ones)."""
    require_scope(principal, READ)
    return [
        site_read(s) for s in service.sites(session, include_inactive=service.is_manager(principal))
    ]


@router.post("/sites", response_model=SiteRead, status_code=201)
def create_site(body: SiteWrite, principal: CurrentPrincipal, session: DbSession) -> SiteRead:
    """Register a customs site (customs officers, zone administration)."""
    require_scope(principal, WRITE)
    return site_read(service.create_site(session, principal=principal, data=body.model_dump()))


@router.put("/sites/{site_id}", response_model=SiteRead)
def update_site(
    site_id: int, body: SiteWrite, principal: CurrentPrincipal, session: DbSession
) -> SiteRead:
    """Change a site's content (its code stays); bookings already made keep their slots."""
    require_scope(principal, WRITE)
    return site_read(
        service.update_site(session, principal=principal, site_id=site_id, data=body.model_dump())
    )


@router.get("/sites/{site_id}/closures", response_model=list[ClosureRead])
def list_closures(
    site_id: int, principal: CurrentPrincipal, session: DbSession
) -> list[ClosureRead]:
    """List a site's closed days."""
    require_scope(principal, READ)
    service.require_site(session, site_id)
    return [ClosureRead.model_validate(c) for c in service.closures(session, site_id=site_id)]


@router.post("/sites/{site_id}/closures", response_model=ClosureRead, status_code=201)
def add_closure(
    site_id: int, body: ClosureWrite, principal: CurrentPrincipal, session: DbSession
) -> ClosureRead:
    """Close a site on some days (a holiday)."""
    require_scope(principal, WRITE)
    return ClosureRead.model_validate(
        service.add_closure(session, principal=principal, site_id=site_id, **body.model_dump())
    )


@router.delete("/sites/{site_id}/closures/{closure_id}", status_code=204)
def remove_closure(
    site_id: int, closure_id: int, principal: CurrentPrincipal, session: DbSession
) -> Response:
    """Remove a closure."""
    require_scope(principal, WRITE)
    service.remove_closure(session, principal=principal, site_id=site_id, closure_id=closure_id)
    return Response(status_code=204)


@router.get("/sites/{site_id}/slots", response_model=list[SlotRead])
def slots(
    site_id: int,
    principal: CurrentPrincipal,
    session: DbSession,
    from_day: Annotated[
        dt.date | None, Query(description="First CST day; today by default")
    ] = None,
    days: Annotated[int, Query(ge=1, le=31)] = 7,
) -> list[SlotRead]:
    """List a site's slots with their free places."""
    require_scope(principal, READ)
    site = service.require_site(session, site_id)
    now = utcnow()
    first = from_day or service.local_day(now)
    return [
        SlotRead(
            starts_at=v.slot.starts_at,
            ends_at=v.slot.ends_at,
            capacity=v.capacity,
            booked=v.booked,
            free=v.free,
            bookable=v.bookable,
        )
        for day in service.calendar(session, site=site, first_day=first, days=days, now=now)
        for v in day.slots
    ]


@router.get("/sites/{site_id}/day", response_model=list[DaySlotRead])
def day(
    site_id: int,
    principal: CurrentPrincipal,
    session: DbSession,
    date: Annotated[dt.date | None, Query(description="CST day; today by default")] = None,
) -> list[DaySlotRead]:
    """A site's day slot by slot with every booking (customs officers)."""
    require_scope(principal, READ)
    rows = service.day_view(
        session,
        principal=principal,
        site_id=site_id,
        day=date or service.local_day(utcnow()),
    )
    return [
        DaySlotRead(
            starts_at=r.starts_at,
            ends_at=r.ends_at,
            capacity=r.capacity,
            booked=r.live,
            bookings=[BookingRead.of(b) for b in r.bookings],
        )
        for r in rows
    ]


@router.get("/bookings", response_model=list[BookingRead])
def my_bookings(principal: CurrentPrincipal, session: DbSession) -> list[BookingRead]:
    """List your organisation's bookings, latest slot first."""
    require_scope(principal, READ)
    return [BookingRead.of(b) for b in service.my_bookings(session, principal=principal)]


@router.post("/bookings", response_model=BookingRead, status_code=201)
def book(body: BookingCreate, principal: CurrentPrincipal, session: DbSession) -> BookingRead:
    """Book a slot (enterprises with an approved filing); 409 when the slot is full."""
    require_scope(principal, WRITE)
    return BookingRead.of(
        service.book(
            session,
            principal=principal,
            site_id=body.site_id,
            service=body.service.value,
            starts_at=body.starts_at,
            data=body.details(),
        )
    )


@router.get("/bookings/{booking_id}", response_model=BookingRead)
def get_booking(booking_id: int, principal: CurrentPrincipal, session: DbSession) -> BookingRead:
    """Return one booking: your own, or any for a customs officer."""
    require_scope(principal, READ)
    return BookingRead.of(service.get_booking(session, principal=principal, booking_id=booking_id))


@router.post("/bookings/{booking_id}/move", response_model=BookingRead)
def move(
    booking_id: int, body: BookingMove, principal: CurrentPrincipal, session: DbSession
) -> BookingRead:
    """Move your booking to another free slot of the same site, before the cut-off."""
    require_scope(principal, WRITE)
    return BookingRead.of(
        service.move(session, principal=principal, booking_id=booking_id, starts_at=body.starts_at)
    )


@router.post("/bookings/{booking_id}/cancel", response_model=BookingRead)
def cancel(
    booking_id: int, body: BookingCancel, principal: CurrentPrincipal, session: DbSession
) -> BookingRead:
    """Cancel your booking, before the cut-off."""
    require_scope(principal, WRITE)
    return BookingRead.of(
        service.cancel(session, principal=principal, booking_id=booking_id, reason=body.reason)
    )


@router.post("/bookings/{booking_id}/result", response_model=BookingRead)
def record_result(
    booking_id: int, body: BookingResult, principal: CurrentPrincipal, session: DbSession
) -> BookingRead:
    """Record arrival, inspection (or clearance) or no-show (customs officers)."""
    require_scope(principal, WRITE)
    return BookingRead.of(
        service.record_result(
            session,
            principal=principal,
            booking_id=booking_id,
            status=body.status.value,
            note=body.note,
        )
    )


@router.post("/bookings/{booking_id}/acknowledge", response_model=BookingRead)
def acknowledge(booking_id: int, principal: CurrentPrincipal, session: DbSession) -> BookingRead:
    """Mark your booking's result as read."""
    require_scope(principal, WRITE)
    return BookingRead.of(service.acknowledge(session, principal=principal, booking_id=booking_id))
