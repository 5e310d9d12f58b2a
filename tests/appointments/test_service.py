"""Appointment use cases: sites, bookings, moves, cancellations, results, the day view, audit."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opencbec.appointments import service
from opencbec.appointments.models import Booking, Status
from opencbec.audit.models import AuditEntry
from opencbec.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.appointments.conftest import Cast
from tests.factories import appointments as f
from tests.factories.appointments import NOW, at_cst, details

THURSDAY = dt.date(2026, 12, 3)


def _audit(session: Session, action: str) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
        )
        or 0
    )


def _book(session: Session, cast: Cast, hour: int = 9, minute: int = 0, **changes: str) -> Booking:
    return service.book(
        session,
        principal=changes.pop("who", None) or cast.seller,  # type: ignore[arg-type]
        site_id=cast.site.id,
        service=changes.pop("kind", "inspection"),
        starts_at=at_cst(THURSDAY, hour, minute),
        data=details(**changes),
        now=NOW,
    )


# --- sites ---------------------------------------------------------------------------------


def test_sites_are_managed_by_customs_and_the_zone_only(session: Session, cast: Cast) -> None:
    site = f.make_site(session, cast.officer, code="by-customs")
    assert site.weekly_hours["0"] == [[510, 720], [810, 1050]]
    assert _audit(session, "appointments.site.create") == 2
    with pytest.raises(Forbidden):
        f.make_site(session, cast.seller, code="by-seller")
    with pytest.raises(Conflict):
        f.make_site(session, cast.zone)  # the code is taken


def test_site_content_is_checked(session: Session, cast: Cast) -> None:
    with pytest.raises(InvalidInput) as caught:
        f.make_site(
            session,
            cast.zone,
            code="Bad Code",
            customs_office_code="9999",
            services=["massage"],
            weekly_hours={"0": [[600, 60]]},
            capacity=0,
            slot_minutes="ten",
        )
    fields = {e.field for e in caught.value.errors}
    assert {
        "code",
        "customs_office_code",
        "services",
        "weekly_hours.0",
        "capacity",
        "slot_minutes",
    } <= fields
    with pytest.raises(InvalidInput) as caught:
        f.make_site(session, cast.zone, code="x2", customs_office_code="46", name_zh="")
    assert {e.field for e in caught.value.errors} == {"customs_office_code", "name_zh"}


def test_update_and_closures(session: Session, cast: Cast) -> None:
    updated = service.update_site(
        session,
        principal=cast.officer,
        site_id=cast.site.id,
        data=f.site_data(code="ignored", capacity=5, active=False),
    )
    assert (updated.code, updated.capacity, updated.active) == ("test-site", 5, False)
    assert service.sites(session) == []
    assert service.sites(session, include_inactive=True) == [updated]
    with pytest.raises(Forbidden):
        service.update_site(
            session, principal=cast.seller, site_id=cast.site.id, data=f.site_data()
        )
    with pytest.raises(NotFound):
        service.update_site(session, principal=cast.zone, site_id=999_999, data=f.site_data())
    closure = service.add_closure(
        session,
        principal=cast.zone,
        site_id=cast.site.id,
        first_day=THURSDAY,
        last_day=THURSDAY,
        reason_zh="测试",
        reason_en="Test",
    )
    assert service.pattern_of(session, cast.site).closure_on(THURSDAY) is not None
    with pytest.raises(InvalidInput) as caught:
        service.add_closure(
            session,
            principal=cast.zone,
            site_id=cast.site.id,
            first_day=THURSDAY,
            last_day=THURSDAY - dt.timedelta(days=1),
            reason_zh="",
            reason_en="x",
        )
    assert {e.field for e in caught.value.errors} == {"last_day", "reason_zh"}
    with pytest.raises(InvalidInput):
        service.add_closure(
            session,
            principal=cast.zone,
            site_id=cast.site.id,
            first_day=THURSDAY,
            last_day=THURSDAY + dt.timedelta(days=400),
            reason_zh="长",
            reason_en="Long",
        )
    with pytest.raises(NotFound):
        service.remove_closure(
            session, principal=cast.zone, site_id=cast.site.id + 1, closure_id=closure.id
        )
    service.remove_closure(
        session, principal=cast.zone, site_id=cast.site.id, closure_id=closure.id
    )
    assert service.closures(session, site_id=cast.site.id) == []
    assert _audit(session, "appointments.closure.remove") == 1


# --- booking -------------------------------------------------------------------------------


def test_only_approved_enterprises_book(session: Session, cast: Cast) -> None:
    for who in (cast.unapproved, cast.officer, cast.zone):
        with pytest.raises(Forbidden):
            _book(session, cast, who=who)  # type: ignore[arg-type]
    booking = _book(session, cast)
    assert booking.reference == f"AP20261203{booking.id:06d}"
    assert (booking.status, booking.gross_weight_g) == ("booked", 120_500)
    assert _audit(session, "appointments.booking.book") == 1


def test_capacity_is_counted_by_live_bookings(session: Session, cast: Cast) -> None:
    first = _book(session, cast)
    _book(session, cast, who=cast.other, transport_no="豫G12345")  # type: ignore[arg-type]
    with pytest.raises(Conflict) as caught:
        _book(session, cast, transport_no="MSKU1234565")
    assert caught.value.errors[0].code == "full"
    service.cancel(session, principal=cast.seller, booking_id=first.id, now=NOW)
    assert _book(session, cast, transport_no="MSKU1234565").status == "booked"
    day = service.calendar(session, site=cast.site, first_day=THURSDAY, days=1, now=NOW)[0]
    nine = next(v for v in day.slots if v.slot.starts_at == at_cst(THURSDAY, 9))
    assert (nine.booked, nine.free, nine.bookable) == (2, 0, False)
    assert all(v.bookable for v in day.slots if v is not nine)


def test_closed_hours_services_and_inactive_sites_are_refused(session: Session, cast: Cast) -> None:
    with pytest.raises(InvalidInput) as caught:
        _book(session, cast, hour=12, minute=30)
    assert caught.value.errors[0].code == "closed"
    rail = f.make_site(session, cast.zone, code="rail", services=["inspection"])
    with pytest.raises(InvalidInput) as caught:
        service.book(
            session,
            principal=cast.seller,
            site_id=rail.id,
            service="clearance_7x24",
            starts_at=at_cst(THURSDAY, 9),
            data=details(),
            now=NOW,
        )
    assert caught.value.errors[0].code == "service_not_offered"
    service.update_site(
        session, principal=cast.zone, site_id=rail.id, data=f.site_data(active=False)
    )
    with pytest.raises(Conflict, match="no bookings"):
        service.book(
            session, principal=cast.seller, site_id=rail.id, service="inspection",
            starts_at=at_cst(THURSDAY, 9), data=details(), now=NOW,
        )  # fmt: skip
    with pytest.raises(InvalidInput) as caught:
        _book(session, cast, goods_description="")
    assert caught.value.errors[0].field == "goods_description"


def test_a_container_is_not_at_two_places_at_once(session: Session, cast: Cast) -> None:
    other_site = f.make_site(session, cast.zone, code="second", slot_minutes=60)
    _book(session, cast, hour=9, minute=30)
    with pytest.raises(Conflict) as caught:
        service.book(
            session, principal=cast.other, site_id=other_site.id, service="inspection",
            starts_at=at_cst(THURSDAY, 9, 30), data=details(), now=NOW,
        )  # fmt: skip
    assert caught.value.errors[0].code == "overlap"
    assert _book(session, cast, hour=10).transport_no == "CSQU3054383"


# --- move and cancel -----------------------------------------------------------------------


def test_move_to_a_free_slot_before_the_cut_off(session: Session, cast: Cast) -> None:
    booking = _book(session, cast)
    moved = service.move(
        session,
        principal=cast.seller,
        booking_id=booking.id,
        starts_at=at_cst(THURSDAY, 14),
        now=NOW,
    )
    assert (moved.starts_at, moved.ends_at) == (at_cst(THURSDAY, 14), at_cst(THURSDAY, 14, 30))
    assert _audit(session, "appointments.booking.move") == 1
    with pytest.raises(InvalidInput) as caught:
        service.move(
            session,
            principal=cast.seller,
            booking_id=booking.id,
            starts_at=at_cst(THURSDAY, 14),
            now=NOW,
        )
    assert caught.value.errors[0].code == "same_slot"
    with pytest.raises(NotFound):
        service.move(
            session,
            principal=cast.other,
            booking_id=booking.id,
            starts_at=at_cst(THURSDAY, 15),
            now=NOW,
        )
    with pytest.raises(Conflict) as clash:
        service.move(
            session, principal=cast.seller, booking_id=booking.id, starts_at=at_cst(THURSDAY, 15),
            now=at_cst(THURSDAY, 12, 30),
        )  # fmt: skip
    assert clash.value.errors[0].code == "cutoff"


def test_a_move_keeps_capacity_and_overlaps(session: Session, cast: Cast) -> None:
    mine = _book(session, cast)
    _book(session, cast, hour=15, who=cast.other, transport_no="豫G12345")  # type: ignore[arg-type]
    _book(session, cast, hour=15, who=cast.other, transport_no="豫G54321")  # type: ignore[arg-type]
    with pytest.raises(Conflict) as caught:
        service.move(
            session,
            principal=cast.seller,
            booking_id=mine.id,
            starts_at=at_cst(THURSDAY, 15),
            now=NOW,
        )
    assert caught.value.errors[0].code == "full"
    _book(session, cast, hour=16, transport_no="CSQU3054383".replace("CSQU3054383", "MSKU1234565"))
    second = f.make_site(session, cast.zone, code="second")
    service.book(
        session, principal=cast.seller, site_id=second.id, service="inspection",
        starts_at=at_cst(THURSDAY, 16), data=details(), now=NOW,
    )  # fmt: skip
    with pytest.raises(Conflict) as caught:
        service.move(
            session,
            principal=cast.seller,
            booking_id=mine.id,
            starts_at=at_cst(THURSDAY, 16),
            now=NOW,
        )
    assert caught.value.errors[0].code == "overlap"
    assert mine.starts_at == at_cst(THURSDAY, 9)


def test_cancel_before_the_cut_off(session: Session, cast: Cast) -> None:
    booking = _book(session, cast)
    with pytest.raises(Conflict) as caught:
        service.cancel(
            session, principal=cast.seller, booking_id=booking.id, now=at_cst(THURSDAY, 7, 1)
        )
    assert caught.value.errors[0].code == "cutoff"
    with pytest.raises(InvalidInput):
        service.cancel(
            session, principal=cast.seller, booking_id=booking.id, reason="x" * 501, now=NOW
        )
    cancelled = service.cancel(
        session,
        principal=cast.seller,
        booking_id=booking.id,
        reason=" 货物未备齐 ",
        now=at_cst(THURSDAY, 7),
    )
    assert (cancelled.status, cancelled.cancel_reason) == ("cancelled", "货物未备齐")
    with pytest.raises(Conflict, match="no longer"):
        service.cancel(session, principal=cast.seller, booking_id=booking.id, now=NOW)
    with pytest.raises(Conflict, match="no longer"):
        service.move(
            session,
            principal=cast.seller,
            booking_id=booking.id,
            starts_at=at_cst(THURSDAY, 10),
            now=NOW,
        )


# --- results and the day view --------------------------------------------------------------


def test_officers_record_results_from_the_day_of_the_slot(session: Session, cast: Cast) -> None:
    booking = _book(session, cast)
    with pytest.raises(Forbidden):
        service.record_result(
            session, principal=cast.seller, booking_id=booking.id, status="arrived", now=NOW
        )
    with pytest.raises(InvalidInput) as caught:
        service.record_result(
            session, principal=cast.officer, booking_id=booking.id, status="arrived", now=NOW
        )
    assert caught.value.errors[0].code == "too_early"
    with pytest.raises(InvalidInput):
        service.record_result(
            session, principal=cast.officer, booking_id=booking.id, status="cancelled", now=NOW
        )
    with pytest.raises(NotFound):
        service.record_result(
            session, principal=cast.officer, booking_id=999_999, status="arrived", now=NOW
        )
    on_the_day = at_cst(THURSDAY, 8, 50)
    service.record_result(
        session, principal=cast.officer, booking_id=booking.id, status="arrived", now=on_the_day
    )
    with pytest.raises(InvalidInput):
        service.record_result(
            session,
            principal=cast.officer,
            booking_id=booking.id,
            status="inspected",
            note="x" * 501,
            now=on_the_day,
        )
    done = service.record_result(
        session,
        principal=cast.officer,
        booking_id=booking.id,
        status="inspected",
        note="无异常",
        now=on_the_day,
    )
    assert (done.status, done.officer_note, done.result_by) == ("inspected", "无异常", "测试用户")
    with pytest.raises(Conflict) as clash:
        service.record_result(
            session, principal=cast.officer, booking_id=booking.id, status="no_show", now=on_the_day
        )
    assert clash.value.errors[0].code == "transition"
    assert _audit(session, "appointments.booking.result") == 2
    assert service.unread_results(session, principal=cast.seller) == 1
    with pytest.raises(NotFound):
        service.acknowledge(session, principal=cast.other, booking_id=booking.id)
    service.acknowledge(session, principal=cast.seller, booking_id=booking.id)
    assert service.unread_results(session, principal=cast.seller) == 0
    with pytest.raises(Conflict):
        service.acknowledge(session, principal=cast.seller, booking_id=booking.id)


def test_the_day_view_is_for_officers_and_lists_every_booking(session: Session, cast: Cast) -> None:
    first = _book(session, cast)
    second = _book(session, cast, who=cast.other, transport_no="豫G12345")  # type: ignore[arg-type]
    service.cancel(session, principal=cast.seller, booking_id=first.id, now=NOW)
    _book(session, cast, transport_no="MSKU1234565")
    # The hours change after a booking was made: the booking keeps its row.
    late = _book(session, cast, hour=17, transport_no="豫G54321")
    service.update_site(
        session,
        principal=cast.zone,
        site_id=cast.site.id,
        data=f.site_data(weekly_hours={str(d): [[510, 720]] for d in range(5)}),
    )
    with pytest.raises(Forbidden):
        service.day_view(session, principal=cast.seller, site_id=cast.site.id, day=THURSDAY)
    rows = service.day_view(session, principal=cast.officer, site_id=cast.site.id, day=THURSDAY)
    nine = rows[1]
    assert nine.starts_at == at_cst(THURSDAY, 9)
    assert [b.status for b in nine.bookings] == ["booked", "booked", "cancelled"]
    assert nine.bookings[0].id == second.id
    assert nine.live == 2
    assert rows[-1].bookings == [late]
    assert len(rows) == 7 + 1
    assert service.get_booking(session, principal=cast.officer, booking_id=late.id) is late
    with pytest.raises(NotFound):
        service.get_booking(session, principal=cast.other, booking_id=late.id)
    assert (
        service.due_between(
            session, organisation_id=None, start=at_cst(THURSDAY, 0), end=at_cst(THURSDAY, 23)
        )
        == 3
    )
    assert next(b.id for b in service.my_bookings(session, principal=cast.seller)) == late.id


def test_slot_starts_from_forms(session: Session) -> None:
    assert service.parse_starts_at("2026-12-03T09:00:00+08:00") == at_cst(THURSDAY, 9)
    for bad in ("2026-12-03T09:00:00", "tomorrow", ""):
        with pytest.raises(InvalidInput):
            service.parse_starts_at(bad)


def test_demo_seed(session: Session, tmp_path: Path) -> None:
    f.load_customs_offices(session)
    customs, customs_user = f.officer(session)
    _, zone_user = f.zone(session)
    _, seller_user, _ = f.enterprise(session, tmp_path, customs)
    _, logistics_user, _ = f.enterprise(session, tmp_path, customs)
    users = {
        "zone": zone_user,
        "customs": customs_user,
        "seller": seller_user,
        "logistics": logistics_user,
    }
    bookings = service.seed_demo(session, users=users, now=NOW)
    assert [b.status for b in bookings] == ["booked", "booked", Status.INSPECTED]
    assert len(service.sites(session)) == 2
    assert bookings[0].starts_at == at_cst(THURSDAY, 10)
    assert bookings[1].starts_at == at_cst(THURSDAY + dt.timedelta(days=1), 3)
    assert bookings[2].result_at is not None
    assert bookings[2].acknowledged_at is None
