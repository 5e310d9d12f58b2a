"""An enterprise books, moves and cancels a customs appointment in the calendar, with the
keyboard; a customs officer finds it in the site's day view."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from opencbec.kit.time import CHINA_STANDARD_TIME
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_book_move_cancel_and_the_officers_day_view(
    browser: Any, live_server: str, screenshots: Path
) -> None:
    page = log_in(browser, live_server, "seller", "en-GB")
    page.goto(f"{live_server}/appointments")
    page.click("#next-week")  # clear of the cut-off and of the demo's own bookings
    page.wait_for_load_state()
    slot = page.locator("td[data-day='2'] a.slot-free").first
    slot.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/appointments/book?**")
    page.fill("#bk-goods_description", "Brake assemblies, export LCL")
    page.fill("#bk-packages", "6")
    page.fill("#bk-gross_weight_kg", "240.75")
    page.fill("#bk-transport_no", "MSKU 123456 5")
    page.fill("#bk-document_numbers", "41072026E000000777")
    page.fill("#bk-contact_name", "Chen")
    page.fill("#bk-contact_phone", "13903730001")
    page.click("#booking-form button[type=submit]")
    page.wait_for_url("**/appointments/bookings/**")
    assert page.locator("#booking-status").inner_text() == "Booked"
    booked_slot = page.locator("#booking-slot").inner_text()
    reference = re.search(r"AP\d{14}", page.locator("h1").inner_text())
    assert reference is not None
    page.screenshot(path=str(screenshots / "appointment-booked-en-GB.png"), full_page=True)

    page.click("#move-link")
    page.wait_for_selector("#move-banner")
    # Another day's free slot, named by its start: the move must land exactly there.
    target = page.locator("td[data-day='4']:has(button.slot-free)").first
    target_start = target.get_attribute("data-start")
    assert target_start
    target.locator("button.slot-free").click()
    page.wait_for_url("**done=moved")
    page.wait_for_selector("#booking-slot")
    moved_slot = page.locator("#booking-slot").inner_text()
    assert moved_slot != booked_slot
    landed = dt.datetime.fromisoformat(target_start).astimezone(CHINA_STANDARD_TIME)
    assert moved_slot.startswith(landed.strftime("%Y-%m-%d %H:%M")), (moved_slot, target_start)
    day = moved_slot[:10]

    page.fill("#cancel-reason", "Goods not ready")
    page.click("#cancel-form button[type=submit]")
    page.wait_for_url("**done=cancelled")
    assert page.locator("#booking-status").inner_text() == "Cancelled"
    page.goto(f"{live_server}/appointments/mine")
    assert reference.group(0) in page.locator("#my-bookings").inner_text()

    officer = log_in(browser, live_server, "customs", "zh-CN")
    officer.goto(f"{live_server}/appointments/sites")
    officer.locator("a.day-link").first.click()
    officer.wait_for_url("**/day")
    officer.fill("#day-date", day)
    officer.locator("#day-date").press("Enter")
    officer.wait_for_url(f"**date={day}")
    assert reference.group(0) in officer.locator("#day-view").inner_text()
    assert officer.locator("html").get_attribute("lang") == "zh-CN"
    officer.screenshot(path=str(screenshots / "appointments-day-view-zh-CN.png"), full_page=True)
