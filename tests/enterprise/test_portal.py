"""Enterprise filing on the portal: notices on submit, return and approval; search of
enterprises by who may see them; the reviewers' and the enterprise's figures."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from opencbec.enterprise import portal, service
from opencbec.identity.models import Department, OrgRole
from opencbec.identity.rules import Principal
from opencbec.notifications import service as notifications_service
from opencbec.webkit import search_for
from tests.factories.enterprise import submitted_filing
from tests.factories.identity import make_principal

_principal = make_principal


@pytest.fixture
def seller(session: Session) -> Principal:
    return _principal(session)


@pytest.fixture
def customs(session: Session) -> Principal:
    return _principal(session, OrgRole.REGULATOR, department=Department.CUSTOMS)


def _events(session: Session, principal: Principal) -> list[str]:
    assert principal.user_id is not None
    return [
        n.event
        for n in notifications_service.list_notifications(session, user_id=principal.user_id)
    ]


def test_submit_tells_the_reviewers_and_decisions_tell_the_enterprise(
    session: Session, seller: Principal, customs: Principal, tmp_path: Path
) -> None:
    tax = _principal(session, OrgRole.REGULATOR, department=Department.TAX)
    version = submitted_filing(session, seller, tmp_path)
    assert _events(session, customs) == ["enterprise.filing.submit"]
    assert _events(session, tax) == []  # tax does not review filings
    assert _events(session, seller) == []
    service.start_review(session, principal=customs, version_id=version.id)
    service.return_version(
        session,
        principal=customs,
        version_id=version.id,
        reasons=["营业执照模糊 / blurred licence"],
    )
    assert seller.user_id is not None
    [returned] = notifications_service.list_notifications(session, user_id=seller.user_id)
    assert returned.event == "enterprise.filing.return"
    assert returned.values["reasons"] == "营业执照模糊 / blurred licence"
    assert returned.href == "/filing"
    service.submit(session, principal=seller, version_id=version.id)
    service.start_review(session, principal=customs, version_id=version.id)
    service.approve(session, principal=customs, version_id=version.id)
    approved = notifications_service.list_notifications(session, user_id=seller.user_id)[0]
    assert approved.event == "enterprise.filing.approve"
    assert approved.values["certificate"].startswith("CBEC-")


def test_an_enterprise_finds_only_its_own_filing_and_a_regulator_any(
    session: Session, seller: Principal, customs: Principal, tmp_path: Path
) -> None:
    other = _principal(session)
    version = submitted_filing(session, seller, tmp_path, name_zh="牧野搜索测试有限公司")
    filing_id = version.filing_id
    uscc = str(version.data["uscc"])
    name = seller.organisation_name_zh
    for query in (name, uscc, uscc.lower(), seller.organisation_code):
        [hit] = portal.search_enterprises(session, seller, query)
        assert hit.href == "/filing"
        [hit] = portal.search_enterprises(session, customs, query)
        assert hit.href == f"/filings/{filing_id}"
        assert portal.search_enterprises(session, other, query) == []
    assert portal.search_enterprises(session, customs, "%") == []  # wildcards are literal
    assert not [h for h in search_for(session, other, uscc) if h.kind == "Enterprise"]


def test_the_zone_finds_organisations_in_its_directory_without_filing_content(
    session: Session, seller: Principal, tmp_path: Path
) -> None:
    zone = _principal(session, OrgRole.ZONE_ADMINISTRATION)
    version = submitted_filing(session, seller, tmp_path)
    [hit] = portal.search_enterprises(session, zone, seller.organisation_name_en)
    assert (hit.kind, hit.href, hit.detail) == (
        "Organisation",
        "/organisations",
        seller.organisation_code,
    )
    assert portal.search_enterprises(session, zone, str(version.data["uscc"])) == []


def test_reviewer_figures_and_the_enterprise_standing(
    session: Session, seller: Principal, customs: Principal, tmp_path: Path
) -> None:
    assert portal.filing_panels(session, seller) == []  # not filed yet
    version = submitted_filing(session, seller, tmp_path)
    [panel] = portal.filing_panels(session, customs)
    figures = {f.label: f.value for f in panel.figures}
    assert int(figures["Filings waiting for review"]) >= 1
    [own] = portal.filing_panels(session, seller)
    assert own.figures[0].label == "Filing pending"
    assert own.figures[0].value == version.data["uscc"]
    service.start_review(session, principal=customs, version_id=version.id)
    service.approve(session, principal=customs, version_id=version.id)
    [own] = portal.filing_panels(session, seller)
    assert own.figures[0].value.startswith("CBEC-")
    market = _principal(session, OrgRole.REGULATOR, department=Department.MARKET_SUPERVISION)
    assert portal.filing_panels(session, market) == []
    zone = _principal(session, OrgRole.ZONE_ADMINISTRATION)
    [zone_panel] = portal.filing_panels(session, zone)
    assert zone_panel.figures[0].href is None  # the zone does not review


def test_the_zone_is_asked_to_publish_registered_factories(session: Session) -> None:
    from tests.enterprise.test_parks import _factory

    zone = _principal(session, OrgRole.ZONE_ADMINISTRATION)
    service.create_belt(
        session, principal=zone, code="lifting", name_zh="起重装备", name_en="Lifting equipment"
    )
    assert portal.factory_todos(session, zone) == []
    factory = service.register_factory(session, principal=zone, data=_factory())
    [item] = portal.factory_todos(session, zone)
    assert (item.href, item.values) == ("/parks", {"n": 1})
    assert portal.factory_todos(session, _principal(session)) == []
    service.publish_factories(session, principal=zone, factory_ids=[factory.id])
    assert portal.factory_todos(session, zone) == []
