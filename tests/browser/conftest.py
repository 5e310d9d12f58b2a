"""Browser fixtures: the platform served by uvicorn on a free port over its own database,
driven by Debian's chromium through Playwright (never `playwright install`)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from opencbec.db import Database
from opencbec.demo import service as demo_service
from opencbec.settings import Settings
from opencbec.web import create_app
from tests.conftest import FreshDatabases, TinyZone
from tests.factories.platform import platform_database

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's chromium; in CI its absence is a failure, elsewhere a clear skip."""
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(
                "chromium is missing in CI: .ci/run installs it with apt-get install chromium fonts-noto-cjk"
            )
        pytest.skip("browser tests need Debian's chromium: apt-get install chromium fonts-noto-cjk")
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True, slots=True)
class LivePlatform:
    """The served platform: its address, settings and database (for the link and the simulator,
    which run beside the web app as their own processes would)."""

    url: str
    settings: Settings
    database: Database


def _serve_platform(database: Database, settings: Settings) -> Iterator[LivePlatform]:
    """Serve the platform over `database` until the session ends."""
    app = create_app(settings, database=database)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:  # pragma: no cover - the server failed to start
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield LivePlatform(f"http://127.0.0.1:{port}", settings, database)
    server.should_exit = True
    thread.join(timeout=10)
    database.dispose()


@pytest.fixture(scope="session")
def live_platform(
    fresh_databases: FreshDatabases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LivePlatform]:
    """The platform with the demo zone, served on 127.0.0.1 for the browser."""
    database, settings = platform_database(
        fresh_databases.new_url(), tmp_path_factory.mktemp("var")
    )
    with database.session() as session:
        demo_service.load(session, var_dir=settings.var_dir)
    yield from _serve_platform(database, settings)


@pytest.fixture(scope="session")
def zone_server(tiny_zone: TinyZone, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The platform over a tiny generated zone (a year of traffic through customs), as
    `scripts/serve` shows it: every login has real work waiting. Its address."""
    platform = _serve_platform(*tiny_zone.copy(tmp_path_factory.mktemp("zone")))
    yield next(platform).url
    next(platform, None)


@pytest.fixture(scope="session")
def live_server(live_platform: LivePlatform) -> str:
    """The served platform's address."""
    return live_platform.url


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[object]:
    """A headless chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Folder of the screenshots kept as test artefacts."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def log_in(browser: Any, live_server: str, username: str, locale: str) -> Any:
    """Open a new browser context in `locale` and log in as a demo user; return the page."""
    from opencbec.demo import service as demo_service

    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("#username", username)
    page.fill("#password", demo_service.DEMO_PASSWORD)
    page.press("#password", "Enter")
    wait_for_home(page)
    return page


def wait_for_home(page: Any) -> None:
    """Wait for the home page after a login; on a timeout say where the browser is instead."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_url("**/home")
    except PlaywrightTimeout as exc:
        text = page.locator("body").inner_text(timeout=2000)[:600]
        raise AssertionError(f"login did not reach /home: at {page.url}\n{text}") from exc


def shows(page: Any, text: str) -> None:
    """Assert that the page shows `text`, waiting while a click's navigation is still loading.

    `page.content()` right after a click that navigates may read the new document before it is
    parsed (CI once read ''); Playwright's expect retries until the text is there or times out."""
    from playwright.sync_api import expect

    expect(page.locator("body")).to_contain_text(text)


def upload_xml(page: Any, live_server: str, folder: Path, files: list[tuple[str, bytes]]) -> None:
    """Upload each (name, CEB XML) on the clearance page, one file at a time; none refused."""
    for name, data in files:
        path = folder / f"{name}.xml"
        path.write_bytes(data)
        page.goto(f"{live_server}/clearance")
        page.set_input_files("#ceb-file", str(path))
        page.click("form[action='/clearance'] button[type=submit]")
        page.wait_for_load_state()
        assert page.locator("[role=alert]").count() == 0, page.content()
