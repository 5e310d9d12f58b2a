"""Export summary declaration (清单核放、汇总申报): a month's released 9610 export inventories,
grouped by the summary rules into CEB701 summary applications (汇总申请单), and the CEB792
summary results (汇总结果单) tied back to them.

Rules (domain-rules §3(e), GACC 2018 No. 194): the cleared lists of a month are merged by
consignor (the e-commerce enterprise, ebcCode), transport mode, producer/seller (ownerCode, only
with summaryFlag 2), destination (运抵国 of the head and the line's final destination country),
exit customs (portCode), 10-digit code and currency, and declared by the 15th of the next month.
Two technical keys are added: the declaring customs (customsCode) and the declaring enterprise
(agentCode), because one CEB701 has one of each. A CEB701 lists inventories (invtNo), not lines,
so an inventory whose lines fall into several groups is listed in each of their applications;
which of its lines belong where is kept here (SummaryLine) and shown on the application's page.

The month of an inventory is the month of its export date (ieDate, yyyyMMdd).
"""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opencbec.audit import service as audit_service
from opencbec.clearance.models import (
    ClearanceDocument,
    DocumentReceipt,
    SummaryCandidate,
    SummaryLine,
    SummaryResultLink,
)
from opencbec.clearance.service.documents import (
    get_document,
    ingest_message,
    register_document_hook,
)
from opencbec.errors import NotFound, invalid
from opencbec.goods import service as goods_service
from opencbec.identity.rules import Principal
from opencbec.kit.i18n import N_
from opencbec.kit.time import CHINA_STANDARD_TIME, utcnow
from opencbec.messages.ceb import encode, message_class, skeleton
from opencbec.messages.ceb.models.exp_summary import SummaryApplyList

audit_service.describe_actions(
    {
        "clearance.summary.release": N_("Released export inventory waits for its summary"),
        "clearance.summary.prepare": N_("Summary applications prepared"),
        "clearance.summary.result": N_("Summary result tied to its application"),
    }
)

SUMMARY_TRADE_MODE: Final = "9610"
RELEASED: Final = frozenset({"800", "899"})
DEADLINE_DAY: Final = 15
SUMMARY_FLAGS: Final = ("1", "2")
# How many inventories one "prepare" round takes on before it reports progress.
DEFAULT_ROUND: Final = 2000


def month_of(inventory: ClearanceDocument) -> str | None:
    """Return the month (yyyy-mm) of an export inventory's export date, or None without one."""
    ie_date = str(_head(inventory).get("ieDate") or "")
    if len(ie_date) != 8 or not ie_date.isdigit():
        return None
    return f"{ie_date[:4]}-{ie_date[4:6]}"


def parse_month(month: str) -> tuple[int, int]:
    """Return (year, month) of a yyyy-mm text, or refuse it naming the field."""
    parts = month.split("-")
    if (
        len(parts) == 2
        and len(parts[0]) == 4
        and len(parts[1]) == 2
        and all(p.isdigit() for p in parts)
        and 1 <= int(parts[1]) <= 12
        and int(parts[0]) >= 2000
    ):
        return int(parts[0]), int(parts[1])
    raise invalid("month", "must be a month as yyyy-mm", "应为 yyyy-mm 格式的月份", "month")


def deadline_of(month: str) -> dt.date:
    """Return the day a month's summary applications are due: the 15th of the next month."""
    year, number = parse_month(month)
    return dt.date(year + number // 12, number % 12 + 1, DEADLINE_DAY)


def china_today() -> dt.date:
    """Return today's date in China Standard Time (customs' calendar)."""
    return utcnow().astimezone(CHINA_STANDARD_TIME).date()


def _head(document: ClearanceDocument) -> Mapping[str, Any]:
    head: Mapping[str, Any] = document.content.get("inventory_head") or {}
    return head


def _text(fields: Mapping[str, Any], name: str) -> str:
    return str(fields.get(name) or "").strip()


def customs_numbers(session: Session, document_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """Return the numbers customs gave each document (invtNo, preNo, sumNo), newest receipt last."""
    ids = list(set(document_ids))
    found: dict[int, dict[str, str]] = defaultdict(dict)
    for start in range(0, len(ids), 500):
        for document_id, numbers in session.execute(
            select(DocumentReceipt.document_id, DocumentReceipt.numbers)
            .where(
                DocumentReceipt.document_id.in_(ids[start : start + 500]),
                DocumentReceipt.numbers.is_not(None),
            )
            .order_by(DocumentReceipt.return_time, DocumentReceipt.id)
        ):
            if document_id is not None and numbers:
                found[document_id].update({k: str(v) for k, v in numbers.items()})
    return dict(found)


def number_of(
    document: ClearanceDocument, numbers: Mapping[int, Mapping[str, str]], name: str
) -> str | None:
    """Return a customs number of a document: from its receipts, else as it was declared."""
    head = document.content.get(_head_attr(document)) or document.content
    return numbers.get(document.id, {}).get(name) or (_text(head, name) or None)


def _head_attr(document: ClearanceDocument) -> str:
    for attr in ("inventory_head", "summary_apply_head", "invt_refund_head"):
        if attr in document.content:
            return attr
    return ""


# --- released inventories wait for their month's summary ------------------------------------


@register_document_hook
def _on_document(
    session: Session, principal: Principal, document: ClearanceDocument, event: str
) -> None:
    if document.kind == "export_inventory" and event in {f"status:{s}" for s in RELEASED}:
        track_release(session, principal=principal, inventory=document)
    elif document.kind == "summary_result" and event in {"new", "changed"}:
        link_result(session, principal=principal, result=document)


def track_release(
    session: Session, *, principal: Principal, inventory: ClearanceDocument
) -> SummaryCandidate | None:
    """Put a released 9610 export inventory on its month's summary list (once)."""
    month = month_of(inventory)
    if _text(_head(inventory), "tradeMode") != SUMMARY_TRADE_MODE or month is None:
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


# --- grouping -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, order=True)
class GroupKey:
    """What the lines of one summary application share."""

    customs_code: str
    agent_code: str
    ebc_code: str
    owner_code: str  # "" with summaryFlag 1 (by consignor only)
    traf_mode: str
    country: str  # 运抵国, the head's country of arrival
    port_code: str  # exit customs
    destination: str  # the line's final destination country
    gcode: str
    currency: str

    def text(self) -> str:
        """Return the key as one line of text (stored with each line)."""
        return "|".join(
            (
                self.customs_code,
                self.agent_code,
                self.ebc_code,
                self.owner_code,
                self.traf_mode,
                self.country,
                self.port_code,
                self.destination,
                self.gcode,
                self.currency,
            )
        )


@dataclass(frozen=True, slots=True)
class CandidateLine:
    """One goods line of a released inventory, as the summary sees it."""

    inventory_id: int
    invt_no: str | None
    gnum: int
    gcode: str
    gname: str
    currency: str
    qty: Decimal
    total_price: Decimal
    statistics_only: bool
    why: str  # N_-marked reason: why it needs an application, or why it does not


@dataclass(slots=True)
class Group:
    """The lines that go into one summary application, with their totals."""

    key: GroupKey
    lines: list[CandidateLine] = field(default_factory=list)
    agent_name: str = ""
    ebc_name: str = ""

    @property
    def inventory_ids(self) -> list[int]:
        """Return the inventories with a line in this group, in order."""
        return sorted({line.inventory_id for line in self.lines})

    @property
    def invt_nos(self) -> list[str]:
        """Return the inventory numbers the application lists."""
        return sorted({line.invt_no for line in self.lines if line.invt_no})

    @property
    def qty(self) -> Decimal:
        """Return the quantity of all lines."""
        return sum((line.qty for line in self.lines), Decimal(0))

    @property
    def value(self) -> Decimal:
        """Return the value (totalPrice) of all lines, in the group's currency."""
        return sum((line.total_price for line in self.lines), Decimal(0))


@dataclass(slots=True)
class MonthPreview:
    """A month's released export inventories not yet summarised, grouped as they would be."""

    month: str
    summary_flag: str
    deadline: dt.date
    late: bool
    inventories: int
    groups: list[Group]
    statistics: list[CandidateLine]
    without_number: list[int]  # inventories customs has not numbered (no invtNo) yet
    done: int  # inventories of the month already prepared
    refund_rates_loaded: bool

    @property
    def lines(self) -> int:
        """Return the number of lines that need an application."""
        return sum(len(g.lines) for g in self.groups)


NO_REFUND_TABLE: Final = N_("no export refund rates are loaded, so an application is assumed")
HAS_REFUND: Final = N_("the code has an export refund rate")
HAS_LICENCE: Final = N_("the inventory carries a licence number")
DECLARED_B: Final = N_("the inventory was declared for summary declaration (statisticsFlag B)")
STATISTICS: Final = N_("no duty, refund or licence: list release, summary statistics")


def statistics_only(
    head: Mapping[str, Any], gcode: str, refund_rates: Mapping[str, Mapping[str, Any]] | None
) -> tuple[bool, str]:
    """Decide whether a line may go by "list release, summary statistics" (清单核放、汇总统计).

    Pilot zones let goods with no export duty, no export refund and no licence skip the summary
    declaration (domain-rules §3(e)). What the platform knows: the refund rate table of goods
    (a code with a rate above 0 in force has a refund), the inventory's licenceNo, and the
    inventory's statisticsFlag (B: the enterprise asked for summary declaration). Assumed: no
    export duty, since the platform holds no export tariff; and when no refund rate is loaded at
    all, every line needs an application (nothing can be ruled out).
    """
    if refund_rates is None:
        return False, NO_REFUND_TABLE
    rate = Decimal(str((refund_rates.get(gcode) or {}).get("rate") or 0))
    if rate > 0:
        return False, HAS_REFUND
    if _text(head, "licenseNo"):
        return False, HAS_LICENCE
    if _text(head, "statisticsFlag") == "B":
        return False, DECLARED_B
    return True, STATISTICS


def _month_end(month: str) -> dt.date:
    year, number = parse_month(month)
    return dt.date(year, number, calendar.monthrange(year, number)[1])


def _refund_rates(session: Session, month: str) -> dict[str, dict[str, Any]] | None:
    rates = goods_service.rows_in_force(session, table="refund_rate", on=_month_end(month))
    return rates or None


def _pending(
    session: Session, principal: Principal, month: str
) -> list[tuple[SummaryCandidate, ClearanceDocument]]:
    rows = session.execute(
        select(SummaryCandidate, ClearanceDocument)
        .join(ClearanceDocument, ClearanceDocument.id == SummaryCandidate.inventory_id)
        .where(
            SummaryCandidate.organisation_id == principal.organisation_id,
            SummaryCandidate.month == month,
            SummaryCandidate.state == "pending",
        )
        .order_by(SummaryCandidate.id)
    ).all()
    return [(c, d) for c, d in rows if d.status in RELEASED]


def _decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value if value is not None else 0))
    except ArithmeticError:
        return Decimal(0)


def preview_month(
    session: Session,
    *,
    principal: Principal,
    month: str,
    summary_flag: str = "1",
    today: dt.date | None = None,
) -> MonthPreview:
    """Group a month's released, not yet summarised 9610 export inventories by the rules."""
    if summary_flag not in SUMMARY_FLAGS:
        raise invalid(
            "summaryFlag",
            "must be 1 (by consignor) or 2 (by consignor and producer/seller)",
            "应为 1（按收发货人）或 2（按收发货人和生产销售单位）",
        )
    deadline = deadline_of(month)
    pending = _pending(session, principal, month)
    inventories = [d for _, d in pending]
    numbers = customs_numbers(session, (d.id for d in inventories))
    taken = {
        (inventory_id, gnum)
        for inventory_id, gnum in session.execute(
            select(SummaryLine.inventory_id, SummaryLine.gnum).where(
                SummaryLine.inventory_id.in_([d.id for d in inventories] or [0])
            )
        )
    }
    rates = _refund_rates(session, month)
    groups: dict[GroupKey, Group] = {}
    statistics: list[CandidateLine] = []
    without_number: list[int] = []
    for inventory in inventories:
        head = _head(inventory)
        invt_no = number_of(inventory, numbers, "invtNo")
        if invt_no is None:
            without_number.append(inventory.id)
            continue
        for raw in inventory.content.get("inventory_list") or []:
            gnum = int(raw.get("gnum") or 0)
            if (inventory.id, gnum) in taken:
                continue
            gcode, currency = _text(raw, "gcode"), _text(raw, "currency")
            free, why = statistics_only(head, gcode, rates)
            line = CandidateLine(
                inventory_id=inventory.id,
                invt_no=invt_no,
                gnum=gnum,
                gcode=gcode,
                gname=_text(raw, "gname"),
                currency=currency,
                qty=_decimal(raw.get("qty")),
                total_price=_decimal(raw.get("totalPrice")),
                statistics_only=free,
                why=why,
            )
            if free:
                statistics.append(line)
                continue
            key = GroupKey(
                customs_code=_text(head, "customsCode"),
                agent_code=_text(head, "agentCode"),
                ebc_code=_text(head, "ebcCode"),
                owner_code=_text(head, "ownerCode") if summary_flag == "2" else "",
                traf_mode=_text(head, "trafMode"),
                country=_text(head, "country"),
                port_code=_text(head, "portCode"),
                destination=_text(raw, "country"),
                gcode=gcode,
                currency=currency,
            )
            group = groups.setdefault(
                key,
                Group(key, agent_name=_text(head, "agentName"), ebc_name=_text(head, "ebcName")),
            )
            group.lines.append(line)
    done = (
        session.scalar(
            select(func.count())
            .select_from(SummaryCandidate)
            .where(
                SummaryCandidate.organisation_id == principal.organisation_id,
                SummaryCandidate.month == month,
                SummaryCandidate.state != "pending",
            )
        )
        or 0
    )
    return MonthPreview(
        month=month,
        summary_flag=summary_flag,
        deadline=deadline,
        late=(today or china_today()) > deadline,
        inventories=len(inventories),
        groups=[groups[k] for k in sorted(groups)],
        statistics=statistics,
        without_number=without_number,
        done=done,
        refund_rates_loaded=rates is not None,
    )


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
    left = _pending(session, principal, month)
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
    for candidate, inventory in _pending(session, principal, month):
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


@dataclass(frozen=True, slots=True)
class ApplicationRow:
    """A summary application in the list: the document, its lines and inventories, its results."""

    document: ClearanceDocument
    lines: int
    inventories: int
    value: Decimal
    results: list[SummaryResultLink]


def list_applications(session: Session, *, principal: Principal) -> list[ApplicationRow]:
    """Return the caller's summary applications, newest first, with counts and results."""
    documents = list(
        session.scalars(
            select(ClearanceDocument)
            .where(
                ClearanceDocument.organisation_id == principal.organisation_id,
                ClearanceDocument.kind == "summary_application",
            )
            .order_by(ClearanceDocument.id.desc())
            .limit(500)
        )
    )
    ids = [d.id for d in documents] or [0]
    stats = {
        application_id: (n, inventories, value or Decimal(0))
        for application_id, n, inventories, value in session.execute(
            select(
                SummaryLine.application_id,
                func.count(),
                func.count(func.distinct(SummaryLine.inventory_id)),
                func.sum(SummaryLine.total_price),
            )
            .where(SummaryLine.application_id.in_(ids))
            .group_by(SummaryLine.application_id)
        )
    }
    results: dict[int, list[SummaryResultLink]] = defaultdict(list)
    for link in session.scalars(
        select(SummaryResultLink).where(SummaryResultLink.application_id.in_(ids))
    ):
        results[link.application_id].append(link)
    rows = []
    for d in documents:
        n, inventories, value = stats.get(d.id, (0, 0, Decimal(0)))
        rows.append(ApplicationRow(d, n, inventories, Decimal(value), results.get(d.id, [])))
    return rows


@dataclass(frozen=True, slots=True)
class ApplicationDetail:
    """One summary application: its lines (with their inventories) and its summary results."""

    document: ClearanceDocument
    sum_no: str | None
    lines: list[tuple[SummaryLine, ClearanceDocument]]
    results: list[tuple[SummaryResultLink, ClearanceDocument]]


def application_detail(
    session: Session, *, principal: Principal, application_id: int
) -> ApplicationDetail:
    """Return one of the caller's summary applications with its lines and results."""
    document = get_document(session, principal=principal, document_id=application_id)
    if document.kind != "summary_application":
        raise NotFound()
    lines = [
        (line, inventory)
        for line, inventory in session.execute(
            select(SummaryLine, ClearanceDocument)
            .join(ClearanceDocument, ClearanceDocument.id == SummaryLine.inventory_id)
            .where(SummaryLine.application_id == document.id)
            .order_by(SummaryLine.inventory_id, SummaryLine.gnum)
        )
    ]
    results = [
        (link, result)
        for link, result in session.execute(
            select(SummaryResultLink, ClearanceDocument)
            .join(ClearanceDocument, ClearanceDocument.id == SummaryResultLink.result_id)
            .where(SummaryResultLink.application_id == document.id)
            .order_by(SummaryResultLink.id)
        )
    ]
    numbers = customs_numbers(session, [document.id])
    return ApplicationDetail(document, number_of(document, numbers, "sumNo"), lines, results)


def link_result(
    session: Session, *, principal: Principal, result: ClearanceDocument
) -> SummaryResultLink | None:
    """Tie a summary result (CEB792) to its application and record its declaration numbers.

    The result names the application by sumNo, the number customs gave it in the CEB702 receipt
    (which carries the application's copNo); a result that arrives before that receipt is tied
    by its inventories instead: the one application of the same agent and consignor listing
    every inventory the result names. Nothing is tied when neither finds exactly one.
    """
    head: Mapping[str, Any] = result.content.get("summary_result_head") or {}
    listed = result.content.get("summary_result_list") or []
    sum_no = _text(head, "sumNo")
    applications = list(
        session.scalars(
            select(ClearanceDocument).where(
                ClearanceDocument.organisation_id == result.organisation_id,
                ClearanceDocument.kind == "summary_application",
            )
        )
    )
    numbers = customs_numbers(session, (a.id for a in applications))
    found = [a for a in applications if sum_no and number_of(a, numbers, "sumNo") == sum_no]
    linked_by = "sumNo"
    invt_nos = {_text(line, "invtNo") for line in listed} - {""}
    if not found and invt_nos:
        linked_by = "inventories"
        found = [
            a
            for a in applications
            if _text(_apply_head(a), "agentCode") == _text(head, "agentCode")
            and _text(_apply_head(a), "ebcCode") == _text(head, "ebcCode")
            and invt_nos <= _listed(a)
        ]
    if len(found) != 1:
        return None
    application = found[0]
    link = session.scalar(select(SummaryResultLink).where(SummaryResultLink.result_id == result.id))
    if link is None:
        link = SummaryResultLink(result_id=result.id, application_id=application.id)
        session.add(link)
    link.application_id = application.id
    link.sum_no = sum_no[:18]
    link.decl_seq_no = _text(head, "declSeqNo")[:18]
    link.entry_id = _text(head, "entryId")[:18] or None
    link.linked_by = linked_by
    link.linked_at = utcnow()
    _mark_lines(session, application, listed, link)
    session.flush()
    audit_service.record(
        session,
        actor=principal.actor,
        action="clearance.summary.result",
        object_type="clearance.summary_application",
        object_id=application.id,
        organisation_id=application.organisation_id,
        details={
            "result_id": result.id,
            "sum_no": link.sum_no,
            "decl_seq_no": link.decl_seq_no,
            "entry_id": link.entry_id,
            "linked_by": linked_by,
        },
    )
    return link


def _apply_head(application: ClearanceDocument) -> Mapping[str, Any]:
    head: Mapping[str, Any] = application.content.get("summary_apply_head") or {}
    return head


def _listed(application: ClearanceDocument) -> set[str]:
    return {
        _text(line, "invtNo") for line in application.content.get("summary_apply_list") or []
    } - {""}


def _mark_lines(
    session: Session,
    application: ClearanceDocument,
    listed: list[Mapping[str, Any]],
    link: SummaryResultLink,
) -> None:
    # The result names the inventory lines of its declaration: they get its numbers.
    rows = list(
        session.execute(
            select(SummaryLine, ClearanceDocument)
            .join(ClearanceDocument, ClearanceDocument.id == SummaryLine.inventory_id)
            .where(SummaryLine.application_id == application.id)
        )
    )
    numbers = customs_numbers(session, {inventory.id for _, inventory in rows})
    by_key = {
        (number_of(inventory, numbers, "invtNo"), line.gnum): line for line, inventory in rows
    }
    for item in listed:
        line = by_key.get((_text(item, "invtNo"), int(item.get("gnum") or 0)))
        if line is not None:
            line.decl_seq_no, line.entry_id = link.decl_seq_no, link.entry_id
