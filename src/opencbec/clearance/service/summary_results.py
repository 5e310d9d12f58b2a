"""Summary applications (汇总申请单) as the declarant follows them: the list with counts,
values and results, one application's lines, and the summary results (汇总结果单, CEB792) tied
back to their applications when they arrive (document hook, event "new" or "changed").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opencbec.audit import service as audit_service
from opencbec.clearance.models import ClearanceDocument, SummaryLine, SummaryResultLink
from opencbec.clearance.service.documents import get_document, register_document_hook
from opencbec.clearance.service.summary_groups import customs_numbers, field_text, number_of
from opencbec.errors import NotFound
from opencbec.identity.rules import Principal
from opencbec.kit.i18n import N_
from opencbec.kit.time import utcnow

audit_service.describe_actions(
    {"clearance.summary.result": N_("Summary result tied to its application")}
)


@register_document_hook
def _on_result(
    session: Session, principal: Principal, document: ClearanceDocument, event: str
) -> None:
    if document.kind == "summary_result" and event in {"new", "changed"}:
        link_result(session, principal=principal, result=document)


@dataclass(frozen=True, slots=True)
class ApplicationRow:
    """A summary application in the list: the document, its lines and inventories, its results."""

    document: ClearanceDocument
    lines: int
    inventories: int
    value: Decimal
    results: list[SummaryResultLink]


def list_applications(session: Session, *, principal: Principal) -> list[ApplicationRow]:
    """Return the caller's summary applications, newest first, with counts and results."""
    documents = list(
        session.scalars(
            select(ClearanceDocument)
            .where(
                ClearanceDocument.organisation_id == principal.organisation_id,
                ClearanceDocument.kind == "summary_application",
            )
            .order_by(ClearanceDocument.id.desc())
            .limit(500)
        )
    )
    ids = [d.id for d in documents] or [0]
    stats = {
        application_id: (n, inventories, value or Decimal(0))
        for application_id, n, inventories, value in session.execute(
            select(
                SummaryLine.application_id,
                func.count(),
                func.count(func.distinct(SummaryLine.inventory_id)),
                func.sum(SummaryLine.total_price),
            )
            .where(SummaryLine.application_id.in_(ids))
            .group_by(SummaryLine.application_id)
        )
    }
    results: dict[int, list[SummaryResultLink]] = defaultdict(list)
    for link in session.scalars(
        select(SummaryResultLink).where(SummaryResultLink.application_id.in_(ids))
    ):
        results[link.application_id].append(link)
    rows = []
    for d in documents:
        n, inventories, value = stats.get(d.id, (0, 0, Decimal(0)))
        rows.append(ApplicationRow(d, n, inventories, Decimal(value), results.get(d.id, [])))
    return rows


@dataclass(frozen=True, slots=True)
class ApplicationDetail:
    """One summary application: its lines (with their inventories) and its summary results."""

    document: ClearanceDocument
    sum_no: str | None
    lines: list[tuple[SummaryLine, ClearanceDocument]]
    results: list[tuple[SummaryResultLink, ClearanceDocument]]


def application_detail(
    session: Session, *, principal: Principal, application_id: int
) -> ApplicationDetail:
    """Return one of the caller's summary applications with its lines and results."""
    document = get_document(session, principal=principal, document_id=application_id)
    if document.kind != "summary_application":
        raise NotFound()
    lines = [
        (line, inventory)
        for line, inventory in session.execute(
            select(SummaryLine, ClearanceDocument)
            .join(ClearanceDocument, ClearanceDocument.id == SummaryLine.inventory_id)
            .where(SummaryLine.application_id == document.id)
            .order_by(SummaryLine.inventory_id, SummaryLine.gnum)
        )
    ]
    results = [
        (link, result)
        for link, result in session.execute(
            select(SummaryResultLink, ClearanceDocument)
            .join(ClearanceDocument, ClearanceDocument.id == SummaryResultLink.result_id)
            .where(SummaryResultLink.application_id == document.id)
            .order_by(SummaryResultLink.id)
        )
    ]
    numbers = customs_numbers(session, [document.id])
    return ApplicationDetail(document, number_of(document, numbers, "sumNo"), lines, results)


def link_result(
    session: Session, *, principal: Principal, result: ClearanceDocument
) -> SummaryResultLink | None:
    """Tie a summary result (CEB792) to its application and record its declaration numbers.

    The result names the application by sumNo, the number customs gave it in the CEB702 receipt
    (which carries the application's copNo); a result that arrives before that receipt is tied
    by its inventories instead: the one application of the same agent and consignor listing
    every inventory the result names. Nothing is tied when neither finds exactly one.
    """
    head: Mapping[str, Any] = result.content.get("summary_result_head") or {}
    listed = result.content.get("summary_result_list") or []
    sum_no = field_text(head, "sumNo")
    applications = list(
        session.scalars(
            select(ClearanceDocument).where(
                ClearanceDocument.organisation_id == result.organisation_id,
                ClearanceDocument.kind == "summary_application",
            )
        )
    )
    numbers = customs_numbers(session, (a.id for a in applications))
    found = [a for a in applications if sum_no and number_of(a, numbers, "sumNo") == sum_no]
    linked_by = "sumNo"
    invt_nos = {field_text(line, "invtNo") for line in listed} - {""}
    if not found and invt_nos:
        linked_by = "inventories"
        found = [
            a
            for a in applications
            if field_text(_apply_head(a), "agentCode") == field_text(head, "agentCode")
            and field_text(_apply_head(a), "ebcCode") == field_text(head, "ebcCode")
            and invt_nos <= _listed(a)
        ]
    if len(found) != 1:
        return None
    application = found[0]
    link = session.scalar(select(SummaryResultLink).where(SummaryResultLink.result_id == result.id))
    if link is None:
        link = SummaryResultLink(result_id=result.id, application_id=application.id)
        session.add(link)
    link.application_id = application.id
    link.sum_no = sum_no[:18]
    link.decl_seq_no = field_text(head, "declSeqNo")[:18]
    link.entry_id = field_text(head, "entryId")[:18] or None
    link.linked_by = linked_by
    link.linked_at = utcnow()
    _mark_lines(session, application, listed, link)
    session.flush()
    audit_service.record(
        session,
        actor=principal.actor,
        action="clearance.summary.result",
        object_type="clearance.summary_application",
        object_id=application.id,
        organisation_id=application.organisation_id,
        details={
            "result_id": result.id,
            "sum_no": link.sum_no,
            "decl_seq_no": link.decl_seq_no,
            "entry_id": link.entry_id,
            "linked_by": linked_by,
        },
    )
    return link


def _apply_head(application: ClearanceDocument) -> Mapping[str, Any]:
    head: Mapping[str, Any] = application.content.get("summary_apply_head") or {}
    return head


def _listed(application: ClearanceDocument) -> set[str]:
    return {
        field_text(line, "invtNo") for line in application.content.get("summary_apply_list") or []
    } - {""}


def _mark_lines(
    session: Session,
    application: ClearanceDocument,
    listed: list[Mapping[str, Any]],
    link: SummaryResultLink,
) -> None:
    # The result names the inventory lines of its declaration: they get its numbers.
    rows = list(
        session.execute(
            select(SummaryLine, ClearanceDocument)
            .join(ClearanceDocument, ClearanceDocument.id == SummaryLine.inventory_id)
            .where(SummaryLine.application_id == application.id)
        )
    )
    numbers = customs_numbers(session, {inventory.id for _, inventory in rows})
    by_key = {
        (number_of(inventory, numbers, "invtNo"), line.gnum): line for line, inventory in rows
    }
    for item in listed:
        line = by_key.get((field_text(item, "invtNo"), int(item.get("gnum") or 0)))
        if line is not None:
            line.decl_seq_no, line.entry_id = link.decl_seq_no, link.entry_id
