"""The search page: hits grouped by what they are, or why the query was refused."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from opencbec.errors import DomainError
from opencbec.kit.mask import mask_query
from opencbec.webkit import (
    CurrentPrincipal,
    DbSession,
    SearchHit,
    render,
    search_for,
    search_query,
)

router = APIRouter(include_in_schema=False)


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request, principal: CurrentPrincipal, session: DbSession, q: str = ""
) -> Response:
    """Search documents, enterprises, goods and buyers the caller may see."""
    context: dict[str, object] = {"search_q": q[:200]}
    if not q.strip():  # an empty box is not a mistake: show the form and what it finds
        return render(request, "search/results.html", {**context, "groups": None})
    try:
        query = search_query(q)
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
