"""The envelopes DXP server nodes write (spec §7.2): DxpRep, the exchange platform's response to a
DxpMsg (terminal-node XSD), and DxpMsgSv, a DxpMsg wrapped by a transfer node (transfer-node
XSD). Both may carry their own signature; sign and verify them with dxp.sign_envelope and
dxp.verify_envelope.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Final

from lxml import etree

from opencbec.messages.ceb.dxp import (
    DXP_NS,
    DxpMsg,
    TransInfo,
    append_signature,
    dxp_issues,
    dxp_msg_element,
    envelope_error,
    expect_root,
    parse_datetime,
    read_dxp_msg,
    read_trans_info,
    signature_of,
    sub_element,
    to_bytes,
    trans_info_issues,
    write_trans_info,
)
from opencbec.messages.ceb.errors import CebIssue, issue
from opencbec.messages.ceb.safexml import DEFAULT_LIMITS, Limits

_D: Final = "{" + DXP_NS + "}"


@dataclass(slots=True)
class DxpResult:
    """One receiver's outcome in a response (Results/Result)."""

    rec_id: str
    code: str
    info: str | None = None
    note: str | None = None


@dataclass(slots=True)
class DxpResponse:
    """The processing response to one DxpMsg (DxpRep/Response)."""

    response_code: str
    notice_time: date
    ori_head: TransInfo
    node_id: str | None = None
    response_info: str | None = None
    # Results is written only when it holds at least one Result.
    results: list[DxpResult] = field(default_factory=list)
    note: str | None = None


@dataclass(slots=True)
class DxpRep:
    """The exchange platform's response to DxpMsg envelopes (交换平台响应报文)."""

    # Written as RecevierId: the XSD's spelling.
    receiver_id: str
    responses: list[DxpResponse]
    ad_node_id: str | None = None
    signature: bytes | None = None


@dataclass(slots=True)
class DxpMsgSv:
    """A DxpMsg routed between server nodes (服务器传输报文), with its SvNo header."""

    # 8-character node id + yyyyMMddHHmmss + 10-digit sequence (32 characters).
    msg_id: str
    send_time: datetime
    end_node: str
    sta_node: str
    message: DxpMsg
    # One character, for a message split per receiver.
    sub_msg_id: str | None = None
    signature: bytes | None = None


def _length(
    out: list[CebIssue], path: str, value: str | None, low: int, high: int, *, required: bool
) -> None:
    if value is None:
        if required:
            out.append(issue(path, "required", "is required", "必填项缺失"))
        return
    if not low <= len(value) <= high:
        out.append(
            issue(
                path,
                "length",
                f"{low} to {high} characters required, {len(value)} given",
                f"应为 {low} 至 {high} 个字符，实为 {len(value)} 个",
            )
        )


def rep_issues(rep: DxpRep) -> list[CebIssue]:
    """Return a DxpRep's faults against the terminal-node XSD facets."""
    out: list[CebIssue] = []
    _length(out, "RecevierId", rep.receiver_id, 1, 16, required=True)
    _length(out, "AdNodeId", rep.ad_node_id, 1, 8, required=False)
    if not rep.responses:
        out.append(issue("Response", "missing", "at least 1 required, 0 given", "至少需要 1 个"))
    for n, response in enumerate(rep.responses, 1):
        at = f"Response[{n}]"
        _length(out, f"{at}/NodeId", response.node_id, 1, 8, required=False)
        _length(out, f"{at}/ResponseCode", response.response_code, 1, 9, required=True)
        _length(out, f"{at}/ResponseInfo", response.response_info, 0, 300, required=False)
        for k, result in enumerate(response.results, 1):
            where = f"{at}/Results/Result[{k}]"
            _length(out, f"{where}/RecId", result.rec_id, 1, 16, required=True)
            _length(out, f"{where}/Code", result.code, 1, 9, required=True)
            _length(out, f"{where}/Info", result.info, 0, 300, required=False)
            _length(out, f"{where}/Note", result.note, 0, 500, required=False)
        _length(out, f"{at}/Note", response.note, 0, 500, required=False)
        out.extend(trans_info_issues(response.ori_head, f"{at}/OriHead/"))
    return out


def sv_issues(sv: DxpMsgSv) -> list[CebIssue]:
    """Return a DxpMsgSv's faults against the transfer-node XSD facets (its DxpMsg's too)."""
    out: list[CebIssue] = []
    _length(out, "SvNo/MsgId", sv.msg_id, 1, 32, required=True)
    _length(out, "SvNo/SubMsgId", sv.sub_msg_id, 1, 1, required=False)
    _length(out, "SvNo/EndNode", sv.end_node, 1, 8, required=True)
    _length(out, "SvNo/StaNode", sv.sta_node, 1, 8, required=True)
    out.extend(
        issue(f"DxpMsg/{i.path}", i.code, i.reason_en, i.reason_zh) for i in dxp_issues(sv.message)
    )
    return out


def encode_rep(rep: DxpRep) -> bytes:
    """Encode a DxpRep as UTF-8 XML in the element order of the terminal-node XSD."""
    root = etree.Element(_D + "DxpRep", {"ver": "1.0"}, nsmap={"dxp": DXP_NS})
    sub_element(root, "RecevierId", rep.receiver_id)
    if rep.ad_node_id is not None:
        sub_element(root, "AdNodeId", rep.ad_node_id)
    for response in rep.responses:
        el = sub_element(root, "Response")
        if response.node_id is not None:
            sub_element(el, "NodeId", response.node_id)
        sub_element(el, "ResponseCode", response.response_code)
        if response.response_info is not None:
            sub_element(el, "ResponseInfo", response.response_info)
        if response.results:
            results = sub_element(el, "Results")
            for result in response.results:
                item = sub_element(results, "Result")
                sub_element(item, "RecId", result.rec_id)
                sub_element(item, "Code", result.code)
                if result.info is not None:
                    sub_element(item, "Info", result.info)
                if result.note is not None:
                    sub_element(item, "Note", result.note)
        sub_element(el, "NoticeTime", response.notice_time.isoformat())
        if response.note is not None:
            sub_element(el, "Note", response.note)
        write_trans_info(el, "OriHead", response.ori_head)
    append_signature(root, rep.signature)
    return to_bytes(root)


def _date(text: str, path: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise envelope_error(path, f"{path} is not an xs:date", f"{path} 不是有效的日期") from None


def _read_response(el: etree._Element, at: str) -> DxpResponse:
    code = el.findtext(_D + "ResponseCode")
    if code is None:
        raise envelope_error(f"{at}/ResponseCode", "ResponseCode is required", "缺少 ResponseCode")
    head = el.find(_D + "OriHead")
    if head is None:
        raise envelope_error(f"{at}/OriHead", "OriHead is required", "缺少 OriHead")
    results = [
        DxpResult(
            rec_id=item.findtext(_D + "RecId") or "",
            code=item.findtext(_D + "Code") or "",
            info=item.findtext(_D + "Info"),
            note=item.findtext(_D + "Note"),
        )
        for item in el.iterfind(f"{_D}Results/{_D}Result")
    ]
    return DxpResponse(
        response_code=code,
        notice_time=_date(el.findtext(_D + "NoticeTime") or "", f"{at}/NoticeTime"),
        ori_head=read_trans_info(head, f"{at}/OriHead"),
        node_id=el.findtext(_D + "NodeId"),
        response_info=el.findtext(_D + "ResponseInfo"),
        results=results,
        note=el.findtext(_D + "Note"),
    )


def decode_rep(data: bytes, limits: Limits = DEFAULT_LIMITS) -> DxpRep:
    """Decode a DxpRep from untrusted bytes (hardened parser)."""
    root = expect_root(data, "DxpRep", limits)
    receiver = root.findtext(_D + "RecevierId")
    if receiver is None:
        raise envelope_error("RecevierId", "RecevierId is required", "缺少 RecevierId")
    responses = [
        _read_response(el, f"Response[{n}]")
        for n, el in enumerate(root.iterfind(_D + "Response"), 1)
    ]
    if not responses:
        raise envelope_error(
            "Response", "at least one Response is required", "至少需要一个 Response"
        )
    return DxpRep(
        receiver_id=receiver,
        responses=responses,
        ad_node_id=root.findtext(_D + "AdNodeId"),
        signature=signature_of(root),
    )


def encode_sv(sv: DxpMsgSv) -> bytes:
    """Encode a DxpMsgSv as UTF-8 XML in the element order of the transfer-node XSD."""
    root = etree.Element(_D + "DxpMsgSv", {"ver": "1.0"}, nsmap={"dxp": DXP_NS})
    head = sub_element(root, "SvNo")
    head.set("Ver", "1.0")
    sub_element(head, "MsgId", sv.msg_id)
    if sv.sub_msg_id is not None:
        sub_element(head, "SubMsgId", sv.sub_msg_id)
    sub_element(head, "SendTime", sv.send_time.isoformat(timespec="seconds"))
    sub_element(head, "EndNode", sv.end_node)
    sub_element(head, "StaNode", sv.sta_node)
    root.append(dxp_msg_element(sv.message))
    append_signature(root, sv.signature)
    return to_bytes(root)


def decode_sv(data: bytes, limits: Limits = DEFAULT_LIMITS) -> DxpMsgSv:
    """Decode a DxpMsgSv and the DxpMsg it carries from untrusted bytes."""
    root = expect_root(data, "DxpMsgSv", limits)
    head = root.find(_D + "SvNo")
    if head is None:
        raise envelope_error("SvNo", "SvNo is required", "缺少 SvNo")
    inner = root.find(_D + "DxpMsg")
    if inner is None:
        raise envelope_error("DxpMsg", "DxpMsg is required", "缺少 DxpMsg")
    texts = {}
    for name in ("MsgId", "SendTime", "EndNode", "StaNode"):
        value = head.findtext(_D + name)
        if value is None:
            raise envelope_error(f"SvNo/{name}", f"{name} is required", f"缺少 {name}")
        texts[name] = value
    return DxpMsgSv(
        msg_id=texts["MsgId"],
        send_time=parse_datetime(texts["SendTime"], "SvNo/SendTime"),
        end_node=texts["EndNode"],
        sta_node=texts["StaNode"],
        message=read_dxp_msg(inner),
        sub_msg_id=head.findtext(_D + "SubMsgId"),
        signature=signature_of(root),
    )
