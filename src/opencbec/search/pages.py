"""The search page: hits grouped by what they are, or why the query was refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from opencbec.errors import DomainError
from opencbec.identity.rules import Principal
from opencbec.kit.mask import mask_query
from opencbec.webkit import (
    CurrentPrincipal,
    DbSession,
    SearchHit,
    render,
    search_for,
    search_query,
    search_query_in_url,
)

router = APIRouter(include_in_schema=False)


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request, principal: CurrentPrincipal, session: DbSession, q: str = ""
) -> Response:
    """Search documents, enterprises, goods and buyers the caller may see (links and bookmarks;
    an ID number or phone is refused in a URL)."""
    return _search(request, principal, session, q, search_query_in_url)


@router.post("/search", response_class=HTMLResponse)
def search_form(
    request: Request,
    principal: CurrentPrincipal,
    session: DbSession,
    q: Annotated[str, Form()] = "",
) -> Response:
    """Search from the forms: the query travels in the body, so a buyer's number stays out of
    URLs, access logs and the browser's history."""
    return _search(request, principal, session, q, search_query)


def _search(
    request: Request,
    principal: Principal,
    session: Session,
    q: str,
    check: Callable[[str], str],
) -> Response:
    context: dict[str, object] = {"search_q": q[:200]}
    if not q.strip():  # an empty box is not a mistake: show the form and what it finds
        return render(request, "search/results.html", {**context, "groups": None})
    try:
        query = check(q)
    except DomainError as exc:
        return render(
            request,
            "search/results.html",
            {**context, "groups": None, "error": exc},
            status_code=exc.status,
        )
    hits = search_for(session, principal, query)
    groups: dict[str, list[SearchHit]] = {}
    for hit in hits:
        groups.setdefault(hit.kind, []).append(hit)
    return render(
        request,
        "search/results.html",
        {**context, "groups": list(groups.items()), "count": len(hits), "query": mask_query(query)},
    )
