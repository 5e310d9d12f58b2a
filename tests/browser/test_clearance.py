"""A declarant uploads whole order sets as CEB XML files and sees which are ready to declare."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import log_in, upload_xml
from tests.clearance.test_sets import _break
from tests.factories.clearance import export_set_xml, import_set_xml

pytestmark = pytest.mark.browser
NAMES = ("order", "payment", "waybill", "inventory")


def _upload(page: Any, live_server: str, folder: Path, messages: list[bytes]) -> None:
    upload_xml(page, live_server, folder, list(zip(NAMES, messages, strict=True)))


def test_sets_uploaded_as_xml_are_ready_and_a_broken_set_shows_its_fixes(
    browser: Any, live_server: str, screenshots: Path, tmp_path: Path
) -> None:
    page = log_in(browser, live_server, "seller", "en-GB")
    _upload(page, live_server, tmp_path, import_set_xml("BR2026112700001"))
    page.goto(f"{live_server}/clearance/orders/BR2026112700001")
    assert "ready to declare" in page.locator("[role=status]").inner_text()
    page.screenshot(path=str(screenshots / "import-set-ready-en-GB.png"), full_page=True)

    _upload(page, live_server, tmp_path, export_set_xml("BREX2026112700001"))
    page.goto(f"{live_server}/clearance/orders/BREX2026112700001")
    assert "ready to declare" in page.locator("[role=status]").inner_text()

    _upload(page, live_server, tmp_path, import_set_xml("BR2026112700002", mutate=_break))
    zh = log_in(browser, live_server, "seller", "zh-CN")
    zh.goto(f"{live_server}/clearance/orders/BR2026112700002")
    assert "暂不能申报" in zh.locator("[role=alert]").inner_text()
    rows = zh.locator("table tbody tr")
    codes = {rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())}
    assert {"IMP_PAID_NE_PAYMENT", "IMP_CONSIGNEE_MISMATCH", "IMP_LINES_MISMATCH"} <= codes
    for i in range(rows.count()):
        assert rows.nth(i).locator("td").nth(3).inner_text().strip()  # every failure has its fix
    zh.screenshot(path=str(screenshots / "import-set-broken-zh-CN.png"), full_page=True)
