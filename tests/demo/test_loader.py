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

from opencbec.audit import service as audit_service
from opencbec.audit.models import AuditEntry
from opencbec.clearance.models import ClearanceDocument, DocumentReceipt
from opencbec.customs import jobs as customs_jobs
from opencbec.db import Database, build_engine
from opencbec.demo import digest, loader, plan, traffic
from opencbec.demo import service as demo_service
from opencbec.identity import service as identity_service
from opencbec.identity.models import User
from opencbec.kit.time import CHINA_STANDARD_TIME
from opencbec.migrate import upgrade_engine
from opencbec.settings import Settings
from opencbec.warehousing import portal as warehousing_portal
from opencbec.warehousing import service as warehousing_service
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


def test_the_bonded_warehouse_ends_the_year_with_goods_to_dispatch(straight: Loaded) -> None:
    eve = plan.END - dt.timedelta(days=1)
    with straight.database.session(write=False) as session:
        user = session.scalar(select(User).where(User.username == "warehouse"))
        assert user is not None
        principal = identity_service.principal_for_user(session, user)
        stages = warehousing_service.bonded_figures(
            session, scope=warehousing_service.scope_of(session, principal)
        ).stages
        todos = warehousing_portal.warehouse_todos(session, principal)
        declared_on_eve = session.scalar(
            select(func.count()).where(
                ClearanceDocument.kind == "inventory",
                ClearanceDocument.order_no.like(f"XI{eve:%Y%m%d}%"),
            )
        )
    assert (declared_on_eve or 0) >= plan.TO_DISPATCH
    # released on the last day's pass, delivered after it: the warehouse has them to send out
    assert stages["dispatch"] + stages["customs"] >= plan.TO_DISPATCH
    assert todos


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


# The documents of a planned set that carry its order number (an export waybill does not).
_SENT = frozenset(
    {"order", "payment", "inventory", "export_order", "collection", "export_inventory"}
)


def _china(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(CHINA_STANDARD_TIME)


def test_documents_carry_their_planned_day_and_hour_not_the_load_time(straight: Loaded) -> None:
    with straight.database.session(write=False) as session:
        documents = session.scalars(select(ClearanceDocument).order_by(ClearanceDocument.id)).all()
    created = [d.created_at for d in documents]
    days = {_china(c).date() for c in created}
    assert plan.START <= min(days) <= max(days) <= plan.END
    assert len(days) > 20
    # Written one after another through the day: in order, never two at one moment.
    assert created == sorted(created)
    assert len(set(created)) == len(created)
    # Each set on its planned day (the fixed demo's on the days their stamps name), in the hours
    # the parties send.
    size = plan.SCALES["tiny"]
    planned = loader.plan_of(size, SEED, loader.members_of(size, SEED))
    day_of = {p.order_no: p.day for parcels in planned.parcels.values() for p in parcels}
    for n in range(1, 5):
        day_of[f"MYMALL{demo_service.IMPORT_SETS_DAY:%Y%m%d}{n:04d}"] = demo_service.IMPORT_SETS_DAY
    day_of[f"MYMALLEX{demo_service.EXPORT_SET_DAY:%Y%m%d}0001"] = demo_service.EXPORT_SET_DAY
    sent = [d for d in documents if d.kind in _SENT]
    assert {d.order_no for d in sent} == set(day_of)
    for document in sent:
        assert document.order_no is not None
        assert _china(document.created_at).date() == day_of[document.order_no], document.order_no
    hours = {_china(d.created_at).hour for d in sent if "MYMALL" not in (d.order_no or "")}
    assert min(hours) == traffic.OPENS.hour
    assert max(hours) < traffic.FOLLOW_UPS_AT.hour


def test_receipts_answer_after_the_message_and_arrive_after_they_were_sent(
    straight: Loaded,
) -> None:
    with straight.database.session(write=False) as session:
        pairs = session.execute(
            select(DocumentReceipt, ClearanceDocument).join(
                ClearanceDocument, ClearanceDocument.id == DocumentReceipt.document_id
            )
        ).all()
    assert len(pairs) > 100
    for receipt, document in pairs:
        returned = dt.datetime.strptime(receipt.return_time[:14], "%Y%m%d%H%M%S").replace(
            tzinfo=CHINA_STANDARD_TIME
        )
        if document.kind in _SENT:
            assert document.created_at <= returned, (document.kind, document.order_no)
        assert returned <= receipt.received_at, (document.kind, document.order_no)


def test_the_audit_log_keeps_its_chain_and_runs_forward_through_the_calendar(
    straight: Loaded,
) -> None:
    with straight.database.session(write=False) as session:
        assert audit_service.verify(session).ok
        entries = session.execute(
            select(AuditEntry.at, AuditEntry.action, AuditEntry.object_id).order_by(AuditEntry.seq)
        ).all()
    moments = [at for at, _, _ in entries]
    assert moments == sorted(moments)
    marked = [(at, day) for at, action, day in entries if action == "demo.zone.day"]
    assert len(marked) > 20
    assert all(_china(at).date().isoformat() == day for at, day in marked)
    assert loader.SET_UP_AT <= moments[0] < loader.SET_UP_AT + dt.timedelta(seconds=1)
    # Only the customs bookings, to-dos of the days to come, are made on the real clock.
    real = {action for at, action, _ in entries if _china(at).date() > plan.END}
    assert real <= {
        "appointments.site.create", "appointments.closure.add", "appointments.booking.book",
        "appointments.booking.result", "demo.zone.complete",
    }  # fmt: skip


def test_a_continued_load_writes_the_same_moments(interrupted: Loaded, straight: Loaded) -> None:
    def moments(database: Database) -> list[tuple[str, str, dt.datetime]]:
        with database.session(write=False) as session:
            rows = session.execute(
                select(
                    ClearanceDocument.kind, ClearanceDocument.order_no, ClearanceDocument.created_at
                )
            ).all()
        return sorted((kind, order_no or "", created) for kind, order_no, created in rows)

    assert moments(interrupted.database) == moments(straight.database)
