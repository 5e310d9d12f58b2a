"""Appointments on the portal: officers told of bookings and moves, enterprises of results;
the week's figures; search of bookings by reference or transport number."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy.orm import Session

from opencbec.appointments import portal, service
from opencbec.appointments.models import Booking
from opencbec.identity.models import Department, OrgRole
from opencbec.identity.rules import Principal
from opencbec.notifications import service as notifications_service
from tests.appointments.conftest import Cast
from tests.appointments.test_service import THURSDAY, _book
from tests.factories.appointments import NOW, at_cst
from tests.factories.identity import make_org, make_user, principal_of


def _notices(session: Session, principal: Principal) -> list[str]:
    assert principal.user_id is not None
    return [
        n.text % n.values
        for n in notifications_service.list_notifications(session, user_id=principal.user_id)
        if n.event.startswith("appointments.")  # officers also hear of filings to review
    ]


def test_officers_hear_of_bookings_and_moves_and_the_enterprise_of_results(
    session: Session, cast: Cast
) -> None:
    tax = principal_of(
        session,
        make_user(
            session, make_org(session, roles=(OrgRole.REGULATOR,), department=Department.TAX)
        ),
    )
    booking = _book(session, cast)
    [booked] = _notices(session, cast.officer)
    assert booked == (
        f"New customs appointment {booking.reference} at {cast.site.name_zh}, 2026-12-03 09:00."
    )
    assert _notices(session, tax) == []
    assert _notices(session, cast.seller) == []
    service.move(
        session,
        principal=cast.seller,
        booking_id=booking.id,
        starts_at=at_cst(THURSDAY, 10),
        now=NOW,
    )
    assert _notices(session, cast.officer)[0].endswith("moved to 2026-12-03 10:00.")
    service.record_result(
        session,
        principal=cast.officer,
        booking_id=booking.id,
        status="arrived",
        now=at_cst(THURSDAY, 10, 5),
    )
    [result] = _notices(session, cast.seller)
    assert result == f"Customs recorded the result of appointment {booking.reference}: arrived."
    assert _notices(session, cast.other) == []


def test_the_week_in_figures_for_officers_and_the_booking_enterprise(
    session: Session, cast: Cast
) -> None:
    assert portal.week_panels(session, cast.seller, today=THURSDAY) == []  # nothing booked
    _book(session, cast)
    _book(session, cast, hour=10, transport_no="豫G12345")
    [officer] = portal.week_panels(session, cast.officer, today=THURSDAY)
    assert [f.value for f in officer.figures] == ["2", "2"]
    assert officer.chart is not None
    assert officer.chart.bars[0].value == 2
    [own] = portal.week_panels(session, cast.seller, today=THURSDAY - dt.timedelta(days=6))
    assert [f.value for f in own.figures] == ["0", "2"]
    assert portal.week_panels(session, cast.other, today=THURSDAY) == []
    assert portal.week_panels(session, cast.zone, today=THURSDAY) == []
    assert portal.week_panels(session, cast.unapproved, today=THURSDAY) == []
    [empty] = portal.week_panels(session, cast.officer, today=THURSDAY + dt.timedelta(days=1))
    assert empty.chart is None
    assert portal.appointment_panels(session, cast.other) == []


def test_search_finds_own_bookings_and_any_for_officers(session: Session, cast: Cast) -> None:
    booking: Booking = _book(session, cast)
    for query in (booking.reference, booking.reference[:8].lower(), booking.transport_no):
        [hit] = portal.search_bookings(session, cast.seller, query)
        assert hit.href == f"/appointments/bookings/{booking.id}"
        assert len(portal.search_bookings(session, cast.officer, query)) == 1
        assert portal.search_bookings(session, cast.other, query) == []
    assert portal.search_bookings(session, cast.seller, "AP%") == []
    goods_key = dataclasses.replace(cast.seller, scopes=frozenset({"goods:read"}))
    assert portal.search_bookings(session, goods_key, booking.reference) == []


def test_an_enterprise_is_reminded_of_todays_appointments(session: Session, cast: Cast) -> None:
    assert portal.todos_on(session, cast.seller, today=THURSDAY) == []
    _book(session, cast)
    [item] = portal.todos_on(session, cast.seller, today=THURSDAY)
    assert (item.href, item.values) == ("/appointments/mine", {"n": 1})
    assert portal.todos_on(session, cast.seller, today=THURSDAY + dt.timedelta(days=1)) == []
    assert portal.todos_on(session, cast.other, today=THURSDAY) == []
    assert portal.todos_on(session, cast.officer, today=THURSDAY) == []
    assert portal.todos_on(session, cast.zone, today=THURSDAY) == []
    assert portal.today_todos(session, cast.other) == []
