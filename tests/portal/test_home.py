"""Every demo login lands on a home page with its role's work: to-dos, figures, charts, the
search box and the bell; nothing a strict CSP would block (no inline style or script)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from opencbec.demo import service as demo_service
from tests.factories.identity import csrf_from


@pytest.fixture
def demo(session: Session, tmp_path: Path) -> None:
    demo_service.load(session, var_dir=tmp_path)


def _home(client: TestClient, username: str, lang: str = "en") -> str:
    client.cookies.clear()
    page = client.get("/login")
    client.post(
        "/login",
        data={
            "username": username,
            "password": demo_service.DEMO_PASSWORD,
            "csrf_token": csrf_from(page.text),
            "next": "/home",
        },
    )
    home = client.get("/home", headers={"accept-language": lang})
    assert home.status_code == 200, username
    return home.text


def _todos(html: str) -> list[str]:
    block = re.search(r'<section class="card todo">(.*?)</section>', html, re.S)
    assert block is not None
    return re.findall(r'<li><a href="([^"]+)"', block.group(1))


def test_every_demo_login_gets_a_complete_home(client: TestClient, demo: None) -> None:
    for org in demo_service.DEMO_ORGS:
        html = _home(client, org.username)
        assert 'role="search"' in html
        assert '<label for="global-search"' in html
        assert 'class="bell"' in html
        assert "style=" not in html
        assert "<script" not in html
        assert "onclick" not in html
        for svg in re.findall(r'<svg class="chart".*?</svg>', html, re.S):
            assert 'role="img"' in svg
            assert "<title" in svg


def test_the_roles_see_their_own_work(client: TestClient, demo: None) -> None:
    zone = _home(client, "zone")
    assert 'aria-labelledby="roles-title roles-desc"' in zone  # organisations by role, drawn
    assert "Zone clearance traffic" in zone
    assert "/filings" in _todos(_home(client, "customs"))
    assert "Zone clearance traffic" in _home(client, "tax")
    seller = _home(client, "seller")
    assert _todos(seller)
    assert "Your declarations" in seller
    broker_todos = _todos(_home(client, "broker"))
    assert any(href.startswith("/clearance/orders/") for href in broker_todos)
    bank = _home(client, "bank", "zh-CN")
    assert 'lang="zh-CN"' in bank
    assert "Nothing waits for you now." in _home(client, "bank")
