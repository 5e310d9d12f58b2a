"""Goods on the portal: goods waiting for a brand authorisation, search of one's own goods,
the seller's figures and the zone's goods by HS chapter for those entitled."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from opencbec.goods import portal, service
from opencbec.identity.models import Department, OrgRole, User
from opencbec.identity.rules import Principal
from tests.factories.identity import log_in, make_org, make_user, principal_of
from tests.goods.test_products import ACTOR, approved_seller, product


@pytest.fixture
def seller(session: Session, tmp_path: Path) -> Principal:
    return approved_seller(session, tmp_path)


def _viewer(session: Session, *roles: OrgRole, department: Department | None = None) -> Principal:
    return principal_of(
        session, make_user(session, make_org(session, roles=roles, department=department))
    )


def test_goods_of_a_recorded_brand_are_a_todo_until_none_wait(
    session: Session, seller: Principal
) -> None:
    [first] = portal.goods_todos(session, seller)  # approved, nothing filed yet
    assert first.text.startswith("Your enterprise filing is approved")
    service.file_product(session, principal=seller, data=product())
    assert portal.goods_todos(session, seller) == []
    service.record_brand(
        session, actor=ACTOR, brand="Lifter", owner="Lifter GmbH", recordal_no="T2026-9"
    )
    service.file_product(session, principal=seller, data=product(item_no="CY-2", brand="LIFTER"))
    [item] = portal.goods_todos(session, seller)
    assert (item.href, item.values) == ("/goods", {"n": 1})
    assert portal.goods_todos(session, _viewer(session, OrgRole.ECOMMERCE_ENTERPRISE)) == []


def test_search_finds_own_goods_by_item_hs_code_or_name_only(
    session: Session, seller: Principal
) -> None:
    crane = service.file_product(session, principal=seller, data=product())
    stranger = _viewer(session, OrgRole.ECOMMERCE_ENTERPRISE)
    customs = _viewer(session, OrgRole.REGULATOR, department=Department.CUSTOMS)
    for query in ("CY-QZ-001", "CY-QZ", "842611", "8426112000", "桥式起重", "travelling CRANE"):
        [hit] = portal.search_goods(session, seller, query)
        assert hit.href == f"/goods#product-{crane.id}", query
        assert portal.search_goods(session, stranger, query) == []
        assert portal.search_goods(session, customs, query) == []
    assert portal.search_goods(session, seller, "_") == []  # a wildcard is literal
    assert portal.search_goods(session, seller, "9999") == []


def test_figures_for_the_seller_and_the_zone_by_chapter(
    session: Session, seller: Principal
) -> None:
    assert [p.title for p in portal.goods_panels(session, seller)] == []
    commerce = _viewer(session, OrgRole.REGULATOR, department=Department.COMMERCE)
    assert portal.goods_panels(session, commerce) == []  # no goods in the zone yet
    service.file_product(session, principal=seller, data=product())
    service.file_product(session, principal=seller, data=product(item_no="CY-2"))
    [own] = portal.goods_panels(session, seller)
    assert own.figures[0].value == "2"
    [zone] = portal.goods_panels(session, commerce)
    assert zone.chart is not None
    assert ("HS 84", 2) in [(b.label, b.value) for b in zone.chart.bars]
    assert (
        portal.goods_panels(
            session, _viewer(session, OrgRole.REGULATOR, department=Department.FOREIGN_EXCHANGE)
        )
        == []
    )
    assert portal.goods_panels(session, _viewer(session, OrgRole.ZONE_ADMINISTRATION))


def test_the_goods_page_has_the_anchor_search_links_to(
    client: TestClient, session: Session, seller: Principal
) -> None:
    crane = service.file_product(session, principal=seller, data=product())
    user = session.scalar(select(User).where(User.id == seller.user_id))
    assert user is not None
    log_in(client, user.username)
    page = client.get("/search?q=CY-QZ-001", headers={"accept-language": "en"})
    assert f'href="/goods#product-{crane.id}"' in page.text
    assert f'id="product-{crane.id}"' in client.get("/goods").text
