"""Loading a generated demo zone: the fixed demo, the generated enterprises, a year of traffic.

The first transaction holds the fixed demo, every generated enterprise and their goods, and the
zone's start marker. Each calendar day is then its own transaction, ending with its marker (an
audit row), so a failure leaves every earlier day whole and says where it stopped. Loading again
with the same scale and seed continues after the last whole day; anything else is refused.

Time: the platform runs on the calendar's clock (`kit.time.running_on`), so what is written
carries its planned day, not the moment of the load. The zone is set up on the eve of the
calendar (SET_UP_AT), each day runs on its own hours (see `traffic`), and the fixed demo's own
order sets go on the days their time stamps name. Only the customs bookings, to-dos that are
about days to come, are made on the real clock when the load completes: tomorrow's booking is
the real tomorrow's.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from opencbec.audit import service as audit_service
from opencbec.audit.models import AuditEntry
from opencbec.customs import service as customs_service
from opencbec.db import Database
from opencbec.demo import plan as plan_module
from opencbec.demo import service as demo_service
from opencbec.demo import sets, zone
from opencbec.demo.plan import SCALES, Plan, Scale
from opencbec.demo.traffic import Actors, DayReport, Traffic, ensure_features
from opencbec.errors import Conflict
from opencbec.identity import service as identity_service
from opencbec.identity.models import Organisation, User
from opencbec.kit.i18n import N_, Bilingual
from opencbec.kit.time import CHINA_STANDARD_TIME, Clock, running_on
from opencbec.settings import Settings

audit_service.describe_actions(
    {
        "demo.zone.start": N_("Demo zone loading started"),
        "demo.zone.day": N_("Demo zone traffic of a day loaded"),
        "demo.zone.complete": N_("Demo zone loaded"),
    }
)
MARKER: Final = "demo.zone"
DEFAULT_SEED: Final = 2025
# The fixed demo and the generated enterprises are set up the morning before the calendar starts.
SET_UP_AT: Final = dt.datetime.combine(
    plan_module.START - dt.timedelta(days=1), dt.time(9), CHINA_STANDARD_TIME
)
# The fixed demo's organisations that take part in the traffic, by login.
FIXED_PARTIES: Final = ("platform", "seller", "payment", "logistics", "warehouse")
# (parcels done, parcels planned): called once before the traffic, with the sets earlier runs
# loaded, then after each day.
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class ZoneState:
    """What the database holds of a generated zone."""

    scale: str | None = None
    seed: int | None = None
    last_day: dt.date | None = None
    complete: bool = False
    pending: list[tuple[str, str]] = field(default_factory=list)  # follow-ups waiting then

    @property
    def started(self) -> bool:
        """True when a generated zone's loading has begun."""
        return self.scale is not None


class ZoneRefused(Conflict):
    """The database already holds data the generated zone cannot be loaded into."""


def zone_state(session: Session) -> ZoneState:
    """Return how far a generated zone got, from its markers."""
    rows = session.execute(
        select(AuditEntry.action, AuditEntry.object_id, AuditEntry.details)
        .where(AuditEntry.object_type == MARKER)
        .order_by(AuditEntry.seq)
    ).all()
    scale = seed = last = None
    complete = False
    pending: list[tuple[str, str]] = []
    for action, object_id, details in rows:
        if action == "demo.zone.start":
            scale, seed = str(details["scale"]), int(details["seed"])
        elif action == "demo.zone.day":
            last = dt.date.fromisoformat(object_id)
            pending = [(str(o), str(d)) for o, d in details.get("pending", [])]
        elif action == "demo.zone.complete":
            complete = True
    return ZoneState(scale, seed, last, complete, pending)


def _mark(session: Session, action: str, object_id: str, details: dict[str, Any]) -> None:
    audit_service.record(
        session,
        actor=demo_service.DEMO_ACTOR,
        action=action,
        object_type=MARKER,
        object_id=object_id,
        organisation_id=None,
        details=details,
    )


def check_loadable(session: Session, *, scale: str, seed: int) -> ZoneState:
    """Return the zone's state when loading `scale`/`seed` may start or continue; else refuse."""
    state = zone_state(session)
    if state.complete:
        raise ZoneRefused(
            Bilingual(
                f"The database already holds a demo zone ({state.scale}, seed {state.seed}); nothing loaded.",
                f"数据库中已有演示综试区（{state.scale}，种子 {state.seed}），未加载。",
            )
        )
    if state.started and (state.scale, state.seed) != (scale, seed):
        raise ZoneRefused(
            Bilingual(
                f"An unfinished demo zone ({state.scale}, seed {state.seed}) stopped after "
                f"{state.last_day or 'its enterprises'}; load it again with the same scale and seed to continue.",
                f"未完成的演示综试区（{state.scale}，种子 {state.seed}）停在 "
                f"{state.last_day or '企业数据'} 之后；请用相同规模和种子再次加载以继续。",
            )
        )
    if not state.started and demo_service.is_loaded(session):
        raise ZoneRefused(
            Bilingual(
                "The database already has organisations; the demo zone is loaded only into an empty database.",
                "数据库中已有单位；演示综试区只加载到空数据库。",
            )
        )
    return state


@dataclass(slots=True)
class LoadReport:
    """What a load did, for the command's summary."""

    scale: str
    seed: int
    organisations: int
    parcels: int
    declared: int
    held: list[str]
    refused: list[str]
    follow_ups: int
    summaries: int
    continued_from: dt.date | None
    manifest: Path


def members_of(scale: Scale, seed: int) -> list[zone.Member]:
    """Return the generated enterprises of a scale and seed."""
    return zone.plan_members(
        seed,
        sellers_per_belt=scale.sellers_per_belt,
        importers=scale.importers,
        brokers=scale.brokers,
    )


def plan_of(scale: Scale, seed: int, members: list[zone.Member]) -> Plan:
    """Return the year's traffic plan of a scale and seed."""
    plan = plan_module.plan_traffic(seed, scale, members)
    ensure_features(plan)
    return plan


def load_zone(
    database: Database,
    *,
    settings: Settings,
    scale: str = "small",
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
    probe: Callable[[str], None] | None = None,
) -> LoadReport:
    """Load (or continue loading) a generated demo zone; each day commits on its own."""
    size = SCALES[scale]
    members = members_of(size, seed)
    plan = plan_of(size, seed, members)
    with running_on(Clock(SET_UP_AT)), database.session() as session:
        state = check_loadable(session, scale=scale, seed=seed)
        if not state.started:
            demo_service.load(
                session,
                var_dir=settings.var_dir,
                hs_file=settings.effective_hs_file,
                with_sets=False,
            )
            zone.load_members(session, members=members, var_dir=settings.var_dir)
            _mark(session, "demo.zone.start", "zone", {"scale": scale, "seed": seed})
    manifest = write_manifest(settings.var_dir, plan)
    with database.session() as session:
        actors = _actors(session, members)
    gateway = customs_service.gateway_for(settings)
    traffic = Traffic(
        database,
        actors=actors,
        plan=plan,
        gateway=gateway,
        envelope=customs_service.envelope(settings),
        probe=probe,
        fixed={
            demo_service.IMPORT_SETS_DAY: _fixed(demo_service.declare_import_sets),
            demo_service.EXPORT_SET_DAY: _fixed(demo_service.declare_export_set),
        },
    )
    # Sets of the days an earlier run loaded whole: the first report starts from them.
    done = sum(
        len(parcels)
        for day, parcels in plan.parcels.items()
        if state.last_day is not None and day <= state.last_day
    )
    if progress:
        progress(done, plan.count)
    try:
        if state.last_day is not None:
            traffic.resume(state.last_day, state.pending)
        for day in plan.days():
            if state.last_day is not None and day <= state.last_day:
                continue
            if traffic.idle(day) and day != plan_module.END:
                continue
            traffic.run_day(day, _day_marker(day))
            done += len(plan.parcels.get(day, []))
            if progress:
                progress(done, plan.count)
        traffic.finish()
    finally:
        traffic.close()
    with database.session() as session:
        demo_service.book_appointments(session)
        _mark(session, "demo.zone.complete", "zone", {"scale": scale, "seed": seed})
        organisations = len(session.scalars(select(Organisation.id)).all())
    return LoadReport(
        scale,
        seed,
        organisations,
        traffic.report.parcels,
        traffic.report.declared,
        traffic.report.held,
        traffic.report.refused,
        traffic.report.follow_ups,
        traffic.report.summaries,
        state.last_day,
        manifest,
    )


def _fixed(
    declare: Callable[[Session, Mapping[str, User]], None],
) -> Callable[[Session], None]:
    def run(session: Session) -> None:
        declare(session, demo_service.demo_users(session))

    return run


def _day_marker(day: dt.date) -> Callable[[Session, DayReport], None]:
    def mark(session: Session, report: DayReport) -> None:
        _mark(
            session,
            "demo.zone.day",
            day.isoformat(),
            {
                "parcels": report.parcels,
                "declared": report.declared,
                "held": len(report.held),
                "refused": len(report.refused),
                "pending": report.pending,
            },
        )

    return mark


def _actors(session: Session, members: list[zone.Member]) -> Actors:
    generated = zone.Zone(members)
    for member in members:
        org = identity_service.get_organisation_by_code(session, member.code)
        assert org is not None
        generated.principals[member.code] = zone.acting_principal(session, org)
    fixed: dict[str, Any] = {}
    fixed_parties: dict[str, sets.Party] = {}
    codes = {
        "platform": sets.DEMO_EBP,
        "seller": sets.DEMO_EBC,
        "payment": sets.DEMO_PAY,
        "logistics": sets.DEMO_LOGISTICS,
        "warehouse": sets.DEMO_WAREHOUSE,
    }
    for login in FIXED_PARTIES:
        user = session.scalar(select(User).where(User.username == login))
        assert user is not None
        fixed[login] = identity_service.principal_for_user(session, user)
        fixed_parties[login] = sets.Party(codes[login], sets.NAMES[codes[login]])
    return Actors(generated, fixed, fixed_parties)


def write_manifest(var_dir: Path, plan: Plan) -> Path:
    """Write the planted fraud patterns where later risk work can find them; return the file."""
    path = var_dir / "demo" / "fraud-manifest.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "seed": plan.seed,
        "scale": plan.scale.name,
        "calendar": {"start": plan_module.START.isoformat(), "end": plan_module.END.isoformat()},
        "patterns": plan.patterns,
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return path
