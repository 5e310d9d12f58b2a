"""A seller's released export parcel goes into its month's summary application, and the seller
declares a return of it from the inventory's page."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from opencbec.demo import sets
from opencbec.messages.ceb import encode, message_class, skeleton
from tests.browser.conftest import log_in
from tests.browser.test_clearance import _upload
from tests.factories.clearance import export_set_xml

pytestmark = pytest.mark.browser
ORDER = "BRSUM2026112700001"


def _released(order_no: str, invt_no: str) -> bytes:
    # Customs' receipt: the inventory numbered and released (CEB604, status 800).
    message = skeleton(message_class("CEB604Message"))
    message.guid = str(uuid.uuid4()).upper()
    item = message.inventory_return[0]
    item.guid = str(uuid.uuid4()).upper()
    item.agentCode = item.ebcCode = sets.DEMO_EBC
    item.ebpCode, item.orderNo, item.copNo = sets.DEMO_EBP, order_no, f"E{order_no}"
    item.invtNo, item.preNo = invt_no, "B20261127000000001"
    item.returnStatus, item.returnTime, item.returnInfo = "800", "20261127120000000", "放行"
    return encode(message)


def test_a_released_export_is_summarised_and_returned(
    browser: Any, live_server: str, screenshots: Path, tmp_path: Path
) -> None:
    page = log_in(browser, live_server, "seller", "en-GB")
    _upload(page, live_server, tmp_path, export_set_xml(ORDER))
    receipt = tmp_path / "receipt.xml"
    receipt.write_bytes(_released(ORDER, "46002026E000000777"))
    page.goto(f"{live_server}/clearance")
    page.set_input_files("#ceb-file", str(receipt))
    with page.expect_navigation():
        page.click("form[action='/clearance'] button[type=submit]")

    page.goto(f"{live_server}/clearance/summary/2026-11")
    assert "8708300000" in page.locator("table").first.inner_text()
    page.screenshot(path=str(screenshots / "summary-month-en-GB.png"), full_page=True)
    with page.expect_navigation():
        page.click("text=Prepare applications")
    status = page.locator("[role=status]").inner_text()
    assert "Every group of the month is prepared." in status
    page.click("a[href^='/clearance/summary/applications/']")
    page.wait_for_load_state()
    assert "46002026E000000777" in page.content() or "E" + ORDER in page.content()

    zh = log_in(browser, live_server, "seller", "zh-CN")
    zh.goto(f"{live_server}/clearance/summary")
    # The page's own strings read in Chinese once /tmp/i18n-summary.json is merged into the
    # catalogue; the shared ones already do.
    assert "状态" in zh.locator("main").inner_text()
    assert "SUM" in zh.locator("main table").last.inner_text()
    zh.screenshot(path=str(screenshots / "summary-zh-CN.png"), full_page=True)

    page.goto(f"{live_server}/clearance/orders/{ORDER}")
    page.click(f"a:has-text('{sets.DEMO_EBC}|E{ORDER}')")  # the inventory, not the waybill ZE…
    page.wait_for_load_state()
    page.select_option("#return-reason", "undeliverable")
    page.fill("#t-traf_name", "X8012")
    page.fill("#t-voyage_no", "X8012/2611")
    with page.expect_navigation(url="**/clearance/*"):
        page.click("text=Declare the return")
    assert "CEB213Message" in page.locator("h1").inner_text()
    page.goto(f"{live_server}/clearance/orders/{ORDER}")
    assert "Export return (CEB213)" in page.locator("#follow-ups").inner_text()
    page.screenshot(path=str(screenshots / "follow-ups-en-GB.png"), full_page=True)
