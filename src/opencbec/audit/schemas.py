"""Audit API schemas."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict


class AuditEntryRead(BaseModel):
    """One audit entry as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    seq: int
    at: dt.datetime
    actor_label: str
    actor_user_id: int | None
    actor_api_key_id: int | None
    action: str
    object_type: str
    object_id: str
    before_digest: str | None
    after_digest: str | None
    details: dict[str, Any]
    hash: str
