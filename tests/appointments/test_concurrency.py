"""Two enterprises book the last place of a slot at the same moment: only one wins."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import func, select

from opencbec.appointments import service
from opencbec.appointments.models import Booking
from opencbec.db import Database
from opencbec.identity.rules import Principal
from tests.factories import appointments as f
from tests.factories.appointments import NOW, at_cst, details

THURSDAY_NINE = at_cst(NOW.date().replace(day=3), 9)


def test_two_bookings_of_the_last_place_never_both_win(
    fresh_database: Database, tmp_path: Path
) -> None:
    with fresh_database.session() as session:
        f.load_customs_offices(session)
        officer, _ = f.officer(session)
        site = f.make_site(session, officer, capacity=2)
        first, _, _ = f.enterprise(session, tmp_path, officer)
        second, _, _ = f.enterprise(session, tmp_path, officer)
        third, _, _ = f.enterprise(session, tmp_path, officer)
        service.book(
            session, principal=first, site_id=site.id, service="inspection",
            starts_at=THURSDAY_NINE, data=details(), now=NOW,
        )  # fmt: skip
        site_id = site.id
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def book(principal: Principal, transport_no: str) -> None:
        start.wait()
        try:
            with fresh_database.session() as session:
                service.book(
                    session, principal=principal, site_id=site_id, service="inspection",
                    starts_at=THURSDAY_NINE, data=details(transport_no=transport_no), now=NOW,
                )  # fmt: skip
            outcomes.append("booked")
        except service.SlotFull:
            outcomes.append("full")

    threads = [
        threading.Thread(target=book, args=(second, "豫G12345")),
        threading.Thread(target=book, args=(third, "MSKU1234565")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["booked", "full"]
    with fresh_database.session(write=False) as session:
        count = session.scalar(
            select(func.count()).select_from(Booking).where(Booking.site_id == site_id)
        )
        assert count == 2
