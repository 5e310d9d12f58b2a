"""Appointments on the portal: the week ahead in figures and a chart, and search of bookings
by reference or transport number (one's own; any for customs officers, as
`service.get_booking` allows)."""

from __future__ import annotations

import datetime as dt
from typing import Final

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from opencbec.appointments import service
from opencbec.appointments.models import Booking, CustomsSite, Status
from opencbec.appointments.rules import local_day, local_day_start
from opencbec.identity.rules import Principal, has_scope
from opencbec.kit.charts import bar_chart
from opencbec.kit.i18n import N_
from opencbec.kit.time import CHINA_STANDARD_TIME, utcnow
from opencbec.webkit import (
    LIKE_ESCAPE,
    SEARCH_LIMIT,
    Figure,
    Panel,
    SearchHit,
    TodoItem,
    like_text,
    register_panels,
    register_search,
    register_todos,
)

DAYS_AHEAD: Final = 7
_DAY: Final = dt.timedelta(days=1)


@register_todos
def today_todos(session: Session, principal: Principal) -> list[TodoItem]:
    """An enterprise's bookings today (tomorrow's and the officers' are the pages' own to-dos)."""
    return todos_on(session, principal, today=local_day(utcnow()))


def todos_on(session: Session, principal: Principal, *, today: dt.date) -> list[TodoItem]:
    """The enterprise's bookings still to be served on `today` (China day)."""
    if principal.is_regulator or principal.is_zone_admin:
        return []
    n = service.due_between(
        session,
        organisation_id=principal.organisation_id,
        start=local_day_start(today),
        end=local_day_start(today + _DAY),
    )
    if not n:
        return []
    return [
        TodoItem(
            N_("%(n)s customs appointment(s) today: be at the site with the goods on time."),
            "/appointments/mine",
            {"n": n},
        )
    ]


@register_panels
def appointment_panels(session: Session, principal: Principal) -> list[Panel]:
    """Officers: bookings at the sites today and per day this week; enterprises: their own."""
    return week_panels(session, principal, today=local_day(utcnow()))


def week_panels(session: Session, principal: Principal, *, today: dt.date) -> list[Panel]:
    """The panels of the week starting `today` (China days)."""
    officer = service.is_officer(principal)
    if not officer and not service.may_book(session, principal):
        return []
    organisation_id = None if officer else principal.organisation_id
    per_day = [
        (
            f"{day:%m-%d}",
            service.due_between(
                session,
                organisation_id=organisation_id,
                start=local_day_start(day),
                end=local_day_start(day + _DAY),
            ),
        )
        for day in (today + n * _DAY for n in range(DAYS_AHEAD))
    ]
    week = sum(n for _, n in per_day)
    if not officer and not week:
        return []
    chart = bar_chart(N_("Customs appointments per day, the next 7 days"), per_day)
    return [
        Panel(
            N_("Customs appointments at the sites") if officer else N_("Your customs appointments"),
            (
                Figure(
                    N_("Appointments today"),
                    str(per_day[0][1]),
                    "/appointments/sites" if officer else "/appointments/mine",
                ),
                Figure(N_("Appointments in the next 7 days"), str(week)),
            ),
            chart if week else None,
        )
    ]


@register_search
def search_bookings(session: Session, principal: Principal, query: str) -> list[SearchHit]:
    """Bookings by reference or transport number, whole or leading part."""
    if not has_scope(principal, "clearance:read"):  # the scope the appointments API reads with
        return []
    officer = service.is_officer(principal)
    prefix = like_text(query.upper()) + "%"
    stmt = (
        select(Booking, CustomsSite)
        .join(CustomsSite, CustomsSite.id == Booking.site_id)
        .where(
            or_(
                Booking.reference.like(prefix, escape=LIKE_ESCAPE),
                Booking.transport_no.like(prefix, escape=LIKE_ESCAPE),
            )
        )
    )
    if not officer:
        stmt = stmt.where(Booking.organisation_id == principal.organisation_id)
    return [
        SearchHit(
            N_("Customs appointment"),
            f"{booking.reference} · {site.name_zh}",
            f"/appointments/bookings/{booking.id}",
            f"{booking.starts_at.astimezone(CHINA_STANDARD_TIME):%Y-%m-%d %H:%M} · "
            f"{booking.transport_no} · {Status(booking.status).value}",
        )
        for booking, site in session.execute(
            stmt.order_by(Booking.starts_at.desc()).limit(SEARCH_LIMIT)
        )
    ]
