"""Returns and cancellations as rates of released import inventories, by seller and by goods."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from opencbec.analytics import service
from opencbec.clearance import service as clearance_service
from opencbec.clearance.models import ClearanceDocument
from opencbec.demo import sets
from opencbec.errors import Forbidden
from opencbec.identity.models import Department, OrgRole
from opencbec.identity.rules import Principal
from tests.factories.clearance import CREAM
from tests.factories.identity import make_org, make_user, principal_of
from tests.factories.trade import bonded_parcel, customs_receipt, follow_up_xml, trading_seller


@pytest.fixture
def seller(session: Session) -> Principal:
    return trading_seller(session)


def _released(session: Session, seller: Principal, n: int) -> list[ClearanceDocument]:
    return [bonded_parcel(session, seller, f"RET{i}", area=None) for i in range(n)]


def _ask(session: Session, seller: Principal, message: str, parcel: ClearanceDocument) -> None:
    """Declare a return or cancellation and let customs receive it (a request still unsent is
    not counted: the seller may drop it)."""
    [outcome] = clearance_service.ingest_message(
        session, principal=seller, data=follow_up_xml(message, parcel)
    )
    document = session.get(ClearanceDocument, outcome.document_id)
    assert document is not None
    assert service.return_rates(session).returns + service.return_rates(session).cancellations == (
        0 if message == "CEB625Message" else 1
    )
    customs_receipt(session, seller, document, "120")


def test_a_seller_above_ten_percent_returns_and_cancellations_needs_attention(
    session: Session, seller: Principal
) -> None:
    parcels = _released(session, seller, 10)
    _ask(session, seller, "CEB625Message", parcels[0])
    _ask(session, seller, "CEB623Message", parcels[1])
    rates = service.return_rates(session)
    [seller_rates] = rates.by_seller
    assert (seller_rates.key, seller_rates.released, seller_rates.returns) == (sets.DEMO_EBC, 10, 1)
    assert seller_rates.cancellations == 1
    assert seller_rates.rate == Decimal("0.2")
    assert seller_rates.needs_attention
    [goods] = rates.by_goods
    assert (goods.key, goods.returns, goods.cancellations) == (CREAM.code, 1, 1)
    assert (rates.returns, rates.cancellations) == (1, 1)


def test_one_return_in_ten_released_is_not_above_ten_percent(
    session: Session, seller: Principal
) -> None:
    parcels = _released(session, seller, 10)
    _ask(session, seller, "CEB625Message", parcels[0])
    [seller_rates] = service.return_rates(session).by_seller
    assert seller_rates.rate == Decimal("0.1")
    assert not seller_rates.needs_attention


def test_a_return_of_nothing_released_has_no_rate() -> None:
    rates = service.Rates("X", "", released=0, returns=2, cancellations=0)
    assert rates.rate == 0
    assert not rates.needs_attention


def test_market_supervision_sees_the_rates_and_the_tax_bureau_does_not(session: Session) -> None:
    for department, allowed in ((Department.MARKET_SUPERVISION, True), (Department.TAX, False)):
        org = make_org(session, roles=(OrgRole.REGULATOR,), department=department)
        principal = principal_of(session, make_user(session, org))
        assert service.sees_returns(principal) is allowed
        if not allowed:
            with pytest.raises(Forbidden):
                service.require_reader(principal)
