"""A regulator reviews, returns and approves a filing in the browser; the enterprise sees why."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import log_in, shows

pytestmark = pytest.mark.browser


def test_review_return_and_approve_in_the_browser(
    browser: Any, live_server: str, screenshots: Path
) -> None:
    officer = log_in(browser, live_server, "customs", "zh-CN")
    shows(officer, "等待审核")  # the home page's to-do list names the waiting filing
    officer.click("a[href='/filings']")
    officer.click("text=长垣起重装备（示范）有限公司")
    officer.click("button:has-text('开始审核')")
    officer.fill("#reasons", "法定代表人姓名与营业执照不一致")
    officer.click("button:has-text('退回企业')")
    officer.screenshot(path=str(screenshots / "filing-returned-zh-CN.png"), full_page=True)
    review_url = officer.url

    seller = log_in(browser, live_server, "seller2", "en-GB")
    shows(seller, "returned")
    seller.click("a[href='/filing']")
    shows(seller, "法定代表人姓名与营业执照不一致")
    seller.fill("#f-legal", "郑长垣")
    seller.click("button:has-text('Save')")
    seller.click("button:has-text('Submit for review')")
    seller.screenshot(path=str(screenshots / "filing-resubmitted-en-GB.png"), full_page=True)

    officer.goto(review_url)
    officer.click("button:has-text('开始审核')")
    officer.click("button:has-text('核准')")
    shows(officer, "已核准")
    officer.click("a[href$='/certificate']")
    shows(officer, "备案证书")
    officer.screenshot(path=str(screenshots / "filing-certificate-zh-CN.png"), full_page=True)
