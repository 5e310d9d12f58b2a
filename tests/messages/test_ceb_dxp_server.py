"""DXP envelopes beyond DxpMsg's content: their own signatures, DxpRep and DxpMsgSv."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

import pytest
from lxml import etree

from opencbec.messages.ceb.codec import encode
from opencbec.messages.ceb.dxp import (
    DXP_NS,
    DxpMsg,
    TransInfo,
    decode_dxp,
    encode_dxp,
    sign_envelope,
    verify_envelope,
    wrap,
)
from opencbec.messages.ceb.dxp_server import (
    DxpMsgSv,
    DxpRep,
    DxpResponse,
    DxpResult,
    decode_rep,
    decode_sv,
    encode_rep,
    encode_sv,
    rep_issues,
    sv_issues,
)
from opencbec.messages.ceb.errors import CebDecodeError, CebParseError
from opencbec.messages.ceb.models import imp_order
from opencbec.messages.ceb.sign import SoftwareSigner, sign, verify
from opencbec.messages.ceb.skeleton import skeleton

from .conftest import KeyPair, broken

NOW = datetime(2024, 1, 2, 3, 4, 5)
D = "{" + DXP_NS + "}"
TERMINAL = "海关跨境终端节点报文定义202205.xsd"
TRANSFER = "海关跨境传输节点报文定义202205.xsd"
_E = TypeVar("_E")


def _signer(pair: KeyPair) -> SoftwareSigner:
    return SoftwareSigner.from_pem(pair.key.read_bytes(), pair.cert.read_bytes())


@pytest.fixture(params=["rsa", "sm2"])
def pair(request: pytest.FixtureRequest) -> KeyPair:
    return request.getfixturevalue(f"{request.param}_pair")  # type: ignore[no-any-return]


def _schema(xsd_dir: Path, name: str) -> etree.XMLSchema:
    document = etree.parse(str(xsd_dir / name))
    # libxml2 cannot build a URI from the transfer XSD's non-ASCII xs:include; escape it.
    for include in document.getroot().iter("{http://www.w3.org/2001/XMLSchema}include"):
        include.set("schemaLocation", quote(include.get("schemaLocation") or ""))
    return etree.XMLSchema(document)


def _signed_and_read_back(
    schema: etree.XMLSchema, data: bytes, signer: SoftwareSigner, read: Callable[[bytes], _E]
) -> _E:
    """Sign an envelope, check the XSD still accepts it and it verifies, and decode it."""
    signed = sign_envelope(data, signer)
    assert schema.validate(etree.fromstring(signed)), schema.error_log
    assert verify_envelope(signed).ok
    decoded = read(signed)
    assert getattr(decoded, "signature", None) is not None
    return decoded


def _envelope() -> DxpMsg:
    msg = wrap(
        encode(skeleton(imp_order.CEB311Message)),
        sender_id="DXPENT0000458763",
        msg_type="CEB311Message",
        now=NOW,
    )
    msg.biz_keys = {"DealFlag": "1"}
    return msg


def _rep() -> DxpRep:
    head = _envelope().trans_info
    return DxpRep(
        receiver_id="DXPENT0000458763",
        ad_node_id="EPORT001",
        responses=[
            DxpResponse(
                response_code="0",
                notice_time=date(2024, 1, 2),
                ori_head=head,
                node_id="EPORT001",
                response_info="成功",
                results=[DxpResult("DXPEDCCEB0000002", "0", "已接收", "备注")],
                note="处理完毕",
            ),
            DxpResponse("-1", date(2024, 1, 3), _envelope().trans_info),
        ],
    )


def _sv(message: DxpMsg | None = None) -> DxpMsgSv:
    return DxpMsgSv(
        msg_id="EPORT001" + "20240102030405" + "0000000001",
        send_time=NOW,
        end_node="EPORT002",
        sta_node="EPORT001",
        message=message or _envelope(),
        sub_msg_id="1",
    )


def test_signed_envelope_verifies_round_trips_and_meets_the_xsd(
    pair: KeyPair, xsd_dir: Path
) -> None:
    signer = _signer(pair)
    message = sign(encode(skeleton(imp_order.CEB311Message)), signer)
    msg = wrap(message, sender_id="DXPENT0000458763", msg_type="CEB311Message", now=NOW)
    signed = sign_envelope(encode_dxp(msg), signer)
    root = etree.fromstring(signed)
    assert etree.QName(root[-1]).localname == "Signature"  # after AddInfo: the XSD's place
    assert _schema(xsd_dir, TERMINAL).validate(root), _schema(xsd_dir, TERMINAL).error_log
    result = verify_envelope(signed)
    assert result.ok, result.problems
    decoded = decode_dxp(signed)
    assert decoded.signature is not None
    # The carried message keeps its own signature, byte for byte.
    assert decoded.data == message
    assert verify(decoded.data).ok
    again = encode_dxp(decoded)
    assert verify_envelope(again).ok
    assert decode_dxp(again) == decoded


def test_tampered_envelopes_fail_on_what_was_changed(rsa_pair: KeyPair) -> None:
    signed = sign_envelope(encode_dxp(_envelope()), _signer(rsa_pair))
    root = etree.fromstring(signed)
    data = root.find(D + "Data")
    assert data is not None
    data.text = base64.b64encode(b"<other/>").decode()
    changed = verify_envelope(etree.tostring(root))
    assert (changed.digest_ok, changed.signature_ok) == (False, True)
    root = etree.fromstring(signed)
    value = root.find(".//{http://www.w3.org/2000/09/xmldsig#}SignatureValue")
    assert value is not None
    value.text = base64.b64encode(b"\x00" * 256).decode()
    forged = verify_envelope(etree.tostring(root))
    assert (forged.digest_ok, forged.signature_ok) == (True, False)
    unsigned = verify_envelope(encode_dxp(_envelope()))
    assert not unsigned.ok
    assert unsigned.problems == ("no ds:Signature in the message",)


def test_resigning_an_envelope_replaces_its_signature(rsa_pair: KeyPair, sm2_pair: KeyPair) -> None:
    once = sign_envelope(encode_dxp(_envelope()), _signer(rsa_pair))
    twice = sign_envelope(once, _signer(sm2_pair))
    assert twice.count(b"</ds:Signature>") == 1
    assert verify_envelope(twice).ok


def test_only_dxp_envelopes_are_signed_or_verified_as_such(rsa_pair: KeyPair) -> None:
    message = encode(skeleton(imp_order.CEB311Message))
    with pytest.raises(CebDecodeError, match=r"dxp:DxpMsg, dxp:DxpRep or dxp:DxpMsgSv"):
        sign_envelope(message, _signer(rsa_pair))
    with pytest.raises(CebDecodeError, match=r"dxp:DxpMsg, dxp:DxpRep or dxp:DxpMsgSv"):
        verify_envelope(sign(message, _signer(rsa_pair)))
    other = encode_dxp(_envelope()).replace(DXP_NS.encode(), b"urn:not-dxp")
    with pytest.raises(CebDecodeError):
        sign_envelope(other, _signer(rsa_pair))


def test_add_info_text_flag_and_receiver_map_round_trip(xsd_dir: Path) -> None:
    msg = _envelope()
    msg.is_text, msg.rec_map_id = "UTF-8", "MAP-1"
    data = encode_dxp(msg)
    assert _schema(xsd_dir, TERMINAL).validate(etree.fromstring(data))
    assert decode_dxp(data) == msg
    msg.is_text = ""
    assert decode_dxp(encode_dxp(msg)).is_text == ""


def test_response_round_trips_meets_the_xsd_and_signs(pair: KeyPair, xsd_dir: Path) -> None:
    rep = _rep()
    data = encode_rep(rep)
    schema = _schema(xsd_dir, TERMINAL)
    assert schema.validate(etree.fromstring(data)), schema.error_log
    assert b"<dxp:RecevierId>" in data  # the XSD's spelling
    assert decode_rep(data) == rep
    assert rep_issues(rep) == []
    rep.receiver_id = "R" * 17  # the schema is really applied
    assert not schema.validate(etree.fromstring(encode_rep(rep)))
    assert [i.path for i in rep_issues(rep)] == ["RecevierId"]
    decoded = _signed_and_read_back(schema, data, _signer(pair), decode_rep)
    assert verify_envelope(encode_rep(decoded)).ok


def test_response_faults() -> None:
    rep = _rep()
    rep.receiver_id = ""
    rep.ad_node_id = "X" * 9
    first = rep.responses[0]
    first.response_code = "1234567890"
    first.results[0].note = "n" * 501
    first.ori_head.receiver_ids = []
    assert [i.path for i in rep_issues(rep)] == [
        "RecevierId",
        "AdNodeId",
        "Response[1]/ResponseCode",
        "Response[1]/Results/Result[1]/Note",
        "Response[1]/OriHead/ReceiverIds",
    ]
    assert "1 to 16 characters required, 0 given" in rep_issues(rep)[0].reason_en
    assert rep_issues(DxpRep("R", []))[0].path == "Response"


def test_transfer_envelope_round_trips_and_meets_the_transfer_xsd(
    rsa_pair: KeyPair, sm2_pair: KeyPair, xsd_dir: Path
) -> None:
    inner = decode_dxp(sign_envelope(encode_dxp(_envelope()), _signer(sm2_pair)))
    sv = _sv(inner)
    data = encode_sv(sv)
    schema = _schema(xsd_dir, TRANSFER)
    assert schema.validate(etree.fromstring(data)), schema.error_log
    assert decode_sv(data) == sv
    assert sv_issues(sv) == []
    sv.sub_msg_id = "12"  # the schema is really applied: a fault our check finds, it finds too
    assert not schema.validate(etree.fromstring(encode_sv(sv)))
    assert [i.path for i in sv_issues(sv)] == ["SvNo/SubMsgId"]
    # The transfer node signs the whole; the DxpMsg's own signature stays inside, untouched.
    decoded = _signed_and_read_back(schema, data, _signer(rsa_pair), decode_sv)
    assert decoded.message.signature == inner.signature
    assert decoded.message.data == inner.data


def test_transfer_envelope_faults() -> None:
    sv = _sv()
    sv.msg_id = "M" * 33
    sv.sub_msg_id = "12"
    sv.end_node = ""
    sv.message.sender_id = ""
    assert [i.path for i in sv_issues(sv)] == [
        "SvNo/MsgId",
        "SvNo/SubMsgId",
        "SvNo/EndNode",
        "DxpMsg/SenderId",
    ]


@pytest.mark.parametrize(
    ("kind", "old", "new", "path"),
    [
        ("rep", b"dxp:DxpRep", b"dxp:DxpMsg", "DxpRep"),
        ("rep", b"dxp:RecevierId", b"dxp:ReceiverId", "RecevierId"),
        ("rep", b"dxp:Response", b"dxp:Reply", "Response"),
        ("rep", b"dxp:ResponseCode", b"dxp:Code9", "Response[1]/ResponseCode"),
        ("rep", b"dxp:OriHead", b"dxp:Head", "Response[1]/OriHead"),
        (
            "rep",
            b"2024-01-02</dxp:NoticeTime",
            b"02/01/2024</dxp:NoticeTime",
            "Response[1]/NoticeTime",
        ),
        ("rep", b"2024-01-02T03:04:05", b"later", "Response[1]/OriHead/CreatTime"),
        ("sv", b"dxp:DxpMsgSv", b"dxp:DxpSv", "DxpMsgSv"),
        ("sv", b"dxp:SvNo", b"dxp:Sv", "SvNo"),
        ("sv", b"dxp:StaNode", b"dxp:Start", "SvNo/StaNode"),
        ("sv", b"dxp:DxpMsg", b"dxp:Msg", "DxpMsg"),
        ("sv", b"2024-01-02T03:04:05</dxp:SendTime", b"soon</dxp:SendTime", "SvNo/SendTime"),
    ],
)
def test_server_envelope_decode_faults(kind: str, old: bytes, new: bytes, path: str) -> None:
    if kind == "rep":
        # Every Response renamed, not only the first.
        data = broken(encode_rep(_rep()), old, new, every=old == b"dxp:Response")
        with pytest.raises(CebDecodeError) as caught:
            decode_rep(data)
    else:
        with pytest.raises(CebDecodeError) as caught:
            decode_sv(broken(encode_sv(_sv()), old, new))
    assert caught.value.issues[0].path == path


HOSTILE = [
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<dxp:DxpRep xmlns:dxp="http://www.chinaport.gov.cn/dxp" ver="1.0">'
    b"<dxp:RecevierId>&x;</dxp:RecevierId></dxp:DxpRep>",
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    b'<dxp:DxpMsgSv xmlns:dxp="http://www.chinaport.gov.cn/dxp" ver="1.0">&b;</dxp:DxpMsgSv>',
    b'<dxp:DxpMsgSv xmlns:dxp="http://www.chinaport.gov.cn/dxp" ver="1.0">' + b"<a>" * 40,
]


@pytest.mark.parametrize("data", HOSTILE)
def test_hostile_envelopes_are_refused(data: bytes) -> None:
    for reader in (decode_rep, decode_sv, decode_dxp, verify_envelope):
        with pytest.raises(CebParseError):
            reader(data)


def test_deep_nesting_in_a_transfer_envelope_is_refused() -> None:
    deep = encode_sv(_sv()).replace(
        b"</dxp:DxpMsgSv>", b"<x>" * 30 + b"</x>" * 30 + b"</dxp:DxpMsgSv>"
    )
    with pytest.raises(CebParseError, match="deeper than"):
        decode_sv(deep)


def test_trans_info_property_copies_the_header() -> None:
    msg = _envelope()
    head = msg.trans_info
    assert head == TransInfo(msg.cop_msg_id, msg.sender_id, msg.receiver_ids, NOW, msg.msg_type)
    head.receiver_ids.append("X")
    assert msg.receiver_ids != head.receiver_ids
