"""A seller files a product in the browser: a wrong commodity code is named with its reason, the
corrected form files it, and the list shows it in both languages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser
PRODUCT = {
    "#g-item": "MY-BR-TEST",
    "#g-mode": "9610",
    "#g-name-zh": "冰乙酸 99.5%（小包装）",
    "#g-name-en": "Glacial acetic acid 99.5% (small packs)",
    "#g-brand": "牧野",
    "#g-model": "5 kg 桶装",
    "#g-elements": "用途：实验室试剂|纯度：99.5%",
    "#g-unit": "035",
    "#g-origin": "142",
    "#g-price": "2.40",
    "#g-currency": "142",
}


def test_a_seller_files_a_product_after_fixing_its_commodity_code(
    browser: Any, live_server: str, screenshots: Path
) -> None:
    page = log_in(browser, live_server, "seller", "en-GB")
    page.goto(f"{live_server}/goods")
    for selector, value in PRODUCT.items():
        page.fill(selector, value)
    page.select_option("#g-direction", "export")
    page.fill("#g-hs", "2915")  # not a 10-digit commodity code
    page.click("form[action='/goods'] button[type=submit]")
    alert = page.locator("[role=alert]").inner_text()
    assert "hs_code" in alert, alert
    assert page.input_value("#g-item") == "MY-BR-TEST"  # what was typed is kept
    page.screenshot(path=str(screenshots / "goods-refused-en-GB.png"), full_page=True)

    page.fill("#g-hs", "2915211000")
    page.click("form[action='/goods'] button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("[role=alert]").count() == 0, page.locator("main").inner_text()[:600]
    row = page.locator("tr", has_text="MY-BR-TEST")
    assert row.count() == 1
    assert "2915211000" in row.inner_text()

    zh = log_in(browser, live_server, "seller", "zh-CN")
    zh.goto(f"{live_server}/goods")
    assert "冰乙酸 99.5%（小包装）" in zh.locator("tr", has_text="MY-BR-TEST").inner_text()
    zh.screenshot(path=str(screenshots / "goods-filed-zh-CN.png"), full_page=True)
