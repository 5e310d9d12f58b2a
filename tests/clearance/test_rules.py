"""Pre-flight three-order check of imports: matching, and every rule failing and passing."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from opencbec.clearance.rules import (
    ANNUAL_LIMIT,
    REASONS,
    SINGLE_LIMIT,
    EnterpriseRole,
    Failure,
    PositiveListLine,
    failure,
)
from opencbec.clearance.rules_import import (
    ImportSet,
    check_import_batch,
    check_import_set,
    transaction_value,
)
from opencbec.messages.ceb import decode, encode, message_class, skeleton
from opencbec.messages.ceb.models import (
    imp_inventory,
    imp_logistics,
    imp_order,
    imp_payment,
)

D = Decimal
EBP, EBC, PAY, LOG, AGENT = "4107960001", "41079609AB", "31222699S7", "4107980012", "4107960D05"


def resident_id(prefix17: str) -> str:
    """Return an 18-digit resident ID with a valid check character."""
    # stdnum's calc_check_digit reads a full-length number and ignores its last character.
    number = prefix17 + ric.calc_check_digit(prefix17 + "0")
    assert ric.is_valid(number)
    return number


BUYER_ID = resident_id("41070219880315123")  # 新乡市红旗区, born 1988-03-15
OTHER_ID = resident_id("41072619920708456")
ADDRESS = "河南省新乡市红旗区人民东路88号3单元502室"
# (itemNo, name, 10-digit gcode, qty, unit price)
MILK = ("SKU-MF-900", "婴幼儿配方奶粉 900克", "1901101000", D("2"), D("268.00"))
FREIGHT, DISCOUNT, TAX_TOTAL, NO_INSURANCE = D("10.00"), D("20.00"), D("85.98"), D("0")
CREAM = ("SKU-FC-50", "保湿面霜 50毫升", "3304990099", D("1"), D("399.00"))


def import_set(
    *lines: tuple[str, str, str, Decimal, Decimal],
    order_no: str = "XX2026112700001",
    freight: Decimal = FREIGHT,
    discount: Decimal = DISCOUNT,
    tax_total: Decimal = TAX_TOTAL,
    insured: Decimal = NO_INSURANCE,
    trade_mode: str = "1210",
) -> tuple[imp_order.Order, imp_payment.Payment, imp_logistics.Logistics, imp_inventory.Inventory]:
    """Return a consistent order, payment, waybill and inventory of one import parcel."""
    lines = lines or (MILK, CREAM)
    goods = sum((q * p for *_, q, p in lines), D(0))
    paid = goods + freight + tax_total - discount
    waybill_no = "EY" + order_no[-9:] + "CN"
    pay_id = "2026" + order_no[-9:]  # the payment serial of this order, unique per order
    order = imp_order.Order(
        imp_order.OrderHead(
            orderType="I",
            orderNo=order_no,
            ebpCode=EBP,
            ebpName="新乡跨境优选",
            ebcCode=EBC,
            ebcName="新乡优选国际贸易有限公司",
            goodsValue=goods,
            freight=freight,
            discount=discount,
            taxTotal=tax_total,
            acturalPaid=paid,
            currency="142",
            buyerRegNo="zhangwei88",
            buyerName="张伟",
            buyerTelephone="13837312345",
            buyerIdType="1",
            buyerIdNumber=BUYER_ID,
            payCode=PAY,
            payTransactionId=pay_id,
            consignee="李娜",
            consigneeTelephone="13903731234",
            consigneeAddress=ADDRESS,
        ),
        [
            imp_order.OrderList(gnum=n, itemNo=i, itemName=nm, qty=q, price=p, totalPrice=q * p)
            for n, (i, nm, _, q, p) in enumerate(lines, 1)
        ],
    )
    payment = imp_payment.Payment(
        imp_payment.PaymentHead(
            payCode=PAY,
            payName="支付宝（中国）网络技术有限公司",
            payTransactionId=pay_id,
            orderNo=order_no,
            ebpCode=EBP,
            payerIdType="1",
            payerIdNumber=BUYER_ID,
            payerName="张伟",
            amountPaid=paid,
            currency="142",
        )
    )
    waybill = imp_logistics.Logistics(
        imp_logistics.LogisticsHead(
            logisticsCode=LOG,
            logisticsName="中国邮政速递物流股份有限公司新乡市分公司",
            logisticsNo=waybill_no,
            orderNo=order_no,
            freight=freight,
            consignee="李娜",
            consigneeTelephone="13903731234",
            consigneeAddress=ADDRESS,
        )
    )
    inventory = imp_inventory.Inventory(
        imp_inventory.InventoryHead(
            orderNo=order_no,
            ebpCode=EBP,
            ebcCode=EBC,
            logisticsNo=waybill_no,
            logisticsCode=LOG,
            agentCode=AGENT,
            tradeMode=trade_mode,
            buyerIdType="1",
            buyerIdNumber=BUYER_ID,
            buyerName="张伟",
            consigneeAddress=ADDRESS,
            freight=freight,
            insuredFee=insured,
        ),
        [
            imp_inventory.InventoryList(
                gnum=n, itemNo=i, gcode=g, gname=nm, qty=q, price=p, totalPrice=q * p
            )
            for n, (i, nm, g, q, p) in enumerate(lines, 1)
        ],
    )
    return order, payment, waybill, inventory


@dataclass
class FakeReference:
    """In-memory reference data: what the database layer will answer."""

    hs: set[str] = field(default_factory=lambda: {MILK[2], CREAM[2], "8517130000"})
    positive: dict[str, PositiveListLine] = field(
        default_factory=lambda: {
            "19011010": PositiveListLine("19011010", "婴幼儿配方奶粉"),
            "33049900": PositiveListLine("33049900", "其他美容品", bonded_only=True),
        }
    )
    approved: set[tuple[str, EnterpriseRole]] = field(
        default_factory=lambda: {
            (EBP, EnterpriseRole.ECOMMERCE_PLATFORM),
            (EBC, EnterpriseRole.ECOMMERCE_ENTERPRISE),
            (PAY, EnterpriseRole.PAYMENT),
            (LOG, EnterpriseRole.LOGISTICS),
            (AGENT, EnterpriseRole.CUSTOMS_BROKER),
        }
    )
    used: dict[tuple[str, int], Decimal] = field(default_factory=dict)

    def hs_in_force(self, code: str) -> bool:
        return code in self.hs

    def positive_list_line(self, code: str) -> PositiveListLine | None:
        return self.positive.get(code) or self.positive.get(code[:8])

    def enterprise_approved(self, code: str, role: EnterpriseRole) -> bool:
        return (code, role) in self.approved

    def annual_used(self, id_number: str, year: int) -> Decimal:
        return self.used.get((id_number, year), D(0))


def check(
    *docs: object, reference: FakeReference | None = None, year: int | None = None
) -> tuple[Failure, ...]:
    """Match a batch given as documents of any type and return every failure."""
    results, batch = check_import_batch(
        [d for d in docs if isinstance(d, imp_order.Order)],
        [d for d in docs if isinstance(d, imp_payment.Payment)],
        [d for d in docs if isinstance(d, imp_logistics.Logistics)],
        [d for d in docs if isinstance(d, imp_inventory.Inventory)],
        reference=reference,
        year=year,
    )
    return batch + tuple(f for r in results for f in r.failures)


def codes(failures: tuple[Failure, ...]) -> list[str]:
    return [f.code for f in failures]


def test_a_consistent_set_is_ready_to_declare() -> None:
    results, batch = check_import_batch(
        *([d] for d in import_set()), reference=FakeReference(), year=2026
    )
    assert batch == ()
    assert [r.ok for r in results] == [True]
    assert results[0].documents.missing() == ()


def broken(mutate: Callable[[tuple[object, ...]], None], **kwargs: object) -> list[str]:
    """Return the codes of a consistent set after `mutate` changed it."""
    docs = import_set()
    mutate(docs)
    return codes(check(*docs, **kwargs))  # type: ignore[arg-type]


def _set(path: str, value: object) -> Callable[[tuple[object, ...]], None]:
    """Return a mutation that sets `doc.head.field` (path "index.head.field") to value."""
    index, head, name = path.split(".")

    def mutate(docs: tuple[object, ...]) -> None:
        setattr(getattr(docs[int(index)], head), name, value)

    return mutate


OH, P, W, INV = "0.order_head", "1.payment_head", "2.logistics_head", "3.inventory_head"

SINGLE_FIELD_FAULTS = [
    (f"{OH}.acturalPaid", D("1341.99"), ["IMP_PAID_SUM", "IMP_PAID_NE_PAYMENT"]),
    (f"{P}.amountPaid", D("1341.98"), ["IMP_PAID_NE_PAYMENT"]),
    (f"{OH}.payCode", "3122269900", ["IMP_PAYMENT_REF_MISMATCH"]),
    (f"{OH}.payTransactionId", "2026112722009", ["IMP_PAYMENT_REF_MISMATCH"]),
    (f"{P}.payerName", "张玮", ["IMP_BUYER_MISMATCH"]),
    (f"{P}.payerIdType", "2", ["IMP_BUYER_MISMATCH"]),
    (f"{P}.payerIdNumber", OTHER_ID, ["IMP_BUYER_MISMATCH"]),
    (f"{INV}.buyerName", "张玮", ["IMP_INVT_BUYER_MISMATCH"]),
    (f"{INV}.buyerIdNumber", OTHER_ID, ["IMP_INVT_BUYER_MISMATCH"]),
    (f"{W}.consignee", "李丽", ["IMP_CONSIGNEE_MISMATCH"]),
    (f"{W}.consigneeTelephone", "13903731235", ["IMP_CONSIGNEE_MISMATCH"]),
    (
        f"{W}.consigneeAddress",
        ADDRESS + "A",
        ["IMP_CONSIGNEE_MISMATCH", "IMP_INVT_ADDRESS_MISMATCH"],
    ),
    (f"{INV}.consigneeAddress", "河南省新乡市卫滨区", ["IMP_INVT_ADDRESS_MISMATCH"]),
    (f"{INV}.ebcCode", "41079609AC", ["IMP_ENTERPRISE_MISMATCH"]),
    (f"{W}.orderNo", "XX2026112700002", ["IMP_WAYBILL_REF_MISMATCH"]),
    (f"{OH}.goodsValue", D("936.00"), ["IMP_PAID_SUM", "IMP_GOODS_VALUE_SUM", "IMP_INVT_TOTAL"]),
]


@pytest.mark.parametrize(("path", "value", "expected"), SINGLE_FIELD_FAULTS)
def test_each_single_field_fault_is_caught(path: str, value: object, expected: list[str]) -> None:
    assert broken(_set(path, value)) == expected


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (f"{OH}.payCode", None),  # optional on the order: absent is fine
        (f"{OH}.payTransactionId", ""),
        (f"{P}.payerIdNumber", f" {BUYER_ID.lower()} "),  # edges and the case of X do not count
        (f"{W}.consignee", " 李娜 "),
        (f"{P}.amountPaid", D("1010.98004")),  # equal to the cent
    ],
)
def test_differences_customs_ignores_pass(path: str, value: object) -> None:
    assert broken(_set(path, value)) == []


def test_the_paid_identity_counts_discount_freight_and_tax() -> None:
    # 2 x 268.00 + 399.00 = 935.00; 935.00 + 10.00 + 85.98 - 20.00 = 1,010.98
    order = import_set()[0]
    assert order.order_head
    assert order.order_head.acturalPaid == D("1010.98")


def test_the_payment_platform_and_the_inventory_platform_are_compared_in_a_given_set() -> None:
    # The matcher keys by ebpCode, so a set assembled elsewhere (the database) is where this shows.
    order, payment, waybill, inventory = import_set()
    assert payment.payment_head
    assert inventory.inventory_head
    payment.payment_head.ebpCode = "4107960002"
    inventory.inventory_head.ebpCode = "4107960002"
    s = ImportSet(EBP, "XX2026112700001", order, payment, waybill, inventory)
    assert codes(check_import_set(s)) == ["IMP_ENTERPRISE_MISMATCH", "IMP_ENTERPRISE_MISMATCH"]


def test_a_waybill_joined_to_another_inventory_is_a_reference_mismatch() -> None:
    order, payment, waybill, inventory = import_set()
    assert inventory.inventory_head
    inventory.inventory_head.logisticsNo = "EY000000777CN"
    s = ImportSet(EBP, "XX2026112700001", order, payment, waybill, inventory)
    assert codes(check_import_set(s)) == ["IMP_WAYBILL_REF_MISMATCH"]


def test_line_totals_must_be_qty_times_price_on_order_and_inventory() -> None:
    def mutate(docs: tuple[object, ...]) -> None:
        order, _, _, inventory = docs
        assert isinstance(order, imp_order.Order)
        assert isinstance(inventory, imp_inventory.Inventory)
        order.order_list[0].price = D("267.99")
        inventory.inventory_list[0].price = D("267.99")

    assert broken(mutate) == ["IMP_LINE_TOTAL", "IMP_LINE_TOTAL"]


def test_inventory_lines_must_correspond_to_order_lines() -> None:
    order, payment, waybill, inventory = import_set()
    inventory.inventory_list[1].qty = D("2")
    inventory.inventory_list[1].totalPrice = D("798.00")
    got = check_import_set(ImportSet(EBP, "XX2026112700001", order, payment, waybill, inventory))
    assert codes(got) == ["IMP_LINES_MISMATCH", "IMP_INVT_TOTAL"]
    assert got[0].fields == (
        "CEB311/OrderList[gnum=2]/qty",
        "CEB621/InventoryList[gnum=2]/qty",
        "CEB311/OrderList[gnum=2]/totalPrice",
        "CEB621/InventoryList[gnum=2]/totalPrice",
    )


def test_a_line_on_one_side_only_is_a_lines_mismatch() -> None:
    order, payment, waybill, inventory = import_set()
    inventory.inventory_list[1].gnum = 3
    got = check_import_set(ImportSet(EBP, "XX2026112700001", order, payment, waybill, inventory))
    assert [f.fields for f in got] == [
        ("CEB311/OrderList[gnum=2]",),
        ("CEB621/InventoryList[gnum=3]",),
    ]


def _value(
    goods_lines: tuple[tuple[str, str, str, Decimal, Decimal], ...], **kw: Decimal
) -> list[str]:
    return codes(check(*import_set(*goods_lines, **kw)))


def test_the_single_transaction_limit() -> None:
    # 4,990.00 goods + 10.00 freight = 5,000.00: within; one cent of insurance more: over.
    two = (
        ("A-1", "蓝牙耳机", "8517130000", D("1"), D("2990.00")),
        ("A-2", "智能手表", "8517130000", D("1"), D("2000.00")),
    )
    assert _value(two) == []
    assert _value(two, insured=D("0.01")) == ["IMP_OVER_SINGLE_LIMIT"]


def test_a_single_item_may_exceed_the_single_limit_but_two_units_may_not() -> None:
    one = ("B-1", "笔记本电脑", "8517130000", D("1"), D("5990.01"))
    assert _value((one,)) == []
    two_units = ("B-1", "笔记本电脑", "8517130000", D("2"), D("2995.01"))
    assert _value((two_units,)) == ["IMP_OVER_SINGLE_LIMIT"]
    # 25,990.00 + 10.00 freight = 26,000.00 may still come in; a cent more can never.
    assert _value((("B-2", "相机", "8517130000", D("1"), D("25990.00")),)) == []
    too_dear = ("B-2", "相机", "8517130000", D("1"), D("25990.01"))
    assert _value((too_dear,)) == ["IMP_OVER_SINGLE_LIMIT"]


@pytest.mark.parametrize(("used", "ok"), [(D("25055.00"), True), (D("25055.01"), False)])
def test_the_annual_limit(used: Decimal, ok: bool) -> None:
    # The set is worth 935.00 goods + 10.00 freight + 0 insurance = 945.00 (the tax is not part of
    # the value); 26,000.00 - 945.00 = 25,055.00 is the most the buyer may have used before.
    reference = FakeReference(used={(BUYER_ID, 2026): used})
    got = codes(check(*import_set(), reference=reference, year=2026))
    assert got == ([] if ok else ["IMP_OVER_ANNUAL_LIMIT"])


def test_limits_are_the_published_figures() -> None:
    assert (D("5000"), D("26000")) == (SINGLE_LIMIT, ANNUAL_LIMIT)


@pytest.mark.parametrize(
    ("mutate_reference", "expected"),
    [
        (lambda r: r.hs.discard(MILK[2]), ["IMP_HS_INVALID"]),
        (lambda r: r.positive.pop("19011010"), ["IMP_NOT_ON_POSITIVE_LIST"]),
        (
            lambda r: r.approved.discard((EBP, EnterpriseRole.ECOMMERCE_PLATFORM)),
            ["IMP_ENTERPRISE_NOT_APPROVED"],
        ),
        (
            lambda r: r.approved.discard((PAY, EnterpriseRole.PAYMENT)),
            ["IMP_ENTERPRISE_NOT_APPROVED"],
        ),
        (
            lambda r: r.approved.discard((LOG, EnterpriseRole.LOGISTICS)),
            ["IMP_ENTERPRISE_NOT_APPROVED"],
        ),
        (
            lambda r: r.approved.discard((AGENT, EnterpriseRole.CUSTOMS_BROKER)),
            ["IMP_ENTERPRISE_NOT_APPROVED"],
        ),
        (lambda r: r.approved.add((AGENT, EnterpriseRole.ECOMMERCE_ENTERPRISE)), []),
    ],
)
def test_reference_data_rules(
    mutate_reference: Callable[[FakeReference], object], expected: list[str]
) -> None:
    reference = FakeReference()
    mutate_reference(reference)
    assert codes(check(*import_set(), reference=reference, year=2026)) == expected


def test_bonded_only_goods_cannot_come_by_direct_purchase() -> None:
    assert codes(check(*import_set(trade_mode="9610"), reference=FakeReference())) == [
        "IMP_POSITIVE_LIST_MODE"
    ]


def test_a_warehouse_must_be_approved_as_one() -> None:
    docs = import_set()
    assert docs[3].inventory_head
    docs[3].inventory_head.areaCode = "4107966001"
    (got,) = check(*docs, reference=FakeReference())
    assert got.code == "IMP_ENTERPRISE_NOT_APPROVED"
    assert got.fields == ("CEB621/InventoryHead/areaCode",)
    assert got.detail.zh == "4107966001 未备案或未获准担任区内仓储企业"


def test_a_failure_carries_paths_and_a_fix_in_both_languages() -> None:
    (f,) = check(*broken_docs(_set(f"{P}.amountPaid", D("1.00"))))
    assert f.documents == ("CEB311", "CEB411")
    assert f.fix == REASONS["IMP_PAID_NE_PAYMENT"].fix
    assert f.reason.code == f.code
    errors = f.field_errors()
    assert [e.field for e in errors] == [
        "CEB311/OrderHead/acturalPaid",
        "CEB411/PaymentHead/amountPaid",
    ]
    assert {e.code for e in errors} == {"IMP_PAID_NE_PAYMENT"}
    assert "1.00" in errors[0].reason.zh


def broken_docs(mutate: Callable[[tuple[object, ...]], None]) -> tuple[object, ...]:
    docs = import_set()
    mutate(docs)
    return docs


def test_rules_skip_what_is_absent() -> None:
    # Missing documents and amounts are reported once (missing / by the field validator), not
    # again by every rule that would read them.
    order = import_set()[0]
    order.order_list[0].qty = None
    empty = ImportSet(EBP, "XX2026112700001")
    assert transaction_value(empty) == D(0)
    lone = check_import_set(ImportSet(EBP, "XX2026112700001", order), reference=FakeReference())
    assert codes(lone) == ["IMP_MISSING_PAYMENT", "IMP_MISSING_WAYBILL", "IMP_MISSING_INVENTORY"]


def test_the_rules_run_on_what_the_codec_decodes() -> None:
    docs = import_set()
    assert docs[1].payment_head
    docs[1].payment_head.amountPaid = D("1010.97")
    decoded: list[object] = []
    for root, attr, doc in zip(
        ("CEB311Message", "CEB411Message", "CEB511Message", "CEB621Message"),
        ("order", "payment", "logistics", "inventory"),
        docs,
        strict=True,
    ):
        message = skeleton(message_class(root))
        setattr(message, attr, [doc])
        decoded += getattr(decode(encode(message)), attr)
    assert codes(check(*decoded)) == ["IMP_PAID_NE_PAYMENT"]


def test_an_unregistered_code_is_refused() -> None:
    with pytest.raises(KeyError):
        failure("IMP_NO_SUCH_RULE", [], [], "", "")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            # at most 5 x 3 x 300.00 + 100.00 freight: within the 5,000 limit
            st.decimals(min_value=1, max_value=3, places=0),
            st.decimals(min_value=D("0.01"), max_value=D("300"), places=2),
        ),
        min_size=1,
        max_size=5,
    ),
    st.decimals(min_value=0, max_value=100, places=2),
    st.decimals(min_value=0, max_value=50, places=2),
    st.decimals(min_value=0, max_value=500, places=2),
    st.sampled_from([f"{OH}.acturalPaid", f"{P}.amountPaid", f"{OH}.goodsValue", "line"]),
    st.decimals(min_value=D("0.01"), max_value=100, places=2),
)
def test_consistent_sets_pass_and_each_perturbation_is_caught(
    items: list[tuple[Decimal, Decimal]],
    freight: Decimal,
    discount: Decimal,
    tax: Decimal,
    target: str,
    delta: Decimal,
) -> None:
    lines = tuple((f"SKU-{n}", f"商品{n}", MILK[2], q, p) for n, (q, p) in enumerate(items))
    docs = import_set(*lines, freight=freight, discount=discount, tax_total=tax)
    assert codes(check(*docs)) == []
    if target == "line":
        docs[3].inventory_list[-1].totalPrice = (docs[3].inventory_list[-1].totalPrice or 0) + delta
        expected = {"IMP_LINE_TOTAL", "IMP_LINES_MISMATCH", "IMP_INVT_TOTAL"}
    else:
        index, head, name = target.split(".")
        _set(target, getattr(getattr(docs[int(index)], head), name) + delta)(docs)
        expected = {
            f"{OH}.acturalPaid": {"IMP_PAID_SUM", "IMP_PAID_NE_PAYMENT"},
            f"{P}.amountPaid": {"IMP_PAID_NE_PAYMENT"},
            f"{OH}.goodsValue": {"IMP_PAID_SUM", "IMP_GOODS_VALUE_SUM", "IMP_INVT_TOTAL"},
        }[target]
    assert set(codes(check(*docs))) == expected


# --- the registry -------------------------------------------------------------------------------

# One way to break a set per reason code: the registry test below runs each of them.
BREAKERS: dict[str, Callable[[], list[str]]] = {
    **{
        f"IMP_MISSING_{k}": (
            lambda i=i: codes(check(*(d for n, d in enumerate(import_set()) if n != i)))
        )
        for i, k in enumerate(("ORDER", "PAYMENT", "WAYBILL", "INVENTORY"))
    },
    **{
        code: (lambda p=p, v=v: broken(_set(p, v)))
        for p, v, cs in SINGLE_FIELD_FAULTS
        for code in cs
    },
    "IMP_KEY_MISSING": lambda: broken(_set(f"{OH}.orderNo", None)),
    "IMP_DUP_ORDER": lambda: codes(check(*import_set(), import_set()[0])),
    "IMP_DUP_PAYMENT": lambda: codes(check(*import_set(), import_set()[1])),
    "IMP_DUP_WAYBILL": lambda: codes(check(*import_set(), import_set()[2])),
    "IMP_DUP_INVENTORY": lambda: codes(check(*import_set(), import_set()[3])),
    "IMP_LINE_TOTAL": lambda: broken(lambda d: setattr(d[0].order_list[0], "qty", D(3))),  # type: ignore[attr-defined]
    "IMP_LINES_MISMATCH": lambda: broken(lambda d: setattr(d[3].inventory_list[0], "itemNo", "X")),  # type: ignore[attr-defined]
    "IMP_OVER_SINGLE_LIMIT": lambda: _value((MILK, ("C", "相机", "8517130000", D(1), D("5000")))),
    "IMP_OVER_ANNUAL_LIMIT": lambda: codes(
        check(
            *import_set(), reference=FakeReference(used={(BUYER_ID, 2026): ANNUAL_LIMIT}), year=2026
        )
    ),
    "IMP_HS_INVALID": lambda: codes(check(*import_set(), reference=FakeReference(hs=set()))),
    "IMP_NOT_ON_POSITIVE_LIST": lambda: codes(
        check(*import_set(), reference=FakeReference(positive={}))
    ),
    "IMP_POSITIVE_LIST_MODE": lambda: codes(
        check(*import_set(trade_mode="9610"), reference=FakeReference())
    ),
    "IMP_ENTERPRISE_NOT_APPROVED": lambda: codes(
        check(*import_set(), reference=FakeReference(approved=set()))
    ),
}


CJK = re.compile("[\u4e00-\u9fff]")


def test_every_reason_is_an_import_or_an_export_reason() -> None:
    # This file breaks every IMP_ reason, test_rules_export.py every EXP_ reason.
    assert all(re.fullmatch(r"(IMP|EXP)_[A-Z_]+", code) for code in REASONS)


@pytest.mark.parametrize("code", sorted(c for c in REASONS if c.startswith("IMP_")))
def test_every_import_reason_has_both_languages_and_a_failing_case(code: str) -> None:
    reason = REASONS[code]
    for text in (reason.title, reason.fix):
        assert text.en.strip()
        assert not CJK.search(text.en)
        assert CJK.search(text.zh)
    assert code in BREAKERS[code](), f"{code} is produced by no failing case"
