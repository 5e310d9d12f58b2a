"""Sending the planned year through the real path, one calendar day at a time.

Each day: every party sends its own messages (`clearance.service.ingest_message`, which keeps the
pre-flight check), declarants declare their ready sets and ask for planned cancellations and
returns (`customs.service.declare_set` / `declare_document`), and the day commits with its
marker. Then the customs link writes the outbox and applies the inbox (`customs.jobs.link_once`),
and the customs simulator answers on the generated calendar's clock, so receipt times are the
zone's, never the loading machine's.

The platform runs on the planned day's clock too (`kit.time.running_on`): a day's sets arrive
one after another from 08:00 to 16:00 China time, follow-ups, summaries and declarations follow
in the late afternoon, the link runs at 17:45 and customs answers at 18:00, so every row written
carries the hour it would have had (created_at, audit entries, quota entries, the outbox).

Like the link's jobs, this owns its transactions (one per day, plus the link's own): a failure
leaves every earlier day whole and the failed day unwritten.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from opencbec.clearance import service as clearance_service
from opencbec.clearance.models import ClearanceDocument, SummaryCandidate
from opencbec.customs import jobs as customs_jobs
from opencbec.customs import service as customs_service
from opencbec.customs.gateway import FolderExchange
from opencbec.db import Database
from opencbec.demo import plan as plan_module
from opencbec.demo import sets
from opencbec.demo.plan import FIXED, Parcel, Plan
from opencbec.demo.zone import Zone
from opencbec.errors import DomainError
from opencbec.identity.rules import Principal
from opencbec.kit.time import CHINA_STANDARD_TIME, Clock, running_on
from opencbec.messages import ceb
from opencbec.simulator.service import Config, Simulator
from opencbec.tax import rules as tax_rules
from opencbec.tax import service as tax_service

# The simulator answers one step every 8 hours and runs at 18:00 each day: a set declared on day d
# is accepted and released by d+1's run and delivered (899) by d+2's, so a cancellation asked on
# d+3 finds it released but not yet delivered.
PASS_HOUR: Final = 18
# A planned day's hours, China time: sets arrive from OPENS for SENDING, at most SET_GAP apart
# (their messages share the gap); then the day's other work, each at its hour.
OPENS: Final = dt.time(8)
SENDING: Final = dt.timedelta(hours=8)
SET_GAP: Final = dt.timedelta(minutes=10)
FOLLOW_UPS_AT: Final = dt.time(16)
SUMMARIES_AT: Final = dt.time(16, 30)
DECLARING_AT: Final = dt.time(17)  # declarations are spread over the half hour from here
DECLARING: Final = dt.timedelta(minutes=30)
CLOSING_AT: Final = dt.time(17, 40)  # the day's marker
LINK_AT: Final = dt.time(17, 45)
AFTER_PASS: Final = dt.timedelta(minutes=30)  # the last link run, after customs' last pass
STEP_SECONDS: Final = 8 * 3600
REVIEW_RATE: Final = 0.08
INSPECTION_RATE: Final = 0.05
FOLLOW_UP_AFTER: Final = {"cancel": 3, "return": 8}
FOLLOW_UP_PATIENCE: Final = 6
SUMMARY_DAY: Final = 3  # a month's summaries are declared from the 3rd of the next (by the 15th)  # days a planned follow-up waits for its inventory's status
LINK_BATCH: Final = 200  # inbox files a link transaction applies
DRAIN_RUNS: Final = 10_000  # link runs a drain may take (a safety bound: each writes or applies)
_RELEASED: Final = frozenset({"800", "899"})
_FINAL: Final = frozenset({"100", "cancelled"})


@dataclass(slots=True)
class Actors:
    """Who sends what: the generated enterprises and the fixed demo's, by plan code."""

    zone: Zone
    fixed: dict[str, Principal]  # by login
    fixed_parties: dict[str, sets.Party]  # by login

    def principal(self, code: str) -> Principal:
        """Return the principal a party of the plan acts as."""
        if code.startswith(FIXED):
            return self.fixed[code.removeprefix(FIXED)]
        return self.zone.principals[code]

    def by_organisation(self, organisation_id: int) -> Principal:
        """Return the principal of an organisation that takes part in the traffic."""
        for principal in [*self.zone.principals.values(), *self.fixed.values()]:
            if principal.organisation_id == organisation_id:
                return principal
        raise KeyError(organisation_id)

    def party(self, code: str) -> sets.Party:
        """Return a party as a set names it."""
        if code.startswith(FIXED):
            return self.fixed_parties[code.removeprefix(FIXED)]
        return self.zone.by_code[code].party


@dataclass(slots=True)
class DayReport:
    """What the traffic did, day by day."""

    parcels: int = 0
    declared: int = 0
    held: list[str] = field(default_factory=list)  # sets the pre-flight check stopped
    refused: list[str] = field(default_factory=list)  # messages the platform refused
    follow_ups: int = 0
    pending: list[tuple[str, str]] = field(default_factory=list)  # (order, due) still waiting
    summaries: int = 0  # summary applications (CEB701) declared


@dataclass(frozen=True, slots=True)
class PendingFollowUp:
    """A cancellation or return waiting for its inventory to reach the right status."""

    parcel: Parcel
    due: dt.date


def at(day: dt.date, time: dt.time) -> dt.datetime:
    """Return `time` (China time) of a planned day."""
    return dt.datetime.combine(day, time, CHINA_STANDARD_TIME)


def set_gap(count: int) -> dt.timedelta:
    """Return the time between two of a day's `count` sets: the sending hours shared evenly."""
    return min(SENDING / max(count, 1), SET_GAP)


def sending_time(day: dt.date, serial: int, count: int) -> dt.datetime:
    """Return when the `serial`-th (from 1) of a day's `count` sets is sent."""
    return at(day, OPENS) + (serial - 1) * set_gap(count)


def declaring_time(day: dt.date, serial: int, count: int) -> dt.datetime:
    """Return when the `serial`-th (from 1) of a day's `count` sets is declared."""
    return at(day, DECLARING_AT) + (serial - 1) * (DECLARING / max(count, 1))


def stamp(moment: dt.datetime) -> str:
    """Return a message's application time (yyyyMMddHHmmss, China time) for `moment`."""
    return moment.astimezone(CHINA_STANDARD_TIME).strftime("%Y%m%d%H%M%S")


def _goods(parcel: Parcel) -> list[sets.Goods]:
    return [
        sets.Goods(line.article.name_zh, line.article.code, line.article.unit, line.qty, line.price)
        for line in parcel.lines
    ]


def _parties(actors: Actors, parcel: Parcel) -> sets.Parties:
    return sets.Parties(
        actors.party(parcel.platform),
        actors.party(parcel.seller),
        actors.party(parcel.payment),
        actors.party(parcel.logistics),
        actors.party(parcel.agent),
    )


def _import_tax(rates: tax_rules.RateTable, parcel: Parcel, freight: Decimal) -> Decimal:
    lines = tax_rules.allocate_taxable_prices(
        [(n, g.code, g.qty, g.total) for n, g in enumerate(_goods(parcel), start=1)],
        freight=freight,
        insured_fee=Decimal(0),
    )
    # The platform checks taxTotal against the rates in force today (the code tables start the day
    # they are loaded), so the demo computes it the same way.
    return tax_rules.compute_import_tax(
        lines, rates, on=dt.date.today(), year_to_date=Decimal(0)
    ).total


def messages_of(
    actors: Actors, parcel: Parcel, sent: dt.datetime, rates: tax_rules.RateTable
) -> list[tuple[Principal, Any]]:
    """Return each message of a planned set sent at `sent` with the principal who sends it."""
    parties, when = _parties(actors, parcel), stamp(sent)
    if parcel.direction == "import":
        freight = Decimal(0) if parcel.mode == "1210" else Decimal("30.00")
        terms = sets.ImportTerms(
            tax=_import_tax(rates, parcel, freight),
            freight=freight,
            trade_mode=parcel.mode,
            traf_mode=parcel.traf_mode,
            area=actors.party(parcel.area) if parcel.area else None,
            country=parcel.country,
        )
        consignee = plan_module.buyer(parcel.consignee) if parcel.consignee >= 0 else None
        order, money, waybill, inventory = sets.parcel_set(
            parcel.order_no,
            parties=parties,
            buyer=plan_module.buyer(parcel.buyer),
            goods=_goods(parcel),
            stamp=when,
            terms=terms,
            consignee=consignee,
        )
        if parcel.flaw == "payment_amount":  # the payment company keyed the amount wrongly
            money.payment[0].payment_head.amountPaid += Decimal("1.00")
    else:
        terms_out = sets.ExportTerms(
            trade_mode=parcel.mode,
            traf_mode=parcel.traf_mode,
            country=parcel.country,
            port=f"{parcel.country}1",
            weight=Decimal(2) + sum((line.qty for line in parcel.lines), Decimal(0)) / 4,
        )
        order, money, waybill, inventory = sets.shipment_set(
            parcel.order_no, parties=parties, goods=_goods(parcel), stamp=when, terms=terms_out
        )
        if parcel.collected:  # a planted pattern: more money in than goods out
            money.receipts[0].charge = parcel.collected
    out = [
        (actors.principal(parcel.platform), order),
        (actors.principal(parcel.payment), money),
        (actors.principal(parcel.logistics), waybill),
        (actors.principal(parcel.agent), inventory),
    ]
    if parcel.flaw == "missing_waybill":  # the carrier never sent it: the set stays incomplete
        del out[2]
    return out


class Traffic:
    """Runs the planned days through the platform, the customs link and the simulator."""

    def __init__(
        self,
        database: Database,
        *,
        actors: Actors,
        plan: Plan,
        gateway: FolderExchange,
        envelope: customs_service.Envelope,
        probe: Callable[[str], None] | None = None,
        fixed: Mapping[dt.date, Callable[[Session], None]] | None = None,
    ) -> None:
        self.database, self.actors, self.plan = database, actors, plan
        self.gateway, self.envelope = gateway, envelope
        self.probe = probe or (lambda _point: None)
        # The fixed demo's own work, done first on its days (before the sets arrive at OPENS).
        self.fixed = dict(fixed or {})
        self.now = at(plan_module.START, dt.time(PASS_HOUR))  # customs' clock
        self.clock = Clock(at(plan_module.START, dt.time(0)))  # the platform's
        config = Config(
            seed=plan.seed,
            delay_seconds=STEP_SECONDS,
            review_rate=REVIEW_RATE,
            inspection_rate=INSPECTION_RATE,
        )
        self.simulator = Simulator(gateway.root, config=config, clock=lambda: self.now)
        self.pending: list[PendingFollowUp] = []
        self.report = DayReport()
        self.last_day: dt.date | None = None  # the last day run (or continued after)

    def close(self) -> None:
        """Close the simulator's state."""
        self.simulator.close()

    def _queue_follow_ups(self, day: dt.date) -> None:
        for parcel in self.plan.parcels.get(day, []):
            if parcel.follow_up and parcel.declare:
                due = day + dt.timedelta(days=FOLLOW_UP_AFTER[parcel.follow_up])
                self.pending.append(PendingFollowUp(parcel, due))

    def run_day(self, day: dt.date, mark: Callable[[Session, DayReport], None]) -> DayReport:
        """Send one day's traffic, commit it with its marker, then run the link and customs."""
        report = DayReport()
        parcels = self.plan.parcels.get(day, [])
        for parcel in parcels:
            if parcel.elsewhere:  # what this buyer bought through other platforms this year
                self.simulator.record_purchases_elsewhere(
                    plan_module.buyer(parcel.buyer).id_number,
                    year=parcel.day.year,
                    amount=parcel.elsewhere,
                    reference=parcel.order_no,
                )
        clock, count = self.clock, len(parcels)
        with running_on(clock), self.database.session() as session:
            clock.advance_to(at(day, dt.time(0)))
            if day in self.fixed:
                self.fixed[day](session)
            rates = tax_service.rate_table(session, on=dt.date.today())
            for serial, parcel in enumerate(parcels, start=1):
                sent = sending_time(day, serial, count)
                messages = messages_of(self.actors, parcel, sent, rates)
                for step, (principal, message) in enumerate(messages):
                    clock.advance_to(sent + step * set_gap(count) / len(messages))
                    self._send(session, principal, message, parcel, report)
                report.parcels += 1
            clock.advance_to(at(day, FOLLOW_UPS_AT))
            report.follow_ups = self._follow_ups(session, day)
            clock.advance_to(at(day, SUMMARIES_AT))
            report.summaries = self._summaries(session, day)
            for serial, parcel in enumerate(parcels, start=1):
                if parcel.declare:  # a flawed set is tried too: the pre-flight check holds it
                    clock.advance_to(declaring_time(day, serial, count))
                    self._declare(session, parcel, report)
            self._queue_follow_ups(day)
            report.pending = [(p.parcel.order_no, p.due.isoformat()) for p in self.pending]
            self.probe(f"day:{day.isoformat()}")
            clock.advance_to(at(day, CLOSING_AT))
            mark(session, report)
        self.answer(day)
        self.last_day = day
        self.report.parcels += report.parcels
        self.report.declared += report.declared
        self.report.held += report.held
        self.report.refused += report.refused
        self.report.follow_ups += report.follow_ups
        self.report.summaries += report.summaries
        return report

    def answer(self, day: dt.date) -> None:
        """Let the link write the outbox and apply the inbox at 17:45, then customs answer at
        18:00."""
        self.clock.advance_to(at(day, LINK_AT))
        self.drain()
        self.now = at(day, dt.time(PASS_HOUR))
        self.simulator.run_once()

    def finish(self) -> None:
        """Let the link apply customs' last answers, half an hour after its last pass."""
        self.clock.advance_to(self.now + AFTER_PASS)
        self.drain()

    def resume(self, last_day: dt.date, pending: list[tuple[str, str]]) -> None:
        """Continue after `last_day`, the last whole day: restore the waiting follow-ups its
        marker kept, write what is still queued and let customs answer it, as if the run had
        not stopped. The inbox is left for the next day's link run, where an unbroken run
        applies it too.
        """
        by_order = {p.order_no: p for parcels in self.plan.parcels.values() for p in parcels}
        self.pending = [PendingFollowUp(by_order[o], dt.date.fromisoformat(d)) for o, d in pending]
        self.clock.advance_to(at(last_day, LINK_AT))
        with running_on(self.clock), self.database.session() as session:
            customs_service.flush_outbox(session, gateway=self.gateway)
        self.now = at(last_day, dt.time(PASS_HOUR))
        self.simulator.run_once()
        self.last_day = last_day

    def drain(self) -> None:
        """Let the link write the whole outbox and apply all that waits in the inbox.

        One link run writes at most a few hundred messages and applies at most MAX_BATCHES
        batches: a busy day of a large zone has more, and what was left would reach customs a
        day late, again and again. Runs follow each other until one finds nothing to do.
        """
        with running_on(self.clock):
            for _ in range(DRAIN_RUNS):
                run = customs_jobs.link_once(self.database, gateway=self.gateway, batch=LINK_BATCH)
                if not (run.written or run.already or run.applied or run.dead):
                    return

    def idle(self, day: dt.date) -> bool:
        """True when nothing happens on `day`: no parcels, no follow-up waiting and no work of
        the fixed demo. Such a day is skipped (receipts keep the times they were scheduled
        with); while a follow-up waits, customs answers daily, so the request meets each status
        of its inventory."""
        return not self.plan.parcels.get(day) and not self.pending and day not in self.fixed

    def _send(
        self,
        session: Session,
        principal: Principal,
        message: Any,
        parcel: Parcel,
        report: DayReport,
    ) -> None:
        # The platform may refuse a message whole (a buyer past the annual limit has the inventory
        # refused when it arrives): the refusal is part of the story, the rest of the day goes on.
        try:
            with session.begin_nested():
                clearance_service.ingest_message(
                    session, principal=principal, data=ceb.encode(message)
                )
        except DomainError:
            report.refused.append(f"{parcel.order_no}/{type(message).__name__[:6]}")

    def _declare(self, session: Session, parcel: Parcel, report: DayReport) -> None:
        try:
            with session.begin_nested():
                customs_service.declare_set(
                    session,
                    principal=self.actors.principal(parcel.agent),
                    order_no=parcel.order_no,
                    envelope=self.envelope,
                )
        except DomainError:
            report.held.append(parcel.order_no)
            return
        report.declared += 1

    def _summaries(self, session: Session, day: dt.date) -> int:
        """On the first day run from the 3rd of a month, each declarant prepares and declares
        last month's summary applications of its released 9610 exports (清单核放、汇总申报)."""
        start = day.replace(day=SUMMARY_DAY)
        if day < start or (self.last_day is not None and self.last_day >= start):
            return 0
        month = (day.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
        owners = session.scalars(
            select(SummaryCandidate.organisation_id)
            .where(SummaryCandidate.month == month, SummaryCandidate.state == "pending")
            .distinct()
            .order_by(SummaryCandidate.organisation_id)
        ).all()
        declared = 0
        for organisation_id in owners:
            principal = self.actors.by_organisation(organisation_id)
            try:
                with session.begin_nested():
                    declared += self._summarise(session, principal, month)
            except DomainError:
                continue  # left for the declarant to do by hand: the home page shows it due
        return declared

    def _summarise(self, session: Session, principal: Principal, month: str) -> int:
        applications: list[int] = []
        while True:
            prepared = clearance_service.prepare_applications(
                session, principal=principal, month=month
            )
            applications += prepared.applications
            if prepared.finished or not prepared.applications:
                break
        for application_id in applications:
            customs_service.declare_document(
                session, principal=principal, document_id=application_id, envelope=self.envelope
            )
        return len(applications)

    def _follow_ups(self, session: Session, day: dt.date) -> int:
        done, waiting = 0, []
        for pending in self.pending:
            if pending.due > day:
                waiting.append(pending)
                continue
            outcome = self._follow_up(session, pending.parcel)
            if outcome == "wait" and (day - pending.due).days < FOLLOW_UP_PATIENCE:
                waiting.append(pending)
            done += outcome == "sent"
        self.pending = waiting
        return done

    def _follow_up(self, session: Session, parcel: Parcel) -> str:
        principal = self.actors.principal(parcel.agent)
        ebc = self.actors.party(parcel.seller).code
        inventory = session.scalar(
            select(ClearanceDocument).where(
                ClearanceDocument.kind == "inventory",
                ClearanceDocument.business_key == f"{ebc}|I{parcel.order_no}",
            )
        )
        if inventory is None or inventory.status in _FINAL:
            return "dropped"
        wanted = {"800"} if parcel.follow_up == "cancel" else _RELEASED
        if inventory.status not in wanted:
            return "wait"
        # A request already made (before an interrupted load stopped) is refused: nothing to do.
        try:
            with session.begin_nested():
                if parcel.follow_up == "cancel":
                    request = clearance_service.request_cancellation(
                        session,
                        principal=principal,
                        inventory_id=inventory.id,
                        reason="buyer_cancelled",
                    )
                else:
                    request = clearance_service.request_import_return(
                        session,
                        principal=principal,
                        inventory_id=inventory.id,
                        reason="buyer_returned",
                    )
                customs_service.declare_document(
                    session, principal=principal, document_id=request.id, envelope=self.envelope
                )
        except DomainError:
            return "dropped"
        return "sent"


def ensure_features(plan: Plan) -> None:
    """Give a small plan at least one cancellation, one return and one set of each flaw the
    pre-flight check holds, whatever the draw (the latest plain import early enough gets it)."""
    wanted = [("follow_up", "cancel"), ("follow_up", "return")]
    wanted += [("flaw", "payment_amount"), ("flaw", "missing_waybill")]
    for attribute, value in wanted:
        if any(getattr(p, attribute) == value for day in plan.parcels.values() for p in day):
            continue
        latest = plan_module.END - dt.timedelta(days=FOLLOW_UP_AFTER["return"] + 3)
        for day in sorted((d for d in plan.parcels if d <= latest), reverse=True):
            todays = plan.parcels[day]
            index = next(
                (
                    i
                    for i, p in enumerate(todays)
                    if p.direction == "import" and not (p.flaw or p.follow_up or p.pattern)
                ),
                None,
            )
            if index is not None:
                chosen = todays[index]
                todays[index] = (
                    dataclasses.replace(chosen, follow_up=value)
                    if attribute == "follow_up"
                    else dataclasses.replace(chosen, flaw=value)
                )
                break
