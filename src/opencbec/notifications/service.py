"""Notification use cases: publish to an organisation's people; list, count and mark read.

Publishing is the hook every domain uses (like the audit log): a domain event names the
organisation concerned, and each of its active users gets a row they mark read on their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from opencbec.errors import NotFound
from opencbec.identity.models import Department, Organisation, User
from opencbec.kit.i18n import Bilingual
from opencbec.kit.time import utcnow
from opencbec.notifications.models import Notification

MAX_VALUE_LENGTH: Final = 300
PAGE_SIZE: Final = 100
NOT_FOUND: Final = Bilingual("No such notification.", "没有该通知。")


def _clean(values: Mapping[str, Any] | None) -> dict[str, str]:
    # Values are shown in pages: kept as short text, whatever the publisher passed.
    return {k: str(v)[:MAX_VALUE_LENGTH] for k, v in (values or {}).items()}


def notify(
    session: Session,
    *,
    organisation_id: int,
    event: str,
    text: str,
    href: str,
    values: Mapping[str, Any] | None = None,
) -> int:
    """Tell every active user of an organisation about `event`; return how many were told.

    `text` is an N_-marked message id with %(name)s placeholders filled from `values`.
    """
    users = session.scalars(
        select(User.id).where(User.organisation_id == organisation_id, User.is_active.is_(True))
    ).all()
    now = utcnow()
    cleaned = _clean(values)
    session.add_all(
        Notification(
            organisation_id=organisation_id,
            user_id=user_id,
            event=event[:60],
            text=text,
            values=cleaned,
            href=href,
            created_at=now,
        )
        for user_id in users
    )
    session.flush()
    return len(users)


def notify_department(
    session: Session,
    *,
    department: Department,
    event: str,
    text: str,
    href: str,
    values: Mapping[str, Any] | None = None,
) -> int:
    """Tell the people of every active organisation of a regulating department."""
    organisations = session.scalars(
        select(Organisation.id).where(
            Organisation.department == department.value, Organisation.is_active.is_(True)
        )
    ).all()
    return sum(
        notify(
            session,
            organisation_id=organisation_id,
            event=event,
            text=text,
            href=href,
            values=values,
        )
        for organisation_id in organisations
    )


def list_notifications(
    session: Session, *, user_id: int, unread_only: bool = False, limit: int = PAGE_SIZE
) -> list[Notification]:
    """Return a user's notifications, newest first."""
    stmt = select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return list(
        session.scalars(
            stmt.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)
        )
    )


def unread_count(session: Session, *, user_id: int) -> int:
    """Return how many of a user's notifications are unread."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        )
        or 0
    )


# Reading a notice changes only the reader's own view, never a record: it writes no audit entry
# (one per click would bury the organisation's real activity on its home page).


def mark_read(session: Session, *, user_id: int, notification_id: int) -> Notification:
    """Mark one of the user's notifications read (reading it twice changes nothing)."""
    notification = session.get(Notification, notification_id)
    if notification is None or notification.user_id != user_id:
        raise NotFound(NOT_FOUND)
    if notification.read_at is None:
        notification.read_at = utcnow()
        session.flush()
    return notification


def mark_all_read(session: Session, *, user_id: int) -> int:
    """Mark every unread notification of the user read; return how many."""
    result = session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
