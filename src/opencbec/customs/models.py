"""Customs link tables: one exchange record per message sent to or received from customs."""

from __future__ import annotations

import datetime as dt
from typing import Final

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from opencbec.db import Base, UTCDateTime

OUT: Final = "out"
IN: Final = "in"
# Outgoing: queued → written (or failed, retried with backoff; dead after too many attempts).
# Incoming: applied, or dead (unreadable, unknown, or nobody's) — never dropped.
QUEUED, WRITTEN, FAILED, APPLIED, DEAD = "queued", "written", "failed", "applied", "dead"
STATES: Final = (QUEUED, WRITTEN, FAILED, APPLIED, DEAD)


class Exchange(Base):
    """A message sent to customs or received from it (报文收发记录), with its bytes as they went."""

    __tablename__ = "customs_exchanges"
    __table_args__ = (
        UniqueConstraint("direction", "file_name"),
        Index("ix_customs_exchanges_state_due", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    direction: Mapped[str] = mapped_column(String(3))
    message_type: Mapped[str] = mapped_column(String(40))
    message_guid: Mapped[str | None] = mapped_column(String(64), index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("clearance_documents.id"), index=True
    )
    document_version: Mapped[int | None] = mapped_column(Integer)
    order_no: Mapped[str | None] = mapped_column(String(60), index=True)
    state: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(2000))
    last_error_zh: Mapped[str | None] = mapped_column(String(2000))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
