"""Identity API: API keys and scopes, tenant isolation, problem details, body limits."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opencbec.audit.models import AuditEntry
from opencbec.identity.models import ApiKey, Department, OrgRole, User
from tests.factories.identity import csrf_from, log_in, make_key, make_org, make_user
from tests.factories.web import all_routes


def _bearer(secret: str) -> dict[str, str]:
    return {"authorization": f"Bearer {secret}"}


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_me_with_an_api_key(client: TestClient, session: Session) -> None:
    org = make_org(session)
    secret = make_key(session, org, scopes=("identity:read",))
    body = client.get("/api/v1/me", headers=_bearer(secret)).json()
    assert body["organisation"]["code"] == org.code
    assert body["scopes"] == ["identity:read"]
    assert body["user_id"] is None


def test_missing_or_wrong_key_is_a_401_problem(client: TestClient, session: Session) -> None:
    org = make_org(session)
    secret = make_key(session, org)
    for headers in ({}, _bearer("ocb_nope_nope"), _bearer(secret[:-2] + "xx"), _bearer("garbage")):
        response = client.get("/api/v1/users", headers=headers)
        assert response.status_code == 401
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["code"] == "unauthenticated"


def test_scope_is_enforced(client: TestClient, session: Session) -> None:
    org = make_org(session)
    reader = make_key(session, org, scopes=("audit:read",))
    assert client.get("/api/v1/users", headers=_bearer(reader)).status_code == 403
    assert client.get("/api/v1/audit-entries", headers=_bearer(reader)).status_code == 200


def test_api_keys_cannot_mint_api_keys(client: TestClient, session: Session) -> None:
    org = make_org(session)
    secret = make_key(session, org)
    response = client.post(
        "/api/v1/api-keys", headers=_bearer(secret), json={"name": "x", "scopes": ["audit:read"]}
    )
    assert response.status_code == 403


def test_expired_key_is_refused(client: TestClient, session: Session) -> None:
    import datetime as dt

    import time_machine

    org = make_org(session)
    secret = make_key(session, org, days=1)
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=2), tick=False):
        assert client.get("/api/v1/me", headers=_bearer(secret)).status_code == 401


def test_tenant_isolation_across_api_pages_and_keys(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    org_a, org_b = make_org(session), make_org(session)
    admin_a, admin_b = make_user(session, org_a), make_user(session, org_b)
    key_a, key_b = make_key(session, org_a), make_key(session, org_b)
    b_key_row = session.scalar(select(ApiKey).where(ApiKey.organisation_id == org_b.id))
    assert b_key_row is not None
    users_before = _count(session, User)
    b_audit = (
        select(func.count()).select_from(AuditEntry).where(AuditEntry.organisation_id == org_b.id)
    )
    b_audit_before = session.scalar(b_audit)

    # API key of A against B's records: invisible, unchangeable.
    assert client.get(f"/api/v1/users/{admin_b.id}", headers=_bearer(key_a)).status_code == 404
    assert (
        client.get(f"/api/v1/organisations/{org_b.id}", headers=_bearer(key_a)).status_code == 404
    )
    listed = client.get("/api/v1/users", headers=_bearer(key_a)).json()
    assert {u["id"] for u in listed} == {admin_a.id}
    keys = client.get("/api/v1/api-keys", headers=_bearer(key_a)).json()
    assert b_key_row.id not in {k["id"] for k in keys}
    entries = client.get("/api/v1/audit-entries?limit=500", headers=_bearer(key_a)).json()
    assert entries
    assert all(
        e["object_id"] != str(admin_b.id) or e["object_type"] != "identity.user" for e in entries
    )
    assert client.delete(
        f"/api/v1/api-keys/{b_key_row.id}", headers=_bearer(key_a)
    ).status_code in {403, 404}

    # A's logged-in administrator through the pages.
    log_in(client, admin_a.username)
    token = csrf_from(client.get("/org/users").text)
    assert admin_b.username not in client.get("/org/users").text
    assert (
        client.post(f"/org/api-keys/{b_key_row.id}/revoke", data={"csrf_token": token}).status_code
        == 404
    )
    assert (
        client.post(f"/org/users/{admin_b.id}/disable", data={"csrf_token": token}).status_code
        == 404
    )
    assert client.get(f"/api/v1/users/{admin_b.id}").status_code == 404
    assert b_key_row.prefix not in client.get("/org/api-keys").text
    assert str(admin_b.username) not in client.get("/audit").text

    session.refresh(b_key_row)
    session.refresh(admin_b)
    assert b_key_row.revoked_at is None
    assert admin_b.is_active
    assert client.get("/api/v1/me", headers=_bearer(key_b)).status_code == 200
    assert _count(session, User) == users_before
    assert session.scalar(b_audit) == b_audit_before


def test_regulator_and_zone_admin_see_the_directory_but_not_users(
    client: TestClient, session: Session
) -> None:
    seller = make_org(session)
    seller_admin = make_user(session, seller)
    customs = make_org(session, roles=(OrgRole.REGULATOR,), department=Department.CUSTOMS)
    key = make_key(session, customs)
    assert client.get(f"/api/v1/organisations/{seller.id}", headers=_bearer(key)).status_code == 200
    assert client.get(f"/api/v1/users/{seller_admin.id}", headers=_bearer(key)).status_code == 404


def test_malformed_json_is_a_400_problem_and_writes_nothing(
    client: TestClient, session: Session
) -> None:
    admin = make_user(session, make_org(session))
    log_in(client, admin.username)
    token = csrf_from(client.get("/home").text)
    before = _count(session, User), _count(session, AuditEntry)
    response = client.post(
        "/api/v1/users",
        content=b'{"username": "abc", ',
        headers={
            "content-type": "application/json",
            "x-csrf-token": token,
            "accept-language": "en",
        },
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "malformed_json"
    assert body["errors"][0]["field"] == "body"
    assert body["errors"][0]["reason_zh"]
    assert (_count(session, User), _count(session, AuditEntry)) == before


def test_wrong_types_name_the_field_in_both_languages_and_write_nothing(
    client: TestClient, session: Session
) -> None:
    admin = make_user(session, make_org(session))
    log_in(client, admin.username)
    token = csrf_from(client.get("/home").text)
    before = _count(session, User), _count(session, AuditEntry)
    response = client.post(
        "/api/v1/users",
        json={
            "username": 42,
            "display_name": "x",
            "password": ["no"],
            "is_org_admin": "maybe",
            "extra": 1,
        },
        headers={"x-csrf-token": token, "accept-language": "zh-CN"},
    )
    assert response.status_code == 422
    body = response.json()
    fields = {e["field"]: e for e in body["errors"]}
    assert {"body.username", "body.password", "body.is_org_admin", "body.extra"} <= set(fields)
    assert fields["body.username"]["reason_en"] == "must be a string"
    assert fields["body.username"]["reason"] == "必须是字符串"
    assert fields["body.extra"]["reason_zh"] == "不允许此字段"
    assert (_count(session, User), _count(session, AuditEntry)) == before


def test_business_rule_errors_are_problems_naming_the_field(
    client: TestClient, session: Session
) -> None:
    admin = make_user(session, make_org(session))
    log_in(client, admin.username)
    token = csrf_from(client.get("/home").text)
    response = client.post(
        "/api/v1/users",
        json={"username": "clerk.one", "display_name": "x", "password": "aaaaaaaaaaaa"},
        headers={"x-csrf-token": token, "accept-language": "en"},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["field"] == "password"
    assert body["detail"].startswith("password:")
    ok = client.post(
        "/api/v1/users",
        json={"username": "clerk.one", "display_name": "x", "password": "a-good-password"},
        headers={"x-csrf-token": token},
    )
    assert ok.status_code == 201
    dup = client.post(
        "/api/v1/users",
        json={"username": "clerk.one", "display_name": "x", "password": "a-good-password"},
        headers={"x-csrf-token": token},
    )
    assert dup.status_code == 409


def test_oversize_body_is_refused_with_413(
    client: TestClient, session: Session, settings: object
) -> None:
    org = make_org(session)
    secret = make_key(session, org)
    big = b"x" * (10 * 1024 * 1024 + 1)
    declared = client.post(
        "/api/v1/users",
        content=big,
        headers={**_bearer(secret), "content-type": "application/json"},
    )
    assert declared.status_code == 413
    assert declared.json()["code"] == "body_too_large"

    def chunks() -> object:
        for _ in range(11):
            yield b"x" * (1024 * 1024)

    streamed = client.post(
        "/api/v1/users",
        content=chunks(),
        headers={**_bearer(secret), "content-type": "application/json"},
    )
    assert streamed.status_code == 413


def test_create_and_revoke_api_key_through_the_api(client: TestClient, session: Session) -> None:
    admin = make_user(session, make_org(session))
    log_in(client, admin.username)
    token = csrf_from(client.get("/home").text)
    created = client.post(
        "/api/v1/api-keys",
        json={"name": "warehouse link", "scopes": ["audit:read"], "valid_days": 10},
        headers={"x-csrf-token": token},
    )
    assert created.status_code == 201
    body = created.json()
    assert body["key"].startswith("ocb_")
    listed = client.get("/api/v1/api-keys").json()
    assert all("key" not in k for k in listed)
    too_long = client.post(
        "/api/v1/api-keys",
        json={"name": "x", "scopes": ["audit:read"], "valid_days": 1000},
        headers={"x-csrf-token": token},
    )
    assert too_long.status_code == 422
    assert too_long.json()["errors"][0]["field"] == "valid_days"
    unknown = client.post(
        "/api/v1/api-keys",
        json={"name": "x", "scopes": ["root"], "valid_days": 10},
        headers={"x-csrf-token": token},
    )
    assert unknown.json()["errors"][0]["field"] == "scopes"
    revoked = client.delete(f"/api/v1/api-keys/{body['id']}", headers={"x-csrf-token": token})
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    assert client.get("/api/v1/me", headers=_bearer(body["key"])).status_code == 401


def test_openapi_documents_problem_details(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "Problem" in spec["components"]["schemas"]
    responses = spec["paths"]["/api/v1/users"]["post"]["responses"]
    assert {"400", "401", "403", "413", "422"} <= set(responses)


def test_no_route_with_an_id_reaches_another_organisations_record(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    """Every route that names a record by id, tried by A against B's ids: never found, nothing changed."""
    org_a, org_b = make_org(session), make_org(session)
    admin_a, admin_b = make_user(session, org_a), make_user(session, org_b)
    key_a = make_key(session, org_a)
    make_key(session, org_b)
    b_key = session.scalar(select(ApiKey).where(ApiKey.organisation_id == org_b.id))
    assert b_key is not None
    b_ids = {"{user_id}": admin_b.id, "{key_id}": b_key.id, "{organisation_id}": org_b.id}
    log_in(client, admin_a.username)
    token = csrf_from(client.get("/home").text)
    tried = 0
    for route in all_routes(app.routes):
        if not any(p in route.path for p in b_ids):
            continue
        path = route.path.replace("{action}", "disable")
        for placeholder, value in b_ids.items():
            path = path.replace(placeholder, str(value))
        for method in route.methods - {"HEAD"}:
            as_page = client.request(
                method, path, data={"csrf_token": token}, follow_redirects=False
            )
            as_key = client.request(method, path, headers=_bearer(key_a), follow_redirects=False)
            for response in (as_page, as_key):
                assert response.status_code in {403, 404}, (method, path, response.status_code)
            tried += 1
    assert tried >= 5
    session.refresh(admin_b)
    session.refresh(b_key)
    assert admin_b.is_active
    assert b_key.revoked_at is None
