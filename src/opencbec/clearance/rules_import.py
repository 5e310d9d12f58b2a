"""Pre-flight three-order check of retail imports: 订单 CEB311, 支付凭证 CEB411, 运单 CEB511, 清单 CEB621.

`match_import` groups decoded documents into sets by the customs keys; `check_import_set` applies
the rules customs applies to one set; `check_import_batch` does both. Reason codes and fixes are
registered in `rules.REASONS`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from opencbec.clearance.rules import (
    ANNUAL_LIMIT,
    SINGLE_LIMIT,
    ZERO,
    EnterpriseRole,
    Failure,
    ReferenceLookup,
    failure,
    goods_value_failure,
    key_text,
    keys_missing,
    keys_of,
    line_total_failures,
    lines_mismatch,
    lines_sum,
    not_approved,
    same_cents,
    same_id,
    same_text,
)
from opencbec.messages.ceb.models.imp_inventory import Inventory
from opencbec.messages.ceb.models.imp_logistics import Logistics
from opencbec.messages.ceb.models.imp_order import Order
from opencbec.messages.ceb.models.imp_payment import Payment

ORDER: Final = "CEB311"
PAYMENT: Final = "CEB411"
WAYBILL: Final = "CEB511"
INVENTORY: Final = "CEB621"
BONDED_MODES: Final = frozenset({"1210", "1239"})
_SET_KEY: Final = ("ebpCode", "orderNo")


@dataclass(slots=True)
class ImportSet:
    """The four documents of one import order, keyed by platform and order number."""

    ebp_code: str
    order_no: str
    order: Order | None = None
    payment: Payment | None = None
    waybill: Logistics | None = None
    inventory: Inventory | None = None

    def missing(self) -> tuple[str, ...]:
        """Return the message types not (yet) in the set, in declaration order."""
        present = (
            (ORDER, self.order),
            (PAYMENT, self.payment),
            (WAYBILL, self.waybill),
            (INVENTORY, self.inventory),
        )
        return tuple(kind for kind, doc in present if doc is None)


@dataclass(frozen=True, slots=True)
class ImportMatch:
    """Sets found in a batch, and the batch-level failures (duplicates, documents without keys)."""

    sets: tuple[ImportSet, ...]
    failures: tuple[Failure, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class SetResult:
    """One set and the failures of its rules; an empty tuple means ready to declare."""

    documents: ImportSet
    failures: tuple[Failure, ...]

    @property
    def ok(self) -> bool:
        """Return whether the set passed every rule."""
        return not self.failures


def _dup(code: str, doc: str, path: str, key: str) -> Failure:
    return failure(
        code,
        [doc],
        [path],
        f"{key} appears more than once in the batch",
        f"{key} 在批次中重复出现",
    )


def _no_key(head_path: str, names: Sequence[str], values: Sequence[str]) -> Failure:
    return keys_missing("IMP_KEY_MISSING", head_path, names, values)


def match_import(
    orders: Iterable[Order],
    payments: Iterable[Payment],
    waybills: Iterable[Logistics],
    inventories: Iterable[Inventory],
) -> ImportMatch:
    """Group documents into sets by ebpCode + orderNo; waybills join by logisticsCode/No.

    A waybill carries no ebpCode, so it joins the set whose inventory names its logisticsCode
    and logisticsNo; failing that, the one set with its orderNo; failing that, a set of its own.
    The first document with a key wins; later ones with the same key are reported as duplicates.
    """
    sets: dict[tuple[str, str], ImportSet] = {}
    failures: list[Failure] = []
    for order in orders:
        ebp, no = keys_of(order.order_head, *_SET_KEY)
        target = _slot(sets, ebp, no)
        if target is None:
            failures.append(_no_key("CEB311/OrderHead", _SET_KEY, (ebp, no)))
        elif target.order is not None:
            failures.append(_dup("IMP_DUP_ORDER", ORDER, "CEB311/OrderHead/orderNo", no))
        else:
            target.order = order
    for inventory in inventories:
        ebp, no = keys_of(inventory.inventory_head, *_SET_KEY)
        target = _slot(sets, ebp, no)
        if target is None:
            failures.append(_no_key("CEB621/InventoryHead", _SET_KEY, (ebp, no)))
        elif target.inventory is not None:
            path = "CEB621/InventoryHead/orderNo"
            failures.append(_dup("IMP_DUP_INVENTORY", INVENTORY, path, no))
        else:
            target.inventory = inventory
    failures += _place_payments(sets, payments)
    failures += _place_waybills(sets, waybills)
    return ImportMatch(tuple(sets.values()), tuple(failures))


def _slot(sets: dict[tuple[str, str], ImportSet], ebp: str, order_no: str) -> ImportSet | None:
    """Return the set of ebpCode + orderNo (made on first use), or None when a key is empty."""
    if not (ebp and order_no):
        return None
    return sets.setdefault((ebp, order_no), ImportSet(ebp, order_no))


def _place_payments(
    sets: dict[tuple[str, str], ImportSet], payments: Iterable[Payment]
) -> list[Failure]:
    failures: list[Failure] = []
    seen: set[tuple[str, str]] = set()
    path = "CEB411/PaymentHead/payTransactionId"
    for payment in payments:
        names = ("ebpCode", "orderNo", "payCode", "payTransactionId")
        ebp, no, pay_code, pay_id = values = keys_of(payment.payment_head, *names)
        if not all(values):
            failures.append(_no_key("CEB411/PaymentHead", names, values))
            continue
        target = sets.setdefault((ebp, no), ImportSet(ebp, no))
        if (pay_code, pay_id) in seen or target.payment is not None:
            failures.append(_dup("IMP_DUP_PAYMENT", PAYMENT, path, pay_id))
        else:
            seen.add((pay_code, pay_id))
            target.payment = payment
    return failures


def _place_waybills(
    sets: dict[tuple[str, str], ImportSet], waybills: Iterable[Logistics]
) -> list[Failure]:
    failures: list[Failure] = []
    by_waybill: dict[tuple[str, ...], ImportSet] = {}
    for s in list(sets.values()):
        if s.inventory is not None:
            wkey = keys_of(s.inventory.inventory_head, "logisticsCode", "logisticsNo")
            by_waybill.setdefault(wkey, s)
    seen: set[tuple[str, ...]] = set()
    path = "CEB511/LogisticsHead/logisticsNo"
    for waybill in waybills:
        names = ("logisticsCode", "logisticsNo", "orderNo")
        code, number, no = values = keys_of(waybill.logistics_head, *names)
        if not all(values):
            failures.append(_no_key("CEB511/LogisticsHead", names, values))
            continue
        if (code, number) in seen:
            failures.append(_dup("IMP_DUP_WAYBILL", WAYBILL, path, number))
            continue
        seen.add((code, number))
        target = by_waybill.get((code, number))
        if target is None:
            same_no = [s for s in sets.values() if s.order_no == no]
            target = (
                same_no[0] if len(same_no) == 1 else sets.setdefault(("", no), ImportSet("", no))
            )
        if target.waybill is not None:
            failures.append(_dup("IMP_DUP_WAYBILL", WAYBILL, path, number))
        else:
            target.waybill = waybill
    return failures


def _missing(s: ImportSet) -> list[Failure]:
    return missing_failures(s.order_no, s.missing())


def missing_failures(order_no: str, missing: Iterable[str]) -> list[Failure]:
    """Return a failure for each message type (CEB311, CEB411, CEB511, CEB621) not in the set."""
    absent = set(missing)
    return [
        failure(
            f"IMP_MISSING_{name}",
            [kind],
            [],
            f"order {order_no}: no {kind} in the set",
            f"订单 {order_no}：缺少 {kind}",
        )
        for kind, name in zip(
            (ORDER, PAYMENT, WAYBILL, INVENTORY),
            ("ORDER", "PAYMENT", "WAYBILL", "INVENTORY"),
            strict=True,
        )
        if kind in absent
    ]


Same = Callable[[str | None, str | None], bool]
_OH, _PH = "CEB311/OrderHead", "CEB411/PaymentHead"
_WH, _IH = "CEB511/LogisticsHead", "CEB621/InventoryHead"


def _mismatch(
    code: str,
    left: tuple[str, object],
    right: tuple[str, object],
    fields: Sequence[tuple[str, str, Same]],
) -> list[Failure]:
    """Report, as one failure, the fields of two records (path, record) whose values differ.

    Each entry of `fields` names the left field, the right field and how to compare them.
    """
    (lpath, lrec), (rpath, rrec) = left, right
    wrong = [
        (f"{lpath}/{a}", f"{rpath}/{b}")
        for a, b, same in fields
        if not same(getattr(lrec, a), getattr(rrec, b))
    ]
    if not wrong:
        return []
    docs = [lpath.split("/", 1)[0], rpath.split("/", 1)[0]]
    names = ", ".join(a.rsplit("/", 1)[-1] for a, _ in wrong)
    return [
        failure(
            code,
            docs,
            [p for pair in wrong for p in pair],
            f"{docs[0]} and {docs[1]} differ in {names}",
            f"{docs[0]} 与 {docs[1]} 的 {names} 不一致",
        )
    ]


def _optional_ref(declared: str | None, actual: str | None) -> bool:
    # payCode and payTransactionId are optional on the order; when given they must name the payment.
    return not declared or same_text(declared, actual)


def _order_rules(s: ImportSet) -> list[Failure]:
    out: list[Failure] = []
    if s.order is None or s.order.order_head is None:
        return out
    h = s.order.order_head
    expected = (h.goodsValue or ZERO) + (h.freight or ZERO) + (h.taxTotal or ZERO)
    expected -= h.discount or ZERO
    if not same_cents(expected, h.acturalPaid):
        out.append(
            failure(
                "IMP_PAID_SUM",
                [ORDER],
                [f"{_OH}/acturalPaid"],
                f"goodsValue + freight + taxTotal - discount = {expected}, "
                f"acturalPaid = {h.acturalPaid}",
                f"商品价格 + 运杂费 + 代扣税款 - 非现金抵扣 = {expected}，"
                f"实际支付 = {h.acturalPaid}",
            )
        )
    out += line_total_failures("IMP_LINE_TOTAL", "CEB311/OrderList", s.order.order_list)
    out += goods_value_failure("IMP_GOODS_VALUE_SUM", _OH, h.goodsValue, s.order.order_list)
    return out


def _payment_rules(s: ImportSet) -> list[Failure]:
    if s.order is None or s.order.order_head is None:
        return []
    if s.payment is None or s.payment.payment_head is None:
        return []
    o, p = s.order.order_head, s.payment.payment_head
    out: list[Failure] = []
    if not same_cents(o.acturalPaid, p.amountPaid):
        out.append(
            failure(
                "IMP_PAID_NE_PAYMENT",
                [ORDER, PAYMENT],
                [f"{_OH}/acturalPaid", f"{_PH}/amountPaid"],
                f"acturalPaid = {o.acturalPaid}, amountPaid = {p.amountPaid}",
                f"实际支付金额 = {o.acturalPaid}，支付金额 = {p.amountPaid}",
            )
        )
    left, right = (_OH, o), (_PH, p)
    ref = [("payCode", "payCode", _optional_ref)]
    ref.append(("payTransactionId", "payTransactionId", _optional_ref))
    out += _mismatch("IMP_PAYMENT_REF_MISMATCH", left, right, ref)
    buyer = [("buyerName", "payerName", same_text), ("buyerIdType", "payerIdType", same_text)]
    buyer.append(("buyerIdNumber", "payerIdNumber", same_id))
    out += _mismatch("IMP_BUYER_MISMATCH", left, right, buyer)
    out += _mismatch("IMP_ENTERPRISE_MISMATCH", left, right, [("ebpCode", "ebpCode", same_text)])
    return out


def _waybill_rules(s: ImportSet) -> list[Failure]:
    if s.waybill is None or s.waybill.logistics_head is None:
        return []
    w = s.waybill.logistics_head
    out: list[Failure] = []
    if s.order is not None and s.order.order_head is not None:
        consignee = [(name, name, same_text) for name in _CONSIGNEE]
        out += _mismatch("IMP_CONSIGNEE_MISMATCH", (_OH, s.order.order_head), (_WH, w), consignee)
    if not same_text(w.orderNo, s.order_no):
        out.append(
            failure(
                "IMP_WAYBILL_REF_MISMATCH",
                [WAYBILL, ORDER],
                [f"{_WH}/orderNo", f"{_OH}/orderNo"],
                f"the waybill names order {w.orderNo}, the set is order {s.order_no}",
                f"运单所填订单号为 {w.orderNo}，本组订单号为 {s.order_no}",
            )
        )
    if s.inventory is not None and s.inventory.inventory_head is not None:
        left, right = (_WH, w), (_IH, s.inventory.inventory_head)
        refs = [(name, name, same_text) for name in ("logisticsCode", "logisticsNo")]
        out += _mismatch("IMP_WAYBILL_REF_MISMATCH", left, right, refs)
        address = [("consigneeAddress", "consigneeAddress", same_text)]
        out += _mismatch("IMP_INVT_ADDRESS_MISMATCH", left, right, address)
    return out


_CONSIGNEE: Final = ("consignee", "consigneeTelephone", "consigneeAddress")


def _inventory_rules(s: ImportSet) -> list[Failure]:
    if s.inventory is None or s.inventory.inventory_head is None:
        return []
    i, lines = s.inventory.inventory_head, s.inventory.inventory_list
    out = line_total_failures("IMP_LINE_TOTAL", "CEB621/InventoryList", lines)
    if s.order is None or s.order.order_head is None:
        return out
    o = s.order.order_head
    left, right = (_OH, o), (_IH, i)
    buyer = [(name, name, same_text) for name in ("buyerName", "buyerIdType")]
    buyer.append(("buyerIdNumber", "buyerIdNumber", same_id))
    out += _mismatch("IMP_INVT_BUYER_MISMATCH", left, right, buyer)
    codes = [(name, name, same_text) for name in ("ebpCode", "ebcCode")]
    out += _mismatch("IMP_ENTERPRISE_MISMATCH", left, right, codes)
    out += lines_mismatch(
        "IMP_LINES_MISMATCH", "CEB311/OrderList", "CEB621/InventoryList", s.order.order_list, lines
    )
    total = lines_sum(lines)
    if not same_cents(total, o.goodsValue):
        out.append(
            failure(
                "IMP_INVT_TOTAL",
                [ORDER, INVENTORY],
                ["CEB621/InventoryList/totalPrice", f"{_OH}/goodsValue"],
                f"inventory lines add up to {total}, goodsValue = {o.goodsValue}",
                f"清单商品总价合计 = {total}，订单商品价格 = {o.goodsValue}",
            )
        )
    return out


def transaction_value(s: ImportSet) -> Decimal:
    """Return the set's taxable value: goodsValue + freight + the inventory's insuredFee.

    domain-rules §3(a): the taxable price is the actual transaction price including retail price,
    freight and insurance [I]; goodsValue already includes non-cash deductions (CEB311 field 11),
    so the discount is not taken off.
    """
    head = s.order.order_head if s.order is not None else None
    if head is None:
        return ZERO
    insured = ZERO
    if s.inventory is not None and s.inventory.inventory_head is not None:
        insured = s.inventory.inventory_head.insuredFee or ZERO
    return (head.goodsValue or ZERO) + (head.freight or ZERO) + insured


def single_item(order: Order) -> bool:
    """Return whether the order holds a single item: one line of quantity 1.

    domain-rules §3(a) [V]: "Above the single limit but below the annual limit, with a single item
    in the order" (Caiguanshui [2016] No. 18: 订单下仅一件商品). We read "one item" as one line of
    one unit, the strict reading; a line of two units is two items.
    """
    return len(order.order_list) == 1 and order.order_list[0].qty == Decimal(1)


def _limit_rules(
    s: ImportSet, reference: ReferenceLookup | None, year: int | None
) -> list[Failure]:
    if s.order is None or s.order.order_head is None:
        return []
    value = transaction_value(s)
    out: list[Failure] = []
    # The single-item exception holds only below the annual limit, whatever the buyer's history.
    if value > SINGLE_LIMIT and (not single_item(s.order) or value > ANNUAL_LIMIT):
        out.append(
            failure(
                "IMP_OVER_SINGLE_LIMIT",
                [ORDER],
                ["CEB311/OrderHead/goodsValue", "CEB311/OrderList"],
                f"transaction value {value} exceeds {SINGLE_LIMIT} and the order has "
                f"more than one item",
                f"交易金额 {value} 超过 {SINGLE_LIMIT} 元，且订单不止一件商品",
            )
        )
    id_number = key_text(s.order.order_head.buyerIdNumber).upper()
    if reference is not None and year is not None and id_number:
        used = reference.annual_used(id_number, year)
        if used + value > ANNUAL_LIMIT:
            out.append(
                failure(
                    "IMP_OVER_ANNUAL_LIMIT",
                    [ORDER],
                    ["CEB311/OrderHead/buyerIdNumber"],
                    f"{used} used in {year} + {value} exceeds {ANNUAL_LIMIT}",
                    f"{year} 年已用 {used} 元 + 本次 {value} 元，超过 {ANNUAL_LIMIT} 元",
                )
            )
    return out


def _reference_rules(s: ImportSet, reference: ReferenceLookup) -> list[Failure]:
    out: list[Failure] = []
    if s.inventory is not None and s.inventory.inventory_head is not None:
        mode = key_text(s.inventory.inventory_head.tradeMode)
        for line in s.inventory.inventory_list:
            code = key_text(line.gcode)
            path = f"CEB621/InventoryList[gnum={line.gnum}]/gcode"
            listed = reference.positive_list_line(code)
            if not reference.hs_in_force(code):
                out.append(
                    failure(
                        "IMP_HS_INVALID",
                        [INVENTORY],
                        [path],
                        f"{code} is not in force",
                        f"{code} 不是有效商品编码",
                    )
                )
            elif listed is None:
                out.append(
                    failure(
                        "IMP_NOT_ON_POSITIVE_LIST",
                        [INVENTORY],
                        [path],
                        f"{code} is not on the positive list",
                        f"{code} 不在正面清单内",
                    )
                )
            elif listed.bonded_only and mode not in BONDED_MODES:
                out.append(
                    failure(
                        "IMP_POSITIVE_LIST_MODE",
                        [INVENTORY],
                        [path, "CEB621/InventoryHead/tradeMode"],
                        f"{code} is bonded-only; tradeMode is {mode}",
                        f"{code} 仅限保税进口，监管方式为 {mode}",
                    )
                )
    for path, code, roles in _enterprises(s):
        if code and not any(reference.enterprise_approved(code, role) for role in roles):
            out.append(not_approved(path, code, roles, "IMP_ENTERPRISE_NOT_APPROVED"))
    return out


def _enterprises(s: ImportSet) -> list[tuple[str, str, tuple[EnterpriseRole, ...]]]:
    out: list[tuple[str, str, tuple[EnterpriseRole, ...]]] = []
    if s.order is not None and s.order.order_head is not None:
        o = s.order.order_head
        out.append(
            ("CEB311/OrderHead/ebpCode", key_text(o.ebpCode), (EnterpriseRole.ECOMMERCE_PLATFORM,))
        )
        out.append(
            (
                "CEB311/OrderHead/ebcCode",
                key_text(o.ebcCode),
                (EnterpriseRole.ECOMMERCE_ENTERPRISE,),
            )
        )
    if s.payment is not None and s.payment.payment_head is not None:
        out.append(
            (
                "CEB411/PaymentHead/payCode",
                key_text(s.payment.payment_head.payCode),
                (EnterpriseRole.PAYMENT,),
            )
        )
    if s.waybill is not None and s.waybill.logistics_head is not None:
        code = key_text(s.waybill.logistics_head.logisticsCode)
        out.append(("CEB511/LogisticsHead/logisticsCode", code, (EnterpriseRole.LOGISTICS,)))
    if s.inventory is not None and s.inventory.inventory_head is not None:
        i = s.inventory.inventory_head
        # An e-commerce enterprise may declare its own inventory (spec §3.5), so either role will do.
        agent_roles = (EnterpriseRole.CUSTOMS_BROKER, EnterpriseRole.ECOMMERCE_ENTERPRISE)
        out.append(("CEB621/InventoryHead/agentCode", key_text(i.agentCode), agent_roles))
        out.append(
            (
                "CEB621/InventoryHead/areaCode",
                key_text(i.areaCode),
                (EnterpriseRole.WAREHOUSE_OPERATOR,),
            )
        )
    return out


def check_import_set(
    s: ImportSet, *, reference: ReferenceLookup | None = None, year: int | None = None
) -> tuple[Failure, ...]:
    """Return every failure of one import set; reference-data rules run only with `reference`.

    The annual limit needs both `reference` (the buyer's total so far) and `year`.
    """
    out = _missing(s)
    out += _order_rules(s)
    out += _payment_rules(s)
    out += _waybill_rules(s)
    out += _inventory_rules(s)
    out += _limit_rules(s, reference, year)
    if reference is not None:
        out += _reference_rules(s, reference)
    return tuple(out)


def check_import_batch(
    orders: Iterable[Order],
    payments: Iterable[Payment],
    waybills: Iterable[Logistics],
    inventories: Iterable[Inventory],
    *,
    reference: ReferenceLookup | None = None,
    year: int | None = None,
) -> tuple[tuple[SetResult, ...], tuple[Failure, ...]]:
    """Match a batch into sets and check each; return the set results and the batch failures."""
    matched = match_import(orders, payments, waybills, inventories)
    results = tuple(
        SetResult(s, check_import_set(s, reference=reference, year=year)) for s in matched.sets
    )
    return results, matched.failures
