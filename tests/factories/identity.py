"""Identity factories: organisations, users, logged-in clients, API keys."""

from __future__ import annotations

import itertools
import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from opencbec.audit.service import Actor
from opencbec.identity import service
from opencbec.identity.models import Department, Organisation, OrgRole, User
from opencbec.identity.rules import Principal

PASSWORD = "correct-horse-battery"
ACTOR = Actor(label="test")
_counter = itertools.count(1)


def make_org(
    session: Session,
    *,
    roles: tuple[OrgRole, ...] = (OrgRole.ECOMMERCE_ENTERPRISE,),
    department: Department | None = None,
    code: str | None = None,
) -> Organisation:
    """Create an organisation."""
    n = next(_counter)
    org = service.create_organisation(
        session,
        actor=ACTOR,
        code=code or f"org-{n}",
        name_zh=f"测试单位{n}",
        name_en=f"Test organisation {n}",
        roles=roles,
        department=department,
    )
    return service.get_organisation(session, org.id) or org


def make_user(
    session: Session,
    org: Organisation,
    *,
    admin: bool = True,
    username: str | None = None,
    password: str = PASSWORD,
) -> User:
    """Create a user of `org`."""
    return service.create_user(
        session,
        actor=ACTOR,
        organisation_id=org.id,
        username=username or f"user{next(_counter)}",
        display_name="测试用户",
        password=password,
        is_org_admin=admin,
    )


def principal_of(session: Session, user: User) -> Principal:
    """Return the principal of `user`."""
    return service.principal_for_user(session, user)


def make_principal(
    session: Session, *roles: OrgRole, department: Department | None = None
) -> Principal:
    """Return the principal of a new user of a new organisation (an enterprise by default)."""
    org = make_org(session, roles=roles or (OrgRole.ECOMMERCE_ENTERPRISE,), department=department)
    return principal_of(session, make_user(session, org))


def make_key(
    session: Session,
    org: Organisation,
    *,
    scopes: tuple[str, ...] = ("identity:read", "identity:write", "audit:read"),
    days: int = 30,
) -> str:
    """Create an API key for `org` and return its secret."""
    _, secret = service.issue_api_key(
        session,
        actor=ACTOR,
        organisation_id=org.id,
        name="test key",
        scopes=scopes,
        valid_days=days,
        max_days=365,
    )
    return secret


def csrf_from(html: str) -> str:
    """Return the CSRF token of the first form in a page."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def log_in(client: TestClient, username: str, password: str = PASSWORD) -> None:
    """Log `client` in through the login form."""
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "username": username,
            "password": password,
            "csrf_token": csrf_from(page.text),
            "next": "/home",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
