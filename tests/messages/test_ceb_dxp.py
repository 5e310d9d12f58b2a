"""The DXP envelope: wrapping, the terminal-node XSD, decoding and its faults."""

from __future__ import annotations

import base64
from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree

from opencbec.messages.ceb.codec import decode, encode
from opencbec.messages.ceb.dxp import (
    EXPORT_RECEIVER,
    IMPORT_RECEIVER,
    DxpMsg,
    decode_dxp,
    dxp_issues,
    encode_dxp,
    wrap,
)
from opencbec.messages.ceb.errors import CebDecodeError
from opencbec.messages.ceb.models import exp_order, imp_order
from opencbec.messages.ceb.skeleton import skeleton

from .conftest import broken

NOW = datetime(2024, 1, 2, 3, 4, 5, 678)


def _wrapped() -> DxpMsg:
    payload = encode(skeleton(imp_order.CEB311Message))
    return wrap(
        payload, sender_id="DXPENT0000458763", msg_type="CEB311Message", now=NOW, ic_card="1234"
    )


def test_wrap_picks_the_receiver_by_direction() -> None:
    assert _wrapped().receiver_ids == [IMPORT_RECEIVER]
    for code in ("303", "403", "505", "603", "701", "792", "213"):
        assert wrap(b"x", sender_id="S", msg_type=f"CEB{code}Message").receiver_ids == [
            EXPORT_RECEIVER
        ]
    assert wrap(b"x", sender_id="S", msg_type="odd", receiver_id="R").receiver_ids == ["R"]
    assert wrap(b"x", sender_id="S", msg_type="odd").receiver_ids == [IMPORT_RECEIVER]


def test_round_trip_and_terminal_xsd(xsd_dir: Path) -> None:
    msg = _wrapped()
    msg.biz_keys = {"DealFlag": "1"}
    data = encode_dxp(msg)
    schema = etree.XMLSchema(etree.parse(str(xsd_dir / "海关跨境终端节点报文定义202205.xsd")))
    assert schema.validate(etree.fromstring(data)), schema.error_log
    again = decode_dxp(data)
    assert again == msg
    assert again.creat_time == NOW.replace(microsecond=0)
    assert type(decode(again.data)).__name__ == "CEB311Message"
    assert dxp_issues(again) == []


def test_minimal_envelope_without_add_info() -> None:
    msg = DxpMsg("id", "S", ["R"], NOW, "CEB303Message", encode(skeleton(exp_order.CEB303Message)))
    data = encode_dxp(msg)
    assert b"AddInfo" not in data
    assert decode_dxp(data) == msg.__class__(
        "id",
        "S",
        ["R"],
        datetime.fromisoformat(NOW.isoformat(timespec="seconds")),
        "CEB303Message",
        msg.data,
    )


def test_envelope_faults() -> None:
    msg = _wrapped()
    msg.sender_id = "S" * 17
    msg.receiver_ids = []
    msg.biz_keys = {str(n): "v" for n in range(6)}
    msg.cop_msg_id = ""
    paths = [i.path for i in dxp_issues(msg)]
    assert paths == ["CopMsgId", "SenderId", "ReceiverIds", "AddInfo/BizKey"]


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        (b"dxp:DxpMsg", b"dxp:Other", "DxpMsg"),
        (b"dxp:TransInfo", b"dxp:Gone", "TransInfo"),
        (b"2024-01-02T03:04:05", b"yesterday", "TransInfo/CreatTime"),
        (b"<dxp:Data>", b"<dxp:Data>%%", "Data"),
    ],
)
def test_decode_faults(old: bytes, new: bytes, path: str) -> None:
    with pytest.raises(CebDecodeError) as caught:
        decode_dxp(broken(encode_dxp(_wrapped()), old, new))
    assert caught.value.issues[0].path == path


def test_data_is_base64_of_the_exact_bytes() -> None:
    msg = _wrapped()
    root = etree.fromstring(encode_dxp(msg))
    assert (
        base64.b64decode(root.findtext("{http://www.chinaport.gov.cn/dxp}Data") or "") == msg.data
    )
