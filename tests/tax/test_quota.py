"""The annual quota ledger: reserve, consume, release; never two takers of the last yuan."""

from __future__ import annotations

import datetime as dt
import threading
import time
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from opencbec.audit.service import Actor
from opencbec.db import Database
from opencbec.identity.rules import Principal
from opencbec.tax import service
from opencbec.tax.models import QuotaEntry
from tests.tax import documents
from tests.tax.documents import BUYER, EBC, inventory_xml, receipt

ACTOR = Actor(label="test")


def test_reserve_consume_release(session: Session) -> None:
    assert service.remaining_quota(session, id_number=BUYER, year=2026) == Decimal(26000)
    entry = service.reserve_quota(
        session,
        actor=ACTOR,
        id_number=BUYER,
        year=2026,
        document_key="inv|1",
        amount=Decimal("5000.00"),
    )
    assert (
        service.reserve_quota(
            session,
            actor=ACTOR,
            id_number=BUYER,
            year=2026,
            document_key="inv|1",
            amount=Decimal(1),
        )
        == entry
    )
    assert service.remaining_quota(session, id_number=BUYER, year=2026) == Decimal("21000.00")
    assert (
        service.settle_quota(session, actor=ACTOR, document_key="inv|1", outcome="consume") == entry
    )
    assert entry.state == "consumed"
    assert service.remaining_quota(session, id_number=BUYER.lower(), year=2026) == Decimal(
        "21000.00"
    )
    service.reserve_quota(
        session,
        actor=ACTOR,
        id_number=BUYER,
        year=2026,
        document_key="inv|2",
        amount=Decimal("21000.00"),
    )
    with pytest.raises(service.QuotaExceeded) as exc:
        service.reserve_quota(
            session,
            actor=ACTOR,
            id_number=BUYER,
            year=2026,
            document_key="inv|3",
            amount=Decimal("0.01"),
        )
    assert exc.value.status == 409
    assert "年度" in exc.value.message.zh
    service.settle_quota(session, actor=ACTOR, document_key="inv|2", outcome="release")
    assert service.remaining_quota(session, id_number=BUYER, year=2026) == Decimal("21000.00")
    service.settle_quota(
        session, actor=ACTOR, document_key="inv|1", outcome="release"
    )  # a return after release
    assert service.remaining_quota(session, id_number=BUYER, year=2026) == Decimal(26000)
    assert (
        service.settle_quota(session, actor=ACTOR, document_key="inv|1", outcome="consume")
        is not None
    )  # no change
    assert service.remaining_quota(session, id_number=BUYER, year=2027) == Decimal(26000)
    assert (
        service.settle_quota(session, actor=ACTOR, document_key="nothing", outcome="release")
        is None
    )
    with pytest.raises(ValueError, match="unknown outcome"):
        service.settle_quota(session, actor=ACTOR, document_key="inv|1", outcome="forgive")


def test_two_declarations_never_both_take_the_last_of_a_quota(
    fresh_database: Database,
) -> None:
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def declare(key: str) -> None:
        start.wait()
        try:
            with fresh_database.session() as session:
                documents.reserve(session, key, "15000.00")
            outcomes.append("reserved")
        except service.QuotaExceeded:
            outcomes.append("refused")

    threads = [threading.Thread(target=declare, args=(f"inv|{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "reserved"]
    with fresh_database.session(write=False) as session:
        assert service.remaining_quota(session, id_number=BUYER, year=2026) == Decimal("11000.00")


def test_a_repeated_declaration_answers_its_entry_even_at_the_limit(session: Session) -> None:
    def reserve(key: str, amount: str) -> QuotaEntry:
        return documents.reserve(session, key, amount)

    first = reserve("inv|big", "20000.00")
    # Asked again with its own amount, which the limit no longer allows: still its entry.
    assert reserve("inv|big", "20000.00") == first
    # Asked again with an amount the limit allows: its entry, and nothing more taken.
    assert reserve("inv|big", "100.00") == first
    # Past the limit by itself: its entry too.
    assert reserve("inv|big", "30000.00") == first
    assert service.remaining_quota(session, id_number=BUYER, year=2026) == Decimal("6000.00")
    with pytest.raises(service.QuotaExceeded):
        reserve("inv|other", "6000.01")
    assert service.remaining_quota(session, id_number=BUYER, year=2026) == Decimal("6000.00")


def test_the_same_declaration_twice_at_once_takes_the_quota_once(
    fresh_database: Database,
) -> None:
    # The first holds its transaction open until the second has begun its own reservation, so
    # the second reserves while the first's entry is not yet committed (it waits for the
    # account's lock on PostgreSQL; on SQLite for the write lock, so one after the other).
    entries: list[int] = []
    failures: list[BaseException] = []
    first_reserved, second_begins = threading.Event(), threading.Event()

    def declare(first: bool) -> None:
        try:
            if not first:
                first_reserved.wait(10)
                second_begins.set()
            with fresh_database.session() as session:
                entry = documents.reserve(session, "inv|same", "15000.00")
                if first:
                    first_reserved.set()
                    second_begins.wait(10)
                    time.sleep(0.3)  # the second is now waiting on the lock
                entries.append(entry.id)
        except BaseException as exc:  # reported below, with the thread's traceback
            failures.append(exc)

    threads = [threading.Thread(target=declare, args=(first,)) for first in (True, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(entries) == 2
    assert entries[0] == entries[1]
    with fresh_database.session(write=False) as session:
        assert service.remaining_quota(session, id_number=BUYER, year=2026) == Decimal("11000.00")


def _inventory(key: str, amount: str, buyer: str = BUYER, app_type: str = "1") -> bytes:
    return inventory_xml(key, ("1", amount), buyer=buyer, app_type=app_type)


def _receipt(session: Session, broker: Principal, key: str, status: str, at: str) -> None:
    receipt(session, broker, "inventory", f"{EBC}|{key}", status, at)


def test_declared_inventories_move_the_ledger(session: Session) -> None:
    from opencbec.clearance import service as clearance_service
    from opencbec.clearance.models import ClearanceDocument
    from opencbec.errors import DomainError
    from tests.factories.identity import make_org, make_user, principal_of

    broker = principal_of(session, make_user(session, make_org(session)))
    clearance_service.ingest_message(session, principal=broker, data=_inventory("K1", "20000.00"))
    assert service.remaining_quota(session, id_number=BUYER, year=2026) == Decimal("6000.00")
    clearance_service.ingest_message(
        session, principal=broker, data=_inventory("K1", "18000.00", app_type="2")
    )
    assert service.remaining_quota(session, id_number=BUYER, year=2026) == Decimal("8000.00")
    with pytest.raises(DomainError) as exc:
        clearance_service.ingest_message(
            session, principal=broker, data=_inventory("K2", "9000.00")
        )
    assert exc.value.code == "quota_exceeded"
    session.rollback()
    assert session.query(ClearanceDocument).filter_by(business_key="4107960EBC|K2").count() == 0
    broker = principal_of(session, make_user(session, make_org(session)))
    clearance_service.ingest_message(session, principal=broker, data=_inventory("K3", "1000.00"))
    _receipt(session, broker, "K3", "800", "20261111120000000")
    _receipt(session, broker, "K3", "100", "20261111110000000")  # older: ignored
    assert service.remaining_quota(session, id_number=BUYER, year=2026) == Decimal("25000.00")
    clearance_service.ingest_message(session, principal=broker, data=_inventory("K4", "500.00"))
    _receipt(session, broker, "K4", "100", "20261111120000000")
    assert service.remaining_quota(session, id_number=BUYER, year=2026) == Decimal("25000.00")


def test_pre_flight_year_to_date_reads_the_ledger_without_the_set_under_check(
    session: Session,
) -> None:
    from opencbec.clearance import service as clearance_service
    from tests.factories.identity import make_org, make_user, principal_of

    assert service.annual_used(session, BUYER, 2026) == 0
    broker = principal_of(session, make_user(session, make_org(session)))
    clearance_service.ingest_message(session, principal=broker, data=_inventory("Y1", "300.00"))
    clearance_service.ingest_message(session, principal=broker, data=_inventory("Y2", "200.00"))
    reference = clearance_service.DatabaseReference(session, dt.date(2026, 11, 27))
    assert reference.annual_used(BUYER, 2026) == Decimal("500.00")
    assert reference.annual_used(BUYER, 2025) == 0
    # The set being checked is not part of "so far": its own reservation is left out.
    own = clearance_service.DatabaseReference(
        session, dt.date(2026, 11, 27), exclude_order_no="OY1"
    )
    assert own.annual_used(BUYER, 2026) == Decimal("200.00")
    _receipt(session, broker, "Y2", "100", "20261111120000000")
    # A reference answers for one check; the next check sees the rejection.
    assert own.annual_used(BUYER, 2026) == Decimal("200.00")
    again = clearance_service.DatabaseReference(
        session, dt.date(2026, 11, 27), exclude_order_no="OY1"
    )
    assert again.annual_used(BUYER, 2026) == 0


def test_a_reservation_past_the_limit_is_refused_with_what_is_left(session: Session) -> None:
    def reserve(key: str, amount: str) -> None:
        documents.reserve(session, key, amount, year=2030)

    with pytest.raises(service.QuotaExceeded, match=r"26000.*26000\.01"):
        reserve("big|1", "26000.01")  # more than a year allows, on a buyer with no account yet
    assert service.remaining_quota(session, id_number=BUYER, year=2030) == Decimal(26000)
    reserve("big|2", "25000")
    with pytest.raises(service.QuotaExceeded, match=r"1000\.00 left, 1000\.01 asked"):
        reserve("big|3", "1000.01")
    assert service.remaining_quota(session, id_number=BUYER, year=2030) == Decimal(1000)
    reserve("big|4", "1000")  # the last yuan
    assert service.remaining_quota(session, id_number=BUYER, year=2030) == Decimal(0)
