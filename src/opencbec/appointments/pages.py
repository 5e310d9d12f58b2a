"""Appointment pages: the week calendar, booking form, my bookings, a booking, the site's day
view for customs officers, and site management."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from opencbec.appointments import portal as _portal  # noqa: F401 - registers figures, search
from opencbec.appointments import service
from opencbec.appointments.models import Booking, CustomsSite
from opencbec.appointments.rules import (
    SERVICE_LABELS,
    STATUS_LABELS,
    WEEKDAY_LABELS,
    cutoff_passed,
    format_day,
    format_weight,
    local_day,
    local_day_start,
    parse_weekly_hours,
)
from opencbec.errors import DomainError, FieldError, InvalidInput, NotFound
from opencbec.identity.rules import Principal
from opencbec.kit.i18n import N_, Bilingual
from opencbec.kit.time import CHINA_STANDARD_TIME, utcnow
from opencbec.webkit import CurrentPrincipal, DbSession, TodoItem, register_todos, render

router = APIRouter(include_in_schema=False)
FormStr = Annotated[str, Form()]
FormList = Annotated[list[str] | None, Form()]
_DAY = dt.timedelta(days=1)


@register_todos
def appointment_todos(session: Session, principal: Principal) -> list[TodoItem]:
    """Tomorrow's bookings and unread results for enterprises; today's arrivals for officers."""
    items: list[TodoItem] = []
    today = local_day(utcnow())
    if not (principal.is_regulator or principal.is_zone_admin):
        tomorrow = service.due_between(
            session,
            organisation_id=principal.organisation_id,
            start=local_day_start(today + _DAY),
            end=local_day_start(today + 2 * _DAY),
        )
        if tomorrow:
            items.append(
                TodoItem(
                    N_("%(n)s customs appointment(s) tomorrow: bring the goods and documents."),
                    "/appointments/mine",
                    {"n": tomorrow},
                )
            )
        unread = service.unread_results(session, principal=principal)
        if unread:
            items.append(
                TodoItem(
                    N_("%(n)s customs appointment result(s) to read."),
                    "/appointments/mine",
                    {"n": unread},
                )
            )
    if service.is_officer(principal):
        waiting = service.due_between(
            session,
            organisation_id=None,
            start=local_day_start(today),
            end=local_day_start(today + _DAY),
        )
        if waiting:
            items.append(
                TodoItem(
                    N_("%(n)s appointment(s) at customs sites today wait for arrival."),
                    "/appointments/sites",
                    {"n": waiting},
                )
            )
    return items


def _labels() -> dict[str, Any]:
    return {
        "service_labels": SERVICE_LABELS,
        "status_labels": STATUS_LABELS,
        "weekday_labels": WEEKDAY_LABELS,
        "weight": format_weight,
        "cst": CHINA_STANDARD_TIME,
    }


def _site_name(site: CustomsSite, locale: str) -> str:
    return site.name_zh if locale == "zh_CN" else site.name_en


def _parse_day(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


# --- calendar and booking ------------------------------------------------------------------------


@router.get("/appointments", response_class=HTMLResponse)
def calendar_page(
    request: Request,
    principal: CurrentPrincipal,
    session: DbSession,
    site: int | None = None,
    week: str | None = None,
    move: int | None = None,
) -> Response:
    """Show a site's week with free and full slots; in move mode, free slots move a booking."""
    query = request.query_params
    moving: Booking | None = None
    if move is not None:
        moving = service.get_booking(session, principal=principal, booking_id=move)
        site = moving.site_id
    all_sites = service.sites(session)
    chosen = next((s for s in all_sites if s.id == site), all_sites[0] if all_sites else None)
    kind = moving.service if moving else query.get("service", "")
    if chosen is not None and kind not in chosen.services:
        kind = chosen.services[0]
    now = utcnow()
    today = local_day(now)
    # Moving a booking opens on the booking's own week, where a free slot is most likely wanted.
    first = _parse_day(week, local_day(moving.starts_at) if moving else today)
    first -= dt.timedelta(days=first.weekday())
    days = (
        service.calendar(session, site=chosen, first_day=first, days=7, now=now) if chosen else []
    )
    times = sorted({v.slot.local_start.time() for d in days for v in d.slots})
    grid = [
        (t, [next((v for v in d.slots if v.slot.local_start.time() == t), None) for d in days])
        for t in times
    ]
    return render(
        request,
        "appointments/calendar.html",
        {
            **_labels(),
            "sites": all_sites,
            "site": chosen,
            "kind": kind,
            "days": days,
            "grid": grid,
            "today": today,
            "prev_week": (first - 7 * _DAY).isoformat(),
            "next_week": (first + 7 * _DAY).isoformat(),
            "moving": moving,
            "may_book": service.may_book(session, principal),
            "site_name": _site_name,
        },
    )


def _book_context(
    session: Session, principal: Principal, site_id: int, kind: str, starts_at: str
) -> dict[str, Any]:
    site = service.require_site(session, site_id)
    start = service.parse_starts_at(starts_at)
    return {
        **_labels(),
        "site": site,
        "kind": kind if kind in site.services else site.services[0],
        "starts_at": start,
        "starts_at_value": start.isoformat(),
        "may_book": service.may_book(session, principal),
        "site_name": _site_name,
        "values": {},
        "errors": {},
    }


@router.get("/appointments/book", response_class=HTMLResponse)
def booking_form(
    request: Request,
    principal: CurrentPrincipal,
    session: DbSession,
    site: int,
    starts_at: str,
    service_kind: str = "",
) -> Response:
    """Show the booking form for one slot."""
    kind = request.query_params.get("service", service_kind)
    return render(
        request,
        "appointments/book.html",
        _book_context(session, principal, site, kind, starts_at),
    )


@router.post("/appointments/book", response_class=HTMLResponse)
def book(
    request: Request,
    principal: CurrentPrincipal,
    session: DbSession,
    site_id: Annotated[int, Form()],
    service_kind: Annotated[str, Form(alias="service")],
    starts_at: FormStr,
    goods_description: FormStr = "",
    packages: FormStr = "",
    gross_weight_kg: FormStr = "",
    transport_no: FormStr = "",
    document_numbers: FormStr = "",
    contact_name: FormStr = "",
    contact_phone: FormStr = "",
) -> Response:
    """Book the slot; errors are shown next to their fields."""
    values = {
        "goods_description": goods_description,
        "packages": packages,
        "gross_weight_kg": gross_weight_kg,
        "transport_no": transport_no,
        "document_numbers": document_numbers,
        "contact_name": contact_name,
        "contact_phone": contact_phone,
    }
    try:
        with session.begin_nested():
            booking = service.book(
                session,
                principal=principal,
                site_id=site_id,
                service=service_kind,
                starts_at=service.parse_starts_at(starts_at),
                data=values,
            )
    except DomainError as exc:
        context = _book_context(session, principal, site_id, service_kind, starts_at)
        context.update(
            values=values,
            errors={e.field: e.reason for e in exc.errors},
            error=exc,
        )
        return render(request, "appointments/book.html", context, status_code=exc.status)
    return RedirectResponse(f"/appointments/bookings/{booking.id}?done=booked", status_code=303)


@router.get("/appointments/mine", response_class=HTMLResponse)
def my_bookings(request: Request, principal: CurrentPrincipal, session: DbSession) -> Response:
    """List your organisation's bookings."""
    bookings = service.my_bookings(session, principal=principal)
    site_by_id = {s.id: s for s in service.sites(session, include_inactive=True)}
    return render(
        request,
        "appointments/mine.html",
        {**_labels(), "bookings": bookings, "site_by_id": site_by_id, "site_name": _site_name},
    )


def _booking_page(
    request: Request,
    session: Session,
    principal: Principal,
    booking_id: int,
    *,
    error: DomainError | None = None,
) -> Response:
    booking = service.get_booking(session, principal=principal, booking_id=booking_id)
    site = service.require_site(session, booking.site_id)
    own = booking.organisation_id == principal.organisation_id
    return render(
        request,
        "appointments/booking.html",
        {
            **_labels(),
            "booking": booking,
            "site": site,
            "site_name": _site_name,
            "own": own,
            "changeable": own
            and booking.status == "booked"
            and not cutoff_passed(
                booking.starts_at, now=utcnow(), cutoff_minutes=site.cutoff_minutes
            ),
            "error": error,
            "done": request.query_params.get("done"),
        },
        status_code=error.status if error else 200,
    )


@router.get("/appointments/bookings/{booking_id}", response_class=HTMLResponse)
def booking_page(
    request: Request, booking_id: int, principal: CurrentPrincipal, session: DbSession
) -> Response:
    """Show one booking with what can be done with it."""
    return _booking_page(request, session, principal, booking_id)


@router.post("/appointments/bookings/{booking_id}/{action}", response_class=HTMLResponse)
def booking_action(
    request: Request,
    booking_id: int,
    action: str,
    principal: CurrentPrincipal,
    session: DbSession,
    starts_at: FormStr = "",
    reason: FormStr = "",
    status: FormStr = "",
    note: FormStr = "",
    back: FormStr = "",
) -> Response:
    """Move, cancel, acknowledge, or (customs officers) record a result."""
    try:
        with session.begin_nested():
            if action == "move":
                booking = service.move(
                    session,
                    principal=principal,
                    booking_id=booking_id,
                    starts_at=service.parse_starts_at(starts_at),
                )
            elif action == "cancel":
                booking = service.cancel(
                    session, principal=principal, booking_id=booking_id, reason=reason
                )
            elif action == "acknowledge":
                booking = service.acknowledge(session, principal=principal, booking_id=booking_id)
            elif action == "result":
                booking = service.record_result(
                    session, principal=principal, booking_id=booking_id, status=status, note=note
                )
            else:
                raise NotFound()
    except DomainError as exc:
        return _booking_page(request, session, principal, booking_id, error=exc)
    if action == "result":
        day = local_day(booking.starts_at).isoformat()
        target = f"/appointments/sites/{booking.site_id}/day?" + urlencode({"date": day})
        return RedirectResponse(target + f"#booking-{booking.id}", status_code=303)
    done = {"move": "moved", "cancel": "cancelled", "acknowledge": "acknowledged"}[action]
    return RedirectResponse(f"/appointments/bookings/{booking.id}?done={done}", status_code=303)


# --- the site's day and site management ----------------------------------------------------------


@router.get("/appointments/sites/{site_id}/day", response_class=HTMLResponse)
def day_page(
    request: Request,
    site_id: int,
    principal: CurrentPrincipal,
    session: DbSession,
    date: str | None = None,
) -> Response:
    """A site's day, slot by slot, with every booking and the result forms (customs officers)."""
    day = _parse_day(date, local_day(utcnow()))
    rows = service.day_view(session, principal=principal, site_id=site_id, day=day)
    site = service.require_site(session, site_id)
    return render(
        request,
        "appointments/day.html",
        {
            **_labels(),
            "site": site,
            "site_name": _site_name,
            "day": day,
            "rows": rows,
            "prev_day": (day - _DAY).isoformat(),
            "next_day": (day + _DAY).isoformat(),
            "closure": service.pattern_of(session, site).closure_on(day),
        },
    )


def _sites_page(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    error: DomainError | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "appointments/sites.html",
        {
            **_labels(),
            "sites": service.sites(session, include_inactive=service.is_manager(principal)),
            "site_name": _site_name,
            "manager": service.is_manager(principal),
            "officer": service.is_officer(principal),
            "today": local_day(utcnow()).isoformat(),
            "error": error,
            "errors": {e.field: e.reason for e in error.errors} if error else {},
            "values": values
            or {
                "slot_minutes": 30,
                "capacity": 2,
                "cutoff_minutes": 120,
                "horizon_days": 28,
                "days": ["08:30-12:00, 13:30-17:30"] * 5 + ["", ""],
            },
        },
        status_code=status_code,
    )


@router.get("/appointments/sites", response_class=HTMLResponse)
def sites_page(request: Request, principal: CurrentPrincipal, session: DbSession) -> Response:
    """List the customs sites; managers register new ones."""
    return _sites_page(request, session, principal)


def _site_form(
    code: str,
    name_zh: str,
    name_en: str,
    customs_office_code: str,
    address: str,
    services: list[str] | None,
    days: list[str] | None,
    slot_minutes: str,
    capacity: str,
    cutoff_minutes: str,
    horizon_days: str,
    active: str,
) -> dict[str, Any]:
    return {
        "code": code,
        "name_zh": name_zh,
        "name_en": name_en,
        "customs_office_code": customs_office_code,
        "address": address,
        "services": services or [],
        "days": (days or []) + [""] * (7 - len(days or [])),
        "slot_minutes": slot_minutes,
        "capacity": capacity,
        "cutoff_minutes": cutoff_minutes,
        "horizon_days": horizon_days,
        "active": bool(active),
    }


def _site_data(values: dict[str, Any]) -> dict[str, Any]:
    """Turn the form's values into the service's data (the week as text, parsed here)."""
    data = {k: v for k, v in values.items() if k != "days"}
    data["weekly_hours"] = parse_weekly_hours(values["days"][:7])
    return data


@router.post("/appointments/sites", response_class=HTMLResponse)
def create_site(
    request: Request,
    principal: CurrentPrincipal,
    session: DbSession,
    code: FormStr = "",
    name_zh: FormStr = "",
    name_en: FormStr = "",
    customs_office_code: FormStr = "",
    address: FormStr = "",
    services: FormList = None,
    days: FormList = None,
    slot_minutes: FormStr = "",
    capacity: FormStr = "",
    cutoff_minutes: FormStr = "",
    horizon_days: FormStr = "",
    active: FormStr = "on",
) -> Response:
    """Register a site from the form."""
    values = _site_form(
        code, name_zh, name_en, customs_office_code, address, services, days,
        slot_minutes, capacity, cutoff_minutes, horizon_days, active,
    )  # fmt: skip
    try:
        with session.begin_nested():
            site = service.create_site(session, principal=principal, data=_site_data(values))
    except DomainError as exc:
        return _sites_page(
            request, session, principal, error=exc, values=values, status_code=exc.status
        )
    return RedirectResponse(f"/appointments/sites/{site.id}?done=created", status_code=303)


def _site_page(
    request: Request,
    session: Session,
    principal: Principal,
    site_id: int,
    *,
    error: DomainError | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    site = service.require_site(session, site_id)
    current = {
        "name_zh": site.name_zh,
        "name_en": site.name_en,
        "customs_office_code": site.customs_office_code,
        "address": site.address,
        "services": site.services,
        "days": [format_day(site.weekly_hours.get(str(i), [])) for i in range(7)],
        "slot_minutes": site.slot_minutes,
        "capacity": site.capacity,
        "cutoff_minutes": site.cutoff_minutes,
        "horizon_days": site.horizon_days,
        "active": site.active,
    }
    return render(
        request,
        "appointments/site.html",
        {
            **_labels(),
            "site": site,
            "site_name": _site_name,
            "closures": service.closures(session, site_id=site.id),
            "manager": service.is_manager(principal),
            "officer": service.is_officer(principal),
            "today": local_day(utcnow()).isoformat(),
            "values": values or current,
            "error": error,
            "errors": {e.field: e.reason for e in error.errors} if error else {},
            "done": request.query_params.get("done"),
        },
        status_code=error.status if error else 200,
    )


@router.get("/appointments/sites/{site_id}", response_class=HTMLResponse)
def site_page(
    request: Request, site_id: int, principal: CurrentPrincipal, session: DbSession
) -> Response:
    """Show a site: its hours and closures; managers change them."""
    return _site_page(request, session, principal, site_id)


@router.post("/appointments/sites/{site_id}", response_class=HTMLResponse)
def update_site(
    request: Request,
    site_id: int,
    principal: CurrentPrincipal,
    session: DbSession,
    name_zh: FormStr = "",
    name_en: FormStr = "",
    customs_office_code: FormStr = "",
    address: FormStr = "",
    services: FormList = None,
    days: FormList = None,
    slot_minutes: FormStr = "",
    capacity: FormStr = "",
    cutoff_minutes: FormStr = "",
    horizon_days: FormStr = "",
    active: FormStr = "",
) -> Response:
    """Change a site from the form."""
    values = _site_form(
        "", name_zh, name_en, customs_office_code, address, services, days,
        slot_minutes, capacity, cutoff_minutes, horizon_days, active,
    )  # fmt: skip
    try:
        with session.begin_nested():
            service.update_site(
                session, principal=principal, site_id=site_id, data=_site_data(values)
            )
    except DomainError as exc:
        return _site_page(request, session, principal, site_id, error=exc, values=values)
    return RedirectResponse(f"/appointments/sites/{site_id}?done=saved", status_code=303)


@router.post("/appointments/sites/{site_id}/closures", response_class=HTMLResponse)
def add_closure(
    request: Request,
    site_id: int,
    principal: CurrentPrincipal,
    session: DbSession,
    first_day: FormStr = "",
    last_day: FormStr = "",
    reason_zh: FormStr = "",
    reason_en: FormStr = "",
) -> Response:
    """Close the site on some days."""
    try:
        with session.begin_nested():
            try:
                first, last = dt.date.fromisoformat(first_day), dt.date.fromisoformat(last_day)
            except ValueError:
                raise InvalidInput(
                    [FieldError("first_day", Bilingual("give two dates", "请填写起止日期"))]
                ) from None
            service.add_closure(
                session,
                principal=principal,
                site_id=site_id,
                first_day=first,
                last_day=last,
                reason_zh=reason_zh,
                reason_en=reason_en,
            )
    except DomainError as exc:
        return _site_page(request, session, principal, site_id, error=exc)
    return RedirectResponse(f"/appointments/sites/{site_id}?done=closed", status_code=303)


@router.post(
    "/appointments/sites/{site_id}/closures/{closure_id}/delete", response_class=HTMLResponse
)
def remove_closure(
    request: Request, site_id: int, closure_id: int, principal: CurrentPrincipal, session: DbSession
) -> Response:
    """Remove a closure."""
    try:
        with session.begin_nested():
            service.remove_closure(
                session, principal=principal, site_id=site_id, closure_id=closure_id
            )
    except DomainError as exc:
        return _site_page(request, session, principal, site_id, error=exc)
    return RedirectResponse(f"/appointments/sites/{site_id}?done=reopened", status_code=303)
