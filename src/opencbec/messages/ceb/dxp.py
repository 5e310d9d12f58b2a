"""The DXP terminal-node envelope (DxpMsg) that carries a signed CEB message to the E-port."""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from lxml import etree

from opencbec.messages.ceb.errors import CebDecodeError, CebIssue, issue
from opencbec.messages.ceb.safexml import DEFAULT_LIMITS, Limits, parse

DXP_NS: Final = "http://www.chinaport.gov.cn/dxp"
_D: Final = "{" + DXP_NS + "}"
# Receiver ids used by implementations for the unified CBEC system (spec §7.2, ⚠ unofficial).
IMPORT_RECEIVER: Final = "DXPEDCCEB0000002"
EXPORT_RECEIVER: Final = "DXPEDCCEB0000003"
_TEXT_LIMITS: Final = {
    "CopMsgId": 255,
    "SenderId": 16,
    "MsgType": 30,
    "FileName": 255,
    "IcCard": 13,
}


@dataclass(slots=True)
class DxpMsg:
    """A DxpMsg: routing header (TransInfo), the message bytes (Data) and optional AddInfo."""

    cop_msg_id: str
    sender_id: str
    receiver_ids: list[str]
    creat_time: datetime
    msg_type: str
    data: bytes
    file_name: str | None = None
    ic_card: str | None = None
    biz_keys: dict[str, str] = field(default_factory=dict)


def wrap(
    message: bytes,
    *,
    sender_id: str,
    msg_type: str,
    receiver_id: str | None = None,
    now: datetime | None = None,
    ic_card: str | None = None,
) -> DxpMsg:
    """Wrap signed CEB bytes for the E-port; the receiver defaults by message direction."""
    if receiver_id is None:
        code = int(msg_type[3:6]) if msg_type[3:6].isdigit() else 0
        exported = code in {213, 214, 215, 216} or 300 <= code < 311 or 400 <= code < 411
        exported = exported or 500 <= code < 511 or 600 <= code < 611 or 700 <= code < 711
        exported = exported or code == 792
        receiver_id = EXPORT_RECEIVER if exported else IMPORT_RECEIVER
    cop_msg_id = str(uuid.uuid4())
    return DxpMsg(
        cop_msg_id=cop_msg_id,
        sender_id=sender_id,
        receiver_ids=[receiver_id],
        creat_time=(now or datetime.now()).replace(microsecond=0),
        msg_type=msg_type,
        data=message,
        file_name=f"{msg_type}_{cop_msg_id}.xml",
        ic_card=ic_card,
    )


def dxp_issues(msg: DxpMsg) -> list[CebIssue]:
    """Return the envelope's faults against the terminal-node XSD facets."""
    out: list[CebIssue] = []
    texts = {
        "CopMsgId": msg.cop_msg_id,
        "SenderId": msg.sender_id,
        "MsgType": msg.msg_type,
        "FileName": msg.file_name,
        "IcCard": msg.ic_card,
    }
    for name, value in texts.items():
        if value is None:
            continue
        low = 0 if name == "MsgType" else 1
        if not low <= len(value) <= _TEXT_LIMITS[name]:
            out.append(
                issue(
                    name,
                    "length",
                    f"{low} to {_TEXT_LIMITS[name]} characters required",
                    f"应为 {low} 至 {_TEXT_LIMITS[name]} 个字符",
                )
            )
    if not 1 <= len(msg.receiver_ids) <= 5 or any(not 1 <= len(r) <= 16 for r in msg.receiver_ids):
        out.append(
            issue(
                "ReceiverIds",
                "receivers",
                "1 to 5 ids of 1 to 16 characters",
                "需 1 至 5 个接收方编号，每个 1 至 16 个字符",
            )
        )
    if len(msg.biz_keys) > 5:
        out.append(issue("AddInfo/BizKey", "too_many", "at most 5 keys allowed", "最多 5 个业务键"))
    return out


def _sub(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    el = etree.SubElement(parent, _D + name)
    el.text = text
    return el


def encode_dxp(msg: DxpMsg) -> bytes:
    """Encode the envelope as UTF-8 XML; Data is the message bytes in base64."""
    root = etree.Element(_D + "DxpMsg", {"ver": "1.0"}, nsmap={"dxp": DXP_NS})
    info = _sub(root, "TransInfo")
    _sub(info, "CopMsgId", msg.cop_msg_id)
    _sub(info, "SenderId", msg.sender_id)
    receivers = _sub(info, "ReceiverIds")
    for receiver in msg.receiver_ids:
        _sub(receivers, "ReceiverId", receiver)
    _sub(info, "CreatTime", msg.creat_time.isoformat(timespec="seconds"))
    _sub(info, "MsgType", msg.msg_type)
    _sub(root, "Data", base64.b64encode(msg.data).decode())
    if msg.file_name or msg.ic_card or msg.biz_keys:
        add = _sub(root, "AddInfo")
        if msg.file_name:
            _sub(add, "FileName", msg.file_name)
        if msg.ic_card:
            _sub(add, "IcCard", msg.ic_card)
        if msg.biz_keys:
            keys = _sub(add, "BizKey")
            for name, value in msg.biz_keys.items():
                _sub(keys, "Key", value).set("name", name)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _fail(path: str, en: str, zh: str) -> CebDecodeError:
    return CebDecodeError([issue(path, "dxp", en, zh)])


def decode_dxp(data: bytes, limits: Limits = DEFAULT_LIMITS) -> DxpMsg:
    """Decode a DxpMsg envelope (the carried message stays bytes; decode it separately)."""
    root = parse(data, limits)
    if root.tag != _D + "DxpMsg":
        raise _fail("DxpMsg", "root element must be dxp:DxpMsg", "根元素必须为 dxp:DxpMsg")
    info = root.find(_D + "TransInfo")
    if info is None:
        raise _fail("TransInfo", "TransInfo is required", "缺少 TransInfo")
    try:
        created = datetime.fromisoformat(info.findtext(_D + "CreatTime") or "")
    except ValueError:
        raise _fail(
            "TransInfo/CreatTime", "CreatTime is not an xs:dateTime", "CreatTime 不是有效的日期时间"
        ) from None
    try:
        payload = base64.b64decode(
            "".join((root.findtext(_D + "Data") or "").split()), validate=True
        )
    except (ValueError, binascii.Error):
        raise _fail("Data", "Data is not base64", "Data 不是 base64 编码") from None
    keys = {
        key.get("name", ""): key.text or ""
        for key in root.iterfind(f"{_D}AddInfo/{_D}BizKey/{_D}Key")
    }
    return DxpMsg(
        cop_msg_id=info.findtext(_D + "CopMsgId") or "",
        sender_id=info.findtext(_D + "SenderId") or "",
        receiver_ids=[r.text or "" for r in info.iterfind(f"{_D}ReceiverIds/{_D}ReceiverId")],
        creat_time=created,
        msg_type=info.findtext(_D + "MsgType") or "",
        data=payload,
        file_name=root.findtext(f"{_D}AddInfo/{_D}FileName"),
        ic_card=root.findtext(f"{_D}AddInfo/{_D}IcCard"),
        biz_keys=keys,
    )
