"""Clearance documents: store declared documents (idempotent, versioned) and apply receipts in
returnTime order, so an older receipt never overwrites a newer status."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, TypeVar, cast

from sqlalchemy import Table, bindparam, distinct, func, insert, literal, select
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from opencbec.audit import service as audit_service
from opencbec.clearance.models import ClearanceDocument, DocumentReceipt, DocumentVersion
from opencbec.db import Base, Prepared, insert_columns, loaded, named_values
from opencbec.errors import Conflict, FieldError, InvalidInput, NotFound
from opencbec.identity.rules import Principal
from opencbec.kit.i18n import N_, Bilingual
from opencbec.kit.time import utcnow
from opencbec.messages.ceb import CebError, decode, validate
from opencbec.messages.ceb.sign import verify

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
    head: str | None  # None: the document is flat, its fields sit on the item itself
    key: tuple[str, ...]
    receipt_message: str
    receipt_items: str
    direction: str = "import"
    # The four documents customs matches (三单/四单对碰); others (cancellations, returns, site and
    # transport documents) are kept and followed but are not part of an order's set.
    set_member: bool = True
    # Documents customs issues (tax bills, summary results) carry their own status and time.
    issued_status: str | None = None
    issued_time: str | None = None
    # Where the status sits in the receipt item (CEB818 nests it in TaxHeadStatus as `status`).
    receipt_head: str | None = None
    receipt_status: str = "returnStatus"


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
    Kind(
        "export_order",
        "CEB303Message",
        "order",
        "order_head",
        ("ebpCode", "orderNo"),
        "CEB304Message",
        "order_return",
        "export",
    ),
    Kind(
        "collection",
        "CEB403Message",
        "receipts",
        None,
        ("ebcCode", "orderNo"),
        "CEB404Message",
        "receipts_return",
        "export",
    ),
    Kind(
        "export_waybill",
        "CEB505Message",
        "logistics",
        None,
        ("logisticsCode", "logisticsNo"),
        "CEB506Message",
        "logistics_return",
        "export",
    ),
    Kind(
        "export_inventory",
        "CEB603Message",
        "inventory",
        "inventory_head",
        ("ebcCode", "copNo"),
        "CEB604Message",
        "inventory_return",
        "export",
    ),
    # The waybill's delivery status (物流运单状态), one document per status reported.
    Kind(
        "waybill_status",
        "CEB513Message",
        "logistics_status",
        None,
        ("logisticsCode", "logisticsNo", "logisticsStatus"),
        "CEB514Message",
        "logistics_status_return",
        set_member=False,
    ),
    # Import follow-ups: cancellation (撤销申请单), return (退货申请单), warehouse entry (入库明细单).
    Kind(
        "cancellation",
        "CEB623Message",
        "invt_cancel",
        None,
        ("ebcCode", "copNo"),
        "CEB624Message",
        "invt_cancel_return",
        set_member=False,
    ),
    Kind(
        "return",
        "CEB625Message",
        "invt_refund",
        "invt_refund_head",
        ("ebcCode", "copNo"),
        "CEB626Message",
        "invt_refund_return",
        set_member=False,
    ),
    Kind(
        "warehouse_entry",
        "CEB711Message",
        "delivery",
        "delivery_head",
        ("operatorCode", "copNo"),
        "CEB712Message",
        "delivery_return",
        set_member=False,
    ),
    # Export follow-ups: arrival (运抵单), departure (离境单), cancellation, master/house list
    # (清单总分单), summary application (汇总申请单), return (退货申请单) and its tally (理货明细单).
    Kind(
        "arrival",
        "CEB507Message",
        "arrival",
        "arrival_head",
        ("operatorCode", "copNo"),
        "CEB508Message",
        "arrival_return",
        "export",
        set_member=False,
    ),
    Kind(
        "departure",
        "CEB509Message",
        "departure",
        "departure_head",
        ("logisticsCode", "copNo"),
        "CEB510Message",
        "departure_return",
        "export",
        set_member=False,
    ),
    Kind(
        "export_cancellation",
        "CEB605Message",
        "invt_cancel",
        None,
        ("agentCode", "copNo"),
        "CEB606Message",
        "invt_cancel_return",
        "export",
        set_member=False,
    ),
    Kind(
        "master_list",
        "CEB607Message",
        "way_bill",
        "way_bill_head",
        ("agentCode", "copNo"),
        "CEB608Message",
        "way_bill_return",
        "export",
        set_member=False,
    ),
    Kind(
        "summary_application",
        "CEB701Message",
        "summary_apply",
        "summary_apply_head",
        ("agentCode", "copNo"),
        "CEB702Message",
        "summary_return",
        "export",
        set_member=False,
    ),
    Kind(
        "export_return",
        "CEB213Message",
        "invt_refund",
        "invt_refund_head",
        ("agentCode", "invtNo"),
        "CEB214Message",
        "refund_return",
        "export",
        set_member=False,
    ),
    Kind(
        "return_tally",
        "CEB215Message",
        "invt_refund_detail",
        None,
        ("operatorCode", "logisticsNo"),
        "CEB216Message",
        "invt_refund_detail_return",
        "export",
        set_member=False,
    ),
    # Issued by customs: the electronic tax bill (电子税单) with its status messages (CEB818), and
    # the export summary result (汇总结果单), which has no receipt of its own.
    Kind(
        "tax_bill",
        "CEB816Message",
        "tax",
        "tax_head_rd",
        ("invtNo", "taxNo"),
        "CEB818Message",
        "tax",
        set_member=False,
        issued_status="status",
        issued_time="returnTime",
        receipt_head="tax_head_status",
        receipt_status="status",
    ),
    Kind(
        "summary_result",
        "CEB792Message",
        "summary_result",
        "summary_result_head",
        # One result per customs declaration (declSeqNo); an application may have several.
        ("agentCode", "sumNo", "declSeqNo"),
        "",
        "",
        "export",
        set_member=False,
        issued_status="decState",
        issued_time="opDate",
    ),
)
BY_MESSAGE: Final[Mapping[str, Kind]] = {k.message: k for k in KINDS}
BY_NAME: Final[Mapping[str, Kind]] = {k.name: k for k in KINDS}
BY_RECEIPT: Final[Mapping[str, Kind]] = {k.receipt_message: k for k in KINDS if k.receipt_message}

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


# Numbers customs assigns and sends back in receipts, kept with each receipt.
CUSTOMS_NUMBERS: Final = ("invtNo", "preNo", "sumNo")


def status_label(status: str) -> str:
    """Return the readable label of a status (an unknown code is shown as received)."""
    if status in STATUS_LABELS:
        return STATUS_LABELS[status]
    return N_("Error receipt") if status.startswith("-") else status


# Built once: every stored document runs these, and building them costs more than running.
# One round trip answers both questions a declared document raises: which document already holds
# its guid, and which document already has its business key.
# The four documents of an import set (order, payment, waybill, inventory: 三单/四单).
IMPORT_SET_KINDS: Final = tuple(k.name for k in KINDS if k.set_member and k.direction == "import")
_SET_KINDS_HELD: Final = "opencbec.clearance.set_kinds_held"
# The document holding a kind's business key (`kind`, `business_key`), as a column.
_DOCUMENT_BY_KEY: Final = (
    select(ClearanceDocument.id)
    .where(
        ClearanceDocument.kind == bindparam("kind"),
        ClearanceDocument.business_key == bindparam("business_key"),
    )
    .scalar_subquery()
    .label("document_id")
)
_KNOWN_COLUMNS: Final = (
    select(DocumentVersion.document_id)
    .where(DocumentVersion.guid == bindparam("guid"))
    .scalar_subquery()
    .label("guid_owner"),
    _DOCUMENT_BY_KEY,
    # For a member of an import set: how many of the set's other kinds are already held, so the
    # pre-flight knows on arrival whether the set is complete without asking again.
    select(func.count(distinct(ClearanceDocument.kind)))
    .where(
        ClearanceDocument.order_no == bindparam("set_order_no"),
        ClearanceDocument.kind.in_([literal(k) for k in IMPORT_SET_KINDS]),
        ClearanceDocument.kind != bindparam("kind"),
    )
    .scalar_subquery()
    .label("other_set_kinds"),
)
_KNOWN: Final = Prepared(select(*_KNOWN_COLUMNS))
# Plain inserts, prepared: the unit of work's bookkeeping cost more than the rows (one row each,
# no cascade), and Core's per-execution work more than the database's.
_DOCUMENTS: Final = cast(Table, ClearanceDocument.__table__)
_VERSIONS: Final = cast(Table, DocumentVersion.__table__)
_INSERT_DOCUMENT: Final = Prepared(
    insert_columns(_DOCUMENTS, generated=("id",)).returning(_DOCUMENTS.c.id)
)
_INSERT_VERSION: Final = Prepared(insert_columns(_VERSIONS, generated=("id",)))
_VERSION_FIELDS: Final = ("version", "guid", "app_type", "content", "message_guid", "received_at")
_OWN_FIELDS: Final = ("app_type", "message_guid", "received_at")  # not the document's
# SQLite: a new document's first version copies its number, guid and content from the row just
# written (the content is not serialised and sent twice).
_COPY_FIRST_VERSION: Final = Prepared(
    insert(_VERSIONS).from_select(
        ["document_id", *_VERSION_FIELDS],
        select(
            _DOCUMENTS.c.id,
            *[
                bindparam(n, type_=_VERSIONS.c[n].type) if n in _OWN_FIELDS else _DOCUMENTS.c[n]
                for n in _VERSION_FIELDS
            ],
        ).where(_DOCUMENTS.c.id == bindparam("document_id")),
    )
)
# PostgreSQL, for a declaration (appType 1): what `_KNOWN` answers and, when neither the guid nor
# the business key is held yet, the new document and its first version, all in one round trip
# (the insert is what `_store` would decide on that answer). Its fourth column is the new
# document's id, None when the answer sent the document down another way.
_KNOWN_ON_PG: Final = select(*_KNOWN_COLUMNS).cte("known")
_DECLARED: Final = (
    insert(_DOCUMENTS)
    .from_select(
        list(named_values(_DOCUMENTS, ("id",))),
        select(*named_values(_DOCUMENTS, ("id",)).values())
        .select_from(_KNOWN_ON_PG)
        .where(
            _KNOWN_ON_PG.c.guid_owner.is_(None),
            _KNOWN_ON_PG.c.document_id.is_(None),
            bindparam("app_type", type_=_VERSIONS.c.app_type.type) == literal("1"),
        ),
    )
    .returning(_DOCUMENTS.c.id)
    .cte("declared")
)
_DECLARED_VERSION: Final = (
    insert(_VERSIONS)
    .from_select(
        ["document_id", *_VERSION_FIELDS],
        select(
            _DECLARED.c.id,
            *[bindparam(n, type_=_VERSIONS.c[n].type) for n in _VERSION_FIELDS],
        ),
    )
    .cte("declared_version")
)
_KNOWN_OR_DECLARED: Final = Prepared(
    select(
        _KNOWN_ON_PG.c.guid_owner,
        _KNOWN_ON_PG.c.document_id,
        _KNOWN_ON_PG.c.other_set_kinds,
        select(_DECLARED.c.id).scalar_subquery(),
    )
    .select_from(_KNOWN_ON_PG)
    .add_cte(_DECLARED_VERSION)
)


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


# Record classes met so far, with their field names: most values are found by their exact type.
_RECORD_FIELDS: dict[type, tuple[str, ...]] = {}


def _jsonable(value: Any) -> Any:
    cls = type(value)
    if cls is str or cls is int or value is None:
        return value
    if cls is Decimal:
        return format(value, "f")
    names = _RECORD_FIELDS.get(cls)
    if names is not None:
        return {name: _jsonable(getattr(value, name)) for name in names}
    if cls is list:
        return [_jsonable(v) for v in value]
    return _jsonable_other(value)


def _jsonable_other(value: Any) -> Any:
    # Subclasses, bytes, a record class met for the first time, and what content must not hold.
    if isinstance(value, str):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bytes):
        return None
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _RECORD_FIELDS[type(value)] = _field_names(type(value))
        return {name: _jsonable(getattr(value, name)) for name in names}
    if not isinstance(value, int):  # content is plain for the audit chain: no float comes out
        raise TypeError(f"a CEB record holds a {type(value).__name__}, not a str, number or record")
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
    if getattr(message, "signature", None) is not None:
        _verify_signature(data)
    return message


def _verify_signature(data: bytes) -> None:
    # A signed upload must verify: a message changed after signing is never stored as declared.
    # Unsigned uploads are accepted (the platform signs what it sends to customs).
    result = verify(data)
    if result.ok:
        return
    parts = [
        (
            result.digest_ok,
            "the digest does not match: the message was changed after signing",
            "摘要值不符：报文签名后被改动",
        ),
        (
            result.signature_ok,
            "the signature value does not verify with the certificate",
            "签名值无法用证书验证",
        ),
        (result.certificate_ok, "the certificate is not valid now", "证书当前无效"),
    ]
    failed = [(en, zh) for ok, en, zh in parts if not ok]
    detail = "; ".join(result.problems)
    raise InvalidInput(
        [
            FieldError(
                "Signature",
                Bilingual(
                    "; ".join(en for en, _ in failed) + (f" ({detail})" if detail else ""),
                    "；".join(zh for _, zh in failed) + (f"（{detail}）" if detail else ""),
                ),
                "signature_invalid",
            )
        ],
        Bilingual(
            "The message's signature does not verify; nothing was stored.",
            "报文签名验证未通过，未保存任何内容。",
        ),
    )


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
    # Only the schema's faults refuse a message: the codec's business rules (dates, codes, amounts,
    # ID check characters: all "rule" findings) are not run; the pre-flight check judges the set.
    faults = [
        i
        for i in validate(message, rules=False)
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
    # A message may carry up to 100 documents (their audit rows go in with the transaction's).
    return [
        _store(session, principal, kind, message.guid, item) for item in _items(message, kind.items)
    ]


def _items(message: Any, attr: str) -> list[Any]:
    # Most messages repeat their documents (up to 100); a few (CEB711) carry exactly one.
    value = getattr(message, attr)
    return value if isinstance(value, list) else [value]


def _first_status(head: Any, kind: Kind) -> str:
    # A declared document starts as received by the platform ("0"); one customs issues carries its own.
    return str(getattr(head, kind.issued_status)) if kind.issued_status else "0"


def _first_status_time(head: Any, kind: Kind) -> str | None:
    return str(getattr(head, kind.issued_time)) if kind.issued_time else None


def _key(head: Any, kind: Kind) -> str:
    return "|".join(str(getattr(head, f) or "") for f in kind.key)


def _store(
    session: Session, principal: Principal, kind: Kind, message_guid: str | None, item: Any
) -> Outcome:
    head = getattr(item, kind.head) if kind.head else item
    key = _key(head, kind)
    guid = str(head.guid)
    app_type = str(getattr(head, "appType", None) or "1")
    content = _jsonable(item)
    order_no = getattr(head, "orderNo", None)
    set_order_no = order_no if kind.name in IMPORT_SET_KINDS else None
    now = utcnow()
    values = {
        "organisation_id": principal.organisation_id,
        "kind": kind.name,
        "message_type": kind.message,
        "business_key": key,
        "order_no": order_no,
        "guid": guid,
        "version": 1,
        "status": _first_status(head, kind),
        "status_time": _first_status_time(head, kind),
        "status_info": None,
        "content": content,
        "created_at": now,
        "updated_at": now,
        "logistics_no": _logistics_no(head),
        "invt_no": None,
    }
    first_version = {"app_type": app_type, "message_guid": message_guid, "received_at": now}
    if session.get_bind().dialect.name == "postgresql":
        ((guid_owner, document_id, other_set_kinds, declared),) = _KNOWN_OR_DECLARED.rows(
            session, {**values, **first_version, "set_order_no": set_order_no}
        )
    else:
        ((guid_owner, document_id, other_set_kinds),) = _KNOWN.rows(
            session,
            {"guid": guid, "kind": kind.name, "business_key": key, "set_order_no": set_order_no},
        )
        declared = None
    if declared is not None:
        document = attach_row(session, ClearanceDocument, {"id": declared, **values})
        result = "new"
    elif guid_owner is not None:
        owner = session.get(ClearanceDocument, guid_owner)
        if owner is None or owner.organisation_id != principal.organisation_id:
            # Another declarant's guid: say so without naming or numbering its document.
            raise Conflict(
                Bilingual(
                    f"guid {guid} is already used by another declarant's document.",
                    f"guid {guid} 已被其他申报单位的单证使用。",
                ),
                [
                    FieldError(
                        f"{kind.head or kind.items}/guid",
                        Bilingual("must be unique to this document", "须为本单证唯一编号"),
                        "guid_taken",
                    )
                ],
            )
        return Outcome(kind.name, key, "duplicate", guid_owner)
    else:
        document, result = _declare_or_change(
            session, principal, kind, document_id, values, first_version
        )
    audit_service.record(
        session,
        actor=principal.actor,
        action="clearance.document.declare" if result == "new" else "clearance.document.change",
        object_type=f"clearance.{kind.name}",
        object_id=document.id,
        organisation_id=document.organisation_id,
        after=content,
        details={"business_key": key, "version": document.version, "guid": guid},
        plain=True,  # `_jsonable` content: str, int, None, lists and dicts
    )
    if set_order_no:
        session.info[_SET_KINDS_HELD] = (document.id, document.version, other_set_kinds + 1)
        _keep_set_member(session, set_order_no, document, item)
    _notify(session, principal, document, result)
    return Outcome(kind.name, key, result, document.id)


def _declare_or_change(
    session: Session,
    principal: Principal,
    kind: Kind,
    document_id: int | None,
    values: Mapping[str, Any],
    first_version: Mapping[str, Any],
) -> tuple[ClearanceDocument, str]:
    # A document whose guid is new: declared (appType 1, its key not held yet), or a change of
    # the document holding its key. `values` are the document's as new, `first_version` the rest
    # of its first version.
    key, app_type = values["business_key"], first_version["app_type"]
    document = None if document_id is None else session.get(ClearanceDocument, document_id)
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
                        f"{kind.head or kind.items}/appType",
                        Bilingual(
                            f"{kind.name} {key} is not declared yet: send it with appType 1 first",
                            f"{kind.name} {key} 尚未申报：请先以 appType 1 新增",
                        ),
                        "not_declared",
                    )
                ]
            )
        return _insert_new(session, first_version, values), "new"
    if not (app_type == "2" or kind.issued_status):  # customs re-issues its documents whole
        raise Conflict(
            Bilingual(
                f"{kind.name} {key} is already declared; send a change with appType 2.",
                f"{kind.name} {key} 已申报；如需变更请使用 appType 2。",
            ),
            [
                FieldError(
                    f"{kind.head or kind.items}/appType",
                    Bilingual("a new declaration of an existing document", "重复新增已申报的单证"),
                    "duplicate",
                )
            ],
        )
    document.version += 1
    for name in ("guid", "content", "status", "status_time", "status_info", "updated_at"):
        setattr(document, name, values[name])
    document.logistics_no = values["logistics_no"]
    _INSERT_VERSION.count(
        session,
        [
            {
                "document_id": document.id,
                "version": document.version,
                "guid": document.guid,
                "content": document.content,
                **first_version,
            }
        ],
    )  # the document's own update is flushed by the audit row's
    return document, "changed"


def _logistics_no(head: Any) -> str | None:
    # The logisticsNo a document's head names (indexed: other documents find it by this).
    value = getattr(head, "logisticsNo", None)
    return str(value)[:60] if value else None


def _insert_new(
    session: Session, first_version: Mapping[str, Any], values: Mapping[str, Any]
) -> ClearanceDocument:
    # A new document and its first version: the version's number, guid and content are the
    # document's, `first_version` holds the rest. (On PostgreSQL a declaration is inserted with
    # `_KNOWN_OR_DECLARED`'s answer; this runs there only for what that answer left.)
    ((document_id,),) = _INSERT_DOCUMENT.rows(session, values)
    _COPY_FIRST_VERSION.count(session, [{"document_id": document_id, **first_version}])
    return attach_row(session, ClearanceDocument, {"id": document_id, **values})


M = TypeVar("M", bound=Base)


def attach_row(session: Session, cls: type[M], values: Mapping[str, Any]) -> M:
    """Return the object of a row a plain statement just wrote (`values`: every column), as the
    unit of work would leave it, without reading the row back.

    An object of the same identity already in the session (loaded earlier, or left by a
    rolled-back savepoint whose id SQLite hands out again) is brought up to the row, as a query
    returning the row would.
    """
    held = session.identity_map.get(session.identity_key(cls, values["id"]))
    if held is not None:
        for name, value in values.items():
            set_committed_value(held, name, value)
        return cast(M, held)
    row = loaded(cls, values)
    make_transient_to_detached(row)
    session.add(row)
    return row


def _apply_receipts(
    session: Session, *, principal: Principal, kind: Kind, message: Any
) -> list[Outcome]:
    return [
        apply_receipt(
            session,
            principal=principal,
            kind=kind.name,
            business_key=_key(receipt, kind),
            guid=str(receipt.guid),
            status=str(getattr(receipt, kind.receipt_status)),
            return_time=str(receipt.returnTime),
            info=getattr(receipt, "returnInfo", None),
            numbers={
                n: str(getattr(receipt, n))
                for n in CUSTOMS_NUMBERS
                if getattr(receipt, n, None) not in (None, "")
            },
        )
        for item in _items(message, kind.receipt_items)
        for receipt in [getattr(item, kind.receipt_head) if kind.receipt_head else item]
    ]


# A receipt's two questions in one round trip: was its guid applied before, and which document
# it answers. The receipt row goes in as a plain prepared insert (nothing reads it back here).
_RECEIPT_LOOKUP: Final = Prepared(
    select(
        select(DocumentReceipt.id)
        .where(DocumentReceipt.guid == bindparam("guid"))
        .scalar_subquery()
        .label("seen"),
        _DOCUMENT_BY_KEY,
    )
)
_INSERT_RECEIPT: Final = Prepared(
    insert_columns(cast(Table, DocumentReceipt.__table__), generated=("id",))
)


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
    numbers: Mapping[str, str] | None = None,
) -> Outcome:
    """Record a receipt; it moves the document's status only when it is not older than the status.

    Receipts are idempotent by guid; a receipt for an unknown document is kept (orphan) so nothing
    customs sent is lost. `numbers` are what customs assigned with it (invtNo, preNo, sumNo).
    """
    session.flush()  # the lookup runs on the connection: what the session holds is written first
    ((seen, document_id),) = _RECEIPT_LOOKUP.rows(
        session, {"guid": guid, "kind": kind, "business_key": business_key}
    )
    if seen is not None:
        return Outcome(kind, business_key, "duplicate", None)
    document = None if document_id is None else session.get(ClearanceDocument, document_id)
    applied = document is not None and (
        document.status_time is None or return_time >= document.status_time
    )
    if document is not None and applied:
        document.status, document.status_time, document.status_info = status, return_time, info
        document.updated_at = utcnow()
    invt_no = (numbers or {}).get("invtNo")
    if document is not None and invt_no and document.invt_no != invt_no[:18]:
        document.invt_no = invt_no[:18]  # customs' number is a fact, whatever the order of receipts
    _INSERT_RECEIPT.count(
        session,
        [
            {
                "document_id": document.id if document else None,
                "kind": kind,
                "business_key": business_key,
                "guid": guid,
                "status": status,
                "return_time": return_time,
                "info": info,
                "applied": applied,
                "received_at": utcnow(),
                "numbers": dict(numbers) if numbers else None,
            }
        ],
    )
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
    if applied:
        _notify(session, principal, document, f"status:{status}")
    return Outcome(kind, business_key, "applied" if applied else "ignored", document.id)


# The import-set documents this session stored, by order number (the latest orders only): the
# session's identity map holds an object only while something else does, and the pre-flight of a
# set submitted in one session would otherwise load again the documents it has just written.
_SET_MEMBERS: Final = "opencbec.clearance.set_members"
_SET_MEMBERS_KEPT: Final = 64


# What a session keeps of a set document it stored: the object, its version and content then,
# and the record it decoded (the content is that record as JSON).
_Kept = tuple[ClearanceDocument, int, Any, Any]


def _keep_set_member(
    session: Session, order_no: str, document: ClearanceDocument, record: Any
) -> None:
    kept: dict[str, dict[int, _Kept]] = session.info.setdefault(_SET_MEMBERS, {})
    members = kept.pop(order_no, {})
    members[document.id] = (document, document.version, document.content, record)
    kept[order_no] = members  # the latest order last
    if len(kept) > _SET_MEMBERS_KEPT:
        del kept[next(iter(kept))]


def stored_set_members(session: Session, order_no: str) -> Mapping[int, ClearanceDocument]:
    """Return, by id, the import-set documents of `order_no` this session stored (maybe not all
    the set holds: ask the database which ones it holds)."""
    kept: dict[str, dict[int, _Kept]] = session.info.get(_SET_MEMBERS, {})
    return {i: member[0] for i, member in kept.get(order_no, {}).items()}


def stored_record(session: Session, document: ClearanceDocument) -> Any | None:
    """Return the CEB record this session decoded and stored as `document`, while the document
    holds that version and content, or None (rebuild it from the content)."""
    kept: dict[str, dict[int, _Kept]] = session.info.get(_SET_MEMBERS, {})
    found = kept.get(document.order_no or "", {}).get(document.id)
    if (
        found is None
        or found[0] is not document
        or found[1] != document.version
        or found[2] is not document.content  # given other content since (not by ingest)
    ):
        return None
    return found[3]


def set_kinds_held(session: Session, document: ClearanceDocument) -> int | None:
    """Return how many kinds of its import set are held now that `document` is stored, as found
    while storing it, or None when that is not known (ask the database)."""
    found = session.info.pop(_SET_KINDS_HELD, None)
    if found is None or found[:2] != (document.id, document.version):
        return None
    return int(found[2])


DocumentHook = Callable[[Session, Principal, ClearanceDocument, str], None]
_DOCUMENT_HOOKS: list[DocumentHook] = []


def register_document_hook(hook: DocumentHook) -> DocumentHook:
    """Let a later domain act on a stored document: events "new", "changed", "status:<code>".

    Hooks run in the same transaction; a hook that raises refuses the whole message.
    """
    _DOCUMENT_HOOKS.append(hook)
    return hook


def _notify(
    session: Session, principal: Principal, document: ClearanceDocument, event: str
) -> None:
    for hook in _DOCUMENT_HOOKS:
        hook(session, principal, document, event)


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
