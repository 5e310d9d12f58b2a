"""The zone's parcels by carrier: inspected (a 500 receipt), held now, refused."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from opencbec.errors import Forbidden
from opencbec.identity.models import Department, OrgRole
from opencbec.identity.rules import Principal
from opencbec.logistics import service
from tests.factories.identity import make_org, make_user, principal_of
from tests.factories.trade import bonded_parcel, export_parcel, party, trading_seller

EXPRESS = party("4107960EXP", "豫北快递（测试）")


@pytest.fixture
def seller(session: Session) -> Principal:
    return trading_seller(session)


def test_parcels_are_counted_by_carrier_with_inspections_holds_and_refusals(
    session: Session, seller: Principal
) -> None:
    export_parcel(session, seller, "LOGEX1", receipts=("120", "500", "800"))  # inspected, released
    export_parcel(session, seller, "LOGEX2", receipts=("120", "300"))  # held for review now
    bonded_parcel(session, seller, "LOGIM1", area=None, carrier=EXPRESS, receipts=("120", "500"))
    bonded_parcel(session, seller, "LOGIM2", area=None, carrier=EXPRESS, receipts=("100",))
    found = {p.order_no: p for p in service.parcels(session)}
    assert found["LOGEX1"].inspected
    assert not found["LOGEX1"].held
    assert found["LOGEX2"].held
    assert not found["LOGEX2"].inspected
    assert found["LOGIM1"].inspected
    assert found["LOGIM1"].held
    assert found["LOGIM1"].direction == "import"
    assert found["LOGEX1"].direction == "export"
    carriers = {c.code: c for c in service.by_carrier(list(found.values()))}
    express = carriers[EXPRESS.code]
    assert (express.parcels, express.imports, express.inspected, express.held, express.refused) == (
        2,
        2,
        1,
        1,
        1,
    )
    rail = carriers["4107900011"]
    assert (rail.parcels, rail.exports, rail.released, rail.inspected, rail.held) == (2, 2, 1, 1, 1)
    assert service.per_month(list(found.values())) == [("2026-11", 4)]


def test_only_the_zone_and_entitled_departments_see_the_parcels(
    session: Session, seller: Principal
) -> None:
    for department in (Department.POST, Department.COMMERCE, Department.CUSTOMS):
        org = make_org(session, roles=(OrgRole.REGULATOR,), department=department)
        service.require_reader(principal_of(session, make_user(session, org)))
    market = make_org(session, roles=(OrgRole.REGULATOR,), department=Department.MARKET_SUPERVISION)
    for refused in (seller, principal_of(session, make_user(session, market))):
        with pytest.raises(Forbidden):
            service.require_reader(refused)
