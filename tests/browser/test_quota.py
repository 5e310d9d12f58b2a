"""A shopper checks their annual quota in the browser, in zh-CN and en, without logging in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

UNKNOWN = "11010519491231002" + "X"


@pytest.mark.parametrize(
    ("locale", "field_error", "neutral"),
    [
        ("zh-CN", "身份证号码校验码不符", "本年度未查到该身份证号码和姓名的申报记录"),
        ("en-GB", "does not match the others", "No declarations are recorded"),
    ],
)
def test_a_shopper_checks_the_quota_without_logging_in(
    browser: Any,
    live_server: str,
    screenshots: Path,
    locale: str,
    field_error: str,
    neutral: str,
) -> None:
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.click("a[href='/quota']")
    page.fill("#id_number", UNKNOWN[:17] + "1")
    page.fill("#name", "张三")
    page.click("button.primary")
    assert field_error in page.locator("#id_number-error").inner_text()
    page.fill("#id_number", UNKNOWN.lower())
    page.fill("#name", "张三")
    page.click("button.primary")
    result = page.locator("section.success").inner_text()
    assert neutral in result
    assert "1101************2X" in result
    assert UNKNOWN not in page.content()
    page.screenshot(path=str(screenshots / f"quota-check-{locale}.png"), full_page=True)
    context.close()
