"""The customs link on the portal: failed, given-up and slow messages are to-dos, for their
own organisation, and for the zone and customs who watch the whole link."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy.orm import Session

from opencbec.customs import portal
from opencbec.customs.models import Exchange
from opencbec.identity.models import Department, OrgRole
from opencbec.identity.rules import Principal
from opencbec.kit.time import utcnow
from tests.factories.identity import make_org, make_user, principal_of

_names = itertools.count(1)


def _exchange(
    session: Session, owner: Principal | None, direction: str, state: str, age: dt.timedelta
) -> None:
    at = utcnow() - age
    session.add(
        Exchange(
            direction=direction,
            message_type="CEB621Message",
            file_name=f"portal-{next(_names)}.xml",
            organisation_id=owner.organisation_id if owner else None,
            state=state,
            attempts=0,
            content=b"<x/>",
            created_at=at,
            updated_at=at,
        )
    )
    session.flush()


def _principal(
    session: Session, *roles: OrgRole, department: Department | None = None
) -> Principal:
    org = make_org(session, roles=roles or (OrgRole.ECOMMERCE_ENTERPRISE,), department=department)
    return principal_of(session, make_user(session, org))


def test_a_quiet_link_is_no_todo(session: Session) -> None:
    seller = _principal(session)
    _exchange(session, seller, "out", "queued", dt.timedelta(minutes=5))
    _exchange(session, seller, "out", "written", dt.timedelta(days=2))
    _exchange(session, seller, "in", "applied", dt.timedelta(days=2))
    assert portal.link_todos(session, seller) == []


def test_failures_dead_letters_and_a_slow_outbox_are_todos_for_the_owner_and_the_watchers(
    session: Session,
) -> None:
    seller, other = _principal(session), _principal(session)
    zone = _principal(session, OrgRole.ZONE_ADMINISTRATION)
    customs = _principal(session, OrgRole.REGULATOR, department=Department.CUSTOMS)
    tax = _principal(session, OrgRole.REGULATOR, department=Department.TAX)
    _exchange(session, seller, "out", "failed", dt.timedelta(minutes=1))
    _exchange(session, seller, "out", "dead", dt.timedelta(minutes=1))
    _exchange(session, seller, "out", "queued", dt.timedelta(hours=2))
    _exchange(session, None, "in", "dead", dt.timedelta(minutes=1))  # nobody's: the watchers'
    own = portal.link_todos(session, seller)
    assert [(t.href, (t.values or {})["n"]) for t in own] == [("/customs", 2), ("/customs", 1)]
    assert own[1].text.startswith("%(n)s message(s) have waited over an hour")
    for watcher in (zone, customs):
        texts = [t.text for t in portal.link_todos(session, watcher)]
        assert len(texts) == 3
        assert "could not be applied" in texts[1]
    assert portal.link_todos(session, other) == []
    assert portal.link_todos(session, tax) == []
