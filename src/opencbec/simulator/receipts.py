"""Build CEB receipt and customs messages from the records they answer.

One generic builder fills a receipt record from the answered record's fields of the same name
(ebpCode, orderNo, copNo …), the numbers customs assigned and the status; the per-type tables
live in the message models, not here.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from opencbec.messages import ceb
from opencbec.messages.ceb.spec import Kind, spec_of

# Documents it issues say where they come from; receipts keep the real returnInfo conventions.
SIMULATED: Final = "海关模拟器签发，无法律效力 / issued by the customs simulator, no legal effect"
_NAMESPACE: Final = uuid.UUID("6f0b4a52-6c1d-4f49-9a55-c3e3f3c9a1d0")
# XML 1.0 refuses these characters even as references; CEB900 must still quote a hostile file.
_XML_INVALID: Final = {c: None for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)}


def derived_guid(seed: int, *parts: str) -> str:
    """Return a 36-character upper-case guid derived from the seed and `parts`."""
    return str(uuid.uuid5(_NAMESPACE, "|".join((str(seed), *parts)))).upper()


def return_time(moment: datetime) -> str:
    """Return yyyyMMddHHmmssSSS for `moment`."""
    return moment.strftime("%Y%m%d%H%M%S") + f"{moment.microsecond // 1000:03d}"


def _record_field(root: type) -> tuple[str, type, bool]:
    for fs in spec_of(root).fields:
        if fs.kind is Kind.RECORD:
            assert fs.record is not None
            return fs.attr, fs.record, fs.repeated
    raise TypeError(f"{root.__name__} holds no record")


def _head_and_list(name: str) -> tuple[type, type, type, type]:
    """Return a customs message's root, its repeated record, and that record's head and list."""
    cls = ceb.message_class(name)
    _, record_cls, _ = _record_field(cls)
    head_cls, list_cls = (fs.record for fs in spec_of(record_cls).fields[:2])
    assert head_cls is not None
    assert list_cls is not None
    return cls, record_cls, head_cls, list_cls


def receipt_record(
    name: str,
    source: Any,
    *,
    guid: str,
    status: str,
    time: str,
    info: str,
    extra: dict[str, Any] | None = None,
) -> Any:
    """Return the receipt record of message `name` (e.g. CEB622Message) answering `source`."""
    _, record_cls, _ = _record_field(ceb.message_class(name))
    given: dict[str, Any] = {
        "guid": guid,
        "returnStatus": status,
        "returnTime": time,
        "returnInfo": info,
        **(extra or {}),
    }
    values: dict[str, Any] = {}
    for fs in spec_of(record_cls).fields:
        value = given[fs.attr] if fs.attr in given else getattr(source, fs.attr, None)
        if fs.min_occurs == 0 and (
            value is None or (fs.length and isinstance(value, str) and len(value) != fs.length)
        ):
            continue  # an optional echo the receipt's facets cannot hold is left out
        if value is None and fs.kind is Kind.STR and not fs.length:
            value = "无"  # a required echo the sender left out (e.g. billNo of an arrival)
        elif value is None and fs.kind is Kind.INT:
            value = 1
        if isinstance(value, str) and fs.kind is Kind.STR and fs.max_length:
            value = value[: fs.max_length]
        values[fs.attr] = value
    return record_cls(**values)


def message(name: str, guid: str, records: list[Any]) -> Any:
    """Wrap records in the root of message `name`."""
    root = ceb.message_class(name)
    attr, _, repeated = _record_field(root)
    return root(guid=guid, version="1.0", **{attr: records if repeated else records[0]})


def format_receipt(
    *,
    guid: str,
    record_guid: str,
    status: str,
    info: str,
    time: str,
    cop_msg_id: str,
    original_type: str,
    original: bytes,
) -> Any:
    """Return a CEB900 format-check receipt quoting the original message (safely as text)."""
    text = original[: 64 * 1024].decode("utf-8", "replace").translate(_XML_INVALID)
    text = text.replace("\ufffe", "").replace("\uffff", "")
    cls = ceb.message_class("CEB900Message")
    _, record_cls, _ = _record_field(cls)
    record = record_cls(
        guid=record_guid,
        returnStatus=status,
        returnInfo=info[:5000],
        returnTime=time,
        oriCopMsgId=cop_msg_id[:255] or "-",
        oriMessageType=original_type[:15] or "Unknown",
        oriBizMessage=text or "-",
    )
    return cls(guid=guid, version="1.0", message_return=record)


def tax_bill(
    *,
    guid: str,
    record_guid: str,
    time: str,
    head: Any,
    invt_no: str,
    lines: list[Any],
) -> Any:
    """Return a CEB816 tax bill for an import inventory head and its taxed lines."""
    cls, tax_cls, head_cls, list_cls = _head_and_list("CEB816Message")
    zero = Decimal(0)
    tax_head = head_cls(
        guid=record_guid,
        returnTime=time,
        invtNo=invt_no,
        taxNo=f"{invt_no}_0",
        customsTax=sum((x.duty for x in lines), zero),
        valueAddedTax=sum((x.vat for x in lines), zero),
        consumptionTax=sum((x.consumption for x in lines), zero),
        status="1",
        note=SIMULATED,
        assureCode=head.assureCode,
        ebcCode=head.ebcCode,
        logisticsCode=head.logisticsCode,
        agentCode=head.agentCode,
        customsCode=head.customsCode,
    )
    tax_list = [
        list_cls(
            gnum=x.gnum,
            gcode=x.gcode,
            taxPrice=x.price,
            customsTax=x.duty,
            valueAddedTax=x.vat,
            consumptionTax=x.consumption,
        )
        for x in lines
    ]
    return cls(guid=guid, version="1.0", tax=[tax_cls(tax_head_rd=tax_head, tax_list_rd=tax_list)])


def summary_result(
    *,
    guid: str,
    record_guid: str,
    head: Any,
    sum_no: str,
    decl_seq_no: str,
    entry_id: str,
    time: str,
    inventories: list[Any],
    seq: tuple[int, int],
) -> Any:
    """Return a CEB792 summary result: one customs declaration and the inventory lines in it.

    Lines with the same 10-digit code and currency share a declaration item (gseqno).
    """
    cls, result_cls, head_cls, list_cls = _head_and_list("CEB792Message")
    items: dict[tuple[str, str], int] = {}
    lines = []
    gross = net = Decimal(0)
    for inventory in inventories:
        ih = inventory.inventory_head
        gross += ih.grossWeight or 0
        net += ih.netWeight or 0
        for line in inventory.inventory_list:
            gseqno = items.setdefault((line.gcode, line.currency or ""), len(items) + 1)
            lines.append(
                list_cls(
                    invtNo=ih.invtNo,
                    logisticsNo=ih.logisticsNo,
                    gseqno=gseqno,
                    gnum=line.gnum,
                    gcode=line.gcode,
                )
            )
    result_head = head_cls(
        guid=record_guid,
        customsCode=head.customsCode,
        sumNo=sum_no,
        opDate=time,
        declSeqNo=decl_seq_no,
        entryId=entry_id,
        decState="1",
        agentCode=head.agentCode,
        agentName=head.agentName,
        ebcCode=head.ebcCode,
        ebcName=head.ebcName,
        declAgentCode=head.declAgentCode,
        declAgentName=head.declAgentName,
        grossWeight=gross,
        netWeight=net,
        msgCount=seq[1],
        msgSeqNo=seq[0],
        note=SIMULATED,
    )
    return cls(
        guid=guid,
        version="1.0",
        summary_result=[result_cls(summary_result_head=result_head, summary_result_list=lines)],
    )


LOGIC_OK: Final = "[Code:1800;Desc:逻辑校验通过]"
CONCLUDED: Final = "[Code:2399;Desc:海关审结]"
RELEASED: Final = "[Code:2600;Desc:放行]"
CLOSED: Final = "[Code:2899;Desc:结关]"
