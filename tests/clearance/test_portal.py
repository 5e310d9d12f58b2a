"""Clearance on the portal: to-dos, figures, search and notifications, each only for the
declarant (or, for the zone's aggregates, those who may read clearance records)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from opencbec.clearance import portal, service
from opencbec.clearance.models import ClearanceDocument
from opencbec.clearance.service import notices
from opencbec.identity.models import Department, OrgRole, User
from opencbec.identity.rules import Principal
from opencbec.kit.time import utcnow
from opencbec.messages.ceb import encode, message_class, skeleton
from opencbec.notifications import service as notifications_service
from opencbec.webkit import panels_for, search_for, todos_for  # the registered hooks
from tests.clearance.test_service import order_message, order_receipt
from tests.factories.identity import csrf_from, log_in, make_key, make_org, make_user, principal_of

ID_NUMBER = "410702199203150024"
PHONE = "13903731234"


def _declare(session: Session, principal: Principal, order_no: str) -> ClearanceDocument:
    message = order_message(
        order_no, buyerIdNumber=ID_NUMBER, buyerName="孙丽", buyerTelephone=PHONE
    )
    [outcome] = service.ingest_message(session, principal=principal, data=message)
    document = session.get(ClearanceDocument, outcome.document_id)
    assert document is not None
    return document


def _receipt(session: Session, principal: Principal, order_no: str, status: str) -> None:
    service.ingest_message(
        session, principal=principal, data=order_receipt(order_no, status, "20261127100000000")
    )


@pytest.fixture
def seller(session: Session) -> Principal:
    return principal_of(session, make_user(session, make_org(session)))


@pytest.fixture
def stranger(session: Session) -> Principal:
    return principal_of(session, make_user(session, make_org(session)))


def _texts(session: Session, principal: Principal) -> list[str]:
    return [t.text for t in todos_for(session, principal)]


def test_a_rejected_document_is_a_todo_and_a_notice_for_its_declarant_only(
    session: Session, seller: Principal, stranger: Principal
) -> None:
    _declare(session, seller, "PT2026112700001")
    assert portal.customs_answer_todos(session, seller) == []
    _receipt(session, seller, "PT2026112700001", "100")
    [item] = portal.customs_answer_todos(session, seller)
    assert item.href == "/clearance/orders/PT2026112700001"
    assert item.values == {"no": "PT2026112700001", "message": "CEB311", "reason": "status 100"}
    assert portal.customs_answer_todos(session, stranger) == []
    assert any(t.startswith("Customs rejected") for t in _texts(session, seller))
    assert not any(t.startswith("Customs rejected") for t in _texts(session, stranger))
    assert seller.user_id is not None
    [notice] = notifications_service.list_notifications(session, user_id=seller.user_id)
    assert notice.event == "clearance.order.100"
    assert notice.values["reason"] == "status 100"
    assert stranger.user_id is not None
    assert notifications_service.unread_count(session, user_id=stranger.user_id) == 0


def test_a_failed_sending_is_a_todo(session: Session, seller: Principal) -> None:
    document = _declare(session, seller, "PT2026112700002")
    document.status = portal.SENDING_FAILED
    session.flush()
    [item] = portal.customs_answer_todos(session, seller)
    assert item.text.startswith("Sending %(no)s")


@pytest.mark.parametrize(
    ("kind", "status", "stuck"),
    [
        ("order", "2", True),  # sent, never accepted
        ("order", "120", False),  # an order's last receipt: customs has matched it
        ("inventory", "120", True),  # an inventory goes on to 399/800 (or 100)
        ("export_inventory", "500", True),  # under inspection for a day
        ("inventory", "800", False),
    ],
)
def test_a_document_waiting_a_day_for_customs_is_a_todo(
    session: Session, seller: Principal, kind: str, status: str, stuck: bool
) -> None:
    document = _declare(session, seller, "PT2026112700003")
    _receipt(session, seller, "PT2026112700003", "120")
    assert portal.customs_answer_todos(session, seller) == []  # fresh: nothing to chase
    session.execute(
        update(ClearanceDocument)
        .where(ClearanceDocument.id == document.id)
        .values(kind=kind, status=status, updated_at=utcnow() - dt.timedelta(hours=30))
    )
    session.expire_all()
    items = portal.customs_answer_todos(session, seller)
    if not stuck:
        assert items == []
        return
    [item] = items
    assert item.href == f"/clearance/{document.id}"
    assert item.values is not None
    assert item.values["hours"] == 30
    assert item.values["status"] == status


def test_a_set_document_held_up_by_its_refused_inventory_says_so(
    session: Session, seller: Principal
) -> None:
    order = _declare(session, seller, "PT2026112700005")
    inventory = _declare(session, seller, "PT2026112700006")
    long_ago = utcnow() - dt.timedelta(hours=30)
    session.execute(
        update(ClearanceDocument)
        .where(ClearanceDocument.id == order.id)
        .values(status="2", updated_at=long_ago)
    )
    # the set's inventory, still with customs (not stuck itself: it moved just now)
    session.execute(
        update(ClearanceDocument)
        .where(ClearanceDocument.id == inventory.id)
        .values(kind="inventory", order_no="PT2026112700005", status="120")
    )
    session.expire_all()
    [waiting] = portal.customs_answer_todos(session, seller)
    assert waiting.text.startswith("%(no)s (%(message)s) has waited")
    session.execute(
        update(ClearanceDocument).where(ClearanceDocument.id == inventory.id).values(status="100")
    )
    session.expire_all()
    items = portal.customs_answer_todos(session, seller)
    assert [i.href for i in items] == [
        "/clearance/orders/PT2026112700005",
        f"/clearance/{order.id}",
    ]
    held_up = items[1]
    assert held_up.text.startswith("%(no)s (%(message)s) waits at '%(status)s': customs refused")
    assert held_up.values is not None
    assert (held_up.values["order"], held_up.values["status"]) == ("PT2026112700005", "2")


def test_releases_and_inspections_of_inventories_are_notices(
    session: Session, seller: Principal
) -> None:
    document = _declare(session, seller, "PT2026112700004")
    assert seller.user_id is not None
    # An order's release is not news (only its rejection is): the declarant is told nothing.
    _receipt(session, seller, "PT2026112700004", "120")
    notices.notify_customs_answer(session, seller, document, "status:800")
    notices.notify_customs_answer(session, seller, document, "new")
    assert notifications_service.unread_count(session, user_id=seller.user_id) == 0
    document.kind = "inventory"
    notices.notify_customs_answer(session, seller, document, "status:800")
    notices.notify_customs_answer(session, seller, document, "status:500")
    events = [
        n.event for n in notifications_service.list_notifications(session, user_id=seller.user_id)
    ]
    assert sorted(events) == ["clearance.inventory.500", "clearance.inventory.800"]
    document.kind = "cancellation"  # not one of a set: its fix is on its own page
    notices.notify_customs_answer(session, seller, document, "status:100")
    [refused, *_] = notifications_service.list_notifications(session, user_id=seller.user_id)
    assert (refused.event, refused.href) == (
        "clearance.cancellation.100",
        f"/clearance/{document.id}",
    )


def test_search_finds_own_documents_by_number_prefix_and_guid_only(
    session: Session, seller: Principal, stranger: Principal
) -> None:
    document = _declare(session, seller, "PT2026112700005")
    for query in ("PT2026112700005", "PT20261127", document.guid.lower()):
        hits = portal.search_documents(session, seller, query)
        assert [h.href for h in hits] == [f"/clearance/{document.id}"], query
        assert portal.search_documents(session, stranger, query) == []
        assert not search_for(session, stranger, query)
    assert portal.search_documents(session, seller, "NOPE0001") == []
    service.apply_receipt(
        session,
        principal=seller,
        kind="order",
        business_key=document.business_key,
        guid=str(uuid.uuid4()).upper(),
        status="120",
        return_time="20261127100000000",
        info=None,
        numbers={"invtNo": "46002026I000000777"},
    )
    for query in ("46002026I000000777", "46002026i000000777"):
        [by_invt_no] = portal.search_documents(session, seller, query)
        assert by_invt_no.href == f"/clearance/{document.id}"
        assert portal.search_documents(session, stranger, query) == []
    assert portal.search_documents(session, seller, "46002026I000000778") == []
    # LIKE wildcards in the query are taken literally.
    assert portal.search_documents(session, seller, "PT%") == []
    assert portal.search_documents(session, seller, "PT_026112700005") == []


def test_search_finds_a_buyer_by_whole_id_or_phone_and_shows_them_masked(
    session: Session, seller: Principal, stranger: Principal
) -> None:
    document = _declare(session, seller, "PT2026112700006")
    for query in (ID_NUMBER, PHONE):
        hits = [h for h in portal.search_documents(session, seller, query) if h.kind == "Buyer"]
        [hit] = hits
        assert hit.href == f"/clearance/{document.id}"
        assert hit.title == "孙* · 4107************24 · 139****1234"
        shown = hit.title + hit.detail
        assert ID_NUMBER not in shown
        assert PHONE not in shown
        assert "孙丽" not in shown
        assert portal.search_documents(session, stranger, query) == []
    # A part of an ID number finds no buyer: only the whole number is an exact match.
    assert [
        h for h in portal.search_documents(session, seller, ID_NUMBER[:-1]) if h.kind == "Buyer"
    ] == []


def test_an_api_key_without_clearance_read_finds_no_documents(
    session: Session, seller: Principal
) -> None:
    _declare(session, seller, "PT2026112700007")
    limited = dataclasses.replace(seller, scopes=frozenset({"goods:read"}))
    assert portal.search_documents(session, limited, "PT2026112700007") == []


def test_declarant_panel_counts_this_month_and_charts_per_day(
    session: Session, seller: Principal, stranger: Principal
) -> None:
    assert portal.declarant_panels(session, seller) == []  # nothing declared: no panel
    _declare(session, seller, "PT2026112700008")
    _declare(session, seller, "PT2026112700009")
    _receipt(session, seller, "PT2026112700009", "100")
    [panel] = portal.declarant_panels(session, seller)
    figures = {f.label: f.value for f in panel.figures}
    assert figures["Documents declared this month"] == "2"
    assert figures["Rejected by customs this month"] == "1"
    assert figures["Inventories declared this month"] == "0"
    assert panel.chart is None  # no inventory yet: no chart of inventories
    assert panel in panels_for(session, seller)
    assert portal.declarant_panels(session, stranger) == []


def test_per_day_counts_keep_empty_days_in_china_time() -> None:
    now = dt.datetime(2026, 11, 27, 1, 0, tzinfo=dt.UTC)  # 09:00 in China
    stamps = [
        dt.datetime(2026, 11, 26, 17, 0, tzinfo=dt.UTC),  # 01:00 on the 27th in China
        dt.datetime(2026, 11, 26, 15, 0, tzinfo=dt.UTC),  # 23:00 on the 26th
        dt.datetime(2026, 10, 1, tzinfo=dt.UTC),  # too old
    ]
    days = portal._per_day(stamps, now)
    assert len(days) == portal.CHART_DAYS
    assert days[-1] == ("11-27", 1)
    assert days[-2] == ("11-26", 1)
    assert sum(n for _, n in days) == 2


@pytest.mark.parametrize(
    ("roles", "department", "sees"),
    [
        ((OrgRole.ZONE_ADMINISTRATION,), None, True),
        ((OrgRole.REGULATOR,), Department.CUSTOMS, True),
        ((OrgRole.REGULATOR,), Department.TAX, True),
        ((OrgRole.REGULATOR,), Department.COMMERCE, False),
        ((OrgRole.ECOMMERCE_ENTERPRISE,), None, False),
    ],
)
def test_zone_traffic_is_for_the_zone_and_entitled_regulators(
    session: Session,
    seller: Principal,
    roles: tuple[OrgRole, ...],
    department: Department | None,
    sees: bool,
) -> None:
    document = _declare(session, seller, "PT2026112700010")
    document.kind = "inventory"
    document.status = "800"
    session.flush()
    viewer = principal_of(
        session, make_user(session, make_org(session, roles=roles, department=department))
    )
    panels = portal.zone_panels(session, viewer)
    assert bool(panels) is sees
    if sees:
        figures = {f.label: f.value for f in panels[0].figures}
        assert int(figures["Inventories declared in the zone, last 30 days"]) >= 1
        assert panels[0].chart is not None
        assert panels[0].chart.total >= 1


def test_import_and_export_inventories_of_one_status_are_both_counted(
    session: Session, seller: Principal
) -> None:
    # An import (621) and an export (603) inventory, both released: the figures count two, as
    # the chart does (a count by status alone kept only one kind's).
    for order_no, kind in (
        ("PT2026112700031", "inventory"),
        ("PT2026112700032", "export_inventory"),
    ):
        document = _declare(session, seller, order_no)
        document.kind = kind
        document.status = "800"
    session.flush()
    [mine] = portal.declarant_panels(session, seller)
    figures = {f.label: f.value for f in mine.figures}
    assert figures["Inventories declared this month"] == "2"
    assert figures["Released this month"] == "2"
    zone = principal_of(
        session, make_user(session, make_org(session, roles=(OrgRole.ZONE_ADMINISTRATION,)))
    )
    [panel] = portal.zone_panels(session, zone)
    figures = {f.label: f.value for f in panel.figures}
    assert panel.chart is not None
    assert figures["Inventories declared in the zone, last 30 days"] == str(panel.chart.total)
    assert figures["Release rate of concluded inventories"] == "100.0%"


def test_home_search_and_api_show_hits_to_their_owner_only(
    client: TestClient, session: Session, seller: Principal, stranger: Principal
) -> None:
    document = _declare(session, seller, "PT2026112700011")
    _receipt(session, seller, "PT2026112700011", "100")
    user = session.scalar(select(User).where(User.id == seller.user_id))
    assert user is not None
    log_in(client, user.username)
    home = client.get("/home", headers={"accept-language": "en"})
    assert "Customs rejected PT2026112700011 (CEB311): status 100." in home.text
    assert "Your declarations" in home.text
    assert '<svg class="chart"' not in home.text  # no inventory declared: nothing to chart
    page = client.get("/search?q=PT2026112700011", headers={"accept-language": "en"})
    assert page.status_code == 200
    assert f'href="/clearance/{document.id}"' in page.text
    assert "1 result(s)" in page.text
    in_url = client.get(f"/search?q={ID_NUMBER}", headers={"accept-language": "en"})
    assert in_url.status_code == 422  # a buyer's number never travels in a URL
    assert "never in a URL" in in_url.text
    assert "1 result(s)" not in in_url.text
    buyer = client.post(
        "/search",
        data={"q": ID_NUMBER, "csrf_token": csrf_from(page.text)},
        headers={"accept-language": "en"},
    )
    assert buyer.status_code == 200, buyer.text
    assert 'method="post" action="/search"' in buyer.text
    assert "1 result(s) for “4107************24”." in buyer.text
    assert "孙* · 4107************24 · 139****1234" in buyer.text
    assert "孙丽" not in buyer.text
    short = client.get("/search?q=P", headers={"accept-language": "en"})
    assert short.status_code == 422
    assert "type at least 2 characters to search" in short.text
    assert "请至少输入" in client.get("/search?q=P", headers={"accept-language": "zh-CN"}).text
    assert client.get("/search").status_code == 200  # an empty box is just the form
    org_of_stranger = make_org(session)
    key = make_key(session, org_of_stranger, scopes=("clearance:read",))
    assert (
        client.get(
            "/api/v1/search?q=PT2026112700011", headers={"authorization": f"Bearer {key}"}
        ).json()["hits"]
        == []
    )
    own_key = make_key(
        session,
        session.get(type(org_of_stranger), seller.organisation_id) or org_of_stranger,
        scopes=("clearance:read",),
    )
    answer = client.get(
        "/api/v1/search?q=PT2026112700011",
        headers={"authorization": f"Bearer {own_key}", "accept-language": "zh-CN"},
    ).json()
    assert answer["query"] == "PT2026112700011"
    [hit] = answer["hits"]
    assert hit["href"] == f"/clearance/{document.id}"
    assert hit["kind_id"] == "Declared document"
    by_body = client.post(
        "/api/v1/search",
        json={"q": ID_NUMBER},
        headers={"authorization": f"Bearer {own_key}"},
    ).json()
    assert by_body["query"] == "4107************24"  # the answer masks it too
    assert [h["kind_id"] for h in by_body["hits"]] == ["Buyer"]
    refused = client.get(
        f"/api/v1/search?q={ID_NUMBER}", headers={"authorization": f"Bearer {own_key}"}
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["code"] == "personal_number_in_url"
    too_long = client.get(
        "/api/v1/search?q=" + "x" * 101, headers={"authorization": f"Bearer {own_key}"}
    )
    assert too_long.status_code == 422
    assert too_long.json()["errors"][0]["field"] == "q"
    client.cookies.clear()
    assert client.get("/api/v1/search?q=PT20").status_code == 401
    assert "/api/v1/search" in client.get("/openapi.json").json()["paths"]


def _tax_bill(tax_no: str, status: str, customs_tax: str, vat: str) -> bytes:
    message = skeleton(message_class("CEB816Message"))
    head = message.tax[0].tax_head_rd
    head.guid, head.invtNo, head.taxNo = str(uuid.uuid4()).upper(), "46002026I000000123", tax_no
    head.status, head.returnTime = status, "20261127100000000"
    head.customsTax, head.valueAddedTax, head.consumptionTax = (
        Decimal(customs_tax),
        Decimal(vat),
        Decimal(0),
    )
    message.guid = str(uuid.uuid4()).upper()
    return encode(message)


def test_tax_billed_this_month_leaves_out_cancelled_bills(
    session: Session, seller: Principal, stranger: Principal
) -> None:
    for tax_no, status, duty, vat in (("T-1", "1", "10.50", "20.25"), ("T-2", "3", "99", "99")):
        service.ingest_message(session, principal=seller, data=_tax_bill(tax_no, status, duty, vat))
    [panel] = portal.declarant_panels(session, seller)
    figures = {f.label: f.value for f in panel.figures}
    assert figures["Import tax billed this month (CNY)"] == "30.75"
    zone = principal_of(
        session, make_user(session, make_org(session, roles=(OrgRole.ZONE_ADMINISTRATION,)))
    )
    [zone_panel] = portal.zone_panels(session, zone)
    zone_figures = {f.label: f.value for f in zone_panel.figures}
    assert Decimal(zone_figures["Import tax billed in the zone this month (CNY)"]) >= Decimal(
        "30.75"
    )
    assert portal.declarant_panels(session, stranger) == []
