"""The zone starts and stops the customs simulator; a seller uploads documents from a CSV file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from opencbec.clearance import service as clearance_service
from tests.browser.conftest import log_in, shows

pytestmark = pytest.mark.browser


def test_the_zone_starts_and_stops_the_simulator(
    browser: Any, live_server: str, screenshots: Path
) -> None:
    page = log_in(browser, live_server, "zone", "en-GB")
    page.goto(f"{live_server}/simulator")
    assert "SIMULATOR" in page.locator("h1").inner_text()
    assert "not China Customs" in page.locator("[role=note]").inner_text()
    page.click("form[action='/simulator/start'] button[type=submit]")
    page.wait_for_selector("form[action='/simulator/stop']")
    shows(page, "Running")
    page.screenshot(path=str(screenshots / "simulator-running-en-GB.png"), full_page=True)
    page.click("form[action='/simulator/stop'] button[type=submit]")
    page.wait_for_selector("form[action='/simulator/start']")
    shows(page, "Stopped")
    zh = log_in(browser, live_server, "zone", "zh-CN")
    zh.goto(f"{live_server}/simulator")
    shows(zh, "海关模拟器")


def test_a_seller_uploads_payments_from_a_csv_file(
    browser: Any, live_server: str, screenshots: Path, tmp_path: Path
) -> None:
    page = log_in(browser, live_server, "payment", "en-GB")
    page.goto(f"{live_server}/clearance/entry")
    csv_file = tmp_path / "payments.csv"
    csv_file.write_bytes(clearance_service.template_csv("payment"))
    page.select_option("#entry-kind", "payment")
    page.set_input_files("#entry-file", str(csv_file))
    page.click("form[action='/clearance/entry'] button[type=submit]")
    page.wait_for_selector("[role=status]")
    assert "Documents received" in page.locator("[role=status]").inner_text()
    page.screenshot(path=str(screenshots / "entry-csv-en-GB.png"), full_page=True)
