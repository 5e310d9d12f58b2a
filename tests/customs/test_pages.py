"""Customs link pages and JSON API: declare from the order page, the monitor, a document's
exchange with XML downloads, in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from bench.link import echo
from fastapi.testclient import TestClient
from sqlalchemy import select

from opencbec.clearance import service as clearance_service
from opencbec.customs import service
from opencbec.customs.models import Exchange
from opencbec.demo import service as demo_service
from opencbec.identity import service as identity_service
from opencbec.identity.models import User
from opencbec.settings import Settings
from tests.conftest import TestDatabase
from tests.customs.conftest import EXPORT_READY, IMPORT_READY
from tests.factories.clearance import import_set_xml
from tests.factories.identity import csrf_from, log_in


@pytest.fixture
def demo(db: TestDatabase, settings: Settings) -> None:
    with db.session() as session:
        demo_service.load(session, var_dir=settings.var_dir)


def _login(client: TestClient, username: str) -> None:
    log_in(client, username, demo_service.DEMO_PASSWORD)


def _declare_through_the_page(client: TestClient, order_no: str) -> str:
    page = client.get(f"/clearance/orders/{order_no}?lang=en")
    assert "Declare to customs" in page.text
    response = client.post(
        f"/customs/orders/{order_no}/declare",
        data={"csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def test_a_ready_set_is_declared_from_its_order_page(
    client: TestClient, demo: None, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    _login(client, "seller")
    location = _declare_through_the_page(client, IMPORT_READY)
    assert location == f"/customs/orders/{IMPORT_READY}?declared=4"
    assert (settings.var_dir / "keys" / "customs-link-dev.key.pem").is_file()
    assert "self-signed development key" in caplog.text
    page = client.get(location + "&lang=en")
    assert "4 message(s) signed and queued for customs" in page.text
    assert page.text.count("Queued") >= 4
    assert "CEB621Message" in page.text
    zh = client.get(location + "&lang=zh_CN")
    assert zh.status_code == 200
    assert 'lang="zh-CN"' in zh.text or 'lang="zh' in zh.text
    # Declared once: the form again is refused, with the reason on the page.
    again = client.post(
        f"/customs/orders/{IMPORT_READY}/declare",
        data={"csrf_token": csrf_from(page.text)},
        headers={"accept": "text/html"},
    )
    assert again.status_code == 409
    assert "已申报" in again.text


def test_the_declare_form_is_offered_only_for_a_ready_set(
    client: TestClient, demo: None, db: TestDatabase
) -> None:
    with db.session() as session:
        platform = session.scalar(select(User).where(User.username == "platform"))
        assert platform is not None
        clearance_service.ingest_message(
            session,
            principal=identity_service.principal_for_user(session, platform),
            data=import_set_xml("LINKPAGE0001")[0],
        )
    _login(client, "platform")
    page = client.get("/clearance/orders/LINKPAGE0001?lang=en")
    assert page.status_code == 200
    assert "Not ready to declare" in page.text
    assert "Declare to customs" not in page.text
    refused = client.post(
        "/customs/orders/LINKPAGE0001/declare",
        data={"csrf_token": csrf_from(page.text)},
        headers={"accept": "text/html"},
    )
    assert refused.status_code == 409
    assert "尚未收到" in refused.text  # each missing document named


def test_the_monitor_counts_retries_and_lists_dead_letters(
    client: TestClient, demo: None, db: TestDatabase, settings: Settings
) -> None:
    _login(client, "seller")
    _declare_through_the_page(client, IMPORT_READY)
    with db.session() as session:
        failed = session.query(Exchange).filter(Exchange.message_type == "CEB621Message").one()
        failed.state, failed.attempts, failed.last_error = "failed", 3, "disk full"
        failed.last_error_zh = "磁盘已满"
    page = client.get("/customs?lang=en")
    assert page.status_code == 200
    assert "Customs link" in page.text
    assert "disk full" in page.text
    assert "Retry now" in page.text
    assert "Exchange folders" not in page.text  # folders are for the zone and customs
    retried = client.post(
        f"/customs/exchanges/{failed.id}/retry",
        data={"csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert retried.status_code == 303
    assert retried.headers["location"] == "/customs?retried=1"
    assert "queued again" in client.get("/customs?retried=1&lang=en").text
    assert "磁盘已满" not in client.get("/customs?lang=zh_CN").text  # retried: no longer failed
    inbox = service.exchange_root(settings) / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    (inbox / "CEB622Message_JUNK.xml").write_bytes(b"junk")
    from opencbec.customs import jobs

    jobs.link_once(db, gateway=service.gateway_for(settings))
    client.cookies.clear()
    _login(client, "zone")
    zone_page = client.get("/customs?lang=en")
    assert "Exchange folders" in zone_page.text
    assert "CEB622Message_JUNK.xml" in zone_page.text
    assert "not a readable CEB message" in zone_page.text
    assert "不是可读的 CEB 报文" in client.get("/customs?lang=zh_CN").text


def test_a_documents_exchange_is_listed_and_each_message_downloads_as_xml(
    client: TestClient, demo: None, db: TestDatabase, settings: Settings
) -> None:
    _login(client, "seller")
    _declare_through_the_page(client, IMPORT_READY)
    gateway = service.gateway_for(settings)
    from opencbec.customs import jobs

    jobs.link_once(db, gateway=gateway)
    echo(gateway.root)
    jobs.link_once(db, gateway=gateway)
    with db.session(write=False) as session:
        own = session.query(Exchange).filter(Exchange.message_type == "CEB621Message").one()
        other = session.query(Exchange).filter(Exchange.message_type == "CEB311Message").one()
    document_page = client.get(f"/clearance/{own.document_id}?lang=en")
    assert f"/customs/documents/{own.document_id}" in document_page.text
    page = client.get(f"/customs/documents/{own.document_id}?lang=en")
    assert page.status_code == 200
    assert "CEB621Message" in page.text
    assert "CEB622Message" in page.text
    assert page.text.count("Download") == 2
    xml = client.get(f"/customs/exchanges/{own.id}.xml")
    assert xml.status_code == 200
    assert xml.headers["content-type"].startswith("application/xml")
    assert own.file_name in xml.headers["content-disposition"]
    assert xml.content == own.content
    assert client.get(f"/customs/exchanges/{other.id}.xml").status_code == 404
    order_page = client.get(f"/customs/orders/{IMPORT_READY}?lang=en")
    assert order_page.text.count("Customs → platform") == 4
    assert client.get("/customs/orders/NOSUCHORDER").status_code == 404


def test_the_json_api(client: TestClient, demo: None) -> None:
    _login(client, "seller")
    token = csrf_from(client.get("/clearance?lang=en").text)
    headers = {"x-csrf-token": token}
    declared = client.post(f"/api/v1/customs/orders/{EXPORT_READY}/declare", headers=headers)
    assert declared.status_code == 201, declared.text
    rows = declared.json()
    assert len(rows) == 4
    assert {r["state"] for r in rows} == {"queued"}
    assert all(r["xml_url"] == f"/customs/exchanges/{r['id']}.xml" for r in rows)
    again = client.post(f"/api/v1/customs/orders/{EXPORT_READY}/declare", headers=headers)
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
    assert again.json()["errors"][0]["code"] == "already_declared"
    not_ready = client.post("/api/v1/customs/orders/MYMALL202611110003/declare", headers=headers)
    assert not_ready.status_code in (404, 409)
    mine = next(r for r in rows if r["message_type"] == "CEB603Message")
    listed = client.get(f"/api/v1/customs/documents/{mine['document_id']}/exchange").json()
    assert [r["id"] for r in listed] == [mine["id"]]
    monitor = client.get("/api/v1/customs/monitor").json()
    assert monitor["folders"] is None
    queued = next(s for s in monitor["states"] if (s["direction"], s["state"]) == ("out", "queued"))
    assert queued["count"] == 1
    retry = client.post(f"/api/v1/customs/exchanges/{mine['id']}/retry", headers=headers)
    assert retry.status_code == 409
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/v1/customs/orders/{order_no}/declare" in paths
    assert "/api/v1/customs/monitor" in paths
    client.cookies.clear()
    _login(client, "zone")
    zone = client.get("/api/v1/customs/monitor").json()
    assert {f["folder"] for f in zone["folders"]} >= {"outbox", "inbox", "dead"}


def test_retry_through_the_api(client: TestClient, demo: None, db: TestDatabase) -> None:
    _login(client, "seller")
    headers = {"x-csrf-token": csrf_from(client.get("/clearance").text)}
    rows = client.post(f"/api/v1/customs/orders/{IMPORT_READY}/declare", headers=headers).json()
    mine = next(r for r in rows if r["message_type"] == "CEB621Message")
    with db.session() as session:
        exchange = session.get(Exchange, mine["id"])
        assert exchange is not None
        exchange.state = "dead"
    retried = client.post(f"/api/v1/customs/exchanges/{mine['id']}/retry", headers=headers)
    assert retried.status_code == 200
    assert retried.json()["state"] == "queued"


def test_pages_need_a_login(client: TestClient, tmp_path: Path) -> None:
    del tmp_path
    assert client.get("/customs", follow_redirects=False).status_code == 303
    assert client.get("/api/v1/customs/monitor").status_code == 401


def test_the_order_page_says_what_customs_has_and_offers_only_what_is_left_to_send(
    client: TestClient, demo: None, db: TestDatabase
) -> None:
    from tests.factories.clearance import import_set_corrections

    order_no = "PAGE2026112700001"
    with db.session() as session:
        seller = identity_service.principal_for_user(
            session, session.scalars(select(User).where(User.username == "seller")).one()
        )
        for data in import_set_xml(order_no):
            clearance_service.ingest_message(session, principal=seller, data=data)
    _login(client, "seller")
    _declare_through_the_page(client, order_no)
    declared = client.get(f"/clearance/orders/{order_no}?lang=en").text
    assert "Declared: customs has every document of this set" in declared
    assert f'action="/customs/orders/{order_no}/declare"' not in declared

    with db.session() as session:  # the seller corrects the payment after the declaration
        (payment,) = [d for n, d in import_set_corrections(order_no) if n == "payment"]
        clearance_service.ingest_message(session, principal=seller, data=payment)
    changed = client.get(f"/clearance/orders/{order_no}?lang=zh-CN").text
    assert "尚未发往海关" in changed
    assert f'action="/customs/orders/{order_no}/declare"' in changed
    response = client.post(
        f"/customs/orders/{order_no}/declare",
        data={"csrf_token": csrf_from(changed)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert "?declared=1" in response.headers["location"]  # only the changed payment went
    again = client.get(f"/clearance/orders/{order_no}?lang=en").text
    assert "Declared: customs has every document of this set" in again
