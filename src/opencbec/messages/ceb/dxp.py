"""The DXP envelopes (spec §7): DxpMsg carries a signed CEB message to the E-port, DxpRep is the
exchange platform's response to it, DxpMsgSv wraps a DxpMsg between transfer nodes.

Each envelope may carry its own enveloped ds:Signature (last child, spec §7.2 and §8), made and
checked by `sign_envelope` / `verify_envelope` with the signers and algorithms of sign.py. The
carried CEB message keeps its own signature: Data is its exact bytes in base64.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from cryptography import x509
from lxml import etree

from opencbec.messages.ceb.errors import CebDecodeError, CebIssue, issue
from opencbec.messages.ceb.safexml import DEFAULT_LIMITS, Limits, parse
from opencbec.messages.ceb.sign import Algorithms, Signer, Verification, sign, verify
from opencbec.messages.ceb.spec import DS_SIGNATURE

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
    "IsText": 50,
}
ENVELOPES: Final = frozenset({"DxpMsg", "DxpRep", "DxpMsgSv"})


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
    # AddInfo/IsText@Encode: Data is text in this charset; AddInfo/RecMapId: the receiver's
    # conversion id.
    is_text: str | None = None
    rec_map_id: str | None = None
    # The envelope's own ds:Signature as canonical XML bytes (sign with `sign_envelope`).
    signature: bytes | None = None

    @property
    def trans_info(self) -> TransInfo:
        """Return the routing header (TransInfo)."""
        return TransInfo(
            self.cop_msg_id, self.sender_id, list(self.receiver_ids), self.creat_time, self.msg_type
        )


@dataclass(slots=True)
class TransInfo:
    """The routing header of a DxpMsg (TransInfoType), echoed as OriHead in a DxpRep."""

    cop_msg_id: str
    sender_id: str
    receiver_ids: list[str]
    creat_time: datetime
    msg_type: str


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


def _text_issue(path: str, low: int, high: int) -> CebIssue:
    return issue(
        path, "length", f"{low} to {high} characters required", f"应为 {low} 至 {high} 个字符"
    )


def trans_info_issues(info: TransInfo, prefix: str = "") -> list[CebIssue]:
    """Return a routing header's faults against the TransInfoType facets."""
    out: list[CebIssue] = []
    for name, value in (
        ("CopMsgId", info.cop_msg_id),
        ("SenderId", info.sender_id),
        ("MsgType", info.msg_type),
    ):
        low = 0 if name == "MsgType" else 1
        if not low <= len(value) <= _TEXT_LIMITS[name]:
            out.append(_text_issue(prefix + name, low, _TEXT_LIMITS[name]))
    if not 1 <= len(info.receiver_ids) <= 5 or any(
        not 1 <= len(r) <= 16 for r in info.receiver_ids
    ):
        out.append(
            issue(
                prefix + "ReceiverIds",
                "receivers",
                "1 to 5 ids of 1 to 16 characters",
                "需 1 至 5 个接收方编号，每个 1 至 16 个字符",
            )
        )
    return out


def dxp_issues(msg: DxpMsg) -> list[CebIssue]:
    """Return the envelope's faults against the terminal-node XSD facets."""
    out = trans_info_issues(msg.trans_info)
    for name, value in (
        ("FileName", msg.file_name),
        ("IcCard", msg.ic_card),
        ("IsText", msg.is_text),
    ):
        low = 0 if name == "IsText" else 1
        if value is not None and not low <= len(value) <= _TEXT_LIMITS[name]:
            out.append(_text_issue(f"AddInfo/{name}", low, _TEXT_LIMITS[name]))
    if len(msg.biz_keys) > 5:
        out.append(issue("AddInfo/BizKey", "too_many", "at most 5 keys allowed", "最多 5 个业务键"))
    for name, value in msg.biz_keys.items():
        if not (1 <= len(name) <= 32 and 1 <= len(value) <= 64):
            out.append(
                issue(
                    "AddInfo/BizKey/Key",
                    "length",
                    "a key name of 1 to 32 and a value of 1 to 64 characters required",
                    "键名应为 1 至 32 个字符，键值应为 1 至 64 个字符",
                )
            )
    return out


def sub_element(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    """Append a dxp:`name` element holding `text`."""
    el = etree.SubElement(parent, _D + name)
    el.text = text
    return el


def write_trans_info(parent: etree._Element, name: str, info: TransInfo) -> None:
    """Append a TransInfoType element named `name`."""
    el = sub_element(parent, name)
    sub_element(el, "CopMsgId", info.cop_msg_id)
    sub_element(el, "SenderId", info.sender_id)
    receivers = sub_element(el, "ReceiverIds")
    for receiver in info.receiver_ids:
        sub_element(receivers, "ReceiverId", receiver)
    sub_element(el, "CreatTime", info.creat_time.isoformat(timespec="seconds"))
    sub_element(el, "MsgType", info.msg_type)


def append_signature(root: etree._Element, signature: bytes | None) -> None:
    """Append a kept ds:Signature (canonical bytes) as the last child, if there is one."""
    if signature is not None:
        root.append(parse(bytes(signature)))


def dxp_msg_element(msg: DxpMsg) -> etree._Element:
    """Build the DxpMsg element of an envelope model."""
    root = etree.Element(_D + "DxpMsg", {"ver": "1.0"}, nsmap={"dxp": DXP_NS})
    write_trans_info(root, "TransInfo", msg.trans_info)
    sub_element(root, "Data", base64.b64encode(msg.data).decode())
    if msg.file_name or msg.ic_card or msg.biz_keys or msg.is_text is not None or msg.rec_map_id:
        add = sub_element(root, "AddInfo")
        if msg.file_name:
            sub_element(add, "FileName", msg.file_name)
        if msg.ic_card:
            sub_element(add, "IcCard", msg.ic_card)
        if msg.biz_keys:
            keys = sub_element(add, "BizKey")
            for name, value in msg.biz_keys.items():
                sub_element(keys, "Key", value).set("name", name)
        if msg.is_text is not None:
            sub_element(add, "IsText").set("Encode", msg.is_text)
        if msg.rec_map_id:
            sub_element(add, "RecMapId", msg.rec_map_id)
    append_signature(root, msg.signature)
    return root


def to_bytes(root: etree._Element) -> bytes:
    """Serialise an envelope as UTF-8 XML with a declaration."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def encode_dxp(msg: DxpMsg) -> bytes:
    """Encode the envelope as UTF-8 XML; Data is the message bytes in base64."""
    return to_bytes(dxp_msg_element(msg))


def envelope_error(path: str, en: str, zh: str) -> CebDecodeError:
    """Return the error for an envelope that cannot be read."""
    return CebDecodeError([issue(path, "dxp", en, zh)])


def expect_root(data: bytes, name: str, limits: Limits) -> etree._Element:
    """Parse untrusted bytes whose root must be dxp:`name`."""
    root = parse(data, limits)
    if root.tag != _D + name:
        raise envelope_error(name, f"root element must be dxp:{name}", f"根元素必须为 dxp:{name}")
    return root


def parse_datetime(text: str, path: str) -> datetime:
    """Return an xs:dateTime, or raise naming `path`."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise envelope_error(
            path, f"{path} is not an xs:dateTime", f"{path} 不是有效的日期时间"
        ) from None


def read_trans_info(info: etree._Element, path: str) -> TransInfo:
    """Read a TransInfoType element."""
    return TransInfo(
        cop_msg_id=info.findtext(_D + "CopMsgId") or "",
        sender_id=info.findtext(_D + "SenderId") or "",
        receiver_ids=[r.text or "" for r in info.iterfind(f"{_D}ReceiverIds/{_D}ReceiverId")],
        creat_time=parse_datetime(info.findtext(_D + "CreatTime") or "", f"{path}/CreatTime"),
        msg_type=info.findtext(_D + "MsgType") or "",
    )


def signature_of(root: etree._Element) -> bytes | None:
    """Return an envelope's own ds:Signature as canonical bytes, or None."""
    found = root.find(DS_SIGNATURE)
    # Canonical bytes, as CEB models keep theirs: stable across round trips.
    return None if found is None else etree.tostring(found, method="c14n")


def read_dxp_msg(root: etree._Element) -> DxpMsg:
    """Read a DxpMsg element into its model."""
    info = root.find(_D + "TransInfo")
    if info is None:
        raise envelope_error("TransInfo", "TransInfo is required", "缺少 TransInfo")
    head = read_trans_info(info, "TransInfo")
    try:
        payload = base64.b64decode(
            "".join((root.findtext(_D + "Data") or "").split()), validate=True
        )
    except (ValueError, binascii.Error):
        raise envelope_error("Data", "Data is not base64", "Data 不是 base64 编码") from None
    keys = {
        key.get("name", ""): key.text or ""
        for key in root.iterfind(f"{_D}AddInfo/{_D}BizKey/{_D}Key")
    }
    is_text = root.find(f"{_D}AddInfo/{_D}IsText")
    return DxpMsg(
        cop_msg_id=head.cop_msg_id,
        sender_id=head.sender_id,
        receiver_ids=head.receiver_ids,
        creat_time=head.creat_time,
        msg_type=head.msg_type,
        data=payload,
        file_name=root.findtext(f"{_D}AddInfo/{_D}FileName"),
        ic_card=root.findtext(f"{_D}AddInfo/{_D}IcCard"),
        biz_keys=keys,
        is_text=None if is_text is None else is_text.get("Encode", ""),
        rec_map_id=root.findtext(f"{_D}AddInfo/{_D}RecMapId"),
        signature=signature_of(root),
    )


def decode_dxp(data: bytes, limits: Limits = DEFAULT_LIMITS) -> DxpMsg:
    """Decode a DxpMsg envelope (the carried message stays bytes; decode it separately)."""
    return read_dxp_msg(expect_root(data, "DxpMsg", limits))


# -- signing --------------------------------------------------------------------------------


def sign_envelope(
    data: bytes,
    signer: Signer,
    algorithms: Algorithms | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> bytes:
    """Return a DXP envelope with its own enveloped ds:Signature, last (replacing any old one)."""
    _envelope_root(data, limits)
    return sign(data, signer, algorithms, limits)


def verify_envelope(
    data: bytes,
    *,
    trusted: Sequence[x509.Certificate] | None = None,
    now: datetime | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Verification:
    """Verify a DXP envelope's own signature: digest, signature and certificate separately."""
    _envelope_root(data, limits)
    return verify(data, trusted=trusted, now=now, limits=limits)


def _envelope_root(data: bytes, limits: Limits) -> None:
    name = etree.QName(parse(data, limits))
    if name.namespace != DXP_NS or name.localname not in ENVELOPES:
        raise envelope_error(
            name.localname,
            "root element must be dxp:DxpMsg, dxp:DxpRep or dxp:DxpMsgSv",
            "根元素必须为 dxp:DxpMsg、dxp:DxpRep 或 dxp:DxpMsgSv",
        )
