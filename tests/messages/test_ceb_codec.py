"""Encoding and decoding: namespaces, encodings, order, batches and what is refused."""

from __future__ import annotations

import sys
from decimal import Decimal, InvalidOperation, localcontext

import pytest
from lxml import etree

from opencbec.messages.ceb.codec import (
    decode,
    decode_report,
    encode,
    encode_tree,
    message_class,
    message_types,
)
from opencbec.messages.ceb.errors import CebDecodeError, CebEncodeError, CebIssue
from opencbec.messages.ceb.models import exp_order, imp_order
from opencbec.messages.ceb.skeleton import skeleton
from opencbec.messages.ceb.spec import NS, spec_of
from opencbec.messages.ceb.validate import validate

RECEIPT = """<?xml version="1.0" encoding="{enc}" standalone="yes"?>
<CEB312Message guid="4CDE1CFD-EDED-46B1-946C-B8022E42FC94" version="1.0" xmlns="http://www.chinaport.gov.cn/ceb">
  <OrderReturn>
    <guid>4CDE1CFD-EDED-46B1-946C-B8022E42FC95</guid>
    <ebpCode>1105910159</ebpCode>
    <ebcCode>1105910159</ebcCode>
    <orderNo>订单-001</orderNo>
    <returnStatus>{status}</returnStatus>
    <returnTime>20240101120000123</returnTime>
    <returnInfo>新增申报成功</returnInfo>
  </OrderReturn>
</CEB312Message>
"""


def _receipt(enc: str = "UTF-8", status: str = "2", codec: str = "utf-8") -> bytes:
    return RECEIPT.format(enc=enc, status=status).encode(codec)


def test_default_namespace_receipt_decodes() -> None:
    message = decode(_receipt())
    assert type(message).__name__ == "CEB312Message"
    assert message.order_return[0].orderNo == "订单-001"
    assert message.order_return[0].returnInfo == "新增申报成功"


@pytest.mark.parametrize("enc", ["GB2312", "GBK", "gb18030"])
def test_chinese_encodings_decode_as_declared(enc: str) -> None:
    message = decode(_receipt(enc, codec="gb18030"))
    assert message.order_return[0].returnInfo == "新增申报成功"


def test_utf8_bom_is_tolerated() -> None:
    message = decode(b"\xef\xbb\xbf" + _receipt())
    assert message.order_return[0].orderNo == "订单-001"


@pytest.mark.parametrize("status", ["-301010", "9999", "120"])
def test_unknown_and_negative_receipt_statuses_are_kept(status: str) -> None:
    message = decode(_receipt(status=status))
    assert message.order_return[0].returnStatus == status
    assert validate(message) == []


def test_prefixed_and_default_namespace_decode_to_the_same_model() -> None:
    prefixed = (
        _receipt()
        .replace(b'xmlns="', b'xmlns:ceb="')
        .replace(b"<", b"<ceb:")
        .replace(b"<ceb:/", b"</ceb:")
        .replace(b"<ceb:?xml", b"<?xml")
    )
    assert prefixed != _receipt()
    assert decode(prefixed) == decode(_receipt())


def test_encode_writes_utf8_prefixed_in_xsd_order() -> None:
    message = skeleton(imp_order.CEB311Message)
    data = encode(message)
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    root = etree.fromstring(data)
    assert root.prefix == "ceb"
    head = root.find(f"{{{NS}}}Order/{{{NS}}}OrderHead")
    assert head is not None
    names = [etree.QName(el).localname for el in head]
    spec_names = [fs.name for fs in spec_of(imp_order.OrderHead).fields if fs.min_occurs]
    assert names == spec_names


def test_import_and_export_put_the_signature_on_different_sides_of_extend_message() -> None:
    imp = [fs.name for fs in spec_of(imp_order.CEB311Message).fields]
    exp = [fs.name for fs in spec_of(exp_order.CEB303Message).fields]
    assert imp[-2:] == ["ExtendMessage", "Signature"]
    assert exp[-2:] == ["Signature", "ExtendMessage"]


def test_children_out_of_order_are_read_and_reported() -> None:
    data = _receipt().replace(
        b"<ebpCode>1105910159</ebpCode>\n    <ebcCode>1105910159</ebcCode>",
        b"<ebcCode>2</ebcCode>\n    <ebpCode>1</ebpCode>",
    )
    decoded = decode_report(data)
    assert decoded.message.order_return[0].ebpCode == "1"
    assert decoded.message.order_return[0].ebcCode == "2"
    assert [i.code for i in decoded.issues] == ["order"]
    assert decoded.issues[0].path == "OrderReturn[1]/ebpCode"
    # Re-encoding restores the schema order.
    assert b"<ceb:ebpCode>1</ceb:ebpCode><ceb:ebcCode>2" in encode(decoded.message)


def test_unknown_repeated_and_commented_elements() -> None:
    data = _receipt().replace(
        b"<orderNo>",
        b"<!-- note --><?pi x?><extra>1</extra><orderNo>x</orderNo><orderNo>",
    )
    decoded = decode_report(data)
    codes = sorted(i.code for i in decoded.issues)
    assert codes == ["repeated", "unexpected"]
    assert decoded.message.order_return[0].orderNo == "x"
    assert str(decoded.issues[0]).startswith("OrderReturn[1]/")


def test_unexpected_root_attribute_is_reported() -> None:
    data = _receipt().replace(b'" version="1.0" xmlns', b'" version="1.0" extra="1" xmlns')
    assert [i.path for i in decode_report(data).issues] == ["@extra"]


def test_wrong_namespace_and_unknown_type_are_refused() -> None:
    with pytest.raises(CebDecodeError, match="namespace"):
        decode(_receipt().replace(b"http://www.chinaport.gov.cn/ceb", b"urn:other"))
    with pytest.raises(CebDecodeError, match="not a known CEB message"):
        decode(_receipt().replace(b"CEB312Message", b"CEB999Message"))


@pytest.mark.parametrize("bad", ["abc", "1e3", "NaN", "1_000", ""])
def test_non_decimal_values_are_refused_with_their_path(bad: str) -> None:
    message = skeleton(imp_order.CEB311Message)
    data = encode(message).replace(
        b"<ceb:freight>0</ceb:freight>", f"<ceb:freight>{bad}</ceb:freight>".encode()
    )
    with pytest.raises(CebDecodeError) as caught:
        decode(data)
    assert caught.value.issues[0].path == "Order[1]/OrderHead/freight"


@pytest.mark.parametrize("bad", ["1.2.3", "+-1", ".", "1 2", "\u0661", "\u00b2", "--1"])
@pytest.mark.parametrize("trapped", [True, False])
def test_malformed_numbers_are_refused_whatever_the_decimal_context(
    bad: str, trapped: bool
) -> None:
    # Made of the characters numbers hold, yet not numbers; where the caller's context does
    # not trap InvalidOperation, Decimal() would quietly return NaN.
    message = skeleton(imp_order.CEB311Message)
    data = encode(message).replace(
        b"<ceb:freight>0</ceb:freight>", f"<ceb:freight>{bad}</ceb:freight>".encode()
    )
    with localcontext() as context:
        context.traps[InvalidOperation] = trapped
        with pytest.raises(CebDecodeError) as caught:
            decode(data)
    assert [i.code for i in caught.value.issues] == ["not_a_number"]
    assert caught.value.issues[0].path == "Order[1]/OrderHead/freight"


def test_numbers_may_carry_any_whitespace_strip_removes() -> None:
    from opencbec.messages.ceb.decoder import SPACES

    assert "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()) == SPACES
    message = skeleton(imp_order.CEB311Message)
    data = (
        encode(message)
        .replace(
            b"<ceb:freight>0</ceb:freight>", "<ceb:freight>\u3000 12.50\xa0</ceb:freight>".encode()
        )
        .replace(b"<ceb:gnum>1<", b"<ceb:gnum> +1\n<")
    )
    decoded = decode(data)
    assert decoded.order[0].order_head.freight == Decimal("12.50")
    assert decoded.order[0].order_list[0].gnum == 1


def test_nested_records_out_of_order_or_repeated_take_the_general_decoder() -> None:
    data = encode(skeleton(imp_order.CEB311Message))
    head = data[data.index(b"<ceb:OrderHead>") : data.index(b"</ceb:OrderHead>") + 16]
    lines = data[data.index(b"<ceb:OrderList>") : data.index(b"</ceb:Order>")]
    swapped = data.replace(head + lines, lines + head)
    decoded = decode_report(swapped)
    assert [(i.path, i.code) for i in decoded.issues] == [("Order[1]/OrderHead", "order")]
    assert decoded.message == decode(data)
    twice = decode_report(data.replace(head, head + head))
    assert [(i.path, i.code) for i in twice.issues] == [("Order[1]/OrderHead[2]", "repeated")]
    # A finding inside a nested record is reported once, though the decoder reads it again.
    odd = head.replace(b"</ceb:OrderHead>", b"<ceb:x>1</ceb:x></ceb:OrderHead>")
    bad = data.replace(head, odd + odd)
    assert [(i.path, i.code) for i in decode_report(bad).issues] == [
        ("Order[1]/OrderHead/x", "unexpected"),
        ("Order[1]/OrderHead/x", "unexpected"),
        ("Order[1]/OrderHead[2]", "repeated"),
    ]


def test_non_integer_line_number_is_refused() -> None:
    data = encode(skeleton(imp_order.CEB311Message)).replace(b"<ceb:gnum>1<", b"<ceb:gnum>1.5<")
    with pytest.raises(CebDecodeError, match="integer"):
        decode(data)


def test_decimals_keep_their_written_scale_and_collapse_applies() -> None:
    message = skeleton(exp_order.CEB303Message)
    message.order[0].order_head.goodsValue = Decimal("13.89000")
    data = encode(message)
    assert b">13.89000<" in data
    again = decode(data)
    assert str(again.order[0].order_head.goodsValue) == "13.89000"


def test_batch_of_100_documents_round_trips() -> None:
    message = skeleton(imp_order.CEB311Message)
    message.order = [skeleton(imp_order.CEB311Message).order[0] for _ in range(100)]
    for n, order in enumerate(message.order):
        order.order_head.orderNo = f"NO{n}"
    again = decode(encode(message))
    assert [o.order_head.orderNo for o in again.order] == [f"NO{n}" for n in range(100)]
    assert validate(again) == []


def test_encode_refuses_wrong_types() -> None:
    message = skeleton(imp_order.CEB311Message)
    message.order[0].order_head.freight = "0"
    with pytest.raises(CebEncodeError, match="freight must be a Decimal"):
        encode(message)
    message = skeleton(imp_order.CEB311Message)
    message.order[0].order_list[0].gnum = "1"
    with pytest.raises(CebEncodeError, match="gnum must be an int"):
        encode(message)
    message = skeleton(imp_order.CEB311Message)
    message.order[0].order_head.orderNo = 5
    with pytest.raises(CebEncodeError, match="orderNo must be a str"):
        encode(message)
    message = skeleton(imp_order.CEB311Message)
    message.order = [imp_order.OrderHead()]
    with pytest.raises(CebEncodeError, match="expected Order"):
        encode(message)
    with pytest.raises(TypeError, match="not a message root"):
        encode_tree(imp_order.OrderHead())
    with pytest.raises(TypeError, match="not a CEB model"):
        encode(object())


def test_message_lookup_by_code() -> None:
    assert message_class("311") is imp_order.CEB311Message
    assert message_class("CEB303") is exp_order.CEB303Message
    assert message_class("CEB303Message") is exp_order.CEB303Message
    with pytest.raises(KeyError, match="unknown CEB message type"):
        message_class("999")
    assert len(message_types()) == 42


def test_issue_text_in_both_languages() -> None:
    found = CebIssue("Order[1]/x", "required", "is required", "必填项缺失")
    assert found.text() == "Order[1]/x: is required"
    assert found.text("zh_CN") == "Order[1]/x: 必填项缺失"
    assert str(found) == found.text()


def test_real_world_816_extras_are_kept_beside_the_model() -> None:
    from opencbec.messages.ceb.models import imp_tax

    data = encode(skeleton(imp_tax.CEB816Message)).replace(
        b"</ceb:TaxHeadRd>",
        b"<ceb:orderNo>SO-1</ceb:orderNo><ceb:logisticsNo>SF-9</ceb:logisticsNo></ceb:TaxHeadRd>",
    )
    assert b"SO-1" in data
    decoded = decode_report(data)
    assert decoded.extras == {
        "Tax[1]/TaxHeadRd/orderNo": "SO-1",
        "Tax[1]/TaxHeadRd/logisticsNo": "SF-9",
    }
    assert {i.code for i in decoded.issues} == {"unexpected"}
    assert b"SO-1" not in encode(decoded.message)


def test_order_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from opencbec.messages.ceb import decoder

    monkeypatch.setattr(decoder, "_decoders", {})
    monkeypatch.setattr(decoder, "_PLANS", {})
    monkeypatch.setattr(decoder, "MAX_ORDERS", 0)
    message = skeleton(imp_order.CEB311Message)
    assert decode(encode(message)) == message
    assert decoder._PLANS
    assert all(not plans for plans in decoder._PLANS.values())
    data = _receipt().replace(
        b"<ebpCode>1105910159</ebpCode>\n    <ebcCode>1105910159</ebcCode>",
        b"<ebcCode>2</ebcCode>\n    <ebpCode>1</ebpCode>",
    )
    assert [i.code for i in decode_report(data).issues] == ["order"]


def test_order_cache_remembers_each_shape_and_the_unreadable_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from opencbec.messages.ceb import decoder

    monkeypatch.setattr(decoder, "_decoders", {})
    monkeypatch.setattr(decoder, "_PLANS", {})
    swapped = _receipt().replace(
        b"<ebpCode>1105910159</ebpCode>\n    <ebcCode>1105910159</ebcCode>",
        b"<ebcCode>2</ebcCode>\n    <ebpCode>1</ebpCode>",
    )
    commented = _receipt().replace(b"<returnInfo>\xe6", b"<!-- x --><returnInfo>\xe6")
    for data in (_receipt(), swapped, _receipt(), swapped, commented):
        assert decode(data).order_return[0].returnStatus == "2"
    plans = decoder._PLANS[imp_order.OrderReturn]
    # One plan for the schema order, a remembered refusal for the swapped one; a comment among
    # the children is a third shape, read by the general decoder.
    assert sorted(plan is None for plan in plans.values()) == [False, True, True]
    assert [i.code for i in decode_report(swapped).issues] == ["order"]


def test_decode_as_checks_the_type() -> None:
    from opencbec.messages.ceb.codec import decode_as

    receipt = decode_as(_receipt(), imp_order.CEB312Message)
    assert receipt.order_return[0].returnStatus == "2"
    with pytest.raises(CebDecodeError, match="expected CEB311Message, got CEB312Message"):
        decode_as(_receipt(), imp_order.CEB311Message)


def test_text_split_by_a_comment_is_joined_and_elements_in_a_leaf_are_reported() -> None:
    data = _receipt().replace(
        b"<orderNo>\xe8\xae\xa2\xe5\x8d\x95-001</orderNo>", b"<orderNo>A<!--x-->B<?p?>C</orderNo>"
    )
    decoded = decode_report(data)
    assert decoded.message.order_return[0].orderNo == "ABC"
    assert decoded.issues == ()
    data = _receipt().replace(
        b"<returnStatus>2</returnStatus>", b"<returnStatus>1<b>x</b>2</returnStatus>"
    )
    decoded = decode_report(data)
    assert decoded.message.order_return[0].returnStatus == "12"
    assert [(i.path, i.code) for i in decoded.issues] == [("OrderReturn[1]/returnStatus", "mixed")]
    message = skeleton(imp_order.CEB311Message)
    data = encode(message).replace(
        b"<ceb:freight>0</ceb:freight>", b"<ceb:freight>1<!--c-->0</ceb:freight>"
    )
    assert decode(data).order[0].order_head.freight == Decimal(10)
