"""Customs sites (监管场所/查验场地): their weekly pattern, closures, and the slots that follow."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opencbec.appointments.models import Booking, CustomsSite, Service, SiteClosure
from opencbec.appointments.rules import (
    LIVE,
    Closure,
    Pattern,
    Slot,
    check_weekly_hours,
    local_day,
    local_day_start,
    slots_between,
)
from opencbec.audit import service as audit_service
from opencbec.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from opencbec.goods import service as goods_service
from opencbec.identity.models import Department, snapshot
from opencbec.identity.rules import Principal
from opencbec.kit.i18n import N_, Bilingual
from opencbec.kit.time import utcnow

audit_service.describe_actions(
    {
        "appointments.site.create": N_("Customs site registered"),
        "appointments.site.update": N_("Customs site changed"),
        "appointments.closure.add": N_("Customs site closure added"),
        "appointments.closure.remove": N_("Customs site closure removed"),
    }
)
_CODE: Final = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
_OFFICE: Final = re.compile(r"^\d{4}$")
LIMITS: Final[Mapping[str, tuple[int, int]]] = {
    "slot_minutes": (10, 720),
    "capacity": (1, 500),
    "cutoff_minutes": (0, 2880),
    "horizon_days": (1, 90),
}
DEFAULTS: Final[Mapping[str, int]] = {"cutoff_minutes": 120, "horizon_days": 28}
SITE_NOT_FOUND: Final = Bilingual("No such customs site.", "没有该监管场所。")


def is_officer(principal: Principal) -> bool:
    """True for customs officers (a regulator of the customs department)."""
    return principal.is_regulator and principal.department == Department.CUSTOMS


def is_manager(principal: Principal) -> bool:
    """True for those who manage sites: customs officers and the zone administration."""
    return is_officer(principal) or principal.is_zone_admin


def _require_manager(principal: Principal) -> None:
    if not is_manager(principal):
        raise Forbidden(
            Bilingual(
                "Only customs officers and the zone administration manage customs sites.",
                "只有海关关员和综试区管理机构可以管理监管场所。",
            )
        )


def require_officer(principal: Principal) -> None:
    """Refuse anyone but a customs officer."""
    if not is_officer(principal):
        raise Forbidden(
            Bilingual(
                "Only customs officers may do this.",
                "只有海关关员可以执行此操作。",
            )
        )


def _number(data: Mapping[str, Any], name: str, errors: list[FieldError]) -> int:
    low, high = LIMITS[name]
    raw = data.get(name, DEFAULTS.get(name))
    try:
        value = int(str(raw).strip())
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        errors.append(
            FieldError(
                name,
                Bilingual(
                    f"give a whole number from {low} to {high}", f"请填写 {low} 至 {high} 的整数"
                ),
            )
        )
    return value


def check_site(session: Session, data: Mapping[str, Any], *, on: dt.date) -> dict[str, Any]:
    """Check a site's content; every field at fault is named at once."""
    errors: list[FieldError] = []
    out: dict[str, Any] = {}
    for name, limit in (("code", 40), ("name_zh", 200), ("name_en", 200), ("address", 300)):
        value = str(data.get(name) or "").strip()
        if not value or len(value) > limit:
            errors.append(
                FieldError(
                    name,
                    Bilingual(f"required, at most {limit} characters", f"必填，不超过 {limit} 字"),
                )
            )
        out[name] = value
    if out["code"] and not _CODE.match(out["code"]):
        errors.append(
            FieldError(
                "code",
                Bilingual(
                    "use lower-case letters, digits and hyphens", "只能使用小写字母、数字和连字符"
                ),
            )
        )
    office = str(data.get("customs_office_code") or "").strip()
    if not _OFFICE.match(office):
        errors.append(
            FieldError(
                "customs_office_code",
                Bilingual("give the 4-digit customs code", "请填写 4 位关区代码"),
            )
        )
    elif goods_service.lookup(session, table="customs_office", code=office, on=on) is None:
        errors.append(
            FieldError(
                "customs_office_code",
                Bilingual(
                    f"{office} is not in the customs office code table in force",
                    f"{office} 不在现行关区代码表中",
                ),
                "unknown_code",
            )
        )
    out["customs_office_code"] = office
    services = sorted({str(s) for s in data.get("services") or []})
    if not services or any(s not in Service.__members__.values() for s in services):
        errors.append(
            FieldError(
                "services",
                Bilingual(
                    "choose pre-shipment inspection, 7x24 clearance, or both",
                    "请选择装运前查验、7×24 小时预约通关或两者",
                ),
            )
        )
    out["services"] = services
    try:
        out["weekly_hours"] = check_weekly_hours(data.get("weekly_hours") or {})
    except InvalidInput as exc:
        errors.extend(exc.errors)
    for name in LIMITS:
        out[name] = _number(data, name, errors)
    out["active"] = bool(data.get("active", True))
    if errors:
        raise InvalidInput(errors)
    return out


def _record(session: Session, principal: Principal, action: str, object_id: int, **kw: Any) -> None:
    audit_service.record(
        session,
        actor=principal.actor,
        action=f"appointments.{action}",
        object_type="appointments.site",
        object_id=object_id,
        organisation_id=principal.organisation_id,
        **kw,
    )


def create_site(session: Session, *, principal: Principal, data: Mapping[str, Any]) -> CustomsSite:
    """Register a customs site that takes appointments."""
    _require_manager(principal)
    now = utcnow()
    content = check_site(session, data, on=local_day(now))
    if session.scalar(select(CustomsSite.id).where(CustomsSite.code == content["code"])):
        raise Conflict(
            Bilingual("A site with this code exists.", "该代码的场所已存在。"),
            [FieldError("code", Bilingual("already used", "已被使用"), "taken")],
        )
    site = CustomsSite(**content, created_at=now, updated_at=now)
    session.add(site)
    session.flush()
    _record(session, principal, "site.create", site.id, after=snapshot(site))
    return site


def update_site(
    session: Session, *, principal: Principal, site_id: int, data: Mapping[str, Any]
) -> CustomsSite:
    """Change a site's content; existing bookings keep their slots."""
    _require_manager(principal)
    site = locked_site(session, site_id)
    now = utcnow()
    content = check_site(session, {**data, "code": site.code}, on=local_day(now))
    before = snapshot(site)
    for name, value in content.items():
        setattr(site, name, value)
    site.updated_at = now
    session.flush()
    _record(session, principal, "site.update", site.id, before=before, after=snapshot(site))
    return site


def add_closure(
    session: Session,
    *,
    principal: Principal,
    site_id: int,
    first_day: dt.date,
    last_day: dt.date,
    reason_zh: str,
    reason_en: str,
) -> SiteClosure:
    """Close a site on some days (a holiday); bookings already made then are not touched."""
    _require_manager(principal)
    site = require_site(session, site_id)
    errors: list[FieldError] = []
    if last_day < first_day:
        errors.append(
            FieldError(
                "last_day", Bilingual("must not be before the first day", "不能早于开始日期")
            )
        )
    elif (last_day - first_day).days > 366:
        errors.append(FieldError("last_day", Bilingual("at most a year", "不超过一年")))
    for name, value in (("reason_zh", reason_zh), ("reason_en", reason_en)):
        if not value.strip() or len(value.strip()) > 200:
            errors.append(
                FieldError(
                    name, Bilingual("required, at most 200 characters", "必填，不超过 200 字")
                )
            )
    if errors:
        raise InvalidInput(errors)
    closure = SiteClosure(
        site_id=site.id,
        first_day=first_day,
        last_day=last_day,
        reason_zh=reason_zh.strip(),
        reason_en=reason_en.strip(),
    )
    session.add(closure)
    session.flush()
    _record(session, principal, "closure.add", site.id, after=snapshot(closure))
    return closure


def remove_closure(
    session: Session, *, principal: Principal, site_id: int, closure_id: int
) -> None:
    """Open a site again on the days of a closure."""
    _require_manager(principal)
    closure = session.get(SiteClosure, closure_id)
    if closure is None or closure.site_id != site_id:
        raise NotFound(Bilingual("No such closure.", "没有该闭场记录。"))
    before = snapshot(closure)
    session.delete(closure)
    session.flush()
    _record(session, principal, "closure.remove", site_id, before=before)


# --- reading -------------------------------------------------------------------------------------


def sites(session: Session, *, include_inactive: bool = False) -> list[CustomsSite]:
    """Return the sites, by Chinese name."""
    query = select(CustomsSite).order_by(CustomsSite.name_zh)
    if not include_inactive:
        query = query.where(CustomsSite.active.is_(True))
    return list(session.scalars(query))


def get_site(session: Session, site_id: int) -> CustomsSite | None:
    """Return a site by id."""
    return session.get(CustomsSite, site_id)


def require_site(session: Session, site_id: int) -> CustomsSite:
    """Return a site by id, or refuse with 404."""
    site = get_site(session, site_id)
    if site is None:
        raise NotFound(SITE_NOT_FOUND)
    return site


def locked_site(session: Session, site_id: int) -> CustomsSite:
    """Return a site locked for the rest of the transaction.

    Every booking of a site takes this lock before counting a slot's places, so two bookings of
    the last place queue and the second sees the first (on SQLite the write transaction's
    BEGIN IMMEDIATE already serialises writers).
    """
    site = session.scalar(
        select(CustomsSite)
        .where(CustomsSite.id == site_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if site is None:
        raise NotFound(SITE_NOT_FOUND)
    return site


def closures(session: Session, *, site_id: int) -> list[SiteClosure]:
    """Return a site's closures, earliest first."""
    return list(
        session.scalars(
            select(SiteClosure)
            .where(SiteClosure.site_id == site_id)
            .order_by(SiteClosure.first_day, SiteClosure.id)
        )
    )


def pattern_of(session: Session, site: CustomsSite) -> Pattern:
    """Return the slot pattern of a site, its closures included."""
    return Pattern(
        weekly_hours=site.weekly_hours,
        slot_minutes=site.slot_minutes,
        capacity=site.capacity,
        closures=tuple(
            Closure(c.first_day, c.last_day, Bilingual(c.reason_en, c.reason_zh))
            for c in closures(session, site_id=site.id)
        ),
    )


def booked_counts(
    session: Session, *, site_id: int, start: dt.datetime, end: dt.datetime
) -> dict[dt.datetime, int]:
    """Return the number of live bookings per slot start in [start, end)."""
    rows = session.execute(
        select(Booking.starts_at, func.count())
        .where(
            Booking.site_id == site_id,
            Booking.starts_at >= start,
            Booking.starts_at < end,
            Booking.status.in_([s.value for s in LIVE]),
        )
        .group_by(Booking.starts_at)
    )
    return {at: int(n) for at, n in rows}


@dataclass(frozen=True, slots=True)
class SlotView:
    """A slot as the calendar shows it."""

    slot: Slot
    capacity: int
    booked: int
    bookable: bool

    @property
    def free(self) -> int:
        """Places left."""
        return max(self.capacity - self.booked, 0)


@dataclass(frozen=True, slots=True)
class DayView:
    """One CST day of the calendar."""

    day: dt.date
    closure: Closure | None
    slots: list[SlotView]


def calendar(
    session: Session, *, site: CustomsSite, first_day: dt.date, days: int, now: dt.datetime
) -> list[DayView]:
    """Return `days` CST days of a site's slots with their free places."""
    pattern = pattern_of(session, site)
    counts = booked_counts(
        session,
        site_id=site.id,
        start=local_day_start(first_day),
        end=local_day_start(first_day + dt.timedelta(days=days)),
    )
    horizon = now + dt.timedelta(days=site.horizon_days)
    by_day: dict[dt.date, list[SlotView]] = {}
    for slot in slots_between(pattern, first_day, days):
        booked = counts.get(slot.starts_at, 0)
        bookable = site.active and now < slot.starts_at <= horizon and booked < site.capacity
        by_day.setdefault(local_day(slot.starts_at), []).append(
            SlotView(slot, site.capacity, booked, bookable)
        )
    return [
        DayView(day, pattern.closure_on(day), by_day.get(day, []))
        for day in (first_day + dt.timedelta(days=i) for i in range(days))
    ]
