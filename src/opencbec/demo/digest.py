"""A stable digest of a loaded zone: what was loaded, not when or under which ids.

Organisations, filings, filed goods and every clearance document's business identity and status
(with the receipt time, which comes from the generated calendar). Follow-up requests are named by
their order (their own numbers carry the moment they were asked), so a reload compares equal.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from opencbec.clearance.models import ClearanceDocument
from opencbec.enterprise.models import EnterpriseFiling
from opencbec.goods.models import Product
from opencbec.identity.models import Organisation, OrganisationRole

# Document kinds whose business key holds a number made from the moment of the request: named by
# their order, or (summaries, which have none) by their declaring agent.
_KEYED_BY_ORDER = frozenset({"cancellation", "return", "export_cancellation", "export_return"})
_KEYED_BY_AGENT = frozenset({"summary_application", "summary_result"})


def _identity(document: ClearanceDocument) -> str:
    if document.kind in _KEYED_BY_ORDER:
        return f"order:{document.order_no}"
    if document.kind in _KEYED_BY_AGENT:
        return f"agent:{document.business_key.split('|')[0]}"
    return document.business_key


def parts(session: Session) -> dict[str, list[Any]]:
    """Return the zone's comparable content, part by part, each part sorted."""
    codes = dict(session.execute(select(Organisation.id, Organisation.code)).all())
    roles = session.execute(select(OrganisationRole.organisation_id, OrganisationRole.role)).all()
    organisations = sorted(
        (o.code, o.name_zh, o.name_en, sorted(r for i, r in roles if i == o.id))
        for o in session.scalars(select(Organisation))
    )
    filings = sorted(
        (codes[f.organisation_id], f.uscc, f.status)
        for f in session.scalars(select(EnterpriseFiling))
    )
    goods = sorted(
        (codes[p.organisation_id], p.item_no, p.hs_code, p.status)
        for p in session.scalars(select(Product))
    )
    documents = sorted(
        (
            d.kind,
            _identity(d),
            d.status,
            d.status_time or "",
            codes[d.organisation_id],
        )
        for d in session.scalars(select(ClearanceDocument))
    )
    return {
        "organisations": organisations,
        "filings": filings,
        "goods": goods,
        "documents": documents,
    }


def digest(content: dict[str, list[Any]]) -> str:
    """Return the SHA-256 of the content in canonical JSON."""
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def zone_digest(session: Session) -> dict[str, str]:
    """Return each part's digest and the whole zone's ("zone")."""
    content = parts(session)
    out = {name: digest({name: rows}) for name, rows in content.items()}
    out["zone"] = digest(content)
    return out
