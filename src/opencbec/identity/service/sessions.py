"""Password login, lock-out and web sessions (登录与会话)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from opencbec.audit import service as audit_service
from opencbec.audit.service import Actor
from opencbec.identity.models import (
    Organisation,
    User,
    WebSession,
)
from opencbec.identity.rules import Principal
from opencbec.identity.service.organisations import get_organisation, organisation_principal
from opencbec.identity.service.users import (
    _password_matches,
    hash_password,
    password_needs_rehash,
    spend_password_check,
)
from opencbec.kit.ids import new_token, sha256_hex
from opencbec.kit.time import utcnow

_TOUCH_EVERY = dt.timedelta(seconds=60)


class LoginFailure(StrEnum):
    """Why a login did not succeed."""

    BAD_CREDENTIALS = "bad_credentials"
    LOCKED = "locked"
    DISABLED = "disabled"


@dataclass(frozen=True, slots=True)
class LoginOutcome:
    """Result of a login attempt; a failure is a result, not an exception, so it is recorded."""

    user: User | None
    token: str | None = None
    failure: LoginFailure | None = None
    locked_until: dt.datetime | None = None


def login(
    session: Session,
    *,
    username: str,
    password: str,
    max_failures: int,
    lockout: dt.timedelta,
    session_lifetime: dt.timedelta,
    client_ip: str | None = None,
    user_agent: str | None = None,
) -> LoginOutcome:
    """Check a password login and start a web session; count failures and lock the account."""
    now = utcnow()
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        spend_password_check(password)  # same work as a real check: no user probing
        return LoginOutcome(None, failure=LoginFailure.BAD_CREDENTIALS)
    actor = Actor(label=user.username, user_id=user.id, organisation_id=user.organisation_id)
    org = session.get(Organisation, user.organisation_id)
    if not user.is_active or org is None or not org.is_active:
        return LoginOutcome(None, failure=LoginFailure.DISABLED)
    if user.locked_until is not None and user.locked_until > now:
        return LoginOutcome(None, failure=LoginFailure.LOCKED, locked_until=user.locked_until)
    if not _password_matches(user.password_hash, password):
        user.failed_logins += 1
        details: dict[str, Any] = {"failed_logins": user.failed_logins, "client_ip": client_ip}
        locked = user.failed_logins >= max_failures
        if locked:
            user.locked_until = now + lockout
            user.failed_logins = 0
        session.flush()
        audit_service.record(
            session,
            actor=actor,
            action="identity.user.lock" if locked else "identity.login.fail",
            object_type="identity.user",
            object_id=user.id,
            organisation_id=user.organisation_id,
            details=details,
        )
        if locked:
            return LoginOutcome(None, failure=LoginFailure.LOCKED, locked_until=user.locked_until)
        return LoginOutcome(None, failure=LoginFailure.BAD_CREDENTIALS)
    if password_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    token = new_token()
    session.add(
        WebSession(
            token_hash=sha256_hex(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + session_lifetime,
            client_ip=client_ip,
            user_agent=(user_agent or "")[:300] or None,
        )
    )
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action="identity.login",
        object_type="identity.user",
        object_id=user.id,
        organisation_id=user.organisation_id,
        details={"client_ip": client_ip},
    )
    return LoginOutcome(user, token=token)


def principal_for_user(session: Session, user: User) -> Principal:
    """Return the principal of an interactive user."""
    org = get_organisation(session, user.organisation_id)
    assert org is not None
    return organisation_principal(
        org,
        label=user.username,
        user_id=user.id,
        display_name=user.display_name,
        is_org_admin=user.is_org_admin,
    )


@dataclass(frozen=True, slots=True)
class ResolvedSession:
    """A live web session and its principal."""

    session_id: int
    token_hash: str
    principal: Principal
    locale: str | None
    needs_touch: bool


def resolve_session(session: Session, *, token: str, idle: dt.timedelta) -> ResolvedSession | None:
    """Return the live session for a cookie token, touching it; None when absent or expired."""
    now = utcnow()
    token_hash = sha256_hex(token)
    row = session.execute(
        select(WebSession, User)
        .join(User, User.id == WebSession.user_id)
        .where(WebSession.token_hash == token_hash)
    ).one_or_none()
    if row is None:
        return None
    web_session, user = row
    if (
        web_session.ended_at is not None
        or now >= web_session.expires_at
        or now - web_session.last_seen_at >= idle
        or not user.is_active
    ):
        return None
    principal = principal_for_user(session, user)
    stale = now - web_session.last_seen_at >= _TOUCH_EVERY
    return ResolvedSession(web_session.id, token_hash, principal, user.locale, stale)


def touch_session(session: Session, *, session_id: int) -> None:
    """Record that a web session was used now (keeps it alive against the idle limit)."""
    session.execute(
        update(WebSession).where(WebSession.id == session_id).values(last_seen_at=utcnow())
    )


def logout(session: Session, *, token: str) -> None:
    """End the web session of `token` (idempotent)."""
    web_session = session.scalar(
        select(WebSession).where(WebSession.token_hash == sha256_hex(token))
    )
    if web_session is None or web_session.ended_at is not None:
        return
    web_session.ended_at = utcnow()
    user = session.get(User, web_session.user_id)
    assert user is not None
    session.flush()
    audit_service.record(
        session,
        actor=Actor(label=user.username, user_id=user.id, organisation_id=user.organisation_id),
        action="identity.logout",
        object_type="identity.user",
        object_id=user.id,
        organisation_id=user.organisation_id,
    )


def set_user_locale(session: Session, *, principal: Principal, locale: str) -> None:
    """Remember the caller's language choice (not audited: a preference, not a business change)."""
    if principal.user_id is not None:
        session.execute(update(User).where(User.id == principal.user_id).values(locale=locale))
