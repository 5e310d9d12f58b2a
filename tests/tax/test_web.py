"""The consumer quota page and its JSON route: anonymous, CSRF-protected, masked, rate-limited,
in en and zh-CN."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from opencbec.audit.service import Actor
from opencbec.kit.time import utcnow
from opencbec.tax import service
from tests.factories.identity import csrf_from
from tests.tax.documents import BUYER, NAME

OTHER = "11010519491231002" + "X"
NEUTRAL = {
    "en": "No declarations are recorded for this ID number and name this year",
    "zh-CN": "本年度未查到该身份证号码和姓名的申报记录",
}
API = "/api/v1/tax/quota-check"


@pytest.fixture
def declared(session: Session) -> None:
    service.reserve_quota(
        session,
        actor=Actor(label="test"),
        id_number=BUYER,
        year=service.quota_year(utcnow()),
        document_key="web|1",
        amount=Decimal("1234.50"),
        name=NAME,
    )


def _page(client: TestClient, number: str, name: str, lang: str = "en") -> Any:
    form = client.get(f"/quota?lang={lang}")
    assert form.status_code == 200
    return client.post(
        f"/quota?lang={lang}",
        data={"id_number": number, "name": name, "csrf_token": csrf_from(form.text)},
    )


def _api(client: TestClient, body: object, lang: str = "en") -> Any:
    token = client.get(f"{API}/csrf").json()["csrf_token"]
    return client.post(
        f"{API}?lang={lang}",
        json=body,
        headers={"x-csrf-token": token, "accept": "application/json"},
    )


def test_the_login_page_links_to_the_quota_page(client: TestClient) -> None:
    assert 'href="/quota"' in client.get("/login").text


@pytest.mark.parametrize(("lang", "html_lang"), [("en", 'lang="en"'), ("zh-CN", 'lang="zh-CN"')])
def test_the_form_is_public(client: TestClient, lang: str, html_lang: str) -> None:
    page = client.get(f"/quota?lang={lang}")
    assert page.status_code == 200
    assert html_lang in page.text
    assert 'name="id_number"' in page.text
    assert 'name="name"' in page.text


@pytest.mark.usefixtures("declared")
def test_a_match_shows_the_year_masked(client: TestClient) -> None:
    page = _page(client, BUYER, NAME)
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert "4107************15" in page.text
    assert "张*" in page.text
    assert BUYER not in page.text
    assert NAME not in page.text
    assert "1,234.50" in page.text
    assert "24,765.50" in page.text
    assert NEUTRAL["en"] not in page.text


@pytest.mark.usefixtures("declared")
@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_a_wrong_name_and_an_unknown_id_answer_alike(client: TestClient, lang: str) -> None:
    wrong_name = _page(client, BUYER, "李四", lang)
    unknown = _page(client, OTHER, NAME, lang)
    for page in (wrong_name, unknown):
        assert page.status_code == 200
        assert NEUTRAL[lang] in page.text
        assert "1,234.50" not in page.text
    assert "李*" in wrong_name.text
    assert "1101************2X" in unknown.text


@pytest.mark.parametrize(
    ("lang", "reason"),
    [("en", "does not match the others"), ("zh-CN", "身份证号码校验码不符")],
)
def test_bad_input_is_named_by_field(client: TestClient, lang: str, reason: str) -> None:
    typed = BUYER[:17] + "6"
    page = _page(client, typed, "", lang)
    assert page.status_code == 422
    assert 'id="id_number-error"' in page.text
    assert 'id="name-error"' in page.text
    assert reason in page.text
    assert typed not in page.text


def test_the_page_refuses_a_post_without_csrf(client: TestClient) -> None:
    response = client.post("/quota", data={"id_number": BUYER, "name": NAME})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("lang", "text"), [("en", "Too many quota lookups"), ("zh-CN", "查询过于频繁")]
)
def test_past_five_lookups_an_id_gets_429(client: TestClient, lang: str, text: str) -> None:
    for _ in range(service.LOOKUPS_PER_ID):
        assert _page(client, BUYER, NAME, lang).status_code == 200
    page = _page(client, BUYER, NAME, lang)
    assert page.status_code == 429
    assert 3500 < int(page.headers["retry-after"]) <= 3600
    assert text in page.text
    assert _page(client, OTHER, NAME, lang).status_code == 200  # another ID still may


@pytest.mark.usefixtures("declared")
@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_the_api_answers_masked(client: TestClient, lang: str) -> None:
    found = _api(client, {"id_number": BUYER.lower(), "name": NAME}, lang)
    assert found.status_code == 200
    assert found.headers["cache-control"] == "no-store"
    assert found.json() == {
        "masked_id_number": "4107************15",
        "masked_name": "张*",
        "year": service.quota_year(utcnow()),
        "annual_limit": "26000",
        "recorded": True,
        "used": "1234.50",
        "pending": "1234.50",
        "remaining": "24765.50",
        "message": None,
    }
    missing = _api(client, {"id_number": BUYER, "name": "李四"}, lang).json()
    assert missing["recorded"] is False
    assert (missing["used"], missing["remaining"]) == ("0.00", "26000.00")
    assert NEUTRAL[lang] in missing["message"]


def test_the_api_names_bad_fields_in_both_languages(client: TestClient) -> None:
    response = _api(client, {"id_number": "123", "name": "张三"}, "zh-CN")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    (error,) = response.json()["errors"]
    assert error["field"] == "body.id_number"
    assert "18" in error["reason_en"]
    assert "18" in error["reason_zh"]
    extra = _api(client, {"id_number": BUYER, "name": NAME, "more": 1})
    assert extra.status_code == 422


def test_the_api_limits_with_retry_after(client: TestClient) -> None:
    for _ in range(service.LOOKUPS_PER_ID):
        assert _api(client, {"id_number": BUYER, "name": NAME}).status_code == 200
    response = _api(client, {"id_number": BUYER, "name": NAME}, "zh-CN")
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) > 0
    problem = response.json()
    assert problem["code"] == "too_many_lookups"
    assert "查询过于频繁" in problem["detail"]


def test_the_api_refuses_without_csrf(client: TestClient) -> None:
    response = client.post(API, json={"id_number": BUYER, "name": NAME})
    assert response.status_code == 403


def test_the_api_is_documented(app: FastAPI) -> None:
    operation = app.openapi()["paths"][API]["post"]
    assert "429" in operation["responses"]
    assert "Retry-After" in operation["responses"]["429"]["headers"]
    assert any(p["name"] == "X-CSRF-Token" for p in operation["parameters"])
    assert "get" in app.openapi()["paths"][f"{API}/csrf"]
