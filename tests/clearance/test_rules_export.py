"""Pre-flight check of exports: matching, and every export rule failing and passing."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from decimal import Decimal

import pytest

from opencbec.clearance.rules import REASONS, EnterpriseRole
from opencbec.clearance.rules_export import ExportSet, check_export_set, match_export
from opencbec.messages.ceb import decode, encode, message_class, skeleton
from opencbec.messages.ceb.models import exp_inventory, exp_logistics, exp_order, exp_receipts
from tests.clearance.test_rules import AGENT, EBC, EBP, LOG, PAY, FakeReference, codes

D = Decimal

SHOES = ("EX-SH-42", "运动鞋", "6404110000", D("3"), D("25.50"))


def export_set(
    order_no: str = "EXP20261127000001",
) -> tuple[
    exp_order.Order, exp_receipts.Receipts, exp_logistics.Logistics, exp_inventory.Inventory
]:
    """Return a consistent export order, collection, waybill and inventory."""
    item, name, gcode, qty, price = SHOES
    total = qty * price
    order = exp_order.Order(
        exp_order.OrderHead(
            orderType="E",
            orderNo=order_no,
            ebpCode=EBP,
            ebcCode=EBC,
            goodsValue=total,
            freight=D("0"),
            currency="142",
        ),
        [
            exp_order.OrderList(
                gnum=1, itemNo=item, itemName=name, qty=qty, price=price, totalPrice=total
            )
        ],
    )
    collection = exp_receipts.Receipts(
        ebpCode=EBP,
        ebcCode=EBC,
        orderNo=order_no,
        payCode=PAY,
        payName="支付宝",
        charge=total,
        currency="142",
    )
    waybill = exp_logistics.Logistics(logisticsCode=LOG, logisticsNo="LP00112233445566")
    inventory = exp_inventory.Inventory(
        exp_inventory.InventoryHead(
            ebpCode=EBP,
            orderNo=order_no,
            logisticsCode=LOG,
            logisticsNo="LP00112233445566",
            agentCode=AGENT,
            ebcCode=EBC,
        ),
        [
            exp_inventory.InventoryList(
                gnum=1, itemNo=item, gcode=gcode, gname=name, qty=qty, price=price, totalPrice=total
            )
        ],
    )
    return order, collection, waybill, inventory


def export_check(*docs: object, reference: FakeReference | None = None) -> list[str]:
    matched = match_export(
        [d for d in docs if isinstance(d, exp_order.Order)],
        [d for d in docs if isinstance(d, exp_receipts.Receipts)],
        [d for d in docs if isinstance(d, exp_logistics.Logistics)],
        [d for d in docs if isinstance(d, exp_inventory.Inventory)],
    )
    out = codes(matched.failures)
    for s in matched.sets:
        out += codes(check_export_set(s, reference=reference))
    return out


def export_reference() -> FakeReference:
    ref = FakeReference(hs={SHOES[2]})
    ref.approved.add((EBC, EnterpriseRole.ECOMMERCE_ENTERPRISE))
    return ref


def test_a_consistent_export_set_passes() -> None:
    assert export_check(*export_set(), reference=export_reference()) == []


@pytest.mark.parametrize("drop", range(4))
def test_each_missing_export_document_is_reported(drop: int) -> None:
    docs = list(export_set())
    del docs[drop]
    kind = ("ORDER", "COLLECTION", "WAYBILL", "INVENTORY")[drop]
    assert f"EXP_MISSING_{kind}" in export_check(*docs)


@pytest.mark.parametrize(
    ("index", "code"),
    [
        (0, "EXP_DUP_ORDER"),
        (1, "EXP_DUP_COLLECTION"),
        (2, "EXP_DUP_WAYBILL"),
        (3, "EXP_DUP_INVENTORY"),
    ],
)
def test_export_duplicates(index: int, code: str) -> None:
    docs = export_set()
    assert code in export_check(*docs, dataclasses.replace(docs[index]))  # type: ignore[type-var]


def test_export_documents_without_keys() -> None:
    order, collection, waybill, inventory = export_set()
    assert order.order_head
    order.order_head.orderNo = None
    collection.ebpCode = ""
    waybill.logisticsNo = None
    inventory.inventory_head = None
    matched = match_export([order], [collection], [waybill], [inventory])
    assert [f.fields for f in matched.failures] == [
        ("CEB303/OrderHead/orderNo",),
        ("CEB403/Receipts/ebpCode",),
        ("CEB603/InventoryHead/ebpCode", "CEB603/InventoryHead/orderNo"),
        ("CEB505/Logistics/logisticsNo",),
    ]
    assert {f.code for f in matched.failures} == {"EXP_KEY_MISSING"}


def test_export_rules_fail_on_broken_sets() -> None:
    order, collection, waybill, inventory = export_set()
    assert order.order_head
    collection.ebcCode = "41079609AC"
    order.order_list[0].totalPrice = D("76.00")
    inventory.inventory_list[0].qty = D("2")
    assert export_check(order, collection, waybill, inventory) == [
        "EXP_ENTERPRISE_MISMATCH",
        "EXP_LINE_TOTAL",
        "EXP_GOODS_VALUE_SUM",
        "EXP_LINE_TOTAL",
        "EXP_LINES_MISMATCH",
    ]


def test_export_reference_rules() -> None:
    ref = export_reference()
    ref.hs.clear()
    ref.approved.discard((PAY, EnterpriseRole.PAYMENT))
    assert export_check(*export_set(), reference=ref) == [
        "EXP_HS_INVALID",
        "EXP_ENTERPRISE_NOT_APPROVED",
    ]


def test_a_foreign_platform_without_a_code_is_not_looked_up() -> None:
    order, *rest = export_set()
    ref = export_reference()
    ref.approved.discard((EBP, EnterpriseRole.ECOMMERCE_PLATFORM))
    s = ExportSet("无", "EXP20261127000001", order, *rest)  # type: ignore[arg-type]
    assert order.order_head
    order.order_head.ebpCode = "无"
    assert codes(check_export_set(s, reference=ref)) == []


def test_an_export_waybill_no_inventory_names_stands_alone() -> None:
    order, collection, waybill, inventory = export_set()
    waybill.logisticsNo = "LP99999999999999"
    sets = match_export([order], [collection], [waybill], [inventory]).sets
    assert [s.missing() for s in sets] == [("CEB505",), ("CEB303", "CEB403", "CEB603")]


def test_the_export_rules_run_on_what_the_codec_decodes() -> None:
    decoded: list[object] = []
    for root, attr, doc in zip(
        ("CEB303Message", "CEB403Message", "CEB505Message", "CEB603Message"),
        ("order", "receipts", "logistics", "inventory"),
        export_set(),
        strict=True,
    ):
        message = skeleton(message_class(root))
        setattr(message, attr, [doc])
        decoded += getattr(decode(encode(message)), attr)
    assert export_check(*decoded, reference=export_reference()) == []


def test_rules_skip_what_is_absent() -> None:
    assert codes(check_export_set(ExportSet(EBP, "E1"), reference=export_reference())) == [
        "EXP_MISSING_ORDER",
        "EXP_MISSING_COLLECTION",
        "EXP_MISSING_WAYBILL",
        "EXP_MISSING_INVENTORY",
    ]


def _export_with_goods_value(value: Decimal) -> tuple[object, ...]:
    docs = export_set()
    assert docs[0].order_head
    docs[0].order_head.goodsValue = value
    return docs


def _export_with_price(price: Decimal) -> tuple[object, ...]:
    docs = export_set()
    docs[0].order_list[0].price = price
    return docs


# One way to break a set per export reason code: the registry test below runs each of them.
BREAKERS: dict[str, Callable[[], list[str]]] = {
    **{
        f"EXP_MISSING_{k}": (
            lambda i=i: export_check(*(d for n, d in enumerate(export_set()) if n != i))
        )
        for i, k in enumerate(("ORDER", "COLLECTION", "WAYBILL", "INVENTORY"))
    },
    "EXP_KEY_MISSING": lambda: export_check(exp_order.Order(None)),
    "EXP_DUP_ORDER": lambda: export_check(*export_set(), export_set()[0]),
    "EXP_DUP_COLLECTION": lambda: export_check(*export_set(), export_set()[1]),
    "EXP_DUP_WAYBILL": lambda: export_check(*export_set(), export_set()[2]),
    "EXP_DUP_INVENTORY": lambda: export_check(*export_set(), export_set()[3]),
    "EXP_ENTERPRISE_MISMATCH": lambda: export_check(
        *export_set("E1")[:1], dataclasses.replace(export_set("E1")[1], ebcCode="X")
    ),
    "EXP_LINE_TOTAL": lambda: export_check(*_export_with_price(D("1"))),
    "EXP_GOODS_VALUE_SUM": lambda: export_check(*_export_with_goods_value(D("1"))),
    "EXP_LINES_MISMATCH": lambda: export_check(*_export_with_price(D("1"))),
    "EXP_HS_INVALID": lambda: export_check(*export_set(), reference=FakeReference(hs=set())),
    "EXP_ENTERPRISE_NOT_APPROVED": lambda: export_check(
        *export_set(), reference=FakeReference(approved=set())
    ),
}

CJK = re.compile("[\u4e00-\u9fff]")


@pytest.mark.parametrize("code", sorted(c for c in REASONS if c.startswith("EXP_")))
def test_every_export_reason_has_both_languages_and_a_failing_case(code: str) -> None:
    reason = REASONS[code]
    for text in (reason.title, reason.fix):
        assert text.en.strip()
        assert not CJK.search(text.en)
        assert CJK.search(text.zh)
    assert code in BREAKERS[code](), f"{code} is produced by no failing case"
