"""The home page's parcel figures are counted by the database and agree with the parcel list;
the post's to-do and panel read them once."""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from opencbec.identity.models import Department, OrgRole
from opencbec.identity.rules import Principal
from opencbec.logistics import portal, service
from tests.factories.identity import make_principal
from tests.factories.trade import bonded_parcel, export_parcel, party, trading_seller

EXPRESS = party("4107960EXP", "豫北快递（测试）")


@pytest.fixture
def seller(session: Session) -> Principal:
    return trading_seller(session)


def _parcels(session: Session, seller: Principal) -> None:
    export_parcel(session, seller, "FIGEX1", receipts=("120", "500", "800"))  # inspected, released
    export_parcel(session, seller, "FIGEX2", receipts=("120", "300"))  # held for review now
    bonded_parcel(session, seller, "FIGIM1", area=None, carrier=EXPRESS, receipts=("120", "500"))
    bonded_parcel(session, seller, "FIGIM2", area=None, carrier=EXPRESS, receipts=("100",))


def test_the_figures_agree_with_the_parcel_list(session: Session, seller: Principal) -> None:
    _parcels(session, seller)
    found = service.parcels(session)
    figures = service.parcel_figures(session)
    assert figures == service.ParcelFigures(
        parcels=len(found),
        carriers=len(service.by_carrier(found)),
        held=sum(p.held for p in found),
        refused=sum(p.status == service.REFUSED for p in found),
        inspected=sum(p.inspected for p in found),
        per_month=service.per_month(found),
    )
    assert (figures.parcels, figures.carriers, figures.held, figures.inspected) == (4, 2, 2, 2)


def test_the_post_home_reads_the_figures_once_and_again_after_a_change(
    session: Session, seller: Principal
) -> None:
    post = make_principal(session, OrgRole.REGULATOR, department=Department.POST)
    _parcels(session, seller)
    statements: list[str] = []

    def count(_conn: Connection, _cursor: object, statement: str, *_: object) -> None:
        if "AS carrier" in statement:  # the figures' query
            statements.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        [todo] = portal.post_todos(session, post)
        [panel] = portal.parcel_panels(session, post)
        assert len(statements) == 1
        assert todo.values == {"held": 2, "refused": 1, "inspected": 2}
        export_parcel(session, seller, "FIGEX3", receipts=("120", "300"))  # a change: read again
        [todo] = portal.post_todos(session, post)
        assert len(statements) == 2
        assert todo.values == {"held": 3, "refused": 1, "inspected": 2}
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert panel.figures[1].value == "4"
