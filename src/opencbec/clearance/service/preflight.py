"""The pre-flight check on stored documents: reference data from the database, the three-order
rules, and the checks later domains hook in (tax)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, cast

from sqlalchemy import Table, bindparam, distinct, func, literal, select
from sqlalchemy.orm import Session

from opencbec.clearance.models import ClearanceDocument, SetCheck
from opencbec.clearance.rules import EnterpriseRole, Failure, PositiveListLine
from opencbec.clearance.rules_export import check_export_set, match_export
from opencbec.clearance.rules_import import ImportSet, check_import_batch, missing_failures
from opencbec.clearance.service.documents import (
    BY_MESSAGE,
    BY_NAME,
    IMPORT_SET_KINDS,
    KINDS,
    attach_row,
    register_document_hook,
    set_kinds_held,
    stored_record,
    stored_set_members,
)
from opencbec.clearance.service.reference_cache import CodeTables, one_check
from opencbec.db import Prepared, innermost_transaction, upsert_columns
from opencbec.enterprise import service as enterprise_service
from opencbec.errors import NotFound
from opencbec.goods import service as goods_service
from opencbec.identity.rules import Principal
from opencbec.kit.i18n import Bilingual
from opencbec.kit.time import utcnow
from opencbec.messages.ceb import message_class
from opencbec.messages.ceb.spec import Kind as FieldKind
from opencbec.messages.ceb.spec import spec_of


def restore(cls: type, data: Mapping[str, Any]) -> Any:
    """Rebuild a CEB record (a document as stored) from its JSON content, by the field specs."""
    values: dict[str, Any] = {}
    for fs in spec_of(cls).fields:
        raw = data.get(fs.attr)
        if raw is None:
            values[fs.attr] = [] if fs.repeated else None
        elif fs.kind is FieldKind.RECORD and fs.record is not None:
            values[fs.attr] = (
                [restore(fs.record, r) for r in raw] if fs.repeated else restore(fs.record, raw)
            )
        elif fs.kind is FieldKind.DEC:
            values[fs.attr] = Decimal(str(raw))
        elif fs.kind is FieldKind.INT:
            values[fs.attr] = int(raw)
        else:
            values[fs.attr] = raw
    return cls(**values)


def document_model(document: ClearanceDocument) -> Any:
    """Return the stored document as its CEB record (Order, Payment, Logistics or Inventory)."""
    kind = BY_MESSAGE[document.message_type]
    root = spec_of(message_class(kind.message))
    item = next(fs for fs in root.fields if fs.attr == kind.items)
    assert item.record is not None
    return restore(item.record, document.content)


class DatabaseReference:
    """The pre-flight check's reference data: code tables, filings, and the buyer's declared total.

    The buyer's total comes from the quota ledger, which a later domain (tax) keeps and offers
    through `register_annual_used`.
    """

    def __init__(
        self, session: Session, on: dt.date, *, exclude_order_no: str | None = None
    ) -> None:
        self.session = session
        self.on = on
        self.exclude_order_no = exclude_order_no  # the set under check is not part of "so far"
        self._approved: Mapping[str, frozenset[str]] | None = None
        self._codes: CodeTables | None = None
        self._used: dict[tuple[str, int], Decimal] = {}

    @property
    def codes(self) -> CodeTables:
        """Return the code tables as this check sees them (one question per check, then kept)."""
        if self._codes is None:
            self._codes = CodeTables.of(self.session)
        return self._codes

    def hs_in_force(self, code: str) -> bool:
        """Return whether the 10-digit code is in force."""
        return self.codes.remember(("cn_code", code, self.on), lambda: self._hs_in_force(code))

    def _hs_in_force(self, code: str) -> bool:
        return (
            goods_service.lookup(self.session, table="cn_code", code=code, on=self.on) is not None
        )

    def positive_list_line(self, code: str) -> PositiveListLine | None:
        """Return the positive-list line of the code or of its 8-digit line."""
        return self.codes.remember(
            ("positive_list", code, self.on), lambda: self._positive_list_line(code)
        )

    def _positive_list_line(self, code: str) -> PositiveListLine | None:
        row = goods_service.lookup(
            self.session, table="positive_list", code=code, on=self.on
        ) or goods_service.lookup(self.session, table="positive_list", code=code[:8], on=self.on)
        if row is None:
            return None
        notes = "; ".join(
            str(row.data[k])
            for k in ("quantity_limit", "name_restriction", "note")
            if row.data.get(k)
        )
        return PositiveListLine(
            code=row.code,
            name_zh=row.name_zh,
            bonded_only=bool(row.data.get("bonded_only")),
            note=notes,
        )

    def enterprise_approved(self, code: str, role: EnterpriseRole) -> bool:
        """Return whether a filed and approved enterprise holds `role`."""
        if self._approved is None:
            self._approved = enterprise_service.approved_roles_by_code(self.session)
        return role.value in self._approved.get(code, frozenset())

    def annual_used(self, id_number: str, year: int) -> Decimal:
        """Return what the buyer has reserved or consumed of `year`, without the set under check."""
        if _ANNUAL_USED is None:
            raise RuntimeError("no annual quota ledger is registered (import opencbec.tax.service)")
        # The three-order rules and the tax check both ask: answer once per check.
        key = (id_number, year)
        if key not in self._used:
            self._used[key] = _ANNUAL_USED(self.session, id_number, year, self.exclude_order_no)
        return self._used[key]


AnnualUsed = Callable[[Session, str, int, "str | None"], Decimal]
_ANNUAL_USED: AnnualUsed | None = None


def register_annual_used(provider: AnnualUsed) -> AnnualUsed:
    """Let the domain that keeps the quota ledger answer the pre-flight's year-to-date question."""
    global _ANNUAL_USED  # noqa: PLW0603 - one ledger per process, registered at import
    _ANNUAL_USED = provider
    return provider


@dataclass(frozen=True, slots=True)
class ExtraFailure:
    """A failure found by a later domain's check (tax, risk): same shape as the three-order ones."""

    code: str
    fields: tuple[str, ...]
    detail: Bilingual
    fix: Bilingual


PreflightCheck = Callable[[Session, ImportSet, dt.date, Decimal], list[ExtraFailure]]
_EXTRA_CHECKS: list[PreflightCheck] = []


def preflight_checks() -> tuple[PreflightCheck, ...]:
    """Return the checks later domains registered."""
    return tuple(_EXTRA_CHECKS)


def register_preflight_check(check: PreflightCheck) -> PreflightCheck:
    """Let a later domain add a check to the pre-flight (a hook: clearance never imports it)."""
    _EXTRA_CHECKS.append(check)
    return check


@dataclass(frozen=True, slots=True)
class Preflight:
    """An order's set: its documents as held (by kind) and the failures of the three-order check."""

    order_no: str
    documents: Mapping[str, ClearanceDocument | None]
    failures: tuple[Failure | ExtraFailure, ...]

    @property
    def ready(self) -> bool:
        """True when every document is in and every rule holds: ready to declare."""
        return not self.failures and all(self.documents.values())


def preflight(
    session: Session, *, principal: Principal, order_no: str, on: dt.date | None = None
) -> Preflight:
    """Run the pre-flight three-order check on the documents held for one order number."""
    documents = _documents_of(session, order_no)
    if not any(d.organisation_id == principal.organisation_id for d in documents):
        raise NotFound(
            Bilingual(
                f"No documents of yours for order {order_no}.",
                f"没有您申报的订单 {order_no} 单证。",
            )
        )
    # Reads only: pages call this on GET, whose transaction must not write (on SQLite a read
    # transaction that starts writing can fail against a concurrent writer). Arrivals keep the
    # stored result current (`check_and_record`).
    return _check(session, order_no, documents, on or dt.date.today())


# Only the set's own documents: a cancellation or return naming the order is not one of them.
# Statements on the arrival path are built once: building one costs more than running it.
_SET_DOCUMENTS: Final = select(ClearanceDocument).where(
    ClearanceDocument.order_no == bindparam("order_no"),
    ClearanceDocument.kind.in_([k.name for k in KINDS if k.set_member]),
)
# The import set's kinds and their message types (order → CEB311 ...).
_IMPORT_MEMBERS: Final = {name: BY_NAME[name].message[:6] for name in IMPORT_SET_KINDS}
_IMPORT_KINDS_PRESENT: Final = select(func.count(distinct(ClearanceDocument.kind))).where(
    ClearanceDocument.order_no == bindparam("order_no"),
    ClearanceDocument.kind.in_(list(_IMPORT_MEMBERS)),
)


# Which documents form the set, by id: on arrival they are those the session just stored.
_SET_DOCUMENT_IDS: Final = Prepared(
    select(ClearanceDocument.id).where(
        ClearanceDocument.order_no == bindparam("order_no"),
        ClearanceDocument.kind.in_([literal(k.name) for k in KINDS if k.set_member]),
    )
)


def _documents_of(session: Session, order_no: str) -> list[ClearanceDocument]:
    # A set submitted in one session: its documents are those the session stored (as the ORM
    # query would return them: it keeps the objects the session holds) when the database holds
    # no other. Otherwise (each sent on its own) they are loaded in one query.
    stored = stored_set_members(session, order_no)
    if len({d.kind for d in stored.values()}) == len(_IMPORT_MEMBERS):
        session.flush()
        ids = [i for (i,) in _SET_DOCUMENT_IDS.rows(session, {"order_no": order_no})]
        if all(i in stored for i in ids):
            return [stored[i] for i in ids]
    return list(session.scalars(_SET_DOCUMENTS, {"order_no": order_no}))


def _check(
    session: Session, order_no: str, documents: list[ClearanceDocument], day: dt.date
) -> Preflight:
    with one_check(session):  # the rules and the later domains' checks ask the code tables once
        return _check_set(session, order_no, documents, day)


def _check_set(
    session: Session, order_no: str, documents: list[ClearanceDocument], day: dt.date
) -> Preflight:
    if any(BY_NAME[d.kind].direction == "export" for d in documents):
        return _export_preflight(session, order_no, documents, day)
    by_kind, models = _by_kind(session, documents, "import")
    reference = DatabaseReference(session, day, exclude_order_no=order_no)
    results, batch_failures = check_import_batch(
        models["order"],
        models["payment"],
        models["waybill"],
        models["inventory"],
        reference=reference,
        year=day.year,
    )
    failures: list[Failure | ExtraFailure] = list(batch_failures)
    for result in results:
        if result.documents.order_no == order_no:
            failures += result.failures
            buyer = (
                result.documents.inventory.inventory_head if result.documents.inventory else None
            )
            so_far = (
                reference.annual_used(buyer.buyerIdNumber or "", day.year) if buyer else Decimal(0)
            )
            for check in _EXTRA_CHECKS:
                failures += check(session, result.documents, day, so_far)
    return Preflight(order_no, by_kind, tuple(failures))


def _as_json(failures: Sequence[Failure | ExtraFailure]) -> list[dict[str, Any]]:
    return [
        {
            "code": f.code,
            "fields": list(f.fields),
            "detail": {"en": f.detail.en, "zh": f.detail.zh},
            "fix": {"en": f.fix.en, "zh": f.fix.zh},
        }
        for f in failures
    ]


_CHECK_COLUMNS: Final = ("direction", "ready", "failure_count", "failures", "checked_at")


@functools.cache
def _upsert_check(dialect: str) -> Prepared:
    # One statement writes the set's first check or replaces the one kept (the order number is
    # unique) and answers its id. Built once per dialect, on the table: the ORM's upsert path
    # costs more than the row.
    table = cast(Table, SetCheck.__table__)
    upsert = upsert_columns(table, dialect)
    return Prepared(
        upsert.on_conflict_do_update(
            index_elements=["order_no"], set_={c: upsert.excluded[c] for c in _CHECK_COLUMNS}
        ).returning(table.c.id)
    )


def _record(session: Session, result: Preflight) -> SetCheck:
    direction = (
        "export" if any(BY_NAME[k].direction == "export" for k in result.documents) else "import"
    )
    failures = _as_json(result.failures)
    values = {
        "order_no": result.order_no,
        "direction": direction,
        "ready": result.ready,
        "failure_count": len(failures),
        "failures": failures,
        "checked_at": utcnow(),
    }
    ((check_id,),) = _upsert_check(session.get_bind().dialect.name).rows(session, values)
    check = attach_row(session, SetCheck, {"id": check_id, **values})
    owners = frozenset(d.organisation_id for d in result.documents.values() if d is not None)
    session.info.setdefault(_WRITTEN_CHECKS, {})[result.order_no] = (
        innermost_transaction(session),
        check,
        owners,
    )
    return check


# The checks this session wrote, by order number, with the transaction or savepoint that wrote
# them and the organisations holding the set's documents: the answer to the request that wrote
# one needs no read (the upsert holds the row until the transaction ends).
_WRITTEN_CHECKS: Final = "opencbec.clearance.written_checks"


def _written_check(session: Session, principal: Principal, order_no: str) -> SetCheck | None:
    written = session.info.get(_WRITTEN_CHECKS, {}).get(order_no)
    if written is None:
        return None
    transaction, check, owners = written
    if (
        transaction is None
        or not transaction.is_active
        or transaction is not innermost_transaction(session)
        or principal.organisation_id not in owners
    ):
        return None  # written in a savepoint since ended, or another's set: read it
    return cast(SetCheck, check)


def check_and_record(session: Session, *, order_no: str, on: dt.date | None = None) -> SetCheck:
    """Run the pre-flight check of one order's set and keep its result (no access check: internal)."""
    documents = _documents_of(session, order_no)
    return _record(session, _check(session, order_no, documents, on or dt.date.today()))


def kept_check(session: Session, *, principal: Principal, order_no: str) -> SetCheck:
    """Return the kept pre-flight result of one of the principal's order sets (no check runs)."""
    written = _written_check(session, principal, order_no)
    if written is not None:
        return written
    check = session.scalar(
        select(SetCheck).where(
            SetCheck.order_no == order_no,
            SetCheck.order_no.in_(
                select(ClearanceDocument.order_no).where(
                    ClearanceDocument.organisation_id == principal.organisation_id
                )
            ),
        )
    )
    if check is None:
        raise NotFound(
            Bilingual(
                f"No checked set of yours for order {order_no}.",
                f"没有您申报的订单 {order_no} 的核对结果。",
            )
        )
    return check


def sets_not_ready(session: Session, *, principal: Principal, limit: int = 20) -> list[SetCheck]:
    """Return the principal's order sets that are not ready, by order number.

    Complete sets come with their kept check; an import set still missing documents is listed
    with what it misses (worked out here, so arrivals need not write anything until the last).
    """
    own = (
        select(ClearanceDocument.order_no)
        .where(ClearanceDocument.organisation_id == principal.organisation_id)
        .distinct()
    )
    checked = list(
        session.scalars(
            select(SetCheck)
            .where(SetCheck.order_no.in_(own), SetCheck.ready.is_(False))
            .order_by(SetCheck.order_no)
            .limit(limit)
        )
    )
    present: dict[str, set[str]] = {}
    for order_no, kind in session.execute(
        select(ClearanceDocument.order_no, ClearanceDocument.kind)
        .where(
            ClearanceDocument.order_no.in_(own),
            ClearanceDocument.kind.in_(list(_IMPORT_MEMBERS)),
            ClearanceDocument.order_no.not_in(select(SetCheck.order_no)),
        )
        .distinct()
    ):
        present.setdefault(str(order_no), set()).add(kind)
    incomplete = [
        SetCheck(
            order_no=order_no,
            direction="import",
            ready=False,
            failure_count=len(failures),
            failures=failures,
        )
        for order_no, kinds in sorted(present.items())
        if len(kinds) < len(_IMPORT_MEMBERS)
        for failures in [
            _as_json(
                missing_failures(
                    order_no, [m for k, m in _IMPORT_MEMBERS.items() if k not in kinds]
                )
            )
        ]
    ]
    return sorted(checked + incomplete, key=lambda c: c.order_no)[:limit]


@register_document_hook
def _recheck_on_arrival(
    session: Session, principal: Principal, document: ClearanceDocument, event: str
) -> None:
    # A document arriving or changing changes its set: keep the set's check current. Until all four
    # import documents are in nothing is written (the rules run once, when the set is complete);
    # the order page always runs the whole check.
    del principal
    if event not in {"new", "changed"} or not BY_NAME[document.kind].set_member:
        return
    order_no = document.order_no
    if document.kind in _IMPORT_MEMBERS and order_no:
        present = set_kinds_held(session, document)
        if present is None:
            present = session.scalar(_IMPORT_KINDS_PRESENT, {"order_no": order_no})
        if (present or 0) < len(_IMPORT_MEMBERS):
            return  # `sets_not_ready` names what is missing; the check runs when all are in
    if document.kind == "export_waybill":  # joins its set through the inventory's logistics key
        inventory = session.scalar(
            select(ClearanceDocument)
            .where(
                ClearanceDocument.logistics_no == document.logistics_no,
                ClearanceDocument.kind == "export_inventory",
            )
            .limit(1)
        )
        order_no = inventory.order_no if inventory is not None else None
    if order_no:
        check_and_record(session, order_no=order_no)


def _by_kind(
    session: Session, documents: list[ClearanceDocument], direction: str
) -> tuple[dict[str, ClearanceDocument | None], dict[str, list[Any]]]:
    names = [k.name for k in KINDS if k.direction == direction and k.set_member]
    by_kind: dict[str, ClearanceDocument | None] = dict.fromkeys(names)
    models: dict[str, list[Any]] = {name: [] for name in names}
    for document in documents:
        if document.kind in by_kind:
            by_kind[document.kind] = by_kind[document.kind] or document
            # A document this session has just stored is checked on the record it decoded (its
            # content is that record as JSON): rebuilding it from the content gives an equal one.
            record = stored_record(session, document)
            models[document.kind].append(document_model(document) if record is None else record)
    return by_kind, models


def _export_preflight(
    session: Session, order_no: str, documents: list[ClearanceDocument], day: dt.date
) -> Preflight:
    # An export waybill (CEB505) names no order: it joins through the inventory's logistics number.
    keys = {
        f"{d.content.get('inventory_head', {}).get('logisticsCode')}|{d.content.get('inventory_head', {}).get('logisticsNo')}"
        for d in documents
        if d.kind == "export_inventory"
    }
    if keys:
        documents += list(
            session.scalars(
                select(ClearanceDocument).where(
                    ClearanceDocument.kind == "export_waybill",
                    ClearanceDocument.business_key.in_(sorted(keys)),
                )
            )
        )
    by_kind, models = _by_kind(session, documents, "export")
    matched = match_export(
        models["export_order"],
        models["collection"],
        models["export_waybill"],
        models["export_inventory"],
    )
    failures: list[Failure | ExtraFailure] = list(matched.failures)
    reference = DatabaseReference(session, day, exclude_order_no=order_no)
    for export_set in matched.sets:
        if export_set.order_no == order_no:
            failures += check_export_set(export_set, reference=reference)
    return Preflight(order_no, by_kind, tuple(failures))
