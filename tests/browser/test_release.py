"""A seller fixes a failing import set in the browser, declares it and follows it to release.

The customs link and the customs simulator run beside the web app as their own processes would
(the link's run and the simulator's pass are called here, over the served platform's database and
exchange folder); everything the seller does and sees goes through the browser.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from opencbec.customs import jobs
from opencbec.customs import service as customs_service
from opencbec.identity.models import User
from opencbec.simulator.service import Config, Simulator
from tests.browser.conftest import LivePlatform, log_in, upload_xml
from tests.browser.test_clearance import _upload
from tests.clearance.test_sets import _break
from tests.factories.clearance import import_set_corrections, import_set_xml

pytestmark = pytest.mark.browser
ORDER = "RL2026112700001"


def _drive(platform: LivePlatform, sim: Simulator, page: Any, order_no: str) -> None:
    """Run the link and the simulator until the order page shows the inventory delivered."""
    gateway = customs_service.gateway_for(platform.settings)
    for _ in range(20):
        jobs.link_once(platform.database, gateway=gateway)
        sim.run_once()
        jobs.link_once(platform.database, gateway=gateway)
        page.goto(f"{platform.url}/clearance/orders/{order_no}")
        if "Goods delivered after release" in page.content():
            return
        time.sleep(0.2)  # the simulator's receipts are due a few milliseconds apart
    pytest.fail(f"{order_no} was not delivered: {page.locator('main').inner_text()[:800]}")


def test_a_failing_set_is_fixed_declared_and_followed_to_release(
    browser: Any, live_platform: LivePlatform, screenshots: Path, tmp_path: Path
) -> None:
    url = live_platform.url
    page = log_in(browser, url, "seller", "en-GB")
    _upload(page, url, tmp_path, import_set_xml(ORDER, mutate=_break))
    page.goto(f"{url}/clearance/orders/{ORDER}")
    assert "Not ready to declare" in page.locator("[role=alert]").inner_text()
    assert page.locator("text=Declare to customs").count() == 0
    page.screenshot(path=str(screenshots / "release-1-failing-en-GB.png"), full_page=True)

    fixes = [(f"{name}-fix", data) for name, data in import_set_corrections(ORDER)]
    upload_xml(page, url, tmp_path, fixes)  # the seller sends the corrected documents
    page.goto(f"{url}/clearance/orders/{ORDER}")
    assert "ready to declare" in page.locator("[role=status]").inner_text()
    page.screenshot(path=str(screenshots / "release-2-fixed-en-GB.png"), full_page=True)

    page.click("text=Declare to customs")
    page.wait_for_url(f"**/customs/orders/{ORDER}?declared=4")
    root = customs_service.gateway_for(live_platform.settings).root
    config = Config(seed=7, delay_seconds=0.0, review_rate=0.0, inspection_rate=0.0)
    sim = Simulator(root, config=config)
    try:
        _drive(live_platform, sim, page, ORDER)
    finally:
        sim.close()
    page.screenshot(path=str(screenshots / "release-3-delivered-en-GB.png"), full_page=True)
    page.goto(f"{url}/customs/orders/{ORDER}")
    exchange = page.locator("main").inner_text()
    assert "CEB816" in exchange  # the tax bill customs issued for the inventory
    assert "CEB621" in exchange

    # The seller switches the page to Chinese with the language menu and still sees the release.
    page.goto(f"{url}/clearance/orders/{ORDER}")
    page.select_option("#lang-select", "zh_CN")
    page.click("form[action='/lang'] button[type=submit]")
    page.wait_for_url(f"**/clearance/orders/{ORDER}")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert "放行" in page.locator("main").inner_text()
    page.screenshot(path=str(screenshots / "release-4-delivered-zh-CN.png"), full_page=True)
    # And back to English, kept with the user too.
    page.select_option("#lang-select", "en")
    page.click("form[action='/lang'] button[type=submit]")
    page.wait_for_url(f"**/clearance/orders/{ORDER}")
    assert page.locator("html").get_attribute("lang") == "en"
    with live_platform.database.session() as session:
        user = session.scalars(select(User).where(User.username == "seller")).one()
        assert user.locale == "en"
        user.locale = None  # as the demo made it: later tests see their browser's language
