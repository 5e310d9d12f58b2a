"""Export summary declaration (清单核放、汇总申报): which released 9610 export inventory lines
go together into one summary application (汇总申请单, CEB701), and which need none.

Rules (domain-rules §3(e), GACC 2018 No. 194): the cleared lists of a month are merged by
consignor (the e-commerce enterprise, ebcCode), transport mode, producer/seller (ownerCode, only
with summaryFlag 2), destination (运抵国 of the head and the line's final destination country),
exit customs (portCode), 10-digit code and currency, and declared by the 15th of the next month.
Two technical keys are added: the declaring customs (customsCode) and the declaring enterprise
(agentCode), because one CEB701 has one of each. A CEB701 lists inventories (invtNo), not lines,
so an inventory whose lines fall into several groups is listed in each of their applications;
which of its lines belong where is kept (SummaryLine) and shown on the application's page.

The month of an inventory is the month of its export date (ieDate, yyyyMMdd).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opencbec.clearance.models import (
    ClearanceDocument,
    DocumentReceipt,
    SummaryCandidate,
    SummaryLine,
)
from opencbec.errors import invalid
from opencbec.goods import service as goods_service
from opencbec.identity.rules import Principal
from opencbec.kit.i18n import N_
from opencbec.kit.time import CHINA_STANDARD_TIME, utcnow

SUMMARY_TRADE_MODE: Final = "9610"
RELEASED: Final = frozenset({"800", "899"})
DEADLINE_DAY: Final = 15
SUMMARY_FLAGS: Final = ("1", "2")


def month_of(inventory: ClearanceDocument) -> str | None:
    """Return the month (yyyy-mm) of an export inventory's export date, or None without one."""
    ie_date = str(inventory_head(inventory).get("ieDate") or "")
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


def inventory_head(document: ClearanceDocument) -> Mapping[str, Any]:
    head: Mapping[str, Any] = document.content.get("inventory_head") or {}
    return head


def field_text(fields: Mapping[str, Any], name: str) -> str:
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
    return numbers.get(document.id, {}).get(name) or (field_text(head, name) or None)


def _head_attr(document: ClearanceDocument) -> str:
    for attr in ("inventory_head", "summary_apply_head", "invt_refund_head"):
        if attr in document.content:
            return attr
    return ""


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
    if field_text(head, "licenseNo"):
        return False, HAS_LICENCE
    if field_text(head, "statisticsFlag") == "B":
        return False, DECLARED_B
    return True, STATISTICS


def _month_end(month: str) -> dt.date:
    year, number = parse_month(month)
    return dt.date(year, number, calendar.monthrange(year, number)[1])


def _refund_rates(session: Session, month: str) -> dict[str, dict[str, Any]] | None:
    rates = goods_service.rows_in_force(session, table="refund_rate", on=_month_end(month))
    return rates or None


def pending_inventories(
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
    # Stored lines passed the XSD (N19,5), so their numbers read as decimals.
    return Decimal(str(value if value is not None else 0))


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
    pending = pending_inventories(session, principal, month)
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
        head = inventory_head(inventory)
        invt_no = number_of(inventory, numbers, "invtNo")
        if invt_no is None:
            without_number.append(inventory.id)
            continue
        for raw in inventory.content.get("inventory_list") or []:
            gnum = int(raw.get("gnum") or 0)
            if (inventory.id, gnum) in taken:
                continue
            gcode, currency = field_text(raw, "gcode"), field_text(raw, "currency")
            free, why = statistics_only(head, gcode, rates)
            line = CandidateLine(
                inventory_id=inventory.id,
                invt_no=invt_no,
                gnum=gnum,
                gcode=gcode,
                gname=field_text(raw, "gname"),
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
                customs_code=field_text(head, "customsCode"),
                agent_code=field_text(head, "agentCode"),
                ebc_code=field_text(head, "ebcCode"),
                owner_code=field_text(head, "ownerCode") if summary_flag == "2" else "",
                traf_mode=field_text(head, "trafMode"),
                country=field_text(head, "country"),
                port_code=field_text(head, "portCode"),
                destination=field_text(raw, "country"),
                gcode=gcode,
                currency=currency,
            )
            group = groups.setdefault(
                key,
                Group(
                    key,
                    agent_name=field_text(head, "agentName"),
                    ebc_name=field_text(head, "ebcName"),
                ),
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
