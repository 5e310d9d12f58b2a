"""Export summary declaration (清单核放、汇总申报): released 9610 export inventories wait for
their month's summary; the month's groups (summary_groups.py) become CEB701 summary applications
(汇总申请单), stored through ingest_message, a round at a time; the months due, with the
deadline (the 15th of the next month) behind the home reminder. Summary results (CEB792) are tied
to their applications in summary_results.py.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opencbec.audit import service as audit_service
from opencbec.clearance.models import ClearanceDocument, SummaryCandidate, SummaryLine
from opencbec.clearance.service.documents import ingest_message, register_document_hook
from opencbec.clearance.service.summary_groups import (
    RELEASED,
    SUMMARY_TRADE_MODE,
    CandidateLine,
    Group,
    china_today,
    deadline_of,
    field_text,
    inventory_head,
    month_of,
    pending_inventories,
    preview_month,
)
from opencbec.errors import invalid
from opencbec.identity.rules import Principal
from opencbec.kit.i18n import N_
from opencbec.kit.time import CHINA_STANDARD_TIME, utcnow
from opencbec.messages.ceb import encode, message_class, skeleton
from opencbec.messages.ceb.models.exp_summary import SummaryApplyList

audit_service.describe_actions(
    {
        "clearance.summary.release": N_("Released export inventory waits for its summary"),
        "clearance.summary.prepare": N_("Summary applications prepared"),
    }
)

# How many inventories one "prepare" round takes on before it reports progress.
DEFAULT_ROUND: Final = 2000


# --- released inventories wait for their month's summary ------------------------------------


@register_document_hook
def _on_release(
    session: Session, principal: Principal, document: ClearanceDocument, event: str
) -> None:
    if document.kind == "export_inventory" and event in {f"status:{s}" for s in RELEASED}:
        track_release(session, principal=principal, inventory=document)


def track_release(
    session: Session, *, principal: Principal, inventory: ClearanceDocument
) -> SummaryCandidate | None:
    """Put a released 9610 export inventory on its month's summary list (once)."""
    month = month_of(inventory)
    if field_text(inventory_head(inventory), "tradeMode") != SUMMARY_TRADE_MODE or month is None:
        return None
    known = session.scalar(
        select(SummaryCandidate).where(SummaryCandidate.inventory_id == inventory.id)
    )
    if known is not None:
        return known
    now = utcnow()
    candidate = SummaryCandidate(
        organisation_id=inventory.organisation_id,
        inventory_id=inventory.id,
        month=month,
        state="pending",
        created_at=now,
        updated_at=now,
    )
    session.add(candidate)
    session.flush()
    audit_service.record(
        session,
        actor=principal.actor,
        action="clearance.summary.release",
        object_type="clearance.export_inventory",
        object_id=inventory.id,
        organisation_id=inventory.organisation_id,
        details={"month": month},
    )
    return candidate


# --- preparing the applications -------------------------------------------------------------


@dataclass(slots=True)
class PrepareReport:
    """What one round of preparation did, and what is left of the month."""

    month: str
    applications: list[int]
    lines: int
    statistics_lines: int
    inventories_done: int
    inventories_left: int
    groups_left: int
    without_number: int

    @property
    def finished(self) -> bool:
        """True when no group of the month is left to prepare."""
        return self.groups_left == 0


def _cop_no(prefix: str) -> str:
    stamp = utcnow().astimezone(CHINA_STANDARD_TIME).strftime("%y%m%d%H%M%S")
    return f"{prefix}{stamp}{uuid.uuid4().hex[:6].upper()}"


def app_time() -> str:
    """Return the current time as customs writes application times (yyyyMMddHHmmss, CST)."""
    return utcnow().astimezone(CHINA_STANDARD_TIME).strftime("%Y%m%d%H%M%S")


def new_guid() -> str:
    """Return a fresh upper-case 36-character guid."""
    return str(uuid.uuid4()).upper()


def _application_xml(
    group: Group, *, summary_flag: str, decl_agent: tuple[str, str] | None
) -> bytes:
    message = skeleton(message_class("CEB701Message"))
    message.guid = new_guid()
    apply = message.summary_apply[0]
    head = apply.summary_apply_head
    key = group.key
    head.guid, head.appType, head.appTime, head.appStatus = new_guid(), "1", app_time(), "2"
    head.customsCode, head.copNo = key.customs_code, _cop_no("SUM")
    head.agentCode, head.agentName = key.agent_code, group.agent_name
    head.ebcCode, head.ebcName = key.ebc_code, group.ebc_name
    head.declAgentCode, head.declAgentName = decl_agent or (key.agent_code, group.agent_name)
    head.summaryFlag, head.itemNameFlag = summary_flag, "1"
    head.msgCount = head.msgSeqNo = 1
    head.preNo = head.sumNo = head.startTime = head.endTime = head.loctNo = None
    head.note = f"{key.gcode} {key.currency} {key.port_code} {key.country}"
    apply.summary_apply_list = [SummaryApplyList(invtNo=invt_no) for invt_no in group.invt_nos]
    transfer = message.base_transfer
    transfer.copCode = transfer.dxpId = key.agent_code
    transfer.copName = group.agent_name
    return encode(message)


def prepare_applications(
    session: Session,
    *,
    principal: Principal,
    month: str,
    summary_flag: str = "1",
    decl_agent_code: str | None = None,
    decl_agent_name: str | None = None,
    round_size: int = DEFAULT_ROUND,
) -> PrepareReport:
    """Prepare the month's summary applications (one CEB701 per group), a round at a time.

    A round takes whole groups until about `round_size` inventories are covered, stores each
    CEB701 through ingest_message, records which lines went where, and marks lines needing no
    application as summary statistics only. Call again until the report says it is finished.
    """
    decl_agent = _decl_agent(decl_agent_code, decl_agent_name)
    preview = preview_month(session, principal=principal, month=month, summary_flag=summary_flag)
    applications: list[int] = []
    covered: set[int] = set()
    lines = 0
    groups = list(preview.groups)
    while groups and (not covered or len(covered) < max(round_size, 1)):
        group = groups.pop(0)
        outcomes = ingest_message(
            session,
            principal=principal,
            data=_application_xml(group, summary_flag=summary_flag, decl_agent=decl_agent),
        )
        application_id = outcomes[0].document_id
        applications.append(application_id or 0)
        for line in group.lines:
            session.add(_line_row(line, group.key.text(), application_id))
        lines += len(group.lines)
        covered.update(group.inventory_ids)
    for line in preview.statistics:
        session.add(_line_row(line, "", None))
    session.flush()
    done = _close_candidates(session, principal, month)
    left = pending_inventories(session, principal, month)
    report = PrepareReport(
        month=month,
        applications=applications,
        lines=lines,
        statistics_lines=len(preview.statistics),
        inventories_done=done,
        inventories_left=len(left),
        groups_left=len(groups),
        without_number=len(preview.without_number),
    )
    audit_service.record(
        session,
        actor=principal.actor,
        action="clearance.summary.prepare",
        object_type="clearance.summary_month",
        object_id=month,
        organisation_id=principal.organisation_id,
        details={
            "applications": applications,
            "lines": lines,
            "statistics_lines": report.statistics_lines,
            "summary_flag": summary_flag,
            "groups_left": report.groups_left,
        },
    )
    return report


def _decl_agent(code: str | None, name: str | None) -> tuple[str, str] | None:
    code, name = (code or "").strip(), (name or "").strip()
    if not code and not name:
        return None
    if not code or len(code) > 18:
        raise invalid(
            "declAgentCode",
            "give the declaring enterprise's customs code (at most 18 characters) with its name",
            "请填写报关单位的海关编码（最多 18 位）及名称",
        )
    if not name or len(name) > 100:
        raise invalid(
            "declAgentName",
            "give the declaring enterprise's name (at most 100 characters)",
            "请填写报关单位名称（最多 100 字）",
        )
    return code, name


def _line_row(line: CandidateLine, key: str, application_id: int | None) -> SummaryLine:
    return SummaryLine(
        inventory_id=line.inventory_id,
        application_id=application_id,
        gnum=line.gnum,
        group_key=key[:300],
        gcode=line.gcode[:10],
        currency=line.currency[:3],
        qty=line.qty,
        total_price=line.total_price,
        statistics_only=application_id is None,
    )


def _close_candidates(session: Session, principal: Principal, month: str) -> int:
    # An inventory is done when every one of its lines has its place (an application or none).
    done = 0
    for candidate, inventory in pending_inventories(session, principal, month):
        gnums = {int(raw.get("gnum") or 0) for raw in inventory.content.get("inventory_list") or []}
        rows = list(
            session.scalars(select(SummaryLine).where(SummaryLine.inventory_id == inventory.id))
        )
        if gnums and gnums <= {r.gnum for r in rows}:
            candidate.state = "statistics" if all(r.statistics_only for r in rows) else "applied"
            candidate.updated_at = utcnow()
            done += 1
    session.flush()
    return done


# --- the months, the applications and their results -----------------------------------------


@dataclass(frozen=True, slots=True)
class MonthStatus:
    """A month with released export inventories: how many wait, and when they are due."""

    month: str
    pending: int
    done: int
    deadline: dt.date
    late: bool


def months(
    session: Session, *, principal: Principal, today: dt.date | None = None
) -> list[MonthStatus]:
    """Return every month with released 9610 export inventories, newest first."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"pending": 0, "done": 0})
    for month, state, n in session.execute(
        select(SummaryCandidate.month, SummaryCandidate.state, func.count())
        .where(SummaryCandidate.organisation_id == principal.organisation_id)
        .group_by(SummaryCandidate.month, SummaryCandidate.state)
    ):
        counts[month]["pending" if state == "pending" else "done"] += n
    day = today or china_today()
    return [
        MonthStatus(
            month,
            c["pending"],
            c["done"],
            deadline_of(month),
            c["pending"] > 0 and day > deadline_of(month),
        )
        for month, c in sorted(counts.items(), reverse=True)
    ]


def due_months(
    session: Session, *, principal: Principal, today: dt.date | None = None
) -> list[MonthStatus]:
    """Return the past months whose released inventories still wait for their applications.

    A month is due from the 1st of the next month (the reminder starts then) until it is done.
    """
    day = today or china_today()
    current = f"{day.year:04d}-{day.month:02d}"
    return [
        m
        for m in months(session, principal=principal, today=day)
        if m.pending and m.month < current
    ]
