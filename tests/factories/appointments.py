"""Appointment factories: the customs office table, approved enterprises, officers, sites."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from opencbec.appointments import service
from opencbec.appointments.models import CustomsSite
from opencbec.enterprise import service as enterprise_service
from opencbec.goods import service as goods_service
from opencbec.identity.models import Department, Organisation, OrgRole, User
from opencbec.identity.rules import Principal
from tests.factories.enterprise import submitted_filing
from tests.factories.identity import ACTOR, make_org, make_user, principal_of

# A Wednesday, 10:00 China Standard Time.
NOW = dt.datetime(2026, 12, 2, 2, 0, tzinfo=dt.UTC)
WEEKDAYS = {str(d): [[510, 720], [810, 1050]] for d in range(5)}  # Mon-Fri 08:30-12, 13:30-17:30


def load_customs_offices(session: Session) -> None:
    """Apply the shipped customs office code table (sites are checked against it)."""
    if goods_service.latest_edition(session, table="customs_office") is None:
        goods_service.apply_edition(
            session,
            actor=ACTOR,
            table="customs_office",
            content=goods_service.bundled_content("customs_office"),
            version="test",
            source="test",
            effective_from=dt.date(2018, 1, 1),
        )


def officer(session: Session) -> tuple[Principal, User]:
    """Return a customs officer and their user."""
    org = make_org(session, roles=(OrgRole.REGULATOR,), department=Department.CUSTOMS)
    user = make_user(session, org)
    return principal_of(session, user), user


def zone(session: Session) -> tuple[Principal, User]:
    """Return a zone administrator and their user."""
    user = make_user(session, make_org(session, roles=(OrgRole.ZONE_ADMINISTRATION,)))
    return principal_of(session, user), user


def enterprise(
    session: Session, var_dir: Path, customs: Principal, *, approved: bool = True
) -> tuple[Principal, User, Organisation]:
    """Return an enterprise (its filing approved by `customs`, or only submitted)."""
    org = make_org(session)
    user = make_user(session, org)
    principal = principal_of(session, user)
    version = submitted_filing(session, principal, var_dir)
    if approved:
        enterprise_service.start_review(session, principal=customs, version_id=version.id)
        enterprise_service.approve(session, principal=customs, version_id=version.id)
    return principal, user, org


def site_data(**changes: Any) -> dict[str, Any]:
    """Return valid site content: weekdays, 30-minute slots, two places each."""
    data: dict[str, Any] = {
        "code": "test-site",
        "name_zh": "测试查验场地",
        "name_en": "Test inspection site",
        "customs_office_code": "4600",
        "address": "河南省新乡市测试路 1 号",
        "services": ["inspection", "clearance_7x24"],
        "weekly_hours": WEEKDAYS,
        "slot_minutes": 30,
        "capacity": 2,
    }
    data.update(changes)
    return data


def make_site(session: Session, manager: Principal, **changes: Any) -> CustomsSite:
    """Create a site."""
    return service.create_site(session, principal=manager, data=site_data(**changes))


def details(**changes: Any) -> dict[str, Any]:
    """Return valid booking details."""
    data: dict[str, Any] = {
        "goods_description": "盘式制动器总成",
        "packages": "4",
        "gross_weight_kg": "120.5",
        "transport_no": "CSQU3054383",
        "document_numbers": ["41072026E000000101"],
        "contact_name": "陈经理",
        "contact_phone": "13903730001",
    }
    data.update(changes)
    return data


def at_cst(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """Return a CST wall-clock time as aware UTC."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.UTC) - dt.timedelta(
        hours=8
    )


def org_of(session: Session, principal: Principal) -> Organisation:
    """Return the organisation of a principal."""
    org = session.get(Organisation, principal.organisation_id)
    assert org is not None
    return org


def enterprise_org(session: Session, cast: Any) -> Organisation:
    """Return the approved seller's organisation of a test cast."""
    return org_of(session, cast.seller)
