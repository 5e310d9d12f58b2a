"""Pre-flight three-order check (三单对碰), shared part: failures, reason codes, reference data.

The import rules live in `rules_import.py` (订单 CEB311, 支付凭证 CEB411, 运单 CEB511,
清单 CEB621) and the export rules in `rules_export.py` (CEB303, 收款单 CEB403, CEB505, CEB603).
Everything here is pure: reference data (HS codes in force, the positive list, filed enterprises,
a buyer's annual total) comes in through `ReferenceLookup`, so the database layer plugs in later.

Amounts are compared exact to the cent: both sides are rounded half up to 0.01 CNY and must be
equal. Customs publishes no tolerance that our spec could cite, so we allow none beyond the cent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Final, Protocol

from opencbec.errors import FieldError
from opencbec.kit.i18n import Bilingual

CENT: Final = Decimal("0.01")
ZERO: Final = Decimal(0)

# domain-rules.md §3(a): "CNY 5,000 per transaction; CNY 26,000 per person per year".
# tax/rules.py holds the same two figures for the tax regime; tests/tax checks they agree
# (clearance comes before tax in the business order, so neither imports the other's rules).
SINGLE_LIMIT: Final = Decimal("5000")
ANNUAL_LIMIT: Final = Decimal("26000")


class EnterpriseRole(StrEnum):
    """The role an enterprise plays in a set; values equal `identity.models.OrgRole`."""

    ECOMMERCE_PLATFORM = "ecommerce_platform"
    ECOMMERCE_ENTERPRISE = "ecommerce_enterprise"
    LOGISTICS = "logistics"
    PAYMENT = "payment"
    CUSTOMS_BROKER = "customs_broker"
    WAREHOUSE_OPERATOR = "warehouse_operator"


ROLE_LABELS: Final[Mapping[EnterpriseRole, Bilingual]] = {
    EnterpriseRole.ECOMMERCE_PLATFORM: Bilingual("e-commerce platform", "电商平台"),
    EnterpriseRole.ECOMMERCE_ENTERPRISE: Bilingual("e-commerce enterprise", "电商企业"),
    EnterpriseRole.LOGISTICS: Bilingual("logistics enterprise", "物流企业"),
    EnterpriseRole.PAYMENT: Bilingual("payment enterprise", "支付企业"),
    EnterpriseRole.CUSTOMS_BROKER: Bilingual("declaring agent", "申报企业"),
    EnterpriseRole.WAREHOUSE_OPERATOR: Bilingual("zone warehouse operator", "区内仓储企业"),
}


@dataclass(frozen=True, slots=True)
class PositiveListLine:
    """One line of the CBEC retail import positive list (跨境电商零售进口商品清单)."""

    code: str
    name_zh: str
    bonded_only: bool = False
    note: str = ""


class ReferenceLookup(Protocol):
    """Reference data the rules need; the database layer implements it."""

    def hs_in_force(self, code: str) -> bool:
        """Return whether the 10-digit commodity code is in force today."""
        ...

    def positive_list_line(self, code: str) -> PositiveListLine | None:
        """Return the positive-list line covering the 10-digit code (or its 8-digit line)."""
        ...

    def enterprise_approved(self, code: str, role: EnterpriseRole) -> bool:
        """Return whether the enterprise is filed and approved in `role`."""
        ...

    def annual_used(self, id_number: str, year: int) -> Decimal:
        """Return the buyer's CBEC import total already counted for `year`."""
        ...


@dataclass(frozen=True, slots=True)
class Reason:
    """A stable reason code: what it means and how to fix it, in both languages."""

    code: str
    title: Bilingual
    fix: Bilingual


def _r(code: str, title_en: str, title_zh: str, fix_en: str, fix_zh: str) -> Reason:
    return Reason(code, Bilingual(title_en, title_zh), Bilingual(fix_en, fix_zh))


_MISSING_FIX_EN = "Send the {doc} for this order, with the same keys as the other documents."
_MISSING_FIX_ZH = "请为该订单补发{doc}，其关键字段须与其他单证一致。"
_DUP_FIX_EN = "Keep one {doc} per number in a batch; send a change (appType 2) to amend it."
_DUP_FIX_ZH = "同一批次中每个编号只保留一份{doc}；如需修改，请以变更（appType 2）报送。"


def _missing(code: str, en: str, zh: str) -> Reason:
    return _r(
        code,
        f"The {en} is missing from the set.",
        f"缺少{zh}。",
        _MISSING_FIX_EN.format(doc=en),
        _MISSING_FIX_ZH.format(doc=zh),
    )


def _duplicate(code: str, en: str, zh: str, key: str) -> Reason:
    return _r(
        code,
        f"Two {en}s in the batch carry the same {key}.",
        f"批次中有两份{zh}的{key}相同。",
        _DUP_FIX_EN.format(doc=en),
        _DUP_FIX_ZH.format(doc=zh),
    )


_REASONS: Final[tuple[Reason, ...]] = (
    _missing("IMP_MISSING_ORDER", "order (CEB311)", "电子订单（CEB311）"),
    _missing("IMP_MISSING_PAYMENT", "payment voucher (CEB411)", "支付凭证（CEB411）"),
    _missing("IMP_MISSING_WAYBILL", "waybill (CEB511)", "物流运单（CEB511）"),
    _missing("IMP_MISSING_INVENTORY", "inventory (CEB621)", "进口清单（CEB621）"),
    _r(
        "IMP_KEY_MISSING",
        "A document lacks the keys that tie it to its set.",
        "单证缺少用于对碰的关键字段。",
        "Fill in ebpCode and orderNo (and payCode/payTransactionId or logisticsCode/logisticsNo).",
        "请填写 ebpCode 和 orderNo（以及 payCode/payTransactionId 或 logisticsCode/logisticsNo）。",
    ),
    _duplicate("IMP_DUP_ORDER", "order", "电子订单", "ebpCode + orderNo"),
    _duplicate("IMP_DUP_PAYMENT", "payment voucher", "支付凭证", "payCode + payTransactionId"),
    _duplicate("IMP_DUP_WAYBILL", "waybill", "物流运单", "logisticsCode + logisticsNo"),
    _duplicate("IMP_DUP_INVENTORY", "inventory", "进口清单", "ebpCode + orderNo"),
    _r(
        "IMP_PAID_SUM",
        "acturalPaid is not goodsValue + freight + taxTotal - discount.",
        "实际支付金额不等于 商品价格 + 运杂费 + 代扣税款 - 非现金抵扣金额。",
        "Recompute acturalPaid from the order's goodsValue, freight, taxTotal and discount.",
        "请按订单的商品价格、运杂费、代扣税款和非现金抵扣金额重新计算实际支付金额。",
    ),
    _r(
        "IMP_PAID_NE_PAYMENT",
        "The order's acturalPaid differs from the payment's amountPaid.",
        "订单实际支付金额与支付凭证的支付金额不一致。",
        "Make the payment voucher's amountPaid equal the order's acturalPaid.",
        "请使支付凭证的支付金额与订单的实际支付金额一致。",
    ),
    _r(
        "IMP_PAYMENT_REF_MISMATCH",
        "The order names a different payment (payCode / payTransactionId).",
        "订单所填支付企业或支付流水号与支付凭证不一致。",
        "Copy payCode and payTransactionId from the payment voucher into the order.",
        "请将支付凭证的 payCode 和 payTransactionId 填入订单。",
    ),
    _r(
        "IMP_BUYER_MISMATCH",
        "The buyer on the order is not the payer on the payment voucher.",
        "订单的订购人与支付凭证的支付人不一致。",
        "The buyer's name, ID type and ID number must equal the payer's; correct the wrong one.",
        "订购人的姓名、证件类型、证件号码须与支付人一致，请更正有误的一方。",
    ),
    _r(
        "IMP_INVT_BUYER_MISMATCH",
        "The buyer on the inventory is not the buyer on the order.",
        "清单的订购人与订单的订购人不一致。",
        "Copy buyerName, buyerIdType and buyerIdNumber from the order into the inventory.",
        "请将订单的订购人姓名、证件类型、证件号码填入清单。",
    ),
    _r(
        "IMP_CONSIGNEE_MISMATCH",
        "The consignee on the order differs from the waybill.",
        "订单的收货人信息与运单不一致。",
        "Use the same consignee name, telephone and address on the order and the waybill.",
        "请在订单和运单上使用相同的收货人姓名、电话和地址。",
    ),
    _r(
        "IMP_INVT_ADDRESS_MISMATCH",
        "The inventory's consigneeAddress differs from the waybill's.",
        "清单的收件地址与运单的收货地址不一致。",
        "Copy the consignee address from the waybill into the inventory.",
        "请将运单的收货地址填入清单。",
    ),
    _r(
        "IMP_ENTERPRISE_MISMATCH",
        "The documents name different platforms or e-commerce enterprises.",
        "各单证的电商平台或电商企业代码不一致。",
        "Use the same ebpCode and ebcCode on the order, the payment and the inventory.",
        "请在订单、支付凭证和清单上使用相同的 ebpCode 和 ebcCode。",
    ),
    _r(
        "IMP_WAYBILL_REF_MISMATCH",
        "The waybill and the inventory (or order) do not name each other.",
        "运单与清单（或订单）互不对应。",
        "Make the inventory's logisticsCode/logisticsNo and the waybill's orderNo match.",
        "请使清单的 logisticsCode/logisticsNo 与运单一致，运单的 orderNo 与订单一致。",
    ),
    _r(
        "IMP_LINE_TOTAL",
        "A line's totalPrice is not qty x price.",
        "商品总价不等于数量乘以单价。",
        "Set totalPrice to qty x price (to the cent) on the line.",
        "请将该商品项的总价设为数量乘以单价（精确到分）。",
    ),
    _r(
        "IMP_GOODS_VALUE_SUM",
        "The order's goodsValue is not the sum of its lines' totalPrice.",
        "订单商品价格不等于表体商品总价之和。",
        "Set goodsValue to the sum of the order lines' totalPrice.",
        "请将订单商品价格设为各商品项总价之和。",
    ),
    _r(
        "IMP_LINES_MISMATCH",
        "The inventory lines do not correspond to the order lines.",
        "清单表体与订单表体不对应。",
        "Give each order line one inventory line with the same gnum, itemNo, qty, price, total.",
        "请为每个订单商品项提供一个序号、货号、数量、单价和总价相同的清单商品项。",
    ),
    _r(
        "IMP_INVT_TOTAL",
        "The inventory's total price differs from the order's goodsValue.",
        "清单商品总价之和与订单商品价格不一致。",
        "Make the inventory lines' totalPrice add up to the order's goodsValue.",
        "请使清单各商品项总价之和等于订单商品价格。",
    ),
    _r(
        "IMP_OVER_SINGLE_LIMIT",
        "The transaction exceeds the CNY 5,000 single-transaction limit.",
        "交易金额超过单次交易限值人民币 5,000 元。",
        "Split the order, or declare it as general trade; only a one-item order may exceed 5,000.",
        "请拆分订单或按一般贸易申报；仅订单下只有一件商品时可超过 5,000 元。",
    ),
    _r(
        "IMP_OVER_ANNUAL_LIMIT",
        "The buyer's annual total would exceed CNY 26,000.",
        "订购人年度交易总额将超过人民币 26,000 元。",
        "This buyer cannot import more this year through CBEC retail; use general trade.",
        "该订购人本年度不能再通过跨境电商零售进口，请按一般贸易办理。",
    ),
    _r(
        "IMP_HS_INVALID",
        "The commodity code (gcode) is not in force.",
        "商品编码（gcode）无效或已停用。",
        "Classify the goods under a 10-digit code in force today.",
        "请按现行有效的 10 位商品编码归类。",
    ),
    _r(
        "IMP_NOT_ON_POSITIVE_LIST",
        "The goods are not on the CBEC retail import positive list.",
        "商品不在跨境电商零售进口商品清单内。",
        "Remove the line; goods off the positive list cannot be imported as CBEC retail.",
        "请删除该商品项；不在清单内的商品不能以跨境电商零售方式进口。",
    ),
    _r(
        "IMP_POSITIVE_LIST_MODE",
        "The positive list allows these goods only in bonded import (1210).",
        "该商品在正面清单中仅限网购保税进口（1210）。",
        "Import these goods through a bonded zone (tradeMode 1210), not as direct purchase.",
        "请通过保税区（监管方式 1210）进口该商品，不能直购进口。",
    ),
    _r(
        "IMP_ENTERPRISE_NOT_APPROVED",
        "An enterprise is not filed and approved in the role it plays.",
        "有企业未在其所担任的角色下完成备案并获批准。",
        "File the enterprise for this role and wait for approval before declaring.",
        "请先为该企业办理此角色的备案并获批准，再行申报。",
    ),
    _missing("EXP_MISSING_ORDER", "export order (CEB303)", "出口电子订单（CEB303）"),
    _missing("EXP_MISSING_COLLECTION", "collection (CEB403)", "收款单（CEB403）"),
    _missing("EXP_MISSING_WAYBILL", "export waybill (CEB505)", "出口物流运单（CEB505）"),
    _missing("EXP_MISSING_INVENTORY", "export inventory (CEB603)", "出口清单（CEB603）"),
    _r(
        "EXP_KEY_MISSING",
        "An export document lacks the keys that tie it to its set.",
        "出口单证缺少用于对碰的关键字段。",
        "Fill in ebpCode and orderNo (or logisticsCode and logisticsNo on the waybill).",
        "请填写 ebpCode 和 orderNo（运单填写 logisticsCode 和 logisticsNo）。",
    ),
    _duplicate("EXP_DUP_ORDER", "export order", "出口电子订单", "ebpCode + orderNo"),
    _duplicate("EXP_DUP_COLLECTION", "collection", "收款单", "ebpCode + orderNo"),
    _duplicate("EXP_DUP_WAYBILL", "export waybill", "出口物流运单", "logisticsCode + logisticsNo"),
    _duplicate("EXP_DUP_INVENTORY", "export inventory", "出口清单", "ebpCode + orderNo"),
    _r(
        "EXP_ENTERPRISE_MISMATCH",
        "The export documents name different e-commerce enterprises.",
        "出口各单证的电商企业代码不一致。",
        "Use the same ebcCode on the order, the collection and the inventory.",
        "请在订单、收款单和清单上使用相同的 ebcCode。",
    ),
    _r(
        "EXP_LINE_TOTAL",
        "An export line's totalPrice is not qty x price.",
        "出口商品总价不等于数量乘以单价。",
        "Set totalPrice to qty x price (to the cent) on the line.",
        "请将该商品项的总价设为数量乘以单价（精确到分）。",
    ),
    _r(
        "EXP_GOODS_VALUE_SUM",
        "The export order's goodsValue is not the sum of its lines' totalPrice.",
        "出口订单商品价格不等于表体商品总价之和。",
        "Set goodsValue to the sum of the order lines' totalPrice.",
        "请将订单商品价格设为各商品项总价之和。",
    ),
    _r(
        "EXP_LINES_MISMATCH",
        "The export inventory lines do not correspond to the order lines.",
        "出口清单表体与订单表体不对应。",
        "Give each order line one inventory line with the same gnum, itemNo, qty, price, total.",
        "请为每个订单商品项提供一个序号、货号、数量、单价和总价相同的清单商品项。",
    ),
    _r(
        "EXP_HS_INVALID",
        "The export commodity code (gcode) is not in force.",
        "出口商品编码（gcode）无效或已停用。",
        "Classify the goods under a 10-digit code in force today.",
        "请按现行有效的 10 位商品编码归类。",
    ),
    _r(
        "EXP_ENTERPRISE_NOT_APPROVED",
        "An export enterprise is not filed and approved in the role it plays.",
        "有出口企业未在其所担任的角色下完成备案并获批准。",
        "File the enterprise for this role and wait for approval before declaring.",
        "请先为该企业办理此角色的备案并获批准，再行申报。",
    ),
)
REASONS: Final[Mapping[str, Reason]] = {reason.code: reason for reason in _REASONS}


@dataclass(frozen=True, slots=True)
class Failure:
    """One failed rule: its reason code, the documents and fields at fault, and the fix."""

    code: str
    documents: tuple[str, ...]
    fields: tuple[str, ...]
    detail: Bilingual

    @property
    def reason(self) -> Reason:
        """Return the registered reason of this failure."""
        return REASONS[self.code]

    @property
    def fix(self) -> Bilingual:
        """Return the plain-language fix in both languages."""
        return REASONS[self.code].fix

    def field_errors(self) -> list[FieldError]:
        """Return one FieldError per field at fault, for problem details."""
        return [FieldError(name, self.detail, self.code) for name in self.fields]


def failure(
    code: str, documents: Iterable[str], fields: Iterable[str], en: str, zh: str
) -> Failure:
    """Return a Failure of registered reason `code` (KeyError for an unknown code)."""
    REASONS[code]  # an unregistered code is a programming error: fail loudly, at once
    return Failure(code, tuple(documents), tuple(fields), Bilingual(en, zh))


def keys_missing(code: str, head_path: str, names: Sequence[str], values: Sequence[str]) -> Failure:
    """Return a failure of `code` naming the key fields of a record that are empty."""
    empty = [name for name, value in zip(names, values, strict=True) if not value]
    doc = head_path.split("/", 1)[0]
    return failure(
        code,
        [doc],
        [f"{head_path}/{name}" for name in empty],
        f"{doc} lacks {', '.join(empty)}",
        f"{doc} 缺少 {'、'.join(empty)}",
    )


def not_approved(path: str, code: str, roles: Iterable[EnterpriseRole], reason: str) -> Failure:
    """Return a failure of `reason` for an enterprise approved in none of `roles`."""
    labels = [ROLE_LABELS[role] for role in roles]
    return failure(
        reason,
        [path.split("/", 1)[0]],
        [path],
        f"{code} is not filed and approved as {' or '.join(b.en for b in labels)}",
        f"{code} 未备案或未获准担任{'或'.join(b.zh for b in labels)}",
    )


def cents(value: Decimal | None) -> Decimal:
    """Return `value` rounded half up to 0.01 CNY (absent counts as 0, as the spec's "0 if none")."""
    return (value if value is not None else ZERO).quantize(CENT, rounding=ROUND_HALF_UP)


def same_cents(a: Decimal | None, b: Decimal | None) -> bool:
    """Return whether two amounts are equal to the cent."""
    return cents(a) == cents(b)


def same_text(a: str | None, b: str | None) -> bool:
    """Return whether two texts are equal once their ends are trimmed (XML edges carry no meaning)."""
    return (a or "").strip() == (b or "").strip()


def same_id(a: str | None, b: str | None) -> bool:
    """Return whether two ID numbers are equal, ignoring the case of a final check character X."""
    return (a or "").strip().upper() == (b or "").strip().upper()


def key_text(value: str | None) -> str:
    """Return a key field trimmed, or '' when absent."""
    return (value or "").strip()


class TradeLine(Protocol):
    """The goods-line fields order and inventory lines share (both directions)."""

    gnum: int | None
    itemNo: str | None
    qty: Decimal | None
    price: Decimal | None
    totalPrice: Decimal | None


def line_total_failures(code: str, path: str, lines: Iterable[TradeLine]) -> list[Failure]:
    """Report each line whose totalPrice is not qty x price to the cent."""
    out: list[Failure] = []
    for line in lines:
        if line.qty is None or line.price is None:
            continue  # a missing amount is the field validator's finding, not ours
        expected = line.qty * line.price
        if not same_cents(expected, line.totalPrice):
            out.append(
                failure(
                    code,
                    [path.split("/", 1)[0]],
                    [f"{path}[gnum={line.gnum}]/totalPrice"],
                    f"line {line.gnum}: qty x price = {cents(expected)}, "
                    f"totalPrice = {line.totalPrice}",
                    f"第 {line.gnum} 项：数量 × 单价 = {cents(expected)}，总价 = {line.totalPrice}",
                )
            )
    return out


def lines_sum(lines: Iterable[TradeLine]) -> Decimal:
    """Return the sum of the lines' totalPrice."""
    return sum((line.totalPrice or ZERO for line in lines), ZERO)


def goods_value_failure(
    code: str, path: str, goods_value: Decimal | None, lines: Iterable[TradeLine]
) -> list[Failure]:
    """Report an order whose goodsValue is not the sum of its lines' totalPrice."""
    total = lines_sum(lines)
    if same_cents(goods_value, total):
        return []
    return [
        failure(
            code,
            [path.split("/", 1)[0]],
            [f"{path}/goodsValue"],
            f"goodsValue = {goods_value}, lines add up to {total}",
            f"商品价格 = {goods_value}，表体合计 = {total}",
        )
    ]


def lines_mismatch(
    code: str,
    order_path: str,
    inventory_path: str,
    order_lines: Iterable[TradeLine],
    inventory_lines: Iterable[TradeLine],
) -> list[Failure]:
    """Report order and inventory lines that do not correspond one to one by gnum."""
    docs = [order_path.split("/", 1)[0], inventory_path.split("/", 1)[0]]
    by_gnum = {line.gnum: line for line in inventory_lines}
    out: list[Failure] = []
    seen: set[int | None] = set()
    for line in order_lines:
        seen.add(line.gnum)
        other = by_gnum.get(line.gnum)
        if other is None:
            out.append(
                failure(
                    code,
                    docs,
                    [f"{order_path}[gnum={line.gnum}]"],
                    f"order line {line.gnum} has no inventory line",
                    f"订单第 {line.gnum} 项在清单中没有对应商品项",
                )
            )
            continue
        differ = [
            name
            for name, equal in (
                ("itemNo", same_text(line.itemNo, other.itemNo)),
                ("qty", (line.qty or ZERO) == (other.qty or ZERO)),
                ("price", same_cents(line.price, other.price)),
                ("totalPrice", same_cents(line.totalPrice, other.totalPrice)),
            )
            if not equal
        ]
        if differ:
            fields = [
                f"{p}[gnum={line.gnum}]/{n}" for n in differ for p in (order_path, inventory_path)
            ]
            out.append(
                failure(
                    code,
                    docs,
                    fields,
                    f"line {line.gnum} differs in {', '.join(differ)}",
                    f"第 {line.gnum} 项的 {'、'.join(differ)} 不一致",
                )
            )
    for gnum in [g for g in by_gnum if g not in seen]:
        out.append(
            failure(
                code,
                docs,
                [f"{inventory_path}[gnum={gnum}]"],
                f"inventory line {gnum} has no order line",
                f"清单第 {gnum} 项在订单中没有对应商品项",
            )
        )
    return out


def keys_of(record: object | None, *names: str) -> tuple[str, ...]:
    """Return the named key fields of a decoded record, trimmed ('' when absent or no record)."""
    return tuple(key_text(getattr(record, name, None)) for name in names)
