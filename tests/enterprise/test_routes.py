"""Enterprise filing through the JSON API, with API keys and scopes."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from opencbec.enterprise import service
from opencbec.identity.models import Department, OrgRole
from tests.factories.enterprise import PDF, filing_data
from tests.factories.identity import make_key, make_org, make_user, principal_of


def _h(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}", "accept-language": "en"}


def test_file_and_review_through_the_api(
    client: TestClient, session: Session, tmp_path: Path
) -> None:
    seller_org = make_org(session)
    seller = principal_of(session, make_user(session, seller_org))
    customs_org = make_org(session, roles=(OrgRole.REGULATOR,), department=Department.CUSTOMS)
    seller_key = make_key(session, seller_org, scopes=("enterprise:read", "enterprise:write"))
    reader_key = make_key(session, seller_org, scopes=("enterprise:read",))
    customs_key = make_key(session, customs_org, scopes=("enterprise:read", "enterprise:write"))

    assert client.get("/api/v1/filing", headers=_h(seller_key)).status_code == 404
    data = filing_data()
    bad = client.put(
        "/api/v1/filing", json={**data, "uscc": data["uscc"][:17] + "#"}, headers=_h(seller_key)
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "uscc"
    assert client.put("/api/v1/filing", json=data, headers=_h(reader_key)).status_code == 403
    extra = client.put("/api/v1/filing", json={**data, "shoe_size": 44}, headers=_h(seller_key))
    assert extra.status_code == 422
    saved = client.put("/api/v1/filing", json=data, headers=_h(seller_key))
    assert saved.status_code == 200
    version = saved.json()
    service.add_document(
        session,
        principal=seller,
        kind="business_licence",
        filename="l.pdf",
        content=PDF,
        var_dir=tmp_path,
    )
    assert (
        client.post(
            f"/api/v1/filing/versions/{version['id']}/submit", headers=_h(seller_key)
        ).json()["state"]
        == "submitted"
    )

    filing_id = client.get("/api/v1/filing", headers=_h(seller_key)).json()["id"]
    assert [f["id"] for f in client.get("/api/v1/filings", headers=_h(customs_key)).json()] == [
        filing_id
    ]
    assert client.get("/api/v1/filings", headers=_h(seller_key)).status_code == 403
    base = f"/api/v1/filings/{filing_id}/versions/{version['id']}"
    assert client.post(f"{base}/approve", json={}, headers=_h(customs_key)).status_code == 409
    assert (
        client.post(f"{base}/start_review", json={}, headers=_h(customs_key)).json()["state"]
        == "under_review"
    )
    assert (
        client.post(f"{base}/return", json={"reasons": []}, headers=_h(customs_key)).status_code
        == 422
    )
    assert client.post(f"{base}/fly", json={}, headers=_h(customs_key)).status_code == 404
    assert (
        client.post(
            f"/api/v1/filings/{filing_id}/versions/999999/approve", json={}, headers=_h(customs_key)
        ).status_code
        == 404
    )
    approved = client.post(f"{base}/approve", json={}, headers=_h(customs_key))
    assert approved.json()["state"] == "approved"
    filing = client.get(f"/api/v1/filings/{filing_id}", headers=_h(seller_key)).json()
    assert filing["status"] == "approved"
    assert filing["certificate_no"]
    stranger_key = make_key(session, make_org(session), scopes=("enterprise:read",))
    assert client.get(f"/api/v1/filings/{filing_id}", headers=_h(stranger_key)).status_code == 404
