"""Home pages at scale: every demo login's home answer time over a generated zone, beside a plain
indexed SELECT of the rows those homes are about, in the same run.

A home is the role's to-dos and panels (`webkit.todos_for` and `webkit.panels_for`, the domains'
providers) and the whole page (`GET /home` through the web application, logged in). The baseline
reads the id and status of every clearance document of the kinds the home panels count (orders,
inventories, collections, tax bills, summary results, returns, cancellations): what a home could
not answer in less than, if it looked at each of them once.

Run: `.venv/bin/python -m bench.portal [scale]` loads a generated zone (default small) into a
temporary SQLite file and measures it; `OPENCBEC_BENCH_ZONE_URL=sqlite:////tmp/z/opencbec.sqlite3`
(or a PostgreSQL URL) measures a zone loaded before (`opencbec demo load --scale medium`) instead.
Times are the best of several runs (the machine is shared); on SQLite the processor time of this
process is printed too (`*_cpu_ms`, `cpu_ratio`): the database works in it, so it is the work
itself whatever else runs. Prints `name: value` lines; the last is
`ratio: <mean home answer time / baseline time>` (wall time).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Final

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from opencbec import webkit
from opencbec.clearance.models import ClearanceDocument
from opencbec.db import Database, build_engine
from opencbec.demo import loader
from opencbec.demo import service as demo_service
from opencbec.identity import service as identity_service
from opencbec.identity.models import User
from opencbec.migrate import upgrade_engine
from opencbec.settings import Settings
from opencbec.web import create_app

KINDS: Final = (
    "order",
    "inventory",
    "export_inventory",
    "collection",
    "tax_bill",
    "summary_result",
    "return",
    "cancellation",
)
REPEATS: Final = 7


def best_ms(run: Callable[[], object], repeats: int = REPEATS) -> float:
    """Return the best wall time of `run` in milliseconds (after one warm-up call): the machine
    is shared, and the best of several runs is the least disturbed."""
    return best(run, repeats)[0]


def best(run: Callable[[], object], repeats: int = REPEATS) -> tuple[float, float]:
    """Return the best wall time and the best processor time of this process for `run`, in
    milliseconds (on SQLite the database works in this process too, so the processor time is
    the work itself, whatever else the machine runs)."""
    run()
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls) * 1000, min(cpus) * 1000


def baseline_ms(database: Database) -> tuple[tuple[float, float], int]:
    """Return the plain indexed SELECT's best wall and processor times and how many rows it
    read."""
    stmt = select(ClearanceDocument.id, ClearanceDocument.status).where(
        ClearanceDocument.kind.in_(KINDS)
    )

    def run() -> int:
        with database.session(write=False) as session:
            return len(session.execute(stmt).all())

    return best(run), run()


def providers_ms(database: Database, username: str) -> tuple[tuple[float, float], dict[str, float]]:
    """Return the best time of a login's to-dos and panels (each run in its own session), and
    the best time of each provider, run in the order the home page runs them."""
    each: dict[str, list[float]] = {}

    def run() -> None:
        with database.session(write=False) as session:
            user = session.scalar(select(User).where(User.username == username))
            assert user is not None
            principal = identity_service.principal_for_user(session, user)
            for provider in [*webkit._TODO_PROVIDERS, *webkit._PANEL_PROVIDERS]:
                start = time.perf_counter()
                provider(session, principal)
                name = f"{provider.__module__.removeprefix('opencbec.')}.{provider.__name__}"
                each.setdefault(name, []).append(time.perf_counter() - start)

    total = best(run)
    return total, {name: min(t) * 1000 for name, t in each.items()}


def page_ms(client: TestClient, username: str) -> float:
    """Return the best time of a logged-in GET /home."""
    client.cookies.clear()
    page = client.get("/login")
    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = client.post(
        "/login",
        data={
            "username": username,
            "password": demo_service.DEMO_PASSWORD,
            "csrf_token": token,
            "next": "/home",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text

    def run() -> None:
        answer = client.get("/home")
        assert answer.status_code == 200, answer.text

    return best_ms(run)


def measure(database: Database, settings: Settings) -> None:
    """Measure every demo login's home against the baseline and print the figures."""
    with database.session(write=False) as session:
        documents = session.scalar(select(func.count(ClearanceDocument.id))) or 0
    (base, base_cpu), rows = baseline_ms(database)
    print(f"database: {database.engine.dialect.name}")
    print(f"clearance_documents: {documents}")
    print(f"baseline_rows: {rows}")
    print(f"baseline_ms: {base:.2f}")
    print(f"baseline_cpu_ms: {base_cpu:.2f}")
    homes: list[float] = []
    cpus: list[float] = []
    with TestClient(create_app(settings, database=database), base_url="https://testserver") as c:
        for demo in demo_service.DEMO_ORGS:
            (providers, cpu), each = providers_ms(database, demo.username)
            page = page_ms(c, demo.username)
            homes.append(providers)
            cpus.append(cpu)
            print(f"home_providers_ms_{demo.username}: {providers:.2f}")
            print(f"home_providers_cpu_ms_{demo.username}: {cpu:.2f}")
            print(f"home_page_ms_{demo.username}: {page:.2f}")
            slowest = sorted(each.items(), key=lambda item: -item[1])[:3]
            print(
                f"slowest_providers_{demo.username}: "
                + ", ".join(f"{name} {ms:.1f}" for name, ms in slowest)
            )
    print(f"home_providers_ms_max: {max(homes):.2f}")
    print(f"home_providers_ms_mean: {statistics.mean(homes):.2f}")
    print(f"home_providers_cpu_ms_mean: {statistics.mean(cpus):.2f}")
    print(f"cpu_ratio: {statistics.mean(cpus) / base_cpu:.3f}")
    print(f"ratio: {statistics.mean(homes) / base:.3f}")


def main(scale: str = "small") -> None:
    """Measure a zone loaded before (OPENCBEC_BENCH_ZONE_URL), or load one of `scale` first."""
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("OPENCBEC_BENCH_ZONE_URL") or f"sqlite:///{tmp}/zone.sqlite3"
        settings = Settings(
            env="test",
            database_url=url,
            var_dir=Path(tmp),
            load_demo=False,
        )
        database = Database(build_engine(url))
        if "OPENCBEC_BENCH_ZONE_URL" not in os.environ:
            upgrade_engine(database.engine)
            start = time.perf_counter()
            report = loader.load_zone(database, settings=settings, scale=scale)
            print(f"zone: {scale} ({report.parcels} order sets)")
            print(f"load_s: {time.perf_counter() - start:.1f}")
        try:
            measure(database, settings)
        finally:
            database.dispose()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "small")
