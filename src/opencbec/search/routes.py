"""Global search JSON API: GET /api/v1/search?q=."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from opencbec.kit.i18n import translator
from opencbec.webkit import (
    PROBLEM_RESPONSES,
    SEARCH_MAX,
    CurrentPrincipal,
    DbSession,
    locale_of,
    search_for,
    search_query,
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


@router.get("/search", response_model=SearchRead)
def search(
    request: Request,
    principal: CurrentPrincipal,
    session: DbSession,
    q: Annotated[
        str,
        Query(
            description=(
                "A document number (order, waybill, inventory, invtNo, guid), an enterprise "
                "(name, code, USCC), goods (item number, name, HS code), or a buyer's full ID "
                "number or phone (exact match)."
            ),
            max_length=SEARCH_MAX * 2,
        ),
    ] = "",
) -> SearchRead:
    """Search what the caller may see; a query under 2 or over 100 characters is refused (422)."""
    query = search_query(q)
    tr = translator(locale_of(request))
    return SearchRead(
        query=query,
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
