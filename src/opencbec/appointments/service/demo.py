"""Demo customs sites and bookings (illustrative: names, hours and bookings are made up)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Final

from sqlalchemy.orm import Session

from opencbec.appointments.models import Booking, CustomsSite, Service, Status
from opencbec.appointments.rules import (
    local_day,
    local_day_start,
)
from opencbec.appointments.service.bookings import book, record_result
from opencbec.appointments.service.sites import add_closure, calendar, create_site
from opencbec.identity import service as identity_service
from opencbec.identity.models import User
from opencbec.kit.time import utcnow

_WORKING_DAYS: Final = {str(d): [[510, 720], [810, 1050]] for d in range(6)}  # Mon-Sat
_ALL_DAY: Final = {str(d): [[0, 1440]] for d in range(7)}
DEMO_SITES: Final[tuple[dict[str, Any], ...]] = (
    {
        "code": "xx-ftz-inspection",
        "name_zh": "郑州海关驻新乡综保区查验场地（示范）",
        "name_en": "Zhengzhou Customs inspection area, Xinxiang comprehensive bonded zone (demo)",
        "customs_office_code": "4600",
        "address": "河南省新乡市经济技术开发区综合保税区查验中心",
        "services": [Service.INSPECTION.value],
        "weekly_hours": _WORKING_DAYS,
        "slot_minutes": 30,
        "capacity": 2,
    },
    {
        "code": "xx-rail-port",
        "name_zh": "新乡铁路口岸（中欧班列）监管场所（示范）",
        "name_en": "Xinxiang rail port (China-Europe Railway Express) control area (demo)",
        "customs_office_code": "4600",
        "address": "河南省新乡市新乡铁路口岸中欧班列集结中心",
        "services": [Service.INSPECTION.value, Service.CLEARANCE_7X24.value],
        "weekly_hours": _ALL_DAY,
        "slot_minutes": 60,
        "capacity": 3,
    },
)


def _details(transport_no: str, goods: str, document: str) -> dict[str, Any]:
    return {
        "goods_description": goods,
        "packages": "12",
        "gross_weight_kg": "860.5",
        "transport_no": transport_no,
        "document_numbers": [document],
        "contact_name": "陈经理",
        "contact_phone": "13903730001",
    }


def _first_slot(
    session: Session, site: CustomsSite, after: dt.datetime, now: dt.datetime
) -> dt.datetime:
    for day in calendar(session, site=site, first_day=local_day(after), days=14, now=now):
        for view in day.slots:
            if view.bookable and view.slot.starts_at >= after:
                return view.slot.starts_at
    raise AssertionError("the demo site has no free slot in two weeks")  # pragma: no cover


def seed_demo(
    session: Session,
    *,
    users: Mapping[str, User],
    administrator: str = "zone",
    officer: str = "customs",
    enterprises: tuple[str, str] = ("seller", "logistics"),
    now: dt.datetime | None = None,
) -> list[Booking]:
    """Create the two demo sites, a New Year closure, and bookings of two approved enterprises:
    one tomorrow, one later, and one from yesterday with its inspection result to read."""
    now = now or utcnow()
    zone = identity_service.principal_for_user(session, users[administrator])
    customs = identity_service.principal_for_user(session, users[officer])
    first, second = (identity_service.principal_for_user(session, users[u]) for u in enterprises)
    inspection, rail = (create_site(session, principal=zone, data=data) for data in DEMO_SITES)
    for site in (inspection, rail):
        year = local_day(now).year + 1
        add_closure(
            session,
            principal=customs,
            site_id=site.id,
            first_day=dt.date(year, 1, 1),
            last_day=dt.date(year, 1, 1),
            reason_zh="元旦",
            reason_en="New Year's Day",
        )
    tomorrow = local_day_start(local_day(now) + dt.timedelta(days=1))
    bookings = [
        book(
            session,
            principal=first,
            site_id=inspection.id,
            service=Service.INSPECTION.value,
            starts_at=_first_slot(session, inspection, tomorrow + dt.timedelta(hours=10), now),
            data=_details("CSQU3054383", "盘式制动器总成（出口拼箱）", "41072026E000000101"),
            now=now,
        ),
        book(
            session,
            principal=second,
            site_id=rail.id,
            service=Service.CLEARANCE_7X24.value,
            starts_at=tomorrow + dt.timedelta(days=1, hours=3),
            data=_details("豫G12345", "中欧班列出口电商货物", "ZOB2026112700001"),
            now=now,
        ),
    ]
    earlier = now - dt.timedelta(days=2)
    served_at = local_day_start(local_day(now) - dt.timedelta(days=1)) + dt.timedelta(hours=20)
    past = book(
        session,
        principal=first,
        site_id=rail.id,
        service=Service.INSPECTION.value,
        starts_at=served_at,
        data=_details("MSKU1234565", "起重机配件（出口拼箱）", "41072026E000000088"),
        now=earlier,
    )
    record_result(
        session,
        principal=customs,
        booking_id=past.id,
        status=Status.INSPECTED.value,
        note="查验无异常，准予装运 / Inspected, no findings; cleared for loading",
        now=served_at + dt.timedelta(minutes=25),
    )
    return [*bookings, past]
