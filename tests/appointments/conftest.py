"""Appointment fixtures: an officer, the zone, approved and unapproved enterprises, a site."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from opencbec.appointments.models import CustomsSite
from opencbec.identity.models import User
from opencbec.identity.rules import Principal
from tests.factories import appointments as f


@dataclass
class Cast:
    """Who takes part in a test."""

    officer: Principal
    officer_user: User
    zone: Principal
    seller: Principal
    seller_user: User
    other: Principal
    unapproved: Principal
    site: CustomsSite


@pytest.fixture
def cast(session: Session, tmp_path: Path) -> Cast:
    f.load_customs_offices(session)
    officer, officer_user = f.officer(session)
    zone, _ = f.zone(session)
    seller, seller_user, _ = f.enterprise(session, tmp_path, officer)
    other, _, _ = f.enterprise(session, tmp_path, officer)
    unapproved, _, _ = f.enterprise(session, tmp_path, officer, approved=False)
    site = f.make_site(session, zone)
    return Cast(officer, officer_user, zone, seller, seller_user, other, unapproved, site)
