"""The bonded warehouse's home figures are counted by the database and agree with its list."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from opencbec.identity.models import Department, OrgRole
from opencbec.identity.rules import Principal
from opencbec.warehousing import portal, service
from tests.factories.trade import trading_seller
from tests.warehousing.test_service import _declare, _principal, _warehouse


@pytest.fixture
def seller(session: Session) -> Principal:
    return trading_seller(session)


def test_the_figures_agree_with_the_list_for_a_warehouse_and_for_customs(
    session: Session, seller: Principal, tmp_path: Path
) -> None:
    warehouse = _warehouse(session, tmp_path, approve=True)
    customs = _principal(session, OrgRole.REGULATOR, Department.CUSTOMS)
    _declare(session, seller)
    for viewer, inventories in ((warehouse, 3), (customs, 4)):
        scope = service.scope_of(session, viewer)
        found = service.bonded_inventories(session, scope=scope)
        figures = service.bonded_figures(session, scope=scope)
        assert figures == service.BondedFigures(
            len(found), service.stages(found), service.delivered_per_month(found)
        )
        assert figures.inventories == inventories
    [todo, _] = portal.warehouse_todos(session, warehouse)
    assert todo.values == {"n": 1}
    unapproved = _warehouse(session, tmp_path / "other", approve=False)
    assert (
        service.bonded_figures(session, scope=service.scope_of(session, unapproved)).inventories
        == 0
    )
    assert portal.warehouse_panels(session, unapproved) == []
