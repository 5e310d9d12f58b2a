"""Identity pages: login, lock-out, session expiry, CSRF, language, home for every role."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opencbec.audit.models import AuditEntry
from opencbec.demo import service as demo_service
from opencbec.identity.models import ApiKey, OrgRole, User
from tests.factories.identity import PASSWORD, csrf_from, log_in, make_org, make_user
from tests.factories.web import all_routes


def test_login_page_in_both_languages(client: TestClient) -> None:
    zh = client.get("/login", headers={"accept-language": "zh-CN,zh;q=0.9"})
    en = client.get("/login", headers={"accept-language": "en-GB,en;q=0.8"})
    assert zh.status_code == en.status_code == 200
    assert "登录" in zh.text
    assert '<html lang="zh-CN">' in zh.text
    assert "Log in" in en.text
    assert '<html lang="en">' in en.text
    assert "登录" not in en.text


def test_root_redirects_to_login_then_home(client: TestClient, session: Session) -> None:
    org = make_org(session)
    user = make_user(session, org)
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"
    log_in(client, user.username)
    assert client.get("/", follow_redirects=False).headers["location"] == "/home"


def test_wrong_password_is_refused_and_counted(client: TestClient, session: Session) -> None:
    user = make_user(session, make_org(session))
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "username": user.username,
            "password": "wrong-password!",
            "csrf_token": csrf_from(page.text),
        },
    )
    assert response.status_code == 401
    assert "opencbec_session" not in response.cookies
    session.refresh(user)
    assert user.failed_logins == 1


def test_lockout_after_repeated_failures_then_unlock(client: TestClient, session: Session) -> None:
    user = make_user(session, make_org(session))
    token = csrf_from(client.get("/login").text)
    for _ in range(5):
        response = client.post(
            "/login",
            data={"username": user.username, "password": "wrong-password!", "csrf_token": token},
        )
    assert response.status_code == 423
    # Even the right password is refused while the lock holds.
    right = client.post(
        "/login",
        data={"username": user.username, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert right.status_code == 423
    assert (
        session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "identity.user.lock")
        )
        == 1
    )
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=16), tick=False):
        later = client.post(
            "/login",
            data={"username": user.username, "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
    assert later.status_code == 303


def test_session_expires_when_idle(client: TestClient, session: Session) -> None:
    user = make_user(session, make_org(session))
    log_in(client, user.username)
    assert client.get("/home").status_code == 200
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=31), tick=False):
        response = client.get("/home", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


def test_session_expires_after_absolute_lifetime_even_when_used(
    client: TestClient, session: Session
) -> None:
    user = make_user(session, make_org(session))
    log_in(client, user.username)
    start = dt.datetime.now(dt.UTC)
    for minutes in range(20, 12 * 60, 20):  # used every 20 minutes, never idle for 30
        with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
            assert client.get("/home", follow_redirects=False).status_code == 200
    with time_machine.travel(start + dt.timedelta(hours=12, minutes=1), tick=False):
        assert client.get("/home", follow_redirects=False).status_code == 303


def test_logout_ends_the_session(client: TestClient, session: Session) -> None:
    user = make_user(session, make_org(session))
    log_in(client, user.username)
    home = client.get("/home")
    cookie = client.cookies.get("opencbec_session")
    client.post("/logout", data={"csrf_token": csrf_from(home.text)})
    client.cookies.set("opencbec_session", cookie or "", domain="testserver")
    assert client.get("/home", follow_redirects=False).status_code == 303


def _unsafe_routes(app: FastAPI) -> list[tuple[str, str]]:
    found = []
    for route in all_routes(app.routes):
        for method in route.methods & {"POST", "PUT", "PATCH", "DELETE"}:
            path = (
                route.path.replace("{user_id}", "1")
                .replace("{key_id}", "1")
                .replace("{action}", "disable")
            )
            found.append((method, path))
    return found


def test_every_state_changing_route_refuses_a_cookie_request_without_csrf(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    user = make_user(session, make_org(session))
    log_in(client, user.username)
    before = session.scalar(select(func.count()).select_from(AuditEntry))
    routes = _unsafe_routes(app)
    paths = {path for _, path in routes}
    assert {"/login", "/org/users", "/api/v1/api-keys", "/api/v1/api-keys/1"} <= paths
    for method, path in routes:
        response = client.request(method, path, data={"username": "x"}, follow_redirects=False)
        assert response.status_code == 403, path
        wrong = client.request(method, path, data={"csrf_token": "forged"}, follow_redirects=False)
        assert wrong.status_code == 403, path
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_csrf_token_of_one_session_does_not_work_for_another(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    org = make_org(session)
    alice, bob = make_user(session, org), make_user(session, org)
    log_in(client, alice.username)
    alice_token = csrf_from(client.get("/home").text)
    with TestClient(app, base_url="https://testserver") as other:
        log_in(other, bob.username)
        response = other.post(
            "/org/users",
            data={
                "csrf_token": alice_token,
                "username": "mallory",
                "display_name": "M",
                "password": "long-enough-pw",
            },
        )
    assert response.status_code == 403
    assert session.scalar(select(User).where(User.username == "mallory")) is None


@pytest.mark.parametrize("demo", demo_service.DEMO_ORGS, ids=lambda d: d.username)
def test_every_demo_login_reaches_its_home_in_both_languages(
    client: TestClient, session: Session, demo: demo_service.DemoOrg, tmp_path: Path
) -> None:
    demo_service.load(session, var_dir=tmp_path)
    session.flush()
    log_in(client, demo.username, demo_service.DEMO_PASSWORD)
    for language in ("zh_CN", "en"):
        _check_home(client, demo, language)


def _check_home(client: TestClient, demo: demo_service.DemoOrg, language: str) -> None:
    home = client.get(f"/home?lang={language}")
    assert home.status_code == 200
    if language == "zh_CN":
        assert demo.name_zh in home.text
        assert "您在平台上的业务" in home.text
    else:
        assert demo.name_en in home.text
        assert "What you do here" in home.text
    if OrgRole.ZONE_ADMINISTRATION in demo.roles:
        assert (
            "Organisations in the zone by role" if language == "en" else "综试区各类单位数量"
        ) in home.text
    for path in ["/org/users", "/org/api-keys", "/audit", "/account"]:
        assert client.get(f"{path}?lang={language}").status_code == 200, path
    orgs = client.get("/organisations")
    expected = 200 if {OrgRole.REGULATOR, OrgRole.ZONE_ADMINISTRATION} & set(demo.roles) else 403
    assert orgs.status_code == expected


def test_language_switch_is_remembered(client: TestClient, session: Session) -> None:
    user = make_user(session, make_org(session))
    log_in(client, user.username)
    home = client.get("/home", headers={"accept-language": "zh-CN"})
    assert "欢迎" in home.text
    client.post("/lang", data={"lang": "en", "next": "/home", "csrf_token": csrf_from(home.text)})
    assert "Welcome" in client.get("/home", headers={"accept-language": "zh-CN"}).text
    session.refresh(user)
    assert user.locale == "en"


def test_admin_adds_a_user_and_a_bad_one_is_explained(client: TestClient, session: Session) -> None:
    admin = make_user(session, make_org(session))
    log_in(client, admin.username)
    token = csrf_from(client.get("/org/users").text)
    bad = client.post(
        "/org/users",
        data={
            "csrf_token": token,
            "username": "new.clerk",
            "display_name": "Clerk",
            "password": "short",
        },
        headers={"accept-language": "en"},
    )
    assert bad.status_code == 422
    assert "password" in bad.text
    assert "at least 10 characters" in bad.text
    assert session.scalar(select(User).where(User.username == "new.clerk")) is None
    good = client.post(
        "/org/users",
        data={
            "csrf_token": token,
            "username": "new.clerk",
            "display_name": "Clerk",
            "password": "a-good-password",
        },
        follow_redirects=False,
    )
    assert good.status_code == 303
    clerk = session.scalar(select(User).where(User.username == "new.clerk"))
    assert clerk is not None
    assert clerk.organisation_id == admin.organisation_id
    assert not clerk.is_org_admin


def test_non_admin_cannot_add_users(client: TestClient, session: Session) -> None:
    org = make_org(session)
    clerk = make_user(session, org, admin=False)
    log_in(client, clerk.username)
    token = csrf_from(client.get("/org/users").text)
    response = client.post(
        "/org/users",
        data={
            "csrf_token": token,
            "username": "sneaky",
            "display_name": "S",
            "password": "a-good-password",
        },
    )
    assert response.status_code == 403


def test_api_key_is_shown_once_and_works(client: TestClient, session: Session) -> None:
    admin = make_user(session, make_org(session))
    log_in(client, admin.username)
    token = csrf_from(client.get("/org/api-keys").text)
    created = client.post(
        "/org/api-keys",
        data={
            "csrf_token": token,
            "name": "ERP link",
            "valid_days": "30",
            "scopes": ["identity:read"],
        },
    )
    assert created.status_code == 200
    secret = re.search(r'<code class="secret">([^<]+)</code>', created.text)
    assert secret is not None
    listing = client.get("/org/api-keys")
    assert secret.group(1) not in listing.text
    api = TestClient(client.app, base_url="https://testserver")
    me = api.get("/api/v1/me", headers={"authorization": f"Bearer {secret.group(1)}"})
    assert me.status_code == 200
    assert me.json()["scopes"] == ["identity:read"]
    key = session.scalar(select(ApiKey).where(ApiKey.name == "ERP link"))
    assert key is not None
    assert secret.group(1).split("_")[2] not in key.secret_hash
    revoke = client.post(
        f"/org/api-keys/{key.id}/revoke", data={"csrf_token": token}, follow_redirects=False
    )
    assert revoke.status_code == 303
    assert (
        api.get("/api/v1/me", headers={"authorization": f"Bearer {secret.group(1)}"}).status_code
        == 401
    )


def test_api_key_form_errors_are_explained(client: TestClient, session: Session) -> None:
    admin = make_user(session, make_org(session))
    log_in(client, admin.username)
    token = csrf_from(client.get("/org/api-keys").text)
    no_scope = client.post(
        "/org/api-keys", data={"csrf_token": token, "name": "x", "valid_days": "30"}
    )
    assert no_scope.status_code == 422
    assert "scopes" in no_scope.text
    bad_days = client.post(
        "/org/api-keys",
        data={"csrf_token": token, "name": "x", "valid_days": "abc", "scopes": ["audit:read"]},
    )
    assert bad_days.status_code == 422
    assert "valid_days" in bad_days.text


def test_password_change_ends_sessions(client: TestClient, session: Session) -> None:
    user = make_user(session, make_org(session))
    log_in(client, user.username)
    token = csrf_from(client.get("/account").text)
    wrong = client.post(
        "/account/password",
        data={"csrf_token": token, "current_password": "nope", "new_password": "another-password"},
    )
    assert wrong.status_code == 422
    ok = client.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current_password": PASSWORD,
            "new_password": "another-password",
        },
        follow_redirects=False,
    )
    assert ok.status_code == 303
    assert client.get("/home", follow_redirects=False).status_code == 303
    log_in(client, user.username, "another-password")


def test_disabled_user_cannot_log_in_and_loses_sessions(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    org = make_org(session)
    admin, clerk = make_user(session, org), make_user(session, org, admin=False)
    with TestClient(app, base_url="https://testserver") as clerk_client:
        log_in(clerk_client, clerk.username)
        log_in(client, admin.username)
        token = csrf_from(client.get("/org/users").text)
        client.post(f"/org/users/{clerk.id}/disable", data={"csrf_token": token})
        assert clerk_client.get("/home", follow_redirects=False).status_code == 303
        page = clerk_client.get("/login")
        refused = clerk_client.post(
            "/login",
            data={
                "username": clerk.username,
                "password": PASSWORD,
                "csrf_token": csrf_from(page.text),
            },
        )
        assert (
            refused.status_code == 401 and "disabled" in refused.text.lower()
        ) or "停用" in refused.text
        client.post(f"/org/users/{clerk.id}/enable", data={"csrf_token": token})
        log_in(clerk_client, clerk.username)


def test_zone_registers_an_organisation_with_its_administrator(
    client: TestClient, session: Session
) -> None:
    zone = make_user(session, make_org(session, roles=(OrgRole.ZONE_ADMINISTRATION,)))
    log_in(client, zone.username)
    token = csrf_from(client.get("/organisations").text)
    form = {
        "csrf_token": token,
        "code": "new-forwarder",
        "name_zh": "新货代（示范）",
        "name_en": "New Forwarder",
        "roles": ["logistics"],
        "department": "",
        "admin_username": "forwarder.admin",
        "admin_display_name": "刘经理",
        "admin_password": "a-good-password",
    }
    regulator_without_department = client.post(
        "/organisations", data={**form, "roles": ["regulator"]}, headers={"accept-language": "en"}
    )
    assert regulator_without_department.status_code == 422
    assert "department" in regulator_without_department.text
    assert client.post("/organisations", data={**form, "roles": ["emperor"]}).status_code == 422
    assert client.post("/organisations", data={**form, "department": "army"}).status_code == 422
    assert client.post("/organisations", data={**form, "name_en": "x"}).status_code == 422
    weak = client.post("/organisations", data={**form, "admin_password": "weak"})
    assert weak.status_code == 422
    # Nothing half-written: the organisation of the failed attempt does not exist.
    assert "new-forwarder" not in client.get("/organisations").text
    ok = client.post("/organisations", data=form, follow_redirects=False)
    assert ok.status_code == 303
    assert (
        "新货代（示范）" in client.get("/organisations", headers={"accept-language": "zh-CN"}).text
    )
    admin = session.scalar(select(User).where(User.username == "forwarder.admin"))
    assert admin is not None
    assert admin.is_org_admin


def test_only_the_zone_registers_organisations(client: TestClient, session: Session) -> None:
    from opencbec.identity.models import Department

    customs = make_user(
        session, make_org(session, roles=(OrgRole.REGULATOR,), department=Department.CUSTOMS)
    )
    log_in(client, customs.username)
    page = client.get("/organisations")
    assert page.status_code == 200
    assert 'action="/organisations"' not in page.text
    response = client.post(
        "/organisations",
        data={
            "csrf_token": csrf_from(page.text),
            "code": "sneaky",
            "name_zh": "偷偷",
            "name_en": "Sneaky",
            "roles": ["payment"],
            "admin_username": "sneaky",
            "admin_display_name": "s",
            "admin_password": "a-good-password",
        },
    )
    assert response.status_code == 403


def test_activity_log_reads_in_words(client: TestClient, session: Session) -> None:
    user = make_user(session, make_org(session))
    log_in(client, user.username)
    assert "登录" in client.get("/audit", headers={"accept-language": "zh-CN"}).text
    english = client.get("/audit", headers={"accept-language": "en"}).text
    assert "Logged in" in english
    assert 'title="identity.login"' in english
