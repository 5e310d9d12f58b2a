"""Appointment rules: the weekly pattern and its slots, cut-off, capacity, overlaps, details."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opencbec.appointments import rules
from opencbec.appointments.models import Status
from opencbec.errors import Conflict, InvalidInput
from opencbec.kit.i18n import Bilingual
from tests.factories.appointments import NOW, WEEKDAYS, at_cst, details

WEDNESDAY = dt.date(2026, 12, 2)
PATTERN = rules.Pattern(WEEKDAYS, 30, 2)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08:30-12:00, 13:30-17:30", [[510, 720], [810, 1050]]),
        ("13:30-17:30，08:30-12:00", [[510, 720], [810, 1050]]),
        ("24h", [[0, 1440]]),
        ("00:00-24:00", [[0, 1440]]),
        ("20:00-24:00", [[1200, 1440]]),
        ("", []),
    ],
)
def test_a_day_of_hours_is_read(text: str, expected: list[list[int]]) -> None:
    assert rules.parse_day(text) == expected
    assert rules.parse_day(rules.format_day(expected)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "8-12",
        "12:00-08:00",
        "08:00-08:00",
        "08:00-12:00, 11:00-13:00",
        "25:00-26:00",
        "08:60-09:00",
        "24:30-24:45",
        "nine to five",
        "08:00-12:00;",
    ],
)
def test_bad_hours_are_refused(text: str) -> None:
    assert rules.parse_day(text) is None


def test_a_week_names_each_bad_day_and_needs_an_open_day() -> None:
    with pytest.raises(InvalidInput) as caught:
        rules.parse_weekly_hours(["08:00-12:00", "bad", "", "", "", "", "12-1"])
    assert [e.field for e in caught.value.errors] == ["weekly_hours.1", "weekly_hours.6"]
    with pytest.raises(InvalidInput, match="Some fields"):
        rules.parse_weekly_hours([""] * 7)
    with pytest.raises(InvalidInput):
        rules.parse_weekly_hours(["24h"] * 6)
    assert rules.parse_weekly_hours(["24h"] + [""] * 6) == {"0": [[0, 1440]]}


def test_a_pattern_as_data_is_checked() -> None:
    assert rules.check_weekly_hours({"6": [[0, 1440]]}) == {"6": [[0, 1440]]}
    for bad in ({"7": [[0, 60]]}, {"0": [["x", 60]]}, {"0": [[600, 60]]}):
        with pytest.raises(InvalidInput):
            rules.check_weekly_hours(bad)


def test_slots_follow_the_pattern_in_china_standard_time() -> None:
    slots = rules.slots_on(PATTERN, WEDNESDAY)
    assert len(slots) == 7 + 8
    assert slots[0].starts_at == at_cst(WEDNESDAY, 8, 30)
    assert slots[0].local_start.strftime("%H:%M") == "08:30"
    assert slots[-1].ends_at == at_cst(WEDNESDAY, 17, 30)
    assert rules.slots_on(PATTERN, dt.date(2026, 12, 5)) == []  # Saturday
    all_day = rules.Pattern({str(d): [[0, 1440]] for d in range(7)}, 60, 1)
    assert len(rules.slots_on(all_day, WEDNESDAY)) == 24
    assert len(list(rules.slots_between(all_day, WEDNESDAY, 3))) == 72
    # A slot that would run past closing time is not offered.
    assert len(rules.slots_on(rules.Pattern({"2": [[480, 530]]}, 30, 1), WEDNESDAY)) == 1


def test_closed_hours_and_closed_days_have_no_slot() -> None:
    assert rules.find_slot(PATTERN, at_cst(WEDNESDAY, 9)).ends_at == at_cst(WEDNESDAY, 9, 30)
    for moment in (
        at_cst(WEDNESDAY, 12, 30),
        at_cst(WEDNESDAY, 9, 10),
        at_cst(dt.date(2026, 12, 6), 9),
    ):
        with pytest.raises(InvalidInput) as caught:
            rules.find_slot(PATTERN, moment)
        assert caught.value.errors[0].code == "closed"
    holiday = rules.Pattern(
        WEEKDAYS, 30, 2, (rules.Closure(WEDNESDAY, WEDNESDAY, Bilingual("Holiday", "假日")),)
    )
    assert rules.slots_on(holiday, WEDNESDAY) == []
    with pytest.raises(InvalidInput, match="Some fields") as caught:
        rules.find_slot(holiday, at_cst(WEDNESDAY, 9))
    assert "Holiday" in caught.value.errors[0].reason.en
    assert "假日" in caught.value.errors[0].reason.zh


def test_a_slot_is_bookable_from_now_to_the_horizon() -> None:
    slot = rules.find_slot(PATTERN, at_cst(WEDNESDAY, 10, 30))
    rules.check_bookable(slot, now=NOW, horizon_days=28)
    started = rules.find_slot(PATTERN, at_cst(WEDNESDAY, 10))
    with pytest.raises(InvalidInput) as caught:
        rules.check_bookable(started, now=NOW, horizon_days=28)
    assert caught.value.errors[0].code == "past"
    far = rules.find_slot(PATTERN, at_cst(WEDNESDAY + dt.timedelta(days=29), 10))
    with pytest.raises(InvalidInput) as caught:
        rules.check_bookable(far, now=NOW, horizon_days=28)
    assert caught.value.errors[0].code == "too_far"


def test_capacity() -> None:
    rules.check_capacity(1, 2)
    with pytest.raises(Conflict) as caught:
        rules.check_capacity(2, 2)
    assert caught.value.errors[0].code == "full"


def test_cut_off_before_the_slot() -> None:
    start = NOW + dt.timedelta(hours=2)
    rules.check_cutoff(start, now=NOW, cutoff_minutes=120)
    assert not rules.cutoff_passed(start, now=NOW, cutoff_minutes=120)
    with pytest.raises(Conflict, match="until 2 hour") as caught:
        rules.check_cutoff(start, now=NOW + dt.timedelta(seconds=1), cutoff_minutes=120)
    assert "2 小时" in caught.value.message.zh
    with pytest.raises(Conflict, match=r"until 1\.5 hour"):
        rules.check_cutoff(start, now=NOW + dt.timedelta(hours=1), cutoff_minutes=90)


def test_one_container_is_not_booked_twice_at_once() -> None:
    slot = rules.find_slot(PATTERN, at_cst(WEDNESDAY, 10, 30))
    before = ("AP1", at_cst(WEDNESDAY, 10), at_cst(WEDNESDAY, 10, 30))
    rules.check_no_overlap(slot, "CSQU3054383", [before])  # back to back is fine
    longer = ("AP2", at_cst(WEDNESDAY, 10), at_cst(WEDNESDAY, 11))
    with pytest.raises(Conflict, match="AP2") as caught:
        rules.check_no_overlap(slot, "CSQU3054383", [before, longer])
    assert caught.value.errors[0].field == "transport_no"


def test_results_follow_the_booking() -> None:
    assert rules.result_allowed(Status.BOOKED, Status.ARRIVED)
    assert rules.result_allowed(Status.ARRIVED, Status.INSPECTED)
    assert rules.result_allowed(Status.BOOKED, Status.NO_SHOW)
    assert not rules.result_allowed(Status.ARRIVED, Status.NO_SHOW)
    assert not rules.result_allowed(Status.CANCELLED, Status.ARRIVED)
    assert not rules.result_allowed(Status.INSPECTED, Status.INSPECTED)
    assert not rules.result_allowed(Status.BOOKED, Status.CANCELLED)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("csqu 305438 3", "CSQU3054383"),
        ("MSKU1234565", "MSKU1234565"),
        ("豫G12345", "豫G12345"),
        ("豫g·d12345", "豫GD12345"),
        ("CSQU3054384", None),  # wrong check digit
        ("豫I12345", None),
        ("ABC", None),
        ("", None),
    ],
)
def test_container_numbers_and_plates(value: str, expected: str | None) -> None:
    assert rules.normalise_transport(value) == expected


@pytest.mark.parametrize(
    ("value", "grams"),
    [("120.5", 120_500), ("0.001", 1), ("1000000", 1_000_000_000), ("0", None), ("-1", None),
     ("0.0001", None), ("NaN", None), ("Infinity", None), ("1e3", 1_000_000), ("1000000.001", None), ("ten", None)],
)  # fmt: skip
def test_gross_weight(value: str, grams: int | None) -> None:
    assert rules.parse_weight_grams(value) == grams
    if grams is not None:
        assert rules.parse_weight_grams(rules.format_weight(grams)) == grams


def test_details_name_every_bad_field_at_once() -> None:
    checked = rules.check_details(details(document_numbers="A1, B2；C3"))
    assert checked.document_numbers == ("A1", "B2", "C3")
    assert checked.gross_weight_g == 120_500
    bad = {
        "goods_description": "",
        "packages": "0",
        "gross_weight_kg": "-3",
        "transport_no": "XYZ",
        "document_numbers": [],
        "contact_name": "x" * 61,
        "contact_phone": "call me",
    }
    with pytest.raises(InvalidInput) as caught:
        rules.check_details(bad)
    assert {e.field for e in caught.value.errors} == set(bad)
    for documents in (["A1", "A1"], ["<script>"], [f"N{i}" for i in range(51)], None):
        with pytest.raises(InvalidInput) as caught:
            rules.check_details(details(document_numbers=documents))
        assert caught.value.errors[0].field == "document_numbers"


@given(st.dictionaries(st.sampled_from(list(details())), st.text(max_size=80) | st.none()))
def test_details_never_fail_other_than_by_naming_fields(data: dict[str, str | None]) -> None:
    errors = []
    try:
        rules.check_details({**details(), **data})
    except InvalidInput as exc:
        errors = exc.errors
    assert all(e.field in details() for e in errors)


@given(st.text(max_size=40))
def test_hostile_hours_never_raise(text: str) -> None:
    parsed = rules.parse_day(text)
    assert parsed is None or all(0 <= a < b <= 1440 for a, b in parsed)
