"""Each role logs in to the generated zone, finds real work on its home page, walks its pages in
both languages; labels, keyboard, no console errors."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from opencbec.demo import service as demo_service
from tests.browser.conftest import shows, wait_for_home
from tests.factories.web import real_items

pytestmark = pytest.mark.browser

ROLES = [
    "zone",
    "customs",
    "tax",
    "forex",
    "commerce",
    "market",
    "post",
    "seller",
    "seller2",
    "platform",
    "logistics",
    "payment",
    "broker",
    "warehouse",
    "bank",
]
PAGES = [
    "/home",
    "/notifications",
    "/search?q=MYMALL",
    "/org/users",
    "/org/api-keys",
    "/audit",
    "/account",
    "/codes",
    "/codes/unit",
    "/parks",
    "/source-factories",
]
DECLARANT = ["/clearance", "/clearance/entry", "/clearance/summary", "/customs", "/appointments"]
ROLE_PAGES = {
    "seller": ["/filing", "/goods", *DECLARANT, "/clearance/orders/MYMALL202611110004"],
    "seller2": ["/filing", "/goods"],
    "platform": DECLARANT,
    "logistics": DECLARANT,
    "payment": DECLARANT,
    "broker": DECLARANT,
    "warehouse": ["/clearance", "/appointments", "/warehousing/bonded"],
    "customs": [
        "/filings",
        "/filings/1",
        "/filings/1/certificate",
        "/customs",
        "/appointments/sites",
        "/clearance",
        "/tax/exports",
        "/warehousing/bonded",
    ],
    "commerce": ["/filings", "/logistics/parcels", "/warehousing/bonded", "/analytics/returns"],
    "zone": ["/organisations", "/customs", "/simulator", "/clearance"],
    "tax": ["/tax/exports", "/finance/collections", "/finance/reconciliation"],
    "forex": ["/finance/reconciliation", "/finance/collections"],
    "market": ["/analytics/returns"],
    "post": ["/logistics/parcels"],
    "bank": ["/finance/collections"],
}

UNLABELLED_INPUTS = """() => [...document.querySelectorAll('input:not([type=hidden]), select')]
  .filter(el => !(el.labels && el.labels.length) && !el.closest('label')).map(el => el.name || el.id)"""


def _walk(
    browser: Any, live_server: str, screenshots: Path, username: str, locale: str, marker: str
) -> None:
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.goto(f"{live_server}/login")
    assert page.evaluate(UNLABELLED_INPUTS) == []
    page.screenshot(path=str(screenshots / f"login-{locale}.jpg"))
    page.fill("#username", username)
    page.fill("#password", demo_service.DEMO_PASSWORD)
    page.press("#password", "Enter")  # the keyboard alone submits the form
    wait_for_home(page)
    home = page.content()
    assert marker in home
    if username != "seller2":  # its filing waits for customs: the review flow's login
        assert real_items(home), f"{username} has no real work on the home page ({locale})"
    for path in PAGES + ROLE_PAGES.get(username, []):
        page.goto(f"{live_server}{path}")
        assert page.evaluate(UNLABELLED_INPUTS) == [], path
        # JPEG: a full page of the walk's ~480 is encoded in about 60% of a PNG's time.
        shot = screenshots / f"{username}{re.sub(r'[^A-Za-z0-9]+', '-', path)}-{locale}.jpg"
        page.screenshot(path=str(shot), full_page=True)
    assert problems == []
    context.close()


@pytest.mark.parametrize("username", ROLES)
def test_role_walks_its_pages_in_both_languages(
    browser: Any, zone_server: str, screenshots: Path, username: str
) -> None:
    _walk(browser, zone_server, screenshots, username, "zh-CN", "您在平台上的业务")
    _walk(browser, zone_server, screenshots, username, "en-GB", "What you do here")


def test_keyboard_reaches_the_skip_link_and_the_navigation(browser: Any, live_server: str) -> None:
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("#username", "seller")
    page.fill("#password", demo_service.DEMO_PASSWORD)
    page.press("#password", "Enter")
    wait_for_home(page)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href')") == "/org/users":
            break
    else:
        pytest.fail("the navigation is not reachable by keyboard")
    page.keyboard.press("Enter")
    page.wait_for_url("**/org/users")
    context.close()


def test_language_switch_and_logout(browser: Any, live_server: str) -> None:
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("#username", "broker")
    page.fill("#password", demo_service.DEMO_PASSWORD)
    page.click("button.primary")
    wait_for_home(page)
    page.select_option("#lang-select", "zh_CN")
    page.click("form[action='/lang'] button")
    wait_for_home(page)
    shows(page, "欢迎")
    page.click("form[action='/logout'] button")
    page.wait_for_url("**/login")
    page.goto(f"{live_server}/home")
    assert "/login" in page.url
    context.close()
