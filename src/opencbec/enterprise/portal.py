"""Enterprise filing on the portal: search of enterprises and key figures of filing review.

Search follows the filing service's read rule: an enterprise finds its own filing; a regulator
any filing (as `service.get_filing` allows); the zone administration finds organisations in
the directory it keeps (names and codes, no filing content).
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from opencbec.enterprise import service
from opencbec.enterprise.models import EnterpriseFiling, Factory, FilingVersion
from opencbec.enterprise.rules import FilingStatus, VersionState
from opencbec.identity.models import Organisation
from opencbec.identity.rules import Principal, has_scope
from opencbec.kit.i18n import N_
from opencbec.webkit import (
    LIKE_ESCAPE,
    SEARCH_LIMIT,
    Figure,
    Panel,
    SearchHit,
    TodoItem,
    like_text,
    register_panels,
    register_search,
    register_todos,
)

_STATUS_LABELS: Final = {
    FilingStatus.PENDING: N_("Filing pending"),
    FilingStatus.APPROVED: N_("Filing approved"),
    FilingStatus.SUSPENDED: N_("Filing suspended"),
    FilingStatus.REVOKED: N_("Filing revoked"),
}


@register_todos
def factory_todos(session: Session, principal: Principal) -> list[TodoItem]:
    """For the zone: registered source factories not yet on the published list."""
    if not principal.is_zone_admin:
        return []
    waiting = session.scalar(
        select(func.count()).select_from(Factory).where(Factory.is_listed.is_(False))
    )
    if not waiting:
        return []
    return [
        TodoItem(
            N_(
                "%(n)s registered source factories are not on the published list yet: review and publish them."
            ),
            "/parks",
            {"n": waiting},
        )
    ]


def _matches(query: str) -> list[ColumnElement[bool]]:
    pattern = f"%{like_text(query.lower())}%"
    return [
        func.lower(Organisation.name_zh).like(pattern, escape=LIKE_ESCAPE),
        func.lower(Organisation.name_en).like(pattern, escape=LIKE_ESCAPE),
        func.lower(Organisation.code) == query.lower(),
    ]


@register_search
def search_enterprises(session: Session, principal: Principal, query: str) -> list[SearchHit]:
    """Enterprises by name (a part), organisation code or USCC (whole), as the caller may see."""
    if not has_scope(principal, "enterprise:read"):
        return []
    names = _matches(query)
    stmt = (
        select(EnterpriseFiling, Organisation)
        .join(Organisation, Organisation.id == EnterpriseFiling.organisation_id)
        .where(or_(*names, EnterpriseFiling.uscc == query.upper()))
    )
    if not principal.is_regulator:
        stmt = stmt.where(EnterpriseFiling.organisation_id == principal.organisation_id)
    hits = [
        SearchHit(
            N_("Enterprise"),
            f"{organisation.name_zh} · {organisation.name_en}",
            f"/filings/{filing.id}" if principal.is_regulator else "/filing",
            f"{filing.uscc} · {filing.certificate_no or '—'}",
        )
        for filing, organisation in session.execute(
            stmt.order_by(Organisation.name_zh).limit(SEARCH_LIMIT)
        )
    ]
    if principal.is_zone_admin:  # the directory the zone keeps: names and codes only
        hits.extend(
            SearchHit(N_("Organisation"), f"{o.name_zh} · {o.name_en}", "/organisations", o.code)
            for o in session.scalars(
                select(Organisation)
                .where(or_(*names))
                .order_by(Organisation.name_zh)
                .limit(SEARCH_LIMIT)
            )
        )
    return hits


@register_panels
def filing_panels(session: Session, principal: Principal) -> list[Panel]:
    """Reviewers: filings waiting, returned, approved; an enterprise: its filing's standing."""
    if service.is_reviewer(principal) or principal.is_zone_admin:
        by_state = dict(
            session.execute(
                select(FilingVersion.state, func.count()).group_by(FilingVersion.state)
            ).all()
        )
        approved = session.scalar(
            select(func.count())
            .select_from(EnterpriseFiling)
            .where(EnterpriseFiling.status == FilingStatus.APPROVED.value)
        )
        waiting = by_state.get(VersionState.SUBMITTED.value, 0) + by_state.get(
            VersionState.UNDER_REVIEW.value, 0
        )
        return [
            Panel(
                N_("Enterprise filing"),
                (
                    Figure(
                        N_("Filings waiting for review"),
                        str(waiting),
                        "/filings" if principal.is_regulator else None,
                    ),
                    Figure(
                        N_("Returned, waiting for the enterprise"),
                        str(by_state.get(VersionState.RETURNED.value, 0)),
                    ),
                    Figure(N_("Approved enterprises"), str(approved or 0)),
                ),
            )
        ]
    if principal.is_regulator:
        return []
    filing = service.own_filing(session, principal=principal)
    if filing is None:
        return []
    return [
        Panel(
            N_("Your enterprise filing"),
            (
                Figure(
                    _STATUS_LABELS[FilingStatus(filing.status)],
                    filing.certificate_no or filing.uscc,
                    "/filing",
                ),
            ),
        )
    ]
