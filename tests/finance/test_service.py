"""Export collections against released exports, and who sees them: a bank its clients only."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from opencbec.demo import sets
from opencbec.enterprise import service as enterprise_service
from opencbec.errors import Forbidden
from opencbec.finance import rules, service
from opencbec.identity.models import Department, OrgRole
from opencbec.identity.rules import Principal
from tests.factories.enterprise import submitted_filing
from tests.factories.identity import make_principal
from tests.factories.trade import export_parcel, party, trading_seller

ZONE = service.Scope(None)
OTHER = party("4107960OTH", "另一家卖家（测试）")


_principal = make_principal


@pytest.fixture
def seller(session: Session) -> Principal:
    return trading_seller(session)


def test_a_collection_is_settleable_once_customs_released_its_export(
    session: Session, seller: Principal
) -> None:
    export_parcel(session, seller, "FINOK1")
    export_parcel(session, seller, "FINWAIT1", receipts=("120",))
    by_order = {c.order_no: c for c in service.export_collections(session, scope=ZONE)}
    assert by_order["FINOK1"].settleable
    assert by_order["FINOK1"].released_value == Decimal("340.00")
    assert by_order["FINOK1"].month == "2026-11"
    assert not by_order["FINWAIT1"].settleable
    assert by_order["FINWAIT1"].released_value == 0
    assert [c.order_no for c in service.settleable(by_order.values())] == ["FINOK1"]


def test_a_seller_whose_collections_stray_from_released_exports_is_a_mismatch(
    session: Session, seller: Principal
) -> None:
    export_parcel(session, seller, "FINEQ1")  # collected what was released
    export_parcel(session, seller, "FINEQ2", charge="345.00")  # within 5% of 680.00
    export_parcel(session, seller, "FINREF1", seller=OTHER, receipts=("100",))
    rows = {r.seller_code: r for r in service.reconcile(session, scope=ZONE)}
    fine, refused = rows[sets.DEMO_EBC], rows[OTHER.code]
    assert (fine.collected, fine.released, fine.mismatch) == (Decimal("685"), Decimal("680"), False)
    assert (refused.collected, refused.released, refused.declared) == (
        Decimal(340),
        Decimal(0),
        Decimal(340),
    )
    assert refused.mismatch
    assert list(rows) == [OTHER.code, sets.DEMO_EBC]  # mismatches first


def test_the_tolerance_is_five_percent_and_at_least_one_yuan() -> None:
    assert not rules.beyond_tolerance(Decimal("105.00"), Decimal("100.00"))
    assert rules.beyond_tolerance(Decimal("105.01"), Decimal("100.00"))
    assert not rules.beyond_tolerance(Decimal("1.00"), Decimal("0"))
    assert rules.beyond_tolerance(Decimal("1.01"), Decimal("0"))
    assert rules.beyond_tolerance(Decimal("0"), Decimal("100.00"))  # exports never collected


def _client_of(
    session: Session,
    reviewer: Principal,
    bank_name: str,
    code: str,
    tmp_path: Path,
    *,
    approve: bool,
) -> None:
    seller = _principal(session)
    version = submitted_filing(
        session,
        seller,
        tmp_path,
        customs_code=code,
        fx_accounts=[{"bank_name": bank_name, "account": "4566000000001"}],
    )
    if approve:
        enterprise_service.start_review(session, principal=reviewer, version_id=version.id)
        enterprise_service.approve(session, principal=reviewer, version_id=version.id)


def test_a_bank_sees_the_collections_of_its_approved_clients_only(
    session: Session, seller: Principal, tmp_path: Path
) -> None:
    bank = _principal(session, OrgRole.FINANCIAL_INSTITUTION)
    other_bank = _principal(session, OrgRole.FINANCIAL_INSTITUTION)
    customs = _principal(session, OrgRole.REGULATOR, department=Department.CUSTOMS)
    _client_of(session, customs, bank.organisation_name_zh, sets.DEMO_EBC, tmp_path, approve=True)
    _client_of(session, customs, bank.organisation_name_zh, "4107960PND", tmp_path, approve=False)
    _client_of(
        session, customs, other_bank.organisation_name_zh, OTHER.code, tmp_path, approve=True
    )
    export_parcel(session, seller, "FINBANK1")
    export_parcel(session, seller, "FINBANK2", seller=OTHER)
    scope = service.scope_of(session, bank)
    assert scope.sellers == frozenset({sets.DEMO_EBC})
    assert [c.order_no for c in service.export_collections(session, scope=scope)] == ["FINBANK1"]
    other = service.scope_of(session, other_bank)
    assert [c.order_no for c in service.export_collections(session, scope=other)] == ["FINBANK2"]


def test_fx_and_tax_see_the_zone_and_a_seller_is_refused(
    session: Session, seller: Principal
) -> None:
    forex = _principal(session, OrgRole.REGULATOR, department=Department.FOREIGN_EXCHANGE)
    tax = _principal(session, OrgRole.REGULATOR, department=Department.TAX)
    post = _principal(session, OrgRole.REGULATOR, department=Department.POST)
    assert service.scope_of(session, forex) == ZONE
    assert service.scope_of(session, tax) == ZONE
    for refused in (seller, post):
        with pytest.raises(Forbidden):
            service.scope_of(session, refused)
