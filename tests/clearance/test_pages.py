"""Clearance pages and API: send XML, see outcomes, follow a document's timeline."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

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
