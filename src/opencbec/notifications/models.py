"""Notification table: one row per user it is addressed to, read or unread."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from opencbec.db import Base, JSONType, UTCDateTime


class Notification(Base):
    """One notice for one user: a message id with its values, a link, and when it was read.

    `text` is an English message id (N_-marked by the publisher) translated when shown, so each
    reader sees it in their own language; `values` fill its placeholders.
    """

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(String(300))
    values: Mapped[dict[str, Any]] = mapped_column(JSONType)
    href: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
