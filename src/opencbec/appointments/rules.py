"""Appointment rules, pure: services, statuses, the weekly pattern and its slots, cut-offs,
capacity, overlaps and what a booking must carry."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from stdnum import iso6346

from opencbec.appointments.models import Service, Status
from opencbec.errors import Conflict, FieldError, InvalidInput
from opencbec.kit.i18n import N_, Bilingual
from opencbec.kit.time import CHINA_STANDARD_TIME, as_utc

MINUTES_PER_DAY: Final = 24 * 60
WEEKDAY_LABELS: Final = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)


SERVICE_LABELS: Final[Mapping[Service, str]] = {
    Service.INSPECTION: N_("Pre-shipment inspection of export consolidated (LCL) goods"),
    Service.CLEARANCE_7X24: N_("Scheduled clearance at any hour (7x24)"),
}


STATUS_LABELS: Final[Mapping[Status, str]] = {
    Status.BOOKED: N_("Booked"),
    Status.ARRIVED: N_("Arrived"),
    Status.INSPECTED: N_("Inspected / cleared"),
    Status.NO_SHOW: N_("No-show"),
    Status.CANCELLED: N_("Cancelled"),
}
LIVE: Final = frozenset({Status.BOOKED, Status.ARRIVED, Status.INSPECTED})
"""Statuses that hold a place in their slot (a no-show or a cancellation gives none back
after the slot has passed, and frees it before)."""
RESULTS: Final = frozenset({Status.ARRIVED, Status.INSPECTED, Status.NO_SHOW})
_RESULT_FROM: Final[Mapping[Status, frozenset[Status]]] = {
    Status.ARRIVED: frozenset({Status.BOOKED}),
    Status.INSPECTED: frozenset({Status.BOOKED, Status.ARRIVED}),
    Status.NO_SHOW: frozenset({Status.BOOKED}),
}


def result_allowed(current: Status, target: Status) -> bool:
    """True when an officer may mark a booking in `current` as `target`."""
    return current in _RESULT_FROM.get(target, frozenset())


# --- the weekly pattern ------------------------------------------------------------------------

_INTERVAL: Final = re.compile(r"^(\d{1,2}):(\d{2})\s*[-–~]\s*(\d{1,2}):(\d{2})$")
WeeklyHours = dict[str, list[list[int]]]


def _minutes(hours: str, minutes: str) -> int | None:
    h, m = int(hours), int(minutes)
    if m >= 60 or h > 24 or (h == 24 and m):
        return None
    return h * 60 + m


def parse_day(text: str) -> list[list[int]] | None:
    """Parse one day's hours ("08:30-12:00, 13:30-17:30", "24h", or blank for closed).

    Return the intervals as [start, end] minutes in order, or None when the text is not valid
    (a malformed interval, an empty or backward one, or two that overlap).
    """
    text = text.strip().replace("，", ",")
    if not text:
        return []
    if text.lower() in {"24h", "0-24", "00:00-24:00"}:
        return [[0, MINUTES_PER_DAY]]
    intervals: list[list[int]] = []
    for part in text.split(","):
        match = _INTERVAL.match(part.strip())
        if match is None:
            return None
        start, end = _minutes(*match.group(1, 2)), _minutes(*match.group(3, 4))
        if start is None or end is None or end <= start:
            return None
        intervals.append([start, end])
    intervals.sort()
    if any(a[1] > b[0] for a, b in itertools.pairwise(intervals)):
        return None
    return intervals


def format_day(intervals: Sequence[Sequence[int]]) -> str:
    """Return one day's intervals as the text parse_day reads."""
    return ", ".join(f"{_hhmm(a)}-{_hhmm(b)}" for a, b in intervals)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_weekly_hours(days: Sequence[str]) -> WeeklyHours:
    """Parse seven days of hours (Monday first) into a pattern; each bad day is named."""
    if len(days) != 7:
        raise InvalidInput(
            [FieldError("weekly_hours", Bilingual("give seven days", "请填写七天的时段"))]
        )
    pattern: WeeklyHours = {}
    errors: list[FieldError] = []
    for index, text in enumerate(days):
        intervals = parse_day(text)
        if intervals is None:
            errors.append(
                FieldError(
                    f"weekly_hours.{index}",
                    Bilingual(
                        "write hours as 08:30-12:00, 13:30-17:30 (or 24h; blank for closed), without overlaps",
                        "时段格式为 08:30-12:00, 13:30-17:30（全天写 24h，不开放留空），时段不得重叠",
                    ),
                )
            )
        elif intervals:
            pattern[str(index)] = intervals
    if errors:
        raise InvalidInput(errors)
    if not pattern:
        raise InvalidInput(
            [
                FieldError(
                    "weekly_hours",
                    Bilingual("open the site on at least one day", "至少一天开放"),
                )
            ]
        )
    return pattern


def check_weekly_hours(value: Mapping[str, Any]) -> WeeklyHours:
    """Check a pattern given as data ({"0": [[510, 720]], ...}) and return it normalised."""
    days = []
    for index in range(7):
        intervals = value.get(str(index), [])
        try:
            days.append(format_day([[int(a), int(b)] for a, b in intervals]))
        except (TypeError, ValueError):
            days.append("?")
    unknown = set(value) - {str(i) for i in range(7)}
    if unknown:
        raise InvalidInput(
            [
                FieldError(
                    "weekly_hours",
                    Bilingual(
                        "weekdays are 0 (Monday) to 6 (Sunday)", "星期取值 0（周一）至 6（周日）"
                    ),
                )
            ]
        )
    return parse_weekly_hours(days)


# --- slots ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Closure:
    """Closed days, first and last inclusive."""

    first_day: dt.date
    last_day: dt.date
    reason: Bilingual

    def covers(self, day: dt.date) -> bool:
        """True when `day` is closed."""
        return self.first_day <= day <= self.last_day


@dataclass(frozen=True, slots=True)
class Pattern:
    """What slots a site offers: weekly hours in CST, slot length, places per slot."""

    weekly_hours: Mapping[str, Sequence[Sequence[int]]]
    slot_minutes: int
    capacity: int
    closures: tuple[Closure, ...] = ()

    def closure_on(self, day: dt.date) -> Closure | None:
        """Return the closure covering `day`, if any."""
        return next((c for c in self.closures if c.covers(day)), None)


@dataclass(frozen=True, slots=True)
class Slot:
    """One slot: aware UTC start and end."""

    starts_at: dt.datetime
    ends_at: dt.datetime

    @property
    def local_start(self) -> dt.datetime:
        """The start in China Standard Time."""
        return self.starts_at.astimezone(CHINA_STANDARD_TIME)


def local_day_start(day: dt.date) -> dt.datetime:
    """Return midnight of a CST calendar day as aware UTC."""
    return dt.datetime.combine(day, dt.time(), CHINA_STANDARD_TIME).astimezone(dt.UTC)


def local_day(moment: dt.datetime) -> dt.date:
    """Return the CST calendar day of a moment."""
    return as_utc(moment).astimezone(CHINA_STANDARD_TIME).date()


def slots_on(pattern: Pattern, day: dt.date) -> list[Slot]:
    """Return the slots of a CST day (none on a closed day)."""
    if pattern.closure_on(day) is not None:
        return []
    midnight = local_day_start(day)
    step = dt.timedelta(minutes=pattern.slot_minutes)
    out: list[Slot] = []
    for start, end in pattern.weekly_hours.get(str(day.weekday()), []):
        t = start
        while t + pattern.slot_minutes <= end:
            begin = midnight + dt.timedelta(minutes=t)
            out.append(Slot(begin, begin + step))
            t += pattern.slot_minutes
    return out


def slots_between(pattern: Pattern, first: dt.date, days: int) -> Iterator[Slot]:
    """Yield the slots of `days` CST days from `first`."""
    for offset in range(days):
        yield from slots_on(pattern, first + dt.timedelta(days=offset))


def find_slot(pattern: Pattern, starts_at: dt.datetime) -> Slot:
    """Return the slot that starts at `starts_at`, or refuse: the site is closed then."""
    moment = as_utc(starts_at)
    day = local_day(moment)
    closure = pattern.closure_on(day)
    if closure is not None:
        raise InvalidInput(
            [
                FieldError(
                    "starts_at",
                    Bilingual(
                        f"the site is closed on {day.isoformat()} ({closure.reason.en})",
                        f"该场所 {day.isoformat()} 不开放（{closure.reason.zh}）",
                    ),
                    "closed",
                )
            ]
        )
    for slot in slots_on(pattern, day):
        if slot.starts_at == moment:
            return slot
    raise InvalidInput(
        [
            FieldError(
                "starts_at",
                Bilingual(
                    "no slot starts then: the site is closed at that hour or the time is not a slot start",
                    "该时间没有可预约时段：场所在此时不开放，或不是时段的开始时间",
                ),
                "closed",
            )
        ]
    )


# --- bookings ------------------------------------------------------------------------------------


def check_bookable(slot: Slot, *, now: dt.datetime, horizon_days: int) -> None:
    """Refuse a slot that has started or lies beyond the booking horizon."""
    if slot.starts_at <= now:
        raise InvalidInput(
            [
                FieldError(
                    "starts_at",
                    Bilingual("this slot has already started", "该时段已开始"),
                    "past",
                )
            ]
        )
    if slot.starts_at > now + dt.timedelta(days=horizon_days):
        raise InvalidInput(
            [
                FieldError(
                    "starts_at",
                    Bilingual(
                        f"book at most {horizon_days} days ahead",
                        f"最多可提前 {horizon_days} 天预约",
                    ),
                    "too_far",
                )
            ]
        )


class SlotFull(Conflict):
    """Every place of the slot is taken."""

    def __init__(self, capacity: int) -> None:
        super().__init__(
            Bilingual(
                f"This slot is full ({capacity} of {capacity} places booked); choose another.",
                f"该时段已约满（{capacity}/{capacity}），请选择其他时段。",
            ),
            [FieldError("starts_at", Bilingual("slot full", "时段已满"), "full")],
        )
        self.code = "slot_full"


def check_capacity(booked: int, capacity: int) -> None:
    """Refuse when every place of the slot is taken."""
    if booked >= capacity:
        raise SlotFull(capacity)


def cutoff_passed(starts_at: dt.datetime, *, now: dt.datetime, cutoff_minutes: int) -> bool:
    """True when it is too late to move or cancel a booking of a slot starting at `starts_at`."""
    return now > as_utc(starts_at) - dt.timedelta(minutes=cutoff_minutes)


def check_cutoff(starts_at: dt.datetime, *, now: dt.datetime, cutoff_minutes: int) -> None:
    """Refuse a move or cancellation later than the site's cut-off before the slot."""
    if cutoff_passed(starts_at, now=now, cutoff_minutes=cutoff_minutes):
        hours = Decimal(cutoff_minutes) / 60
        text = f"{hours.normalize():f}"
        raise Conflict(
            Bilingual(
                f"Bookings can be moved or cancelled until {text} hour(s) before the slot; it is too late now.",
                f"预约须在时段开始前 {text} 小时之前改约或取消，现已超过截止时间。",
            ),
            [FieldError("starts_at", Bilingual("cut-off passed", "已过截止时间"), "cutoff")],
        )


def overlaps(a: tuple[dt.datetime, dt.datetime], b: tuple[dt.datetime, dt.datetime]) -> bool:
    """True when two half-open time ranges share a moment."""
    return a[0] < b[1] and b[0] < a[1]


def check_no_overlap(
    slot: Slot, transport_no: str, others: Iterable[tuple[str, dt.datetime, dt.datetime]]
) -> None:
    """Refuse when the same container or vehicle holds another live booking at that time.

    `others` are (reference, start, end) of that container's or vehicle's live bookings.
    """
    for reference, start, end in others:
        if overlaps((slot.starts_at, slot.ends_at), (as_utc(start), as_utc(end))):
            raise Conflict(
                Bilingual(
                    f"{transport_no} is already booked at that time ({reference}).",
                    f"{transport_no} 在该时间已有预约（{reference}）。",
                ),
                [
                    FieldError(
                        "transport_no",
                        Bilingual("already booked then", "该时间已有预约"),
                        "overlap",
                    )
                ],
            )


_PLATE: Final = re.compile(
    r"^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][A-HJ-NP-Z0-9]{5,6}$"
)
_DOC_NO: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,39}$")
_PHONE: Final = re.compile(r"^\+?[0-9][0-9 -]{5,28}$")
MAX_DOCUMENTS: Final = 50
MAX_WEIGHT_KG: Final = Decimal(1_000_000)


def normalise_transport(value: str) -> str | None:
    """Return a container number (ISO 6346, check digit right) or a Chinese vehicle plate in
    canonical form, or None when it is neither."""
    compact = re.sub(r"[\s·.-]", "", value).upper()
    if iso6346.is_valid(compact):
        return compact
    if _PLATE.match(compact):
        return compact
    return None


def parse_weight_grams(value: str | Decimal) -> int | None:
    """Return a gross weight in kilograms (up to 3 decimals, > 0) as grams, or None."""
    try:
        kg = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    if not kg.is_finite() or kg <= 0 or kg > MAX_WEIGHT_KG or kg != kg.quantize(Decimal("0.001")):
        return None
    return int(kg * 1000)


def format_weight(grams: int) -> str:
    """Return grams as kilograms with up to three decimals."""
    kg = (Decimal(grams) / 1000).quantize(Decimal("0.001")).normalize()
    return f"{kg:f}"


@dataclass(frozen=True, slots=True)
class BookingDetails:
    """What an enterprise tells the site about the goods, checked and normalised."""

    goods_description: str
    packages: int
    gross_weight_g: int
    transport_no: str
    document_numbers: tuple[str, ...]
    contact_name: str
    contact_phone: str


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    return "" if value is None else str(value).strip()


def _split_documents(value: Any) -> list[str]:
    if isinstance(value, str):
        return [v for v in re.split(r"[\s,，;；]+", value) if v]
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    return []


def check_details(data: Mapping[str, Any]) -> BookingDetails:
    """Check what a booking carries; every field at fault is named at once."""
    errors: list[FieldError] = []

    def fault(name: str, en: str, zh: str) -> None:
        errors.append(FieldError(name, Bilingual(en, zh)))

    goods = _text(data, "goods_description")
    if not goods or len(goods) > 500:
        fault(
            "goods_description",
            "describe the goods (at most 500 characters)",
            "请填写货物描述（不超过 500 字）",
        )
    packages_text = _text(data, "packages")
    packages = int(packages_text) if packages_text.isdigit() else 0
    if not 1 <= packages <= 100_000:
        fault(
            "packages", "give the number of packages (1 to 100,000)", "请填写件数（1 至 100,000）"
        )
    grams = parse_weight_grams(_text(data, "gross_weight_kg"))
    if grams is None:
        fault(
            "gross_weight_kg",
            "give the gross weight in kg (above 0, up to 1,000,000, at most 3 decimals)",
            "请填写毛重（千克，大于 0，不超过 1,000,000，最多 3 位小数）",
        )
    transport = normalise_transport(_text(data, "transport_no"))
    if transport is None:
        fault(
            "transport_no",
            "give a container number (ISO 6346, e.g. CSQU3054383) or a vehicle plate (e.g. 豫G12345)",
            "请填写集装箱号（ISO 6346，如 CSQU3054383）或车牌号（如 豫G12345）",
        )
    documents = _split_documents(data.get("document_numbers"))
    if not documents or len(documents) > MAX_DOCUMENTS:
        fault(
            "document_numbers",
            f"name 1 to {MAX_DOCUMENTS} export inventory or waybill numbers",
            f"请填写 1 至 {MAX_DOCUMENTS} 个出口清单编号或运单号",
        )
    elif bad := [d for d in documents if not _DOC_NO.match(d)]:
        fault(
            "document_numbers",
            f"not an inventory or waybill number: {', '.join(bad[:3])}",
            f"不是有效的清单编号或运单号：{', '.join(bad[:3])}",
        )
    elif len(set(documents)) != len(documents):
        fault("document_numbers", "a number is given twice", "编号重复")
    name = _text(data, "contact_name")
    if not name or len(name) > 60:
        fault(
            "contact_name",
            "give the contact's name (at most 60 characters)",
            "请填写联系人（不超过 60 字）",
        )
    phone = _text(data, "contact_phone")
    if not _PHONE.match(phone):
        fault("contact_phone", "give a telephone number", "请填写联系电话")
    if errors:
        raise InvalidInput(errors)
    assert grams is not None
    assert transport is not None
    return BookingDetails(goods, packages, grams, transport, tuple(documents), name, phone)
