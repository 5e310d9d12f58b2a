"""A declarant declares a ready set from its order page and follows it on the customs link pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import log_in, shows
from tests.customs.conftest import IMPORT_READY

pytestmark = pytest.mark.browser


def test_declare_a_ready_set_and_see_its_exchange_and_the_monitor(
    browser: Any, live_server: str, screenshots: Path
) -> None:
    page = log_in(browser, live_server, "seller", "en-GB")
    page.goto(f"{live_server}/clearance/orders/{IMPORT_READY}")
    page.click("text=Declare to customs")
    page.wait_for_url(f"**/customs/orders/{IMPORT_READY}?declared=4")
    assert "4 message(s) signed and queued" in page.locator("[role=status]").inner_text()
    rows = page.locator("table tbody tr")
    assert rows.count() == 4
    assert page.locator("a[download]").count() == 1  # only the seller's own message downloads
    page.screenshot(path=str(screenshots / "customs-order-exchange-en-GB.png"), full_page=True)
    page.click("text=Customs link")
    page.wait_for_url("**/customs")
    shows(page, "Messages by state")
    zh = log_in(browser, live_server, "zone", "zh-CN")
    zh.goto(f"{live_server}/customs")
    assert "交换文件夹" in zh.content() or "Exchange folders" in zh.content()
    zh.screenshot(path=str(screenshots / "customs-monitor-zh-CN.png"), full_page=True)
