"""Loading a generated zone through the real path: deterministic by seed, whole days or nothing,
continued after a failure, refused over another zone."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import func, select

from opencbec.clearance.models import ClearanceDocument, DocumentReceipt
from opencbec.customs import jobs as customs_jobs
from opencbec.db import Database, build_engine
from opencbec.demo import digest, loader, plan, traffic
from opencbec.migrate import upgrade_engine
from opencbec.settings import Settings
from tests.conftest import FreshDatabases, TinyZone

SEED = 2025


def _stop_day() -> dt.date:
    # The first busy day after a planned cancellation or return: the load fails there once, with
    # the follow-up still waiting (its marker must carry it over).
    size = plan.SCALES["tiny"]
    planned = loader.plan_of(size, SEED, loader.members_of(size, SEED))
    first = min(d for d, parcels in planned.parcels.items() if any(p.follow_up for p in parcels))
    return min(d for d in planned.parcels if d > first)


STOP = _stop_day()


class Stop(Exception):
    pass


@dataclass
class Loaded:
    database: Database
    settings: Settings
    digest: dict[str, str]
    progress: list[tuple[int, int]] = field(default_factory=list)  # (done, planned) reported


def _database(fresh: FreshDatabases) -> Database:
    database = Database(build_engine(fresh.new_url()))
    upgrade_engine(database.engine)
    return database


def _settings(var_dir: Path) -> Settings:
    return Settings(env="test", var_dir=var_dir, password_time_cost=1, password_memory_kib=64)  # type: ignore[arg-type]


def _digest(database: Database) -> dict[str, str]:
    with database.session(write=False) as session:
        return digest.zone_digest(session)


@pytest.fixture(scope="module")
def interrupted(
    fresh_databases: FreshDatabases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Loaded]:
    """A tiny zone whose load failed on STOP once and was then continued."""
    database = _database(fresh_databases)
    settings = _settings(tmp_path_factory.mktemp("interrupted"))

    def probe(point: str) -> None:
        if point == f"day:{STOP.isoformat()}":
            raise Stop(point)

    with pytest.raises(Stop):
        loader.load_zone(database, settings=settings, scale="tiny", seed=SEED, probe=probe)
    with database.session(write=False) as session:
        state = loader.zone_state(session)
        stopped_day = [
            d
            for d in session.scalars(select(ClearanceDocument.order_no))
            if d and STOP.strftime("%Y%m%d") in d
        ]
    assert state.started
    assert not state.complete
    assert state.last_day is not None
    assert state.last_day < STOP
    assert stopped_day == []  # the failed day left nothing behind
    with (
        database.session() as session,
        pytest.raises(loader.ZoneRefused, match="same scale and seed"),
    ):
        loader.check_loadable(session, scale="tiny", seed=SEED + 1)
    reported: list[tuple[int, int]] = []
    report = loader.load_zone(
        database,
        settings=settings,
        scale="tiny",
        seed=SEED,
        progress=lambda done, planned: reported.append((done, planned)),
    )
    assert report.continued_from == state.last_day
    yield Loaded(database, settings, _digest(database), reported)
    database.dispose()


@pytest.fixture(scope="module")
def straight(tiny_zone: TinyZone, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    """The same tiny zone loaded in one go (the run's shared load, copied)."""
    assert (tiny_zone.SCALE, tiny_zone.SEED) == ("tiny", SEED)
    database, settings = tiny_zone.copy(tmp_path_factory.mktemp("straight"))
    yield Loaded(database, settings, _digest(database))
    database.dispose()


def test_same_seed_gives_the_same_zone_even_after_a_failure(
    interrupted: Loaded, straight: Loaded
) -> None:
    assert interrupted.digest == straight.digest


def test_a_continued_load_reports_progress_from_the_sets_loaded_before(
    interrupted: Loaded,
) -> None:
    size = plan.SCALES["tiny"]
    planned = loader.plan_of(size, SEED, loader.members_of(size, SEED))
    before = sum(len(p) for day, p in planned.parcels.items() if day < STOP)
    first, *rest = interrupted.progress
    assert first == (before, planned.count)  # where this run starts, before it sends anything
    assert rest, "each day run reports"
    assert [done for done, _ in rest] == sorted(done for done, _ in rest)
    assert rest[-1] == (planned.count, planned.count)


def test_a_day_whose_receipts_exceed_a_link_run_is_drained_whole(
    fresh_databases: FreshDatabases,
    tmp_path: Path,
    straight: Loaded,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A link run that applies two inbox files at most: each day's receipts take many runs, as a
    # large zone's take many of the real size. The zone must not change.
    monkeypatch.setattr(traffic, "LINK_BATCH", 2)
    monkeypatch.setattr(customs_jobs, "MAX_BATCHES", 1)
    database = _database(fresh_databases)
    loader.load_zone(database, settings=_settings(tmp_path), scale="tiny", seed=SEED)
    drained = _digest(database)
    database.dispose()
    assert drained == straight.digest


def test_another_seed_gives_another_zone(
    fresh_databases: FreshDatabases, tmp_path: Path, straight: Loaded
) -> None:
    # Only the enterprises are loaded (the first day stops it): enough to tell the seeds apart.
    database = _database(fresh_databases)

    def probe(point: str) -> None:
        raise Stop(point)

    with pytest.raises(Stop):
        loader.load_zone(
            database, settings=_settings(tmp_path), scale="tiny", seed=SEED + 1, probe=probe
        )
    other = _digest(database)
    database.dispose()
    assert other["organisations"] != straight.digest["organisations"]
    assert other["filings"] != straight.digest["filings"]


def test_a_loaded_zone_is_not_loaded_again(straight: Loaded) -> None:
    with pytest.raises(loader.ZoneRefused, match="already holds a demo zone"):
        loader.load_zone(straight.database, settings=straight.settings, scale="tiny", seed=SEED)


def test_a_database_with_other_data_is_refused(
    fresh_databases: FreshDatabases, tmp_path: Path
) -> None:
    from opencbec.demo import service as demo_service

    database = _database(fresh_databases)
    with database.session() as session:
        demo_service.load(session, var_dir=tmp_path)
    with pytest.raises(loader.ZoneRefused, match="already has organisations"):
        loader.load_zone(database, settings=_settings(tmp_path), scale="tiny", seed=SEED)
    database.dispose()


def test_the_traffic_went_through_customs(straight: Loaded) -> None:
    with straight.database.session(write=False) as session:
        statuses = dict(
            session.execute(
                select(ClearanceDocument.kind, func.count())
                .where(ClearanceDocument.status.in_(["899", "800"]))
                .group_by(ClearanceDocument.kind)
            ).all()
        )
        kinds = set(session.scalars(select(ClearanceDocument.kind)))
        receipt_times = set(session.scalars(select(DocumentReceipt.return_time)))
    assert statuses["inventory"] > 10
    assert statuses["export_inventory"] > 5
    assert {"tax_bill", "cancellation", "return", "summary_application", "summary_result"} <= kinds
    # Receipt times come from the generated calendar, never from the day the test ran.
    assert all(plan.START.strftime("%Y%m%d") <= t[:8] <= "20261122" for t in receipt_times)


def test_the_manifest_names_the_planted_patterns(straight: Loaded) -> None:
    manifest = json.loads((straight.settings.var_dir / "demo" / "fraud-manifest.json").read_text())
    assert manifest["seed"] == SEED
    assert {p["pattern"] for p in manifest["patterns"]} == {
        "split_order", "shared_buyer", "undervalued", "quota_elsewhere", "overcollected",
    }  # fmt: skip
    elsewhere = next(p for p in manifest["patterns"] if p["pattern"] == "quota_elsewhere")
    with straight.database.session(write=False) as session:
        refused = session.scalars(
            select(ClearanceDocument).where(
                ClearanceDocument.kind == "inventory",
                ClearanceDocument.order_no.in_(elsewhere["orders"]),
            )
        ).one()
    # The platform's check passed it; customs, which sees the buyer's other purchases, refused it.
    assert refused.status == "100"
    assert "-621018" in (refused.status_info or ""), refused.status_info
    split = next(p for p in manifest["patterns"] if p["pattern"] == "split_order")
    with straight.database.session(write=False) as session:
        inventories = set(
            session.scalars(
                select(ClearanceDocument.order_no).where(
                    ClearanceDocument.kind == "inventory",
                    ClearanceDocument.order_no.in_(split["orders"]),
                )
            )
        )
    # The platform refused the inventories that would pass the buyer's annual limit.
    assert 0 < len(inventories) < len(split["orders"])
