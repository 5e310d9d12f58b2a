"""Code tables and goods filing through the JSON API."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from opencbec.identity.models import Department, OrgRole
from opencbec.identity.service import get_organisation
from tests.factories.identity import make_key, make_org
from tests.goods.test_products import approved_seller, product


def _h(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}", "accept-language": "zh-CN"}


def test_codes_and_goods_api(client: TestClient, session: Session, tmp_path: Path) -> None:
    seller = approved_seller(session, tmp_path)
    org = get_organisation(session, seller.organisation_id)
    assert org is not None
    key = make_key(session, org, scopes=("goods:read", "goods:write"))
    reader = make_key(session, org, scopes=("goods:read",))
    page = client.get("/api/v1/codes/currency?q=US%20dollar", headers=_h(key)).json()
    assert page["total"] == 1
    assert page["items"][0]["code"] == "502"
    assert client.get("/api/v1/codes/unit/035", headers=_h(key)).json()["name_zh"] == "千克"
    assert client.get("/api/v1/codes/unit/999", headers=_h(key)).status_code == 404
    assert client.get("/api/v1/codes/stars", headers=_h(key)).status_code == 422
    assert client.get("/api/v1/codes/unit?on=2000-01-01", headers=_h(key)).json()["total"] == 0

    body = product()
    assert client.post("/api/v1/goods", json=body, headers=_h(reader)).status_code == 403
    as_float = client.post("/api/v1/goods", json={**body, "price": 186000.5}, headers=_h(key))
    assert as_float.status_code == 422
    assert as_float.json()["errors"][0]["field"] == "body.price"
    unknown = client.post("/api/v1/goods", json={**body, "hs_code": "9999999999"}, headers=_h(key))
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["reason"] == "9999999999 不是现行有效的商品编码"
    created = client.post("/api/v1/goods", json=body, headers=_h(key))
    assert created.status_code == 201
    assert created.json()["price"] == "186000.00"
    product_id = created.json()["id"]
    assert [p["id"] for p in client.get("/api/v1/goods", headers=_h(reader)).json()] == [product_id]
    assert client.get(f"/api/v1/goods/{product_id}", headers=_h(reader)).status_code == 200
    customs = make_org(session, roles=(OrgRole.REGULATOR,), department=Department.CUSTOMS)
    assert (
        client.get(
            f"/api/v1/goods/{product_id}",
            headers=_h(make_key(session, customs, scopes=("goods:read",))),
        ).status_code
        == 200
    )
    stranger = make_key(session, make_org(session), scopes=("goods:read",))
    assert client.get(f"/api/v1/goods/{product_id}", headers=_h(stranger)).status_code == 404
