"""Enterprise filing JSON API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from opencbec.enterprise import service
from opencbec.enterprise.models import EnterpriseFiling
from opencbec.enterprise.schemas import (
    FactoryRead,
    FilingContent,
    FilingRead,
    ReviewAction,
    VersionRead,
)
from opencbec.errors import NotFound
from opencbec.webkit import PROBLEM_RESPONSES, CurrentPrincipal, DbSession, require_scope

router = APIRouter(prefix="/api/v1", tags=["enterprise filing"], responses=PROBLEM_RESPONSES)


def _read(session: DbSession, filing: EnterpriseFiling) -> FilingRead:
    versions = [
        VersionRead.model_validate(v) for v in service.versions(session, filing_id=filing.id)
    ]
    return FilingRead.model_validate(filing).model_copy(update={"versions": versions})


@router.get("/filing", response_model=FilingRead)
def own_filing(principal: CurrentPrincipal, session: DbSession) -> FilingRead:
    """Return your organisation's filing with its versions."""
    require_scope(principal, "enterprise:read")
    filing = service.own_filing(session, principal=principal)
    if filing is None:
        raise NotFound()
    return _read(session, filing)


@router.put("/filing", response_model=VersionRead)
def save_filing(
    body: FilingContent, principal: CurrentPrincipal, session: DbSession
) -> VersionRead:
    """Save your filing's content: a new filing, an edit of the open version, or a change request."""
    require_scope(principal, "enterprise:write")
    return VersionRead.model_validate(
        service.save_filing(session, principal=principal, data=body.model_dump())
    )


@router.post("/filing/versions/{version_id}/submit", response_model=VersionRead)
def submit(version_id: int, principal: CurrentPrincipal, session: DbSession) -> VersionRead:
    """Submit your draft or returned version for review."""
    require_scope(principal, "enterprise:write")
    return VersionRead.model_validate(
        service.submit(session, principal=principal, version_id=version_id)
    )


@router.get("/filings", response_model=list[FilingRead])
def list_filings(principal: CurrentPrincipal, session: DbSession) -> list[FilingRead]:
    """List every filing (regulators)."""
    require_scope(principal, "enterprise:read")
    return [_read(session, f) for f in service.all_filings(session, principal=principal)]


@router.get("/filings/{filing_id}", response_model=FilingRead)
def get_filing(filing_id: int, principal: CurrentPrincipal, session: DbSession) -> FilingRead:
    """Return one filing: your own, or any for a regulator."""
    require_scope(principal, "enterprise:read")
    return _read(session, service.get_filing(session, principal=principal, filing_id=filing_id))


@router.post("/filings/{filing_id}/versions/{version_id}/{action}", response_model=VersionRead)
def review(
    filing_id: int,
    version_id: int,
    action: str,
    body: ReviewAction,
    principal: CurrentPrincipal,
    session: DbSession,
) -> VersionRead:
    """Review a version: start_review, approve, or return (with reasons)."""
    require_scope(principal, "enterprise:write")
    if version_id not in {v.id for v in service.versions(session, filing_id=filing_id)}:
        raise NotFound()
    if action == "start_review":
        return VersionRead.model_validate(
            service.start_review(session, principal=principal, version_id=version_id)
        )
    if action == "approve":
        return VersionRead.model_validate(
            service.approve(session, principal=principal, version_id=version_id)
        )
    if action == "return":
        return VersionRead.model_validate(
            service.return_version(
                session, principal=principal, version_id=version_id, reasons=body.reasons
            )
        )
    raise NotFound()


@router.get("/source-factories", response_model=list[FactoryRead])
def source_factories(
    principal: CurrentPrincipal,
    session: DbSession,
    q: Annotated[str, Query(max_length=100)] = "",
    belt: str = "",
    park: str = "",
    market: Annotated[str, Query(max_length=2)] = "",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[FactoryRead]:
    """Search the published source-factory list (Chinese or English), filtered by belt, park, market."""
    require_scope(principal, "enterprise:read")
    rows, _ = service.search_factories(
        session, query=q, belt=belt, park=park, market=market, limit=limit, offset=offset
    )
    return [
        FactoryRead(
            id=r.factory.id,
            name_zh=r.factory.name_zh,
            name_en=r.factory.name_en,
            belt=r.belt.code,
            park=r.park.code if r.park else None,
            county=r.factory.county,
            products_zh=r.factory.products_zh,
            products_en=r.factory.products_en,
            markets=r.factory.markets,
            listed_at=r.factory.listed_at,
        )
        for r in rows
    ]
