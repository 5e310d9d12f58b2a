"""The customs link on the portal: messages that failed, were given up, or wait too long.

Scoped like the link's monitor page: the zone administration and customs watch every message;
an enterprise its own.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from sqlalchemy.orm import Session

from opencbec.customs import service
from opencbec.customs.models import DEAD, FAILED, IN, OUT, QUEUED
from opencbec.identity.rules import Principal
from opencbec.kit.i18n import N_
from opencbec.kit.time import utcnow
from opencbec.webkit import TodoItem, register_todos

SLOW: Final = dt.timedelta(hours=1)


@register_todos
def link_todos(session: Session, principal: Principal) -> list[TodoItem]:
    """Messages to customs that failed or were given up, files from customs that could not be
    applied, and an outbox whose oldest message has waited over an hour."""
    scope = None if service.may_see_all(principal) else principal.organisation_id
    counts = {(c.direction, c.state): c for c in service.counts(session, organisation_id=scope)}
    items: list[TodoItem] = []
    failed = counts[(OUT, FAILED)].count + counts[(OUT, DEAD)].count
    if failed:
        items.append(
            TodoItem(
                N_("%(n)s message(s) to customs failed to send: retry them on the link's monitor."),
                "/customs",
                {"n": failed},
            )
        )
    if counts[(IN, DEAD)].count:
        items.append(
            TodoItem(
                N_(
                    "%(n)s file(s) from customs could not be applied and were set aside: look at them on the link's monitor."
                ),
                "/customs",
                {"n": counts[(IN, DEAD)].count},
            )
        )
    queued = counts[(OUT, QUEUED)]
    if queued.count and queued.oldest is not None and utcnow() - queued.oldest > SLOW:
        items.append(
            TodoItem(
                N_(
                    "%(n)s message(s) have waited over an hour to be sent to customs: check that the link is running."
                ),
                "/customs",
                {"n": queued.count},
            )
        )
    return items
