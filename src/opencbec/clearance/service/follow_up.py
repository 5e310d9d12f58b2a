"""Follow-up requests a person makes from an inventory's page: cancellation (撤销申请单, import
CEB623 / export CEB605), import return (退货申请单, CEB625), export return (零售出口退货申请单,
CEB213) and, for the supervised-site operator, the export return tally (理货明细单, CEB215).

Each request is built from the stored inventory (orderNo, ebpCode, ebcCode, invtNo, buyer,
logistics keys...) with a fresh copNo and guid, and stored through ingest_message like any
declared document; the tax domain's document hook moves the buyer's quota when customs approves
an import cancellation or return. What customs would refuse is refused first (the checks are in
follow_up_checks.py), each refusal naming the field at fault; a return may not take back more
than was declared less what earlier returns not refused by customs took.

domain-rules gives no time window for returns (tax/service/quota.py quotes 30 days from the
circular but leaves them for customs to judge), so none is enforced here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from opencbec.audit import service as audit_service
from opencbec.clearance.models import ClearanceDocument, FollowUp
from opencbec.clearance.service.documents import get_document, ingest_message
from opencbec.clearance.service.follow_up_checks import (
    EXPORT_INVENTORY,
    IMPORT_INVENTORY,
    cancel_faults,
    document_lines,
    field_error,
    head_of,
    lines_left,
    open_requests,
    return_faults,
    tally_faults,
    text,
)
from opencbec.clearance.service.summary import app_time, new_guid
from opencbec.clearance.service.summary_groups import customs_numbers, number_of
from opencbec.errors import Conflict, FieldError, InvalidInput, NotFound
from opencbec.identity.rules import Principal
from opencbec.kit.i18n import N_, Bilingual
from opencbec.kit.time import CHINA_STANDARD_TIME, utcnow
from opencbec.messages.ceb import encode, message_class, skeleton

audit_service.describe_actions({"clearance.follow_up.request": N_("Follow-up request made")})

# Common reasons, offered as choices (the spec gives none; `other` takes free text). Customs
# reads the Chinese text, which is what goes into the message.
CANCEL_REASONS: Final[Mapping[str, Bilingual]] = {
    "buyer_cancelled": Bilingual("The buyer cancelled the order", "消费者取消订单"),
    "declared_in_error": Bilingual("The inventory was declared in error", "清单申报信息有误"),
    "out_of_stock": Bilingual("The goods are out of stock", "商品缺货无法发货"),
    "declared_twice": Bilingual("The order was declared twice", "重复申报"),
}
RETURN_REASONS: Final[Mapping[str, Bilingual]] = {
    "buyer_returned": Bilingual("The buyer returned the goods", "消费者退货"),
    "quality": Bilingual("Quality problem", "商品质量问题"),
    "wrong_goods": Bilingual("Wrong goods delivered", "错发商品"),
    "undeliverable": Bilingual("The parcel could not be delivered", "包裹无法投递"),
}
OTHER: Final = "other"
# The inventory fields each request copies as they are (the parties, the parcel, the buyer).
_EXPORT_PARTIES: Final = (
    "customsCode",
    "ebpCode",
    "ebpName",
    "ebcCode",
    "ebcName",
    "logisticsNo",
    "logisticsCode",
    "logisticsName",
    "agentCode",
    "agentName",
)
_CANCEL_PARTIES: Final = ("customsCode", "agentCode", "agentName", "ebcCode", "ebcName")
_IMPORT_PARTIES: Final = (
    *_EXPORT_PARTIES,
    *["orderNo", "buyerIdType", "buyerIdNumber", "buyerName", "buyerTelephone"],
)


def _cop_no(prefix: str) -> str:
    stamp = utcnow().astimezone(CHINA_STANDARD_TIME).strftime("%y%m%d%H%M%S")
    return f"{prefix}{stamp}{new_guid()[:4]}"  # 2 + 12 + 4 = 18 characters, within C..20


# --- the requests ----------------------------------------------------------------------------


def _inventory(
    session: Session, principal: Principal, inventory_id: int, kinds: set[str]
) -> ClearanceDocument:
    inventory = get_document(session, principal=principal, document_id=inventory_id)
    if inventory.kind not in kinds:
        raise NotFound(
            Bilingual(
                "That document is not an inventory this request can follow.",
                "该单证不是此申请可针对的清单。",
            )
        )
    return inventory


def _reason(
    reason: str, text: str | None, choices: Mapping[str, Bilingual], max_length: int
) -> str:
    if reason in choices:
        return choices[reason].zh
    written = (text or "").strip()
    if reason == OTHER and 0 < len(written) <= max_length:
        return written
    if reason == OTHER:
        raise InvalidInput(
            [
                field_error(
                    "reason_text",
                    f"write the reason (1 to {max_length} characters)",
                    f"请填写原因（1 至 {max_length} 字）",
                    "reason_required",
                )
            ]
        )
    raise InvalidInput(
        [
            field_error(
                "reason",
                f"choose one of {', '.join([*choices, OTHER])}",
                f"请选择 {', '.join([*choices, OTHER])} 之一",
                "reason_unknown",
            )
        ]
    )


def _refuse(faults: list[FieldError]) -> None:
    if faults:
        raise Conflict(
            Bilingual(
                "Customs would refuse this request: " + "; ".join(f.reason.en for f in faults),
                "海关将不予受理：" + "；".join(f.reason.zh for f in faults),
            ),
            faults,
        )


def _declare(
    session: Session,
    principal: Principal,
    inventory: ClearanceDocument,
    kind: str,
    message: Any,
) -> ClearanceDocument:
    outcomes = ingest_message(session, principal=principal, data=encode(message))
    request = session.get(ClearanceDocument, outcomes[0].document_id)
    assert request is not None
    if session.scalar(select(FollowUp.id).where(FollowUp.request_id == request.id)) is None:
        session.add(
            FollowUp(
                organisation_id=principal.organisation_id,
                inventory_id=inventory.id,
                request_id=request.id,
                kind=kind,
                order_no=inventory.order_no,
                created_at=utcnow(),
            )
        )
        session.flush()
    audit_service.record(
        session,
        actor=principal.actor,
        action="clearance.follow_up.request",
        object_type=f"clearance.{inventory.kind}",
        object_id=inventory.id,
        organisation_id=inventory.organisation_id,
        details={"kind": kind, "request_id": request.id, "business_key": request.business_key},
    )
    return request


def _stamp(
    session: Session, record: Any, inventory: ClearanceDocument, names: tuple[str, ...]
) -> None:
    # A request's record: a fresh guid and time, the inventory's own fields, customs' numbers.
    record.guid, record.appType, record.appTime, record.appStatus = new_guid(), "1", app_time(), "2"
    head = head_of(inventory)
    for name in names:
        setattr(record, name, text(head, name))
    numbers = customs_numbers(session, [inventory.id])
    record.preNo = number_of(inventory, numbers, "preNo")
    record.invtNo = number_of(inventory, numbers, "invtNo")


def _transfer(message: Any, code: str, name: str) -> None:
    # The customs link stamps its own DXP client when it sends; the sender is named here.
    message.guid = new_guid()
    message.base_transfer.copCode = message.base_transfer.dxpId = code[:18]
    message.base_transfer.copName = name[:100]


def request_cancellation(
    session: Session,
    *,
    principal: Principal,
    inventory_id: int,
    reason: str,
    reason_text: str | None = None,
) -> ClearanceDocument:
    """Ask customs to cancel an inventory (import CEB623, export CEB605); return the request."""
    inventory = _inventory(session, principal, inventory_id, {IMPORT_INVENTORY, EXPORT_INVENTORY})
    written = _reason(reason, reason_text, CANCEL_REASONS, 1000)
    _refuse(cancel_faults(session, inventory))
    export = inventory.kind == EXPORT_INVENTORY
    message = skeleton(message_class("CEB605Message" if export else "CEB623Message"))
    item = message.invt_cancel[0]
    _stamp(session, item, inventory, _CANCEL_PARTIES if export else _IMPORT_PARTIES)
    item.copNo = _cop_no("CX" if export else "CI")
    item.reason, item.note = written, None
    _transfer(message, item.agentCode, item.agentName)
    kind = "export_cancellation" if export else "cancellation"
    return _declare(session, principal, inventory, kind, message)


def _chosen_lines(
    session: Session, inventory: ClearanceDocument, lines: Mapping[int, Any] | None
) -> list[tuple[Mapping[str, Any], Decimal]]:
    left = {line.gnum: line for line in lines_left(session, inventory)}
    by_gnum = {int(line.get("gnum") or 0): line for line in document_lines(inventory)}
    if lines is None:  # the whole inventory: what is left of every line
        return [(by_gnum[g], line.left) for g, line in left.items() if line.left > 0]
    faults: list[FieldError] = []
    chosen: list[tuple[Mapping[str, Any], Decimal]] = []
    for gnum, raw in sorted(lines.items()):
        qty = _quantity(raw)
        where = f"lines[{gnum}].qty"
        if gnum not in by_gnum:
            faults.append(
                field_error(
                    f"lines[{gnum}].gnum",
                    f"the inventory has no line {gnum}",
                    f"清单无第 {gnum} 项",
                    "no_line",
                )
            )
        elif qty is None or qty < 0:
            faults.append(
                field_error(
                    where,
                    "a quantity of at most 5 decimals, not negative",
                    "数量须为非负数，最多 5 位小数",
                    "qty_invalid",
                )
            )
        elif qty > left[gnum].left:
            faults.append(
                field_error(
                    where,
                    f"more than declared: {left[gnum].declared} declared, {left[gnum].returned} already returned, at most {left[gnum].left} left",
                    f"超过申报数量：申报 {left[gnum].declared}，已退 {left[gnum].returned}，最多可退 {left[gnum].left}",
                    "qty_exceeded",
                )
            )
        elif qty > 0:
            chosen.append((by_gnum[gnum], qty))
    if not faults and not chosen:
        faults.append(
            field_error(
                "lines",
                "choose at least one line and quantity",
                "请至少选择一项商品及数量",
                "no_lines",
            )
        )
    if faults:
        raise InvalidInput(
            faults, Bilingual("The return cannot be asked as it is.", "退货申请有误。")
        )
    return chosen


def _quantity(raw: Any) -> Decimal | None:
    try:
        qty = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        return None
    exponent = qty.as_tuple().exponent
    if not qty.is_finite() or (isinstance(exponent, int) and exponent < -5):
        return None
    return qty


def request_import_return(
    session: Session,
    *,
    principal: Principal,
    inventory_id: int,
    reason: str,
    reason_text: str | None = None,
    lines: Mapping[int, Any] | None = None,
) -> ClearanceDocument:
    """Declare an import return (CEB625): the whole inventory, or chosen lines and quantities."""
    inventory = _inventory(session, principal, inventory_id, {IMPORT_INVENTORY})
    written = _reason(reason, reason_text, RETURN_REASONS, 1000)
    _refuse(return_faults(session, inventory))
    chosen = _chosen_lines(session, inventory, lines)
    message = skeleton(message_class("CEB625Message"))
    refund = message.invt_refund[0]
    rh = refund.invt_refund_head
    _stamp(session, rh, inventory, _IMPORT_PARTIES)
    rh.copNo, rh.reason, rh.note = _cop_no("RI"), written, None
    template = refund.invt_refund_list[0]
    refund.invt_refund_list = [
        type(template)(
            gnum=int(line.get("gnum") or 0),
            gcode=text(line, "gcode"),
            gname=text(line, "gname"),
            qty=qty,
            unit=text(line, "unit"),
            note=None,
        )
        for line, qty in chosen
    ]
    _transfer(message, rh.agentCode, rh.agentName)
    return _declare(session, principal, inventory, "return", message)


@dataclass(frozen=True, slots=True)
class Transport:
    """How returned export goods come back (CEB213): bill, transport mode and name, voyage,
    the country they leave from and the customs they enter at. Empty: taken from the inventory."""

    bill_no: str = ""
    traf_mode: str = ""
    traf_name: str = ""
    voyage_no: str = ""
    country: str = ""
    port_code: str = ""


_TRANSPORT_FIELDS: Final = (
    # (attribute, CEB213 field, inventory field, max length)
    ("bill_no", "billNo", "billNo", 37),
    ("traf_mode", "trafMode", "trafMode", 1),
    ("traf_name", "trafName", "trafName", 100),
    ("voyage_no", "voyageNo", "voyageNo", 32),
    ("country", "country", "country", 3),
    ("port_code", "portCode", "portCode", 4),
)


def transport_defaults(inventory: ClearanceDocument) -> dict[str, str]:
    """Return the transport fields of an export return as the inventory suggests them."""
    head = head_of(inventory)
    values = {attr: text(head, source) for attr, _, source, _ in _TRANSPORT_FIELDS}
    values["bill_no"] = values["bill_no"] or text(head, "logisticsNo")  # no bill: the waybill
    return values


def _transport(inventory: ClearanceDocument, transport: Transport) -> dict[str, str]:
    defaults = transport_defaults(inventory)
    values: dict[str, str] = {}
    faults = []
    for attr, name, _, limit in _TRANSPORT_FIELDS:
        value = (getattr(transport, attr) or "").strip() or defaults[attr]
        if not value or len(value) > limit:
            faults.append(
                field_error(
                    name,
                    f"required, at most {limit} characters",
                    f"必填，最多 {limit} 个字符",
                    "required",
                )
            )
        values[name] = value
    if values["country"] == "142":
        faults.append(
            field_error(
                "country",
                "the country the goods come back from cannot be China (142)",
                "起运国（地区）不能为中国（142）",
                "invalid",
            )
        )
    if faults:
        raise InvalidInput(
            faults, Bilingual("The return's transport is incomplete.", "退货运输信息不完整。")
        )
    return values


def request_export_return(
    session: Session,
    *,
    principal: Principal,
    inventory_id: int,
    reason: str,
    reason_text: str | None = None,
    lines: Mapping[int, Any] | None = None,
    transport: Transport | None = None,
) -> ClearanceDocument:
    """Declare an export return (CEB213): whole or chosen lines, with how the goods come back."""
    inventory = _inventory(session, principal, inventory_id, {EXPORT_INVENTORY})
    written = _reason(reason, reason_text, RETURN_REASONS, 500)
    _refuse(return_faults(session, inventory))
    chosen = _chosen_lines(session, inventory, lines)
    values = _transport(inventory, transport or Transport())
    message = skeleton(message_class("CEB213Message"))
    refund = message.invt_refund[0]
    rh = refund.invt_refund_head
    _stamp(session, rh, inventory, _EXPORT_PARTIES)
    for name, value in values.items():
        setattr(rh, name, value)
    rh.loctNo = text(head_of(inventory), "loctNo") or None
    # tradeMode: the PDF says 9661, the XSD 9610 and optional (spec §11 item 8): left out.
    rh.coElNo, rh.tradeMode, rh.ieFlag, rh.reason, rh.note = _cop_no("RE"), None, "I", written, None
    # Customs keys an export return by agent and invtNo: after a refusal, the return is changed.
    refused = session.scalar(
        select(ClearanceDocument.id).where(
            ClearanceDocument.kind == "export_return",
            ClearanceDocument.business_key == f"{rh.agentCode}|{rh.invtNo}",
        )
    )
    rh.appType = "2" if refused is not None else "1"
    template = refund.invt_refund_list[0]
    refund.invt_refund_list = [
        type(template)(
            gnum=int(line.get("gnum") or 0),
            gcode=text(line, "gcode"),
            gname=text(line, "gname"),
            gmodel=text(line, "gmodel") or text(line, "gname"),
            qty=qty,
            qty1=_share(line, "qty1", qty),
            unit=text(line, "unit"),
            unit1=text(line, "unit1") or text(line, "unit"),
            qty2=_share(line, "qty2", qty) if line.get("qty2") is not None else None,
            unit2=text(line, "unit2") or None,
            note=None,
        )
        for line, qty in chosen
    ]
    _transfer(message, rh.agentCode, rh.agentName)
    return _declare(session, principal, inventory, "export_return", message)


def _share(line: Mapping[str, Any], name: str, qty: Decimal) -> Decimal:
    # The legal-unit quantity of the part returned: the same share of the line as `qty`.
    declared = Decimal(str(line.get("qty") or 0))
    legal = Decimal(str(line.get(name) or 0))
    if declared <= 0:
        return legal
    return (legal * qty / declared).quantize(Decimal("0.00001"))


def request_return_tally(
    session: Session,
    *,
    principal: Principal,
    inventory_id: int,
    location: str | None = None,
) -> ClearanceDocument:
    """Send the tally of returned export goods at the site (CEB215), as the site operator."""
    inventory = _inventory(session, principal, inventory_id, {EXPORT_INVENTORY})
    _refuse(tally_faults(session, principal, inventory))
    place = (location or "").strip()
    if len(place) > 250:
        raise InvalidInput(
            [field_error("location", "at most 250 characters", "最多 250 字", "too_long")]
        )
    [export_return] = open_requests(session, inventory, {"export_return"})[-1:]
    rh = head_of(export_return)
    message = skeleton(message_class("CEB215Message"))
    item = message.invt_refund_detail[0]
    item.guid, item.appType, item.appTime, item.appStatus = new_guid(), "1", app_time(), "2"
    item.customsCode = text(head_of(inventory), "customsCode")
    item.operatorCode = principal.organisation_code[:18]
    item.operatorName = principal.organisation_name_zh[:100]
    for name in (
        "logisticsCode",
        "logisticsName",
        "logisticsNo",
        "invtNo",
        "billNo",
        "trafMode",
        "trafName",
        "voyageNo",
    ):
        setattr(item, name, text(rh, name) or None)
    item.coElNo, item.preNo, item.ieFlag = _cop_no("RT"), None, "I"
    item.location, item.note = place or None, None
    _transfer(message, item.operatorCode, item.operatorName)
    return _declare(session, principal, inventory, "return_tally", message)
