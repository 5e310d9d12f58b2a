"""Customs link pages: the outbox / inbox / dead-letter monitor, a document's or an order's full
exchange with each message downloadable as XML, and the "declare to customs" form action."""

from __future__ import annotations

import datetime as dt
import re

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from opencbec.clearance import pages as clearance_pages
from opencbec.customs import service
from opencbec.customs.models import DEAD, FAILED, IN, OUT
from opencbec.errors import NotFound
from opencbec.kit.i18n import N_
from opencbec.kit.time import utcnow
from opencbec.webkit import CurrentPrincipal, DbSession, render, settings_of

router = APIRouter(include_in_schema=False)
# The order page shows whether customs has the set (the declare button only while it has not).
clearance_pages.register_declared_versions(service.declared_versions)

STATE_LABELS = {
    "queued": N_("Queued"),
    "written": N_("Written to the outbox"),
    "failed": N_("Write failed, will retry"),
    "applied": N_("Applied"),
    "dead": N_("Dead letter"),
}
DIRECTION_LABELS = {OUT: N_("Platform → customs"), IN: N_("Customs → platform")}
FOLDER_LABELS = {
    "outbox": N_("Outbox (waiting for customs to collect)"),
    "inbox": N_("Inbox (waiting to be applied)"),
    "archive/outbox": N_("Archive of sent messages"),
    "archive/inbox": N_("Archive of applied messages"),
    "dead": N_("Dead letters"),
}


def _age(since: dt.datetime | None, now: dt.datetime) -> str:
    if since is None:
        return "—"
    seconds = int((now - since).total_seconds())
    if seconds < 120:
        return f"{max(seconds, 0)} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    if seconds < 172800:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} d"


@router.get("/customs", response_class=HTMLResponse)
def monitor_page(request: Request, principal: CurrentPrincipal, session: DbSession) -> Response:
    """Show the link: messages by state with the oldest's age, failed ones to retry, dead letters."""
    everyone = service.may_see_all(principal)
    scope = None if everyone else principal.organisation_id
    now = utcnow()
    census = service.census(service.gateway_for(settings_of(request))) if everyone else []
    return render(
        request,
        "customs/monitor.html",
        {
            "counts": service.counts(session, organisation_id=scope),
            "failed": service.list_exchanges(
                session, organisation_id=scope, states=[FAILED], direction=OUT
            )
            + service.list_exchanges(session, organisation_id=scope, states=[DEAD], direction=OUT),
            "dead": service.list_exchanges(
                session, organisation_id=scope, states=[DEAD], direction=IN
            ),
            "census": [
                (c, _age(dt.datetime.fromtimestamp(c.oldest_mtime, dt.UTC), now))
                if c.oldest_mtime
                else (c, "—")
                for c in census
            ],
            "everyone": everyone,
            "age": lambda since: _age(since, now),
            "state_labels": STATE_LABELS,
            "direction_labels": DIRECTION_LABELS,
            "folder_labels": FOLDER_LABELS,
        },
    )


@router.post("/customs/exchanges/{exchange_id}/retry")
def retry_action(exchange_id: int, principal: CurrentPrincipal, session: DbSession) -> Response:
    """Queue a failed message again and go back to the monitor."""
    service.retry(session, principal=principal, exchange_id=exchange_id)
    return RedirectResponse("/customs?retried=1", status_code=303)


@router.get("/customs/exchanges/{exchange_id}.xml")
def download_xml(exchange_id: int, principal: CurrentPrincipal, session: DbSession) -> Response:
    """Download a message exactly as it was sent or received."""
    exchange = service.get_exchange(session, principal=principal, exchange_id=exchange_id)
    # The name came from a folder: only a plain one goes into the header.
    plain = re.fullmatch(r"[A-Za-z0-9._-]{1,200}\.xml", exchange.file_name)
    name = exchange.file_name if plain else "message.xml"
    return Response(
        exchange.content,
        media_type="application/xml",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/customs/documents/{document_id}", response_class=HTMLResponse)
def document_exchange_page(
    request: Request, document_id: int, principal: CurrentPrincipal, session: DbSession
) -> Response:
    """Show every message sent and received for one document."""
    document, rows = service.document_exchange(
        session, principal=principal, document_id=document_id
    )
    return render(
        request,
        "customs/exchange.html",
        {
            "document": document,
            "order_no": document.order_no,
            "rows": rows,
            "declared": request.query_params.get("declared"),
            "state_labels": STATE_LABELS,
            "direction_labels": DIRECTION_LABELS,
        },
    )


@router.get("/customs/orders/{order_no}", response_class=HTMLResponse)
def order_exchange_page(
    request: Request, order_no: str, principal: CurrentPrincipal, session: DbSession
) -> Response:
    """Show every message of an order's set sent and received for the caller's organisation."""
    rows = service.order_exchange(session, principal=principal, order_no=order_no)
    if not rows:
        raise NotFound()
    return render(
        request,
        "customs/exchange.html",
        {
            "document": None,
            "order_no": order_no,
            "rows": rows,
            "declared": request.query_params.get("declared"),
            "state_labels": STATE_LABELS,
            "direction_labels": DIRECTION_LABELS,
        },
    )


@router.post("/customs/documents/{document_id}/declare")
def declare_document_action(
    request: Request, document_id: int, principal: CurrentPrincipal, session: DbSession
) -> Response:
    """Queue one standalone document for customs (the form on its page) and show its exchange."""
    service.declare_document(
        session,
        principal=principal,
        document_id=document_id,
        envelope=service.envelope(settings_of(request)),
    )
    return RedirectResponse(f"/customs/documents/{document_id}?declared=1", status_code=303)


@router.post("/customs/orders/{order_no}/declare")
def declare_action(
    request: Request, order_no: str, principal: CurrentPrincipal, session: DbSession
) -> Response:
    """Queue a ready set for customs (the form on the order page) and show its exchange."""
    queued = service.declare_set(
        session,
        principal=principal,
        order_no=order_no,
        envelope=service.envelope(settings_of(request)),
    )
    return RedirectResponse(f"/customs/orders/{order_no}?declared={len(queued)}", status_code=303)
