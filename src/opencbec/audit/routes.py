"""Audit JSON API: your organisation's entries."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from opencbec.audit import service
from opencbec.audit.schemas import AuditEntryRead
from opencbec.webkit import PROBLEM_RESPONSES, CurrentPrincipal, DbSession, require_scope

router = APIRouter(prefix="/api/v1", tags=["audit"], responses=PROBLEM_RESPONSES)


@router.get("/audit-entries", response_model=list[AuditEntryRead])
def list_entries(
    principal: CurrentPrincipal,
    session: DbSession,
    before_seq: Annotated[int | None, Query(ge=1)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[AuditEntryRead]:
    """List your organisation's audit entries, newest first."""
    require_scope(principal, "audit:read")
    entries = service.list_entries(
        session, organisation_id=principal.organisation_id, before_seq=before_seq, limit=limit
    )
    return [AuditEntryRead.model_validate(e) for e in entries]
