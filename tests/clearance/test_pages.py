"""Clearance pages and API: send XML, see outcomes, follow a document's timeline."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from opencbec.identity.models import Organisation, User
from tests.clearance.test_service import order_message, order_receipt
from tests.factories.identity import csrf_from, log_in, make_key, make_org, make_user


def test_upload_and_timeline_in_pages(client: TestClient, session: Session) -> None:
    user = make_user(session, make_org(session))
    log_in(client, user.username)
    token = csrf_from(client.get("/clearance").text)
    sent = client.post(
        "/clearance",
        data={"csrf_token": token},
        files={"file": ("o.xml", order_message(), "application/xml")},
        headers={"accept-language": "en"},
    )
    assert sent.status_code == 200
    assert "stored as a new document" in sent.text
    receipt = client.post(
        "/clearance",
        data={"csrf_token": token},
        files={
            "file": (
                "r.xml",
                order_receipt("XX2026112700001", "120", "20261127100000000"),
                "application/xml",
            )
        },
        headers={"accept-language": "zh-CN"},
    )
    assert "回执已应用" in receipt.text
    bad = client.post(
        "/clearance",
        data={"csrf_token": token},
        files={"file": ("x.xml", b"<oops", "application/xml")},
    )
    assert bad.status_code == 422
    document_id = int(sent.text.split('href="/clearance/')[1].split('"')[0])
    page = client.get(f"/clearance/{document_id}", headers={"accept-language": "en"})
    assert "Accepted into the customs database" in page.text
    assert "Version 1 received" in page.text
    other = make_user(session, make_org(session))
    log_in(client, other.username)
    assert client.get(f"/clearance/{document_id}").status_code == 404


def test_api(client: TestClient, session: Session) -> None:
    org = make_org(session)
    key = make_key(session, org, scopes=("clearance:read", "clearance:write"))
    reader = make_key(session, org, scopes=("clearance:read",))
    headers = {"authorization": f"Bearer {key}", "content-type": "application/xml"}
    assert (
        client.post(
            "/api/v1/clearance/messages",
            content=order_message(),
            headers={**headers, "authorization": f"Bearer {reader}"},
        ).status_code
        == 403
    )
    outcome = client.post(
        "/api/v1/clearance/messages", content=order_message(), headers=headers
    ).json()
    assert outcome[0]["result"] == "new"
    listed = client.get(
        "/api/v1/clearance/documents?kind=order", headers={"authorization": f"Bearer {reader}"}
    ).json()
    assert [d["business_key"] for d in listed] == ["4107960ABC|XX2026112700001"]
    one = client.get(
        f"/api/v1/clearance/documents/{listed[0]['id']}",
        headers={"authorization": f"Bearer {reader}"},
    )
    assert one.json()["content"]["order_head"]["orderNo"] == "XX2026112700001"
    broken = client.post("/api/v1/clearance/messages", content=b"<x>", headers=headers)
    assert broken.status_code == 422
    assert broken.json()["errors"][0]["reason_zh"]


def test_api_answers_a_sets_kept_check(
    client: TestClient, session: Session, tmp_path: Path
) -> None:
    from opencbec.demo import service as demo_service
    from tests.factories.clearance import import_set_xml

    demo_service.load(session, var_dir=tmp_path)
    user = session.scalar(select(User).where(User.username == "seller"))
    assert user is not None
    seller = session.get(Organisation, user.organisation_id)
    assert seller is not None
    key = make_key(session, seller, scopes=("clearance:read", "clearance:write"))
    headers = {"authorization": f"Bearer {key}", "content-type": "application/xml"}
    order, *rest = import_set_xml("API2026112700001")
    client.post("/api/v1/clearance/messages", content=order, headers=headers)
    waiting = client.get("/api/v1/clearance/orders/API2026112700001/check", headers=headers)
    assert waiting.status_code == 404  # incomplete: nothing checked yet
    assert waiting.json()["detail"]
    for message in rest:
        client.post("/api/v1/clearance/messages", content=message, headers=headers)
    check = client.get("/api/v1/clearance/orders/API2026112700001/check", headers=headers)
    assert check.status_code == 200, check.text
    body = check.json()
    assert (body["ready"], body["failure_count"], body["direction"]) == (True, 0, "import")
    other = make_key(session, make_org(session), scopes=("clearance:read",))
    stranger = client.get(
        "/api/v1/clearance/orders/API2026112700001/check",
        headers={"authorization": f"Bearer {other}"},
    )
    assert stranger.status_code == 404
