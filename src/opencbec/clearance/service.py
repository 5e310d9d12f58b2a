"""Clearance use cases: store declared documents (idempotent, versioned) and apply receipts in
returnTime order, so an older receipt never overwrites a newer status."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from opencbec.audit import service as audit_service
from opencbec.clearance.models import ClearanceDocument, DocumentReceipt, DocumentVersion
from opencbec.clearance.rules import EnterpriseRole, Failure, PositiveListLine
from opencbec.clearance.rules_import import ImportSet, check_import_batch
from opencbec.enterprise import service as enterprise_service
from opencbec.errors import Conflict, FieldError, InvalidInput, NotFound
from opencbec.goods import service as goods_service
from opencbec.identity.rules import Principal
from opencbec.kit.i18n import N_, Bilingual
from opencbec.kit.time import utcnow
from opencbec.messages.ceb import CebError, decode, message_class, validate
from opencbec.messages.ceb.spec import Kind as FieldKind
from opencbec.messages.ceb.spec import spec_of

audit_service.describe_actions(
    {
        "clearance.document.declare": N_("Document received"),
        "clearance.document.change": N_("Document changed"),
        "clearance.receipt.apply": N_("Receipt applied"),
    }
)


@dataclass(frozen=True, slots=True)
class Kind:
    """A document kind: its message, where its documents sit, its key, and its receipt message."""

    name: str
    message: str
    items: str
    head: str
    key: tuple[str, ...]
    receipt_message: str
    receipt_items: str


KINDS: Final = (
    Kind(
        "order",
        "CEB311Message",
        "order",
        "order_head",
        ("ebpCode", "orderNo"),
        "CEB312Message",
        "order_return",
    ),
    Kind(
        "payment",
        "CEB411Message",
        "payment",
        "payment_head",
        ("payCode", "payTransactionId"),
        "CEB412Message",
        "payment_return",
    ),
    Kind(
        "waybill",
        "CEB511Message",
        "logistics",
        "logistics_head",
        ("logisticsCode", "logisticsNo"),
        "CEB512Message",
        "logistics_return",
    ),
    Kind(
        "inventory",
        "CEB621Message",
        "inventory",
        "inventory_head",
        ("ebcCode", "copNo"),
        "CEB622Message",
        "inventory_return",
    ),
)
BY_MESSAGE: Final[Mapping[str, Kind]] = {k.message: k for k in KINDS}
BY_RECEIPT: Final[Mapping[str, Kind]] = {k.receipt_message: k for k in KINDS}

# Receipt statuses of spec §4; codes not listed here are kept and shown as they came.
STATUS_LABELS: Final[Mapping[str, str]] = {
    "0": N_("Received by the platform"),
    "1": N_("Saved as draft"),
    "2": N_("Declaring through the e-port"),
    "3": N_("Sent to customs"),
    "4": N_("Sending to customs failed"),
    "100": N_("Rejected by customs"),
    "120": N_("Accepted into the customs database"),
    "300": N_("Manual review"),
    "399": N_("Customs review finished"),
    "500": N_("Inspection"),
    "501": N_("Inspected and held"),
    "502": N_("Inspected and released"),
    "503": N_("Inspected and seized"),
    "599": N_("Released after inspection"),
    "700": N_("Under investigation"),
    "800": N_("Released"),
    "899": N_("Goods delivered after release"),
}


RESULT_LABELS: Final[Mapping[str, str]] = {
    "new": N_("stored as a new document"),
    "changed": N_("stored as a new version; the previous one is kept"),
    "duplicate": N_("already received; nothing changed"),
    "applied": N_("receipt applied"),
    "ignored": N_("receipt older than the status in force; kept, not applied"),
    "orphan": N_("receipt for a document this platform does not hold; kept"),
}


def status_label(status: str) -> str:
    """Return the readable label of a status (an unknown code is shown as received)."""
    if status in STATUS_LABELS:
        return STATUS_LABELS[status]
    return N_("Error receipt") if status.startswith("-") else status


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bytes):
        return None
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one document or receipt of a message."""

    kind: str
    business_key: str
    result: str  # "new", "changed", "duplicate" (same guid, nothing done), "applied", "ignored" (older), "orphan"
    document_id: int | None


def _decode(data: bytes) -> Any:
    try:
        message = decode(data)
    except CebError as exc:
        raise InvalidInput(
            [
                FieldError(i.path or "message", Bilingual(i.reason_en, i.reason_zh), i.code)
                for i in exc.issues[:50]
            ],
            Bilingual(
                "The message cannot be read; nothing was stored.", "报文无法读取，未保存任何内容。"
            ),
        ) from None
    return message


def ingest_message(session: Session, *, principal: Principal, data: bytes) -> list[Outcome]:
    """Store every document of a declared CEB message, or apply every receipt of a receipt message.

    All or nothing: a message with any fault is refused whole, naming each fault.
    """
    message = _decode(data)
    name = type(message).__name__
    if name in BY_RECEIPT:
        return _apply_receipts(session, principal=principal, kind=BY_RECEIPT[name], message=message)
    kind = BY_MESSAGE.get(name)
    if kind is None:
        raise InvalidInput(
            [
                FieldError(
                    "message",
                    Bilingual(
                        f"{name} is not a document this platform stores yet (known: {', '.join(BY_MESSAGE)})",
                        f"平台暂不接收 {name}（可接收：{', '.join(BY_MESSAGE)}）",
                    ),
                    "unsupported_type",
                )
            ]
        )
    # Unsigned uploads are accepted: the platform signs what it sends to customs (the customs link).
    faults = [
        i
        for i in validate(message)
        if i.level == "schema" and not (i.path == "Signature" and i.code == "required")
    ]
    if faults:
        raise InvalidInput(
            [FieldError(i.path, Bilingual(i.reason_en, i.reason_zh), i.code) for i in faults[:100]],
            Bilingual(
                f"The message has {len(faults)} fault(s); nothing was stored.",
                f"报文有 {len(faults)} 处错误，未保存任何内容。",
            ),
        )
    return [
        _store(session, principal, kind, message.guid, item)
        for item in getattr(message, kind.items)
    ]


def _key(head: Any, kind: Kind) -> str:
    return "|".join(str(getattr(head, f) or "") for f in kind.key)


def _store(
    session: Session, principal: Principal, kind: Kind, message_guid: str | None, item: Any
) -> Outcome:
    head = getattr(item, kind.head)
    key = _key(head, kind)
    guid = str(head.guid)
    app_type = str(head.appType or "1")
    content = _jsonable(item)
    known = session.scalar(select(DocumentVersion).where(DocumentVersion.guid == guid))
    if known is not None:
        return Outcome(kind.name, key, "duplicate", known.document_id)
    document = session.scalar(
        select(ClearanceDocument).where(
            ClearanceDocument.kind == kind.name, ClearanceDocument.business_key == key
        )
    )
    now = utcnow()
    if document is not None and document.organisation_id != principal.organisation_id:
        raise NotFound(
            Bilingual(
                f"{kind.name} {key} belongs to another declarant.",
                f"{kind.name} {key} 属于其他申报单位。",
            )
        )
    if document is None:
        if app_type != "1":
            raise InvalidInput(
                [
                    FieldError(
                        f"{kind.head}/appType",
                        Bilingual(
                            f"{kind.name} {key} is not declared yet: send it with appType 1 first",
                            f"{kind.name} {key} 尚未申报：请先以 appType 1 新增",
                        ),
                        "not_declared",
                    )
                ]
            )
        document = ClearanceDocument(
            organisation_id=principal.organisation_id,
            kind=kind.name,
            message_type=kind.message,
            business_key=key,
            order_no=getattr(head, "orderNo", None),
            guid=guid,
            version=1,
            status="0",
            content=content,
            created_at=now,
            updated_at=now,
        )
        session.add(document)
        result = "new"
    elif app_type == "2":
        document.version += 1
        document.guid = guid
        document.content = content
        document.status, document.status_time, document.status_info = "0", None, None
        document.updated_at = now
        result = "changed"
    else:
        raise Conflict(
            Bilingual(
                f"{kind.name} {key} is already declared; send a change with appType 2.",
                f"{kind.name} {key} 已申报；如需变更请使用 appType 2。",
            ),
            [
                FieldError(
                    f"{kind.head}/appType",
                    Bilingual("a new declaration of an existing document", "重复新增已申报的单证"),
                    "duplicate",
                )
            ],
        )
    session.flush()
    session.add(
        DocumentVersion(
            document_id=document.id,
            version=document.version,
            guid=guid,
            app_type=app_type,
            content=content,
            message_guid=message_guid,
            received_at=now,
        )
    )
    session.flush()
    audit_service.record(
        session,
        actor=principal.actor,
        action="clearance.document.declare" if result == "new" else "clearance.document.change",
        object_type=f"clearance.{kind.name}",
        object_id=document.id,
        organisation_id=document.organisation_id,
        after=content,
        details={"business_key": key, "version": document.version, "guid": guid},
    )
    return Outcome(kind.name, key, result, document.id)


def _apply_receipts(
    session: Session, *, principal: Principal, kind: Kind, message: Any
) -> list[Outcome]:
    return [
        apply_receipt(
            session,
            principal=principal,
            kind=kind.name,
            business_key=_key(item, kind),
            guid=str(item.guid),
            status=str(item.returnStatus),
            return_time=str(item.returnTime),
            info=item.returnInfo,
        )
        for item in getattr(message, kind.receipt_items)
    ]


def apply_receipt(
    session: Session,
    *,
    principal: Principal,
    kind: str,
    business_key: str,
    guid: str,
    status: str,
    return_time: str,
    info: str | None,
) -> Outcome:
    """Record a receipt; it moves the document's status only when it is not older than the status.

    Receipts are idempotent by guid; a receipt for an unknown document is kept (orphan) so nothing
    customs sent is lost.
    """
    if session.scalar(select(DocumentReceipt.id).where(DocumentReceipt.guid == guid)) is not None:
        return Outcome(kind, business_key, "duplicate", None)
    document = session.scalar(
        select(ClearanceDocument).where(
            ClearanceDocument.kind == kind, ClearanceDocument.business_key == business_key
        )
    )
    applied = document is not None and (
        document.status_time is None or return_time >= document.status_time
    )
    if document is not None and applied:
        document.status, document.status_time, document.status_info = status, return_time, info
        document.updated_at = utcnow()
    session.add(
        DocumentReceipt(
            document_id=document.id if document else None,
            kind=kind,
            business_key=business_key,
            guid=guid,
            status=status,
            return_time=return_time,
            info=info,
            applied=applied,
            received_at=utcnow(),
        )
    )
    session.flush()
    audit_service.record(
        session,
        actor=principal.actor,
        action="clearance.receipt.apply",
        object_type=f"clearance.{kind}",
        object_id=document.id if document else business_key,
        organisation_id=document.organisation_id if document else principal.organisation_id,
        details={"guid": guid, "status": status, "return_time": return_time, "applied": applied},
    )
    if document is None:
        return Outcome(kind, business_key, "orphan", None)
    return Outcome(kind, business_key, "applied" if applied else "ignored", document.id)


def list_documents(
    session: Session, *, principal: Principal, kind: str | None = None, limit: int = 200
) -> list[ClearanceDocument]:
    """Return the caller's documents, newest first."""
    stmt = select(ClearanceDocument).where(
        ClearanceDocument.organisation_id == principal.organisation_id
    )
    if kind:
        stmt = stmt.where(ClearanceDocument.kind == kind)
    return list(
        session.scalars(
            stmt.order_by(ClearanceDocument.updated_at.desc(), ClearanceDocument.id.desc()).limit(
                limit
            )
        )
    )


def get_document(session: Session, *, principal: Principal, document_id: int) -> ClearanceDocument:
    """Return one of the caller's documents."""
    document = session.get(ClearanceDocument, document_id)
    if document is None or document.organisation_id != principal.organisation_id:
        raise NotFound()
    return document


def timeline(
    session: Session, *, document_id: int
) -> tuple[list[DocumentVersion], list[DocumentReceipt]]:
    """Return a document's versions and receipts, oldest first."""
    versions = list(
        session.scalars(
            select(DocumentVersion)
            .where(DocumentVersion.document_id == document_id)
            .order_by(DocumentVersion.version)
        )
    )
    receipts = list(
        session.scalars(
            select(DocumentReceipt)
            .where(DocumentReceipt.document_id == document_id)
            .order_by(DocumentReceipt.return_time, DocumentReceipt.id)
        )
    )
    return versions, receipts


def return_time_of(moment: dt.datetime) -> str:
    """Return a receipt time (yyyyMMddHHmmssSSS) for `moment`."""
    return moment.strftime("%Y%m%d%H%M%S") + f"{moment.microsecond // 1000:03d}"


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

    The buyer's total is summed from the inventories held here that customs has not rejected,
    until the quota ledger (issue #5, item 4) keeps it.
    """

    def __init__(
        self, session: Session, on: dt.date, *, exclude_order_no: str | None = None
    ) -> None:
        self.session = session
        self.on = on
        self.exclude_order_no = exclude_order_no  # the set under check is not part of "so far"
        self._approved: dict[str, frozenset[str]] | None = None

    def hs_in_force(self, code: str) -> bool:
        """Return whether the 10-digit code is in force."""
        return (
            goods_service.lookup(self.session, table="cn_code", code=code, on=self.on) is not None
        )

    def positive_list_line(self, code: str) -> PositiveListLine | None:
        """Return the positive-list line of the code or of its 8-digit line."""
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
        """Return what the buyer's inventories of `year` held here add up to (rejected ones excluded)."""
        total = Decimal(0)
        documents = self.session.scalars(
            select(ClearanceDocument).where(
                ClearanceDocument.kind == "inventory", ClearanceDocument.status.not_in(REJECTED)
            )
        )
        for document in documents:
            head = document.content.get("inventory_head") or {}
            if document.order_no == self.exclude_order_no and document.order_no is not None:
                continue
            if head.get("buyerIdNumber") != id_number or not str(
                head.get("declTime") or ""
            ).startswith(str(year)):
                continue
            lines = document.content.get("inventory_list") or []
            total += sum((Decimal(str(line.get("totalPrice") or 0)) for line in lines), Decimal(0))
            total += Decimal(str(head.get("freight") or 0)) + Decimal(
                str(head.get("insuredFee") or 0)
            )
        return total


REJECTED: Final = ("100", "4")


@dataclass(frozen=True, slots=True)
class ExtraFailure:
    """A failure found by a later domain's check (tax, risk): same shape as the three-order ones."""

    code: str
    fields: tuple[str, ...]
    detail: Bilingual
    fix: Bilingual


PreflightCheck = Callable[[Session, ImportSet, dt.date, Decimal], list[ExtraFailure]]
_EXTRA_CHECKS: list[PreflightCheck] = []


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
    documents = list(
        session.scalars(select(ClearanceDocument).where(ClearanceDocument.order_no == order_no))
    )
    if not any(d.organisation_id == principal.organisation_id for d in documents):
        raise NotFound(
            Bilingual(
                f"No documents of yours for order {order_no}.",
                f"没有您申报的订单 {order_no} 单证。",
            )
        )
    by_kind: dict[str, ClearanceDocument | None] = {k.name: None for k in KINDS}
    models: dict[str, list[Any]] = {k.name: [] for k in KINDS}
    for document in documents:
        by_kind[document.kind] = by_kind[document.kind] or document
        models[document.kind].append(document_model(document))
    day = on or dt.date.today()
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
