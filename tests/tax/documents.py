"""Import documents for the tax tests: inventories as CEB621 XML, cancellations and returns as
stored documents, receipts through clearance's own service call."""

from __future__ import annotations

import copy
import dataclasses
import json
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from opencbec.audit.service import Actor
from opencbec.clearance import service as clearance_service
from opencbec.clearance.models import ClearanceDocument
from opencbec.identity.rules import Principal
from opencbec.kit.time import utcnow
from opencbec.messages.ceb import encode, message_class, skeleton
from opencbec.tax import service as tax_service
from opencbec.tax.models import QuotaEntry

BUYER = "41070219900101001" + "5"
NAME = "张三"
EBC, EBP = "4107960EBC", "4107960EBP"
INVT_NO = "460120261000000001"


def reserve(
    session: Session, key: str, amount: str, *, year: int = 2026, name: str | None = None
) -> QuotaEntry:
    """Reserve `amount` of BUYER's `year` for the document `key`, as a test actor."""
    return tax_service.reserve_quota(
        session,
        actor=Actor(label="test"),
        id_number=BUYER,
        year=year,
        document_key=key,
        amount=Decimal(amount),
        name=name,
    )


def guid() -> str:
    """Return a fresh upper-case GUID."""
    return str(uuid.uuid4()).upper()


def inventory_xml(
    key: str,
    *lines: tuple[str, str],
    buyer: str = BUYER,
    name: str = NAME,
    app_type: str = "1",
    freight: str = "0",
    invt_no: str | None = None,
) -> bytes:
    """Return a CEB621 with copNo `key`, orderNo O<key> and one line per (qty, totalPrice)."""
    message = skeleton(message_class("CEB621Message"))
    head = message.inventory[0].inventory_head
    head.guid, head.appType, head.copNo, head.ebcCode = guid(), app_type, key, EBC
    head.orderNo, head.ebpCode, head.buyerIdNumber, head.declTime = (
        f"O{key}",
        EBP,
        buyer,
        "20261111",
    )
    head.buyerName, head.invtNo = name, invt_no
    head.freight, head.insuredFee = Decimal(freight), Decimal(0)
    template = message.inventory[0].inventory_list[0]
    message.inventory[0].inventory_list = []
    for gnum, (qty, total) in enumerate(lines or (("1", "100.00"),), 1):
        line = copy.deepcopy(template)
        line.gnum, line.qty, line.totalPrice = gnum, Decimal(qty), Decimal(total)
        line.price = Decimal(total) / Decimal(qty)
        message.inventory[0].inventory_list.append(line)
    message.guid = guid()
    return encode(message)


def _content(item: Any) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        return format(value, "f") if isinstance(value, Decimal) else None

    content: dict[str, Any] = json.loads(json.dumps(dataclasses.asdict(item), default=plain))
    return content


def request_item(
    message: str,
    key: str,
    *,
    cop_no: str | None = None,
    order_no: str | None = None,
    invt_no: str | None = None,
    buyer: str = BUYER,
    ebc: str = EBC,
    returned: tuple[tuple[int, str], ...] = (),
) -> Any:
    """Return the InvtCancel (CEB623) or InvtRefund (CEB625) item naming inventory `key`."""
    decoded = skeleton(message_class(message))
    item = decoded.invt_cancel[0] if message == "CEB623Message" else decoded.invt_refund[0]
    head = item if message == "CEB623Message" else item.invt_refund_head
    head.guid, head.orderNo, head.ebcCode, head.ebpCode = guid(), order_no or f"O{key}", ebc, EBP
    head.copNo, head.invtNo, head.buyerIdNumber = cop_no, invt_no or INVT_NO, buyer
    if message == "CEB625Message":
        template = item.invt_refund_list[0]
        item.invt_refund_list = []
        for gnum, qty in returned:
            line = copy.deepcopy(template)
            line.gnum, line.qty = gnum, Decimal(qty)
            item.invt_refund_list.append(line)
    return item


def store_request(
    session: Session, principal: Principal, message: str, key: str, **fields: Any
) -> ClearanceDocument:
    """Store a cancellation or return as clearance stores a declared document (kind, content)."""
    item = request_item(message, key, **fields)
    now = utcnow()
    document = ClearanceDocument(
        organisation_id=principal.organisation_id,
        kind="cancellation" if message == "CEB623Message" else "return",
        message_type=message,
        business_key=f"{EBC}|R{key}|{guid()[:8]}",
        order_no=fields.get("order_no") or f"O{key}",
        guid=guid(),
        version=1,
        status="0",
        content=_content(item),
        created_at=now,
        updated_at=now,
    )
    session.add(document)
    session.flush()
    return document


def receipt(
    session: Session, principal: Principal, kind: str, business_key: str, status: str, at: str
) -> clearance_service.Outcome:
    """Apply one customs receipt through clearance."""
    return clearance_service.apply_receipt(
        session,
        principal=principal,
        kind=kind,
        business_key=business_key,
        guid=guid(),
        status=status,
        return_time=at,
        info=None,
    )


def request_xml(message: str, key: str, **fields: Any) -> bytes:
    """Return a CEB623 or CEB625 message naming inventory `key` (see request_item)."""
    decoded = skeleton(message_class(message))
    items = [request_item(message, key, **fields)]
    if message == "CEB623Message":
        decoded.invt_cancel = items
    else:
        decoded.invt_refund = items
    decoded.guid = guid()
    return encode(decoded)


def receipt_xml(message: str, cop_no: str, status: str, at: str) -> bytes:
    """Return a CEB624 or CEB626 receipt for the request with copNo `cop_no`."""
    decoded = skeleton(message_class(message))
    item = (
        decoded.invt_cancel_return if message == "CEB624Message" else decoded.invt_refund_return
    )[0]
    item.guid, item.ebcCode, item.copNo, item.invtNo = guid(), EBC, cop_no, INVT_NO
    item.returnStatus, item.returnTime, item.returnInfo = status, at, "[Code:2600;Desc:审结]"
    decoded.guid = guid()
    return encode(decoded)
