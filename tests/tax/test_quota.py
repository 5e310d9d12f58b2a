"""The annual quota ledger: reserve, consume, release; never two takers of the last yuan."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from opencbec.audit.service import Actor
from opencbec.db import Database, build_engine
from opencbec.migrate import upgrade_engine
from opencbec.tax import service
from tests.conftest import FreshDatabases

ACTOR = Actor(label="test")
BUYER = "41070219900101001" + "5"


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
    fresh_databases: FreshDatabases,
) -> None:
    engine = build_engine(fresh_databases.new_url())
    upgrade_engine(engine)
    database = Database(engine)
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def declare(key: str) -> None:
        start.wait()
        try:
            with database.session() as session:
                service.reserve_quota(
                    session,
                    actor=ACTOR,
                    id_number=BUYER,
                    year=2026,
                    document_key=key,
                    amount=Decimal("15000.00"),
                )
            outcomes.append("reserved")
        except service.QuotaExceeded:
            outcomes.append("refused")

    threads = [threading.Thread(target=declare, args=(f"inv|{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "reserved"]
    with database.session(write=False) as session:
        assert service.remaining_quota(session, id_number=BUYER, year=2026) == Decimal("11000.00")
    engine.dispose()
