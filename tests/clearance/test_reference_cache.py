"""The pre-flight's code-table answers are kept per edition: reused until an edition is applied."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from opencbec.audit.service import Actor
from opencbec.clearance import service
from opencbec.clearance.service import reference_cache
from opencbec.demo import service as demo_service
from opencbec.goods import service as goods_service
from opencbec.identity import service as identity_service
from opencbec.identity.models import User
from opencbec.identity.rules import Principal
from tests.statements import statements_run

DEMO_ORDER = "MYMALL202611110001"
SALMON = "0302130000"  # on the demo positive list, bonded import only
HEADER = "code,name_zh,bonded_only,quantity_limit,name_restriction,note\n"


@pytest.fixture
def demo(session: Session, tmp_path: Path) -> Iterator[None]:
    reference_cache.clear()
    demo_service.load(session, var_dir=tmp_path)
    session.flush()
    yield
    reference_cache.clear()


def _code_table_reads(statements: list[str]) -> list[str]:
    return [s for s in statements if "reference_codes" in s or "code_editions" in s]


def _principal(session: Session, username: str) -> Principal:
    user = session.scalar(select(User).where(User.username == username))
    assert user is not None
    return identity_service.principal_for_user(session, user)


def _apply_positive_list(session: Session, body: str, day: dt.date) -> None:
    goods_service.apply_edition(
        session,
        actor=Actor(label="test"),
        table="positive_list",
        content=(HEADER + body).encode(),
        version=day.isoformat(),
        source="test",
        effective_from=day,
    )


def test_answers_are_kept_between_checks_under_the_same_editions(
    session: Session, demo: None
) -> None:
    day = dt.date.today()
    first = service.DatabaseReference(session, day)
    assert first.hs_in_force(SALMON)
    assert first.positive_list_line(SALMON) is not None
    with statements_run(session) as run:
        again = service.DatabaseReference(session, day)
        assert again.hs_in_force(SALMON)
        line = again.positive_list_line(SALMON)
        assert line is not None
        assert line.bonded_only
    seen = _code_table_reads(run)
    # one question to the editions, no lookup of a code
    assert len(seen) == 1
    assert "code_editions" in seen[0]


def test_a_new_edition_is_seen_by_the_next_check(session: Session, demo: None) -> None:
    later = dt.date.today() + dt.timedelta(days=30)
    before = service.DatabaseReference(session, later)
    assert before.positive_list_line(SALMON) is not None
    # The next edition drops salmon from the list: a check after it must not answer from before.
    _apply_positive_list(session, "3304990099,其他美容品或化妆品及护肤品,0,,,\n", later)
    after = service.DatabaseReference(session, later)
    assert after.positive_list_line(SALMON) is None
    assert after.positive_list_line("3304990099") is not None
    # The same check keeps what it saw at its start.
    assert before.positive_list_line(SALMON) is not None


def test_the_day_is_part_of_the_question(session: Session, demo: None) -> None:
    today = dt.date.today()
    later = today + dt.timedelta(days=30)
    _apply_positive_list(session, "3304990099,其他美容品或化妆品及护肤品,0,,,\n", later)
    assert service.DatabaseReference(session, today).positive_list_line(SALMON) is not None
    assert service.DatabaseReference(session, later).positive_list_line(SALMON) is None


def test_a_full_cache_starts_afresh(
    session: Session, demo: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reference_cache, "MAX_ENTRIES", 2)
    codes = reference_cache.CodeTables(session)
    assert codes.remember(1, lambda: 10) == 10
    assert codes.remember(2, lambda: 20) == 20
    assert codes.remember(1, lambda: -1) == 10  # kept
    assert codes.remember(3, lambda: 30) == 30  # the third answer empties the cache first
    assert codes.remember(1, lambda: -1) == -1  # found again


def test_one_check_asks_the_editions_once(session: Session, demo: None) -> None:
    platform = service.preflight(  # the first check finds the answers
        session, principal=_principal(session, "platform"), order_no=DEMO_ORDER
    )
    with statements_run(session) as run:
        again = service.preflight(
            session, principal=_principal(session, "platform"), order_no=DEMO_ORDER
        )
    seen = _code_table_reads(run)
    # the rules and the tax check share one question to the editions and look no code up
    assert len(seen) == 1
    assert "code_editions" in seen[0]
    assert [f.code for f in again.failures] == [f.code for f in platform.failures]


def test_checks_inside_a_check_share_its_stamp(session: Session, demo: None) -> None:
    with reference_cache.one_check(session):
        outer = reference_cache.CodeTables.of(session)
        with reference_cache.one_check(session):
            assert reference_cache.CodeTables.of(session) is outer
        assert reference_cache.CodeTables.of(session) is outer
    assert reference_cache.CodeTables.of(session) is not outer  # outside a check: asked anew
