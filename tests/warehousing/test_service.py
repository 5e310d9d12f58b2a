"""The bonded warehouse's 1210 inventories: the warehouse sees those naming its approved customs
code; released ones wait for dispatch."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from opencbec.demo import sets
from opencbec.enterprise import service as enterprise_service
from opencbec.errors import Forbidden
from opencbec.identity.models import Department, OrgRole
from opencbec.identity.rules import Principal
from opencbec.warehousing import service
from tests.factories.enterprise import submitted_filing
from tests.factories.identity import make_org, make_user, principal_of
from tests.factories.trade import bonded_parcel, party, trading_seller

OWN = party("4107960WHS", "新乡保税仓（测试）")
ELSEWHERE = party("4107960WHX", "另一保税仓（测试）")


def _principal(session: Session, role: OrgRole, department: Department | None = None) -> Principal:
    return principal_of(
        session, make_user(session, make_org(session, roles=(role,), department=department))
    )


@pytest.fixture
def seller(session: Session) -> Principal:
    return trading_seller(session)


def _warehouse(session: Session, tmp_path: Path, *, approve: bool) -> Principal:
    warehouse = _principal(session, OrgRole.WAREHOUSE_OPERATOR)
    version = submitted_filing(
        session, warehouse, tmp_path, customs_code=OWN.code, roles=["warehouse_operator"]
    )
    if approve:
        customs = _principal(session, OrgRole.REGULATOR, Department.CUSTOMS)
        enterprise_service.start_review(session, principal=customs, version_id=version.id)
        enterprise_service.approve(session, principal=customs, version_id=version.id)
    return warehouse


def _declare(session: Session, seller: Principal) -> None:
    bonded_parcel(session, seller, "WHS1", area=OWN)  # released: to dispatch
    bonded_parcel(session, seller, "WHS2", area=OWN, receipts=("120", "399"))  # with customs
    bonded_parcel(session, seller, "WHS3", area=OWN, receipts=("120", "800", "899"))  # delivered
    bonded_parcel(session, seller, "WHS4", area=ELSEWHERE)  # another warehouse's
    bonded_parcel(session, seller, "WHS5", area=None)  # no warehouse named


def test_a_warehouse_sees_its_own_bonded_inventories_by_stage(
    session: Session, seller: Principal, tmp_path: Path
) -> None:
    warehouse = _warehouse(session, tmp_path, approve=True)
    _declare(session, seller)
    found = service.bonded_inventories(session, scope=service.scope_of(session, warehouse))
    assert [(i.order_no, i.stage) for i in found] == [
        ("WHS1", "dispatch"),
        ("WHS2", "customs"),
        ("WHS3", "delivered"),
    ]
    assert service.stages(found)["dispatch"] == 1
    assert service.delivered_per_month(found) == [("2026-11", 2)]


def test_a_warehouse_without_an_approved_filing_sees_nothing(
    session: Session, seller: Principal, tmp_path: Path
) -> None:
    warehouse = _warehouse(session, tmp_path, approve=False)
    _declare(session, seller)
    assert service.scope_of(session, warehouse).area_code == ""
    assert service.bonded_inventories(session, scope=service.scope_of(session, warehouse)) == []


def test_customs_sees_every_warehouse_and_a_seller_is_refused(
    session: Session, seller: Principal
) -> None:
    _declare(session, seller)
    customs = _principal(session, OrgRole.REGULATOR, Department.CUSTOMS)
    found = service.bonded_inventories(session, scope=service.scope_of(session, customs))
    assert {i.order_no for i in found} == {"WHS1", "WHS2", "WHS3", "WHS4"}
    assert {i.area_code for i in found} == {OWN.code, ELSEWHERE.code}
    assert sets.DEMO_EBC not in {i.area_code for i in found}
    with pytest.raises(Forbidden):
        service.scope_of(session, seller)
