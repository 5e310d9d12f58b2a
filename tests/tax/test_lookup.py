"""The consumer quota check: input rules, the name proof, masked output, the rate limit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from stdnum.cn import ric

from opencbec.audit.service import Actor
from opencbec.errors import InvalidInput
from opencbec.kit.mask import mask_name
from opencbec.tax import rules, service
from opencbec.tax.models import QuotaLookup
from tests.tax import documents
from tests.tax.documents import BUYER, NAME

NOW = dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.UTC)
ACTOR = Actor(label="test")
OTHER = "11010519491231002" + "X"


def _reserve(session: Session, key: str, amount: str, *, name: str | None = NAME) -> None:
    documents.reserve(session, key, amount, name=name)


def _look(
    session: Session,
    name: str = NAME,
    number: str = BUYER,
    *,
    client: str = "c1",
    now: dt.datetime = NOW,
) -> service.QuotaStatement:
    return service.look_up_quota(
        session, id_number=number, name=name, client_key=client, year=2026, now=now
    )


def test_a_matching_id_and_name_see_their_year(session: Session) -> None:
    _reserve(session, "q|1", "1000.50")
    _reserve(session, "q|2", "2000")
    service.settle_quota(session, actor=ACTOR, document_key="q|2", outcome="consume")
    statement = _look(session, " 张 三 ", BUYER.lower())
    assert statement.recorded
    assert (statement.used, statement.pending, statement.remaining) == (
        Decimal("3000.50"),
        Decimal("1000.50"),
        Decimal("22999.50"),
    )
    assert statement.masked_id_number == "4107************15"
    assert statement.masked_name == "张*"  # the typed space does not split a Chinese name
    assert BUYER not in repr(statement)
    assert NAME not in repr(statement)


@pytest.mark.parametrize(
    ("name", "number"),
    [("李四", BUYER), (NAME, OTHER)],
    ids=["wrong name", "unknown ID"],
)
def test_a_mismatch_gets_the_same_neutral_answer(session: Session, name: str, number: str) -> None:
    _reserve(session, "q|1", "1000")
    _reserve(session, "q|nameless", "10", name=None)  # entries from before names were kept
    statement = _look(session, name, number)
    assert not statement.recorded
    assert (statement.used, statement.pending, statement.remaining) == (
        Decimal(0),
        Decimal(0),
        Decimal("26000.00"),
    )
    assert "26,000" in service.NOTHING_RECORDED.en
    assert "26,000" in service.NOTHING_RECORDED.zh


def test_a_name_matches_across_case_width_and_separators() -> None:
    assert rules.name_hash("John  Smith") == rules.name_hash("ＪＯＨＮ smith")
    assert rules.name_hash("阿卜杜·热合曼") == rules.name_hash("阿卜杜热合曼")
    assert rules.name_hash("张三") != rules.name_hash("张叁")


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张*"),
        ("张小三", "张*三"),
        ("欧阳娜娜", "欧**娜"),
        ("John Smith", "J*** S****"),
        ("  john   smith ", "j*** s****"),
        ("Madonna", "M******"),
        ("王", "王"),
        ("张 小 三", "张*三"),
        ("Zoë Ångström", "Z** Å*******"),
    ],
)
def test_names_are_masked(name: str, masked: str) -> None:
    assert mask_name(name) == masked


@given(st.text(min_size=1, max_size=60).filter(lambda s: s.strip()))
def test_a_masked_name_never_shows_more_than_two_letters_of_a_word(name: str) -> None:
    masked = mask_name(name)
    assert sum(1 for c in masked if c not in "* ") <= 2 * len(masked.split(" "))


@pytest.mark.parametrize(
    ("number", "name", "fields"),
    [
        ("41070219900101001", NAME, {"id_number": "id_length"}),
        ("4107021990010100155", NAME, {"id_number": "id_length"}),
        ("41070219900101001Y", NAME, {"id_number": "id_format"}),
        ("4107021990010１0015", NAME, {"id_number": "id_format"}),
        ("410702199001010016", NAME, {"id_number": "id_check"}),
        (BUYER, "   ", {"name": "required"}),
        (BUYER, "张" * 61, {"name": "too_long"}),
        (BUYER, "12345", {"name": "name_format"}),
        (BUYER, "张\x00三", {"name": "name_format"}),
        ("", "", {"id_number": "id_length", "name": "required"}),
    ],
)
def test_bad_input_names_each_field(
    session: Session, number: str, name: str, fields: dict[str, str]
) -> None:
    with pytest.raises(InvalidInput) as exc:
        _look(session, name, number)
    assert {e.field: e.code for e in exc.value.errors} == fields
    assert all(e.reason.en and e.reason.zh for e in exc.value.errors)
    assert session.scalar(select(func.count()).select_from(QuotaLookup)) == 0


def test_an_x_check_character_is_accepted_in_either_case(session: Session) -> None:
    assert _look(session, NAME, OTHER.lower()).masked_id_number == "1101************2X"


def test_five_lookups_per_id_an_hour(session: Session) -> None:
    for minute in range(service.LOOKUPS_PER_ID):
        _look(session, client=f"c{minute}", now=NOW + dt.timedelta(minutes=minute))
    with pytest.raises(service.TooManyLookups) as exc:
        _look(session, client="fresh", now=NOW + dt.timedelta(minutes=30))
    assert exc.value.status == 429
    assert exc.value.code == "too_many_lookups"
    assert exc.value.retry_after == 30 * 60  # when the first lookup leaves the hour
    assert "30" in exc.value.message.en
    assert "30" in exc.value.message.zh
    _look(
        session, NAME, OTHER, client="fresh", now=NOW + dt.timedelta(minutes=30)
    )  # another ID: fine
    _look(session, client="fresh", now=NOW + dt.timedelta(hours=1))  # the first has left
    assert session.scalar(select(func.count()).select_from(QuotaLookup)) == 6


def test_thirty_lookups_per_client_an_hour(session: Session) -> None:
    numbers = [
        body + ric.calc_check_digit(body + "0")
        for body in (f"4107021990010{n:04d}" for n in range(service.LOOKUPS_PER_CLIENT + 1))
    ]
    for number in numbers[:-1]:
        _look(session, NAME, number, client="busy")
    with pytest.raises(service.TooManyLookups) as exc:
        _look(session, NAME, numbers[-1], client="busy", now=NOW + dt.timedelta(seconds=1))
    assert exc.value.retry_after == 3599
    _look(session, NAME, numbers[-1], client="quiet")


def test_retry_after_counts_only_the_window() -> None:
    hour = dt.timedelta(hours=1)
    old = [NOW - dt.timedelta(hours=2)] * 10
    assert rules.retry_after(old, limit=1, window=hour, now=NOW) is None
    recent = [NOW - dt.timedelta(minutes=m) for m in (50, 10, 5)]
    assert rules.retry_after(recent, limit=4, window=hour, now=NOW) is None
    assert rules.retry_after(recent, limit=3, window=hour, now=NOW) == 600
    assert rules.retry_after(recent, limit=2, window=hour, now=NOW) == 3000
    just = [NOW - hour + dt.timedelta(microseconds=1)]
    assert rules.retry_after(just, limit=1, window=hour, now=NOW) == 1
