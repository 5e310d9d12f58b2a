"""Global search JSON API: GET /api/v1/search?q= and, for personal numbers, POST with a body."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from opencbec.identity.rules import Principal
from opencbec.kit.i18n import translator
from opencbec.kit.mask import mask_query
from opencbec.webkit import (
    PROBLEM_RESPONSES,
    SEARCH_MAX,
    CurrentPrincipal,
    DbSession,
    locale_of,
    search_for,
    search_query,
    search_query_in_url,
)

router = APIRouter(prefix="/api/v1", tags=["search"], responses=PROBLEM_RESPONSES)


class SearchHitRead(BaseModel):
    """One thing found, with the page that shows it. Buyers are only ever given masked."""

    kind: str = Field(description="What was found, in the request's language.")
    kind_id: str = Field(description="What was found, as a stable English message id.")
    title: str
    detail: str
    href: str = Field(description="The page of the hit on this site.")


class SearchRead(BaseModel):
    """The answer to a search: the checked query and every hit the caller may see."""

    query: str
    hits: list[SearchHitRead]


_Q_DESCRIPTION = (
    "A document number (order, waybill, inventory, invtNo, guid), an enterprise (name, code, "
    "USCC), goods (item number, name, HS code), or a buyer's full ID number or phone (exact match)."
)


class SearchQuery(BaseModel):
    """A search sent in the body: the way to search by a buyer's ID number or phone."""

    q: str = Field(description=_Q_DESCRIPTION, max_length=SEARCH_MAX * 2)


@router.get("/search", response_model=SearchRead)
def search(
    request: Request,
    principal: CurrentPrincipal,
    session: DbSession,
    q: Annotated[str, Query(description=_Q_DESCRIPTION, max_length=SEARCH_MAX * 2)] = "",
) -> SearchRead:
    """Search what the caller may see; a query under 2 or over 100 characters is refused (422),
    and so is an ID number or phone, which goes in the body of POST /api/v1/search instead."""
    return _answer(request, principal, session, search_query_in_url(q))


@router.post("/search", response_model=SearchRead)
def search_by_body(
    request: Request, principal: CurrentPrincipal, session: DbSession, body: SearchQuery
) -> SearchRead:
    """Search with the query in the body (personal numbers stay out of URLs and access logs)."""
    return _answer(request, principal, session, search_query(body.q))


def _answer(request: Request, principal: Principal, session: Session, query: str) -> SearchRead:
    tr = translator(locale_of(request))
    return SearchRead(
        query=mask_query(query),
        hits=[
            SearchHitRead(
                kind=tr.gettext(h.kind),
                kind_id=h.kind,
                title=h.title,
                detail=tr.gettext(h.detail),
                href=h.href,
            )
            for h in search_for(session, principal, query)
        ],
    )
