"""The web shell: health, error pages and problems, security headers, static files, rollback."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opencbec.identity.models import Organisation
from tests.factories.identity import log_in, make_org, make_user


def test_health(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["database"] in {"sqlite", "postgresql"}


def test_unknown_api_path_is_a_problem_and_page_path_a_page(client: TestClient) -> None:
    api = client.get("/api/v1/nothing-here")
    assert api.status_code == 404
    assert api.headers["content-type"].startswith("application/problem+json")
    page = client.get("/nothing-here", headers={"accept": "text/html", "accept-language": "zh-CN"})
    assert page.status_code == 404
    assert "页面不存在" in page.text
    assert page.headers["content-type"].startswith("text/html")


def test_method_not_allowed_is_a_problem(client: TestClient) -> None:
    response = client.put("/health", headers={"accept": "application/json"})
    assert response.status_code == 405
    assert response.json()["code"] == "http_405"


def test_security_headers_and_docs(client: TestClient) -> None:
    response = client.get("/login")
    assert response.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in response.headers["content-security-policy"]
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "content-security-policy" not in docs.headers


def test_static_css_is_served(client: TestClient) -> None:
    response = client.get("/static/app.css")
    assert response.status_code == 200
    assert "Noto Sans CJK SC" in response.text


def test_cookies_are_secure_and_http_only(client: TestClient, session: Session) -> None:
    user = make_user(session, make_org(session))
    page = client.get("/login")
    assert "secure" in page.headers["set-cookie"].lower()
    log_in(client, user.username)


def test_unexpected_error_is_500_and_rolls_back(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from opencbec.identity import service

    admin = make_user(session, make_org(session))
    log_in(client, admin.username)
    before = session.scalar(select(func.count()).select_from(Organisation))

    def explode(*args: object, **kwargs: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(service, "list_users", explode)
    response = client.get("/org/users", headers={"accept": "text/html", "accept-language": "en"})
    assert response.status_code == 500
    assert "nothing was saved" in response.text
    api = client.get("/api/v1/users")
    assert api.status_code == 500
    assert api.json()["code"] == "internal_error"
    assert session.scalar(select(func.count()).select_from(Organisation)) == before


def test_a_write_is_committed_before_its_answer_is_sent(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The request's transaction ends before the response leaves: a commit that fails is a 500,
    never a success the caller acts on (and a redirect never outruns the row it leads to)."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session as OrmSession

    from tests.factories.identity import PASSWORD, csrf_from

    user = make_user(session, make_org(session))
    page = client.get("/login")
    failing = {"on": True}

    def refuse(_session: OrmSession) -> None:
        if failing["on"]:
            raise RuntimeError("the disk is full")

    event.listen(OrmSession, "before_commit", refuse)
    try:
        response = client.post(
            "/login",
            data={
                "username": user.username,
                "password": PASSWORD,
                "csrf_token": csrf_from(page.text),
            },
            headers={"accept-language": "en"},
            follow_redirects=False,
        )
    finally:
        failing["on"] = False
        event.remove(OrmSession, "before_commit", refuse)
    assert response.status_code == 500, response.headers
    assert "set-cookie" not in response.headers or "session" not in response.headers["set-cookie"]
    assert "nothing was saved" in response.text


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("320.00000", "320.00"),
        ("4.85000", "4.85"),
        ("1.23456", "1.23456"),
        ("0", "0.00"),
        ("-12.50000", "-12.50"),
        ("100", "100.00"),
    ],
)
def test_amounts_read_with_two_decimals_and_no_trailing_zeros(stored: str, shown: str) -> None:
    from decimal import Decimal

    from opencbec.webkit import format_amount

    assert format_amount(Decimal(stored)) == shown


def test_a_missing_amount_reads_as_a_dash() -> None:
    from opencbec.webkit import format_amount

    assert format_amount(None) == "—"
