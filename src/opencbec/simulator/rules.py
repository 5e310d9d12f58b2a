"""Customs-like judgement of received documents, written independently of the platform's
pre-flight check: the import four-document match (三单对碰 + 清单), the buyer's limits, the tax
bill formula and the export match. Pure computation over decoded CEB records."""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Final

SINGLE_LIMIT: Final = Decimal(5000)
ANNUAL_LIMIT: Final = Decimal(26000)
CBEC_SHARE: Final = Decimal("0.7")  # VAT and consumption tax at 70% within the limits
CENT: Final = Decimal("0.01")
ZERO: Final = Decimal(0)
# The rate table the platform ships (read as a file: the simulator imports no domain).
TAX_RATE_CSV: Final = Path(__file__).resolve().parent.parent / "goods" / "data" / "tax_rate.csv"


@dataclass(frozen=True, slots=True)
class Fault:
    """One reason customs refuses a set, naming the documents at fault."""

    code: str
    en: str
    zh: str
    docs: tuple[str, ...]

    def text(self) -> str:
        """Return the returnInfo form: `[Code:…;Desc:zh / en]`."""
        return f"[Code:{self.code};Desc:{self.zh} / {self.en}]"


def return_info(faults: list[Fault], limit: int = 1000) -> str:
    """Join faults into one returnInfo text within the XSD's 1,000 characters."""
    text = "".join(f.text() for f in faults)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def cents(value: Decimal | None) -> Decimal:
    """Return `value` rounded half-up to the cent (None as zero)."""
    return (value or ZERO).quantize(CENT, rounding=ROUND_HALF_UP)


def _same(a: Any, b: Any) -> bool:
    return str(a or "").strip() == str(b or "").strip()


def _differs(code: str, docs: tuple[str, ...], pairs: list[tuple[str, Any, Any]]) -> list[Fault]:
    return [
        Fault(code, f"{name} differs: {a!s} / {b!s}", f"{name} 不一致：{a!s} / {b!s}", docs)
        for name, a, b in pairs
        if not _same(a, b)
    ]


def _lines_faults(code: str, doc: str, lines: list[Any]) -> list[Fault]:
    out = []
    for line in lines:
        if cents(line.qty * line.price) != cents(line.totalPrice):
            out.append(
                Fault(
                    code,
                    f"line {line.gnum}: qty × price = {cents(line.qty * line.price)}, "
                    f"totalPrice = {line.totalPrice}",
                    f"第 {line.gnum} 项：数量 × 单价 = {cents(line.qty * line.price)}，"
                    f"总价 = {line.totalPrice}",
                    (doc,),
                )
            )
    return out


def _total(lines: list[Any]) -> Decimal:
    return sum((line.totalPrice for line in lines), ZERO)


def _match_lines(
    code: str, docs: tuple[str, str], ordered: list[Any], declared: list[Any]
) -> list[Fault]:
    by_gnum = {line.gnum: line for line in ordered}
    out = []
    if len(ordered) != len(declared):
        out.append(
            Fault(
                code,
                f"the order has {len(ordered)} lines, the inventory {len(declared)}",
                f"订单有 {len(ordered)} 项商品，清单有 {len(declared)} 项",
                docs,
            )
        )
    for line in declared:
        other = by_gnum.get(line.gnum)
        if other is None:
            continue
        if other.qty != line.qty or cents(other.totalPrice) != cents(line.totalPrice):
            out.append(
                Fault(
                    code,
                    f"line {line.gnum}: quantity or total differs from the order",
                    f"第 {line.gnum} 项：数量或总价与订单不一致",
                    docs,
                )
            )
    return out


def check_import(order: Any, payment: Any, waybill: Any, inventory: Any) -> list[Fault]:
    """Match an import order, payment voucher, waybill and inventory (Order/Payment/Logistics/
    Inventory records); return every reason to refuse the set."""
    oh, ph = order.order_head, payment.payment_head
    wh, ih = waybill.logistics_head, inventory.inventory_head
    out: list[Fault] = []
    expected = (oh.goodsValue or ZERO) + (oh.freight or ZERO) + (oh.taxTotal or ZERO)
    expected -= oh.discount or ZERO
    if cents(expected) != cents(oh.acturalPaid):
        out.append(
            Fault(
                "1301",
                f"goodsValue + freight + taxTotal - discount = {cents(expected)}, "
                f"acturalPaid = {oh.acturalPaid}",
                f"商品价格 + 运杂费 + 代扣税款 - 非现金抵扣 = {cents(expected)}，"
                f"实际支付 = {oh.acturalPaid}",
                ("order",),
            )
        )
    out += _lines_faults("1302", "order", order.order_list)
    if cents(_total(order.order_list)) != cents(oh.goodsValue):
        out.append(
            Fault(
                "1303",
                f"order lines add up to {cents(_total(order.order_list))}, goodsValue = {oh.goodsValue}",
                f"订单商品合计 {cents(_total(order.order_list))}，商品价格 {oh.goodsValue}",
                ("order",),
            )
        )
    if cents(oh.acturalPaid) != cents(ph.amountPaid):
        out.append(
            Fault(
                "1401",
                f"order acturalPaid {oh.acturalPaid} ≠ payment amountPaid {ph.amountPaid}",
                f"订单实际支付 {oh.acturalPaid} 与支付凭证支付金额 {ph.amountPaid} 不符",
                ("order", "payment"),
            )
        )
    op = ("order", "payment")
    out += _differs(
        "1402",
        op,
        [
            ("ebpCode", oh.ebpCode, ph.ebpCode),
            ("buyerName/payerName", oh.buyerName, ph.payerName),
            ("buyerIdNumber/payerIdNumber", oh.buyerIdNumber.upper(), ph.payerIdNumber.upper()),
        ],
    )
    if oh.payTransactionId:
        out += _differs(
            "1403", op, [("payTransactionId", oh.payTransactionId, ph.payTransactionId)]
        )
    if oh.payCode:
        out += _differs("1403", op, [("payCode", oh.payCode, ph.payCode)])
    ow = ("order", "waybill")
    out += _differs(
        "1501",
        ow,
        [
            ("orderNo", oh.orderNo, wh.orderNo),
            ("consignee", oh.consignee, wh.consignee),
            ("consigneeTelephone", oh.consigneeTelephone, wh.consigneeTelephone),
            ("consigneeAddress", oh.consigneeAddress, wh.consigneeAddress),
        ],
    )
    oi = ("order", "inventory")
    out += _differs(
        "1601",
        oi,
        [
            ("ebpCode", oh.ebpCode, ih.ebpCode),
            ("ebcCode", oh.ebcCode, ih.ebcCode),
            ("buyerName", oh.buyerName, ih.buyerName),
            ("buyerIdNumber", oh.buyerIdNumber.upper(), ih.buyerIdNumber.upper()),
        ],
    )
    out += _differs(
        "1602",
        ("waybill", "inventory"),
        [
            ("logisticsCode", wh.logisticsCode, ih.logisticsCode),
            ("logisticsNo", wh.logisticsNo, ih.logisticsNo),
            ("consigneeAddress", wh.consigneeAddress, ih.consigneeAddress),
        ],
    )
    out += _lines_faults("1603", "inventory", inventory.inventory_list)
    out += _match_lines("1604", oi, order.order_list, inventory.inventory_list)
    return out


def taxable_value(order: Any, inventory: Any) -> Decimal:
    """Return the value counted against the limits: goods + freight + insurance."""
    oh, ih = order.order_head, inventory.inventory_head
    return (oh.goodsValue or ZERO) + (oh.freight or ZERO) + (ih.insuredFee or ZERO)


def buyer_key(id_number: str) -> str:
    """Return the ledger key of a buyer: a fingerprint, never the ID number in clear."""
    return hashlib.sha256(id_number.strip().upper().encode()).hexdigest()


def single_item(order: Any) -> bool:
    """Return whether the order is one line of one unit (may pass the single limit, fully taxed)."""
    return len(order.order_list) == 1 and order.order_list[0].qty == 1


def limit_faults(value: Decimal, *, one_item: bool, used: Decimal) -> list[Fault]:
    """Return the buyer-limit reasons: CNY 5,000 a transaction, CNY 26,000 a year."""
    out = []
    if value > SINGLE_LIMIT and not one_item:
        out.append(
            Fault(
                "-621005",
                f"transaction value {value} exceeds the single limit of {SINGLE_LIMIT}",
                f"交易金额 {value} 元超过单次限值 {SINGLE_LIMIT} 元",
                ("inventory",),
            )
        )
    if used + value > ANNUAL_LIMIT:
        out.append(
            Fault(
                "-621018",
                f"the buyer's year so far {used} + {value} exceeds the annual limit {ANNUAL_LIMIT}",
                f"订购人本年已用 {used} 元 + 本次 {value} 元，超过年度限值 {ANNUAL_LIMIT} 元",
                ("inventory",),
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class Rate:
    """Tax rates of one 10-digit code, as fractions."""

    vat: Decimal
    consumption: Decimal
    tariff: Decimal


# Codes missing from the shipped table are taxed like most consumer goods: 13% VAT, no CT, no duty.
DEFAULT_RATE: Final = Rate(Decimal("0.13"), ZERO, ZERO)


def load_rates(path: Path = TAX_RATE_CSV) -> dict[str, Rate]:
    """Read the rate table (code,name_zh,vat,consumption,tariff in percent)."""
    with open(path, encoding="utf-8", newline="") as handle:
        return {
            row["code"]: Rate(
                Decimal(row["vat"]) / 100,
                Decimal(row["consumption"]) / 100,
                Decimal(row["tariff"]) / 100,
            )
            for row in csv.DictReader(handle)
        }


@dataclass(frozen=True, slots=True)
class TaxLine:
    """The tax on one inventory line."""

    gnum: int
    gcode: str
    price: Decimal
    duty: Decimal
    vat: Decimal
    consumption: Decimal


def tax_lines(inventory: Any, rates: dict[str, Rate], *, full: bool) -> list[TaxLine]:
    """Tax each line: its price plus its share of freight and insurance is the dutiable value.

    Within the limits duty is 0 and VAT and CT are 70% of the statutory amount, i.e. the
    comprehensive rate (VAT + CT) / (1 - CT) × 70%; a single item above the single limit is
    taxed in full (duty, then CT on price + duty, then VAT on price + duty + CT).
    """
    ih, lines = inventory.inventory_head, inventory.inventory_list
    extra = (ih.freight or ZERO) + (ih.insuredFee or ZERO)
    total = _total(lines)
    out = []
    left = extra
    for n, line in enumerate(lines):
        share = (
            left if n == len(lines) - 1 else (extra * line.totalPrice / total if total else ZERO)
        )
        share = cents(share)
        left -= share
        price = cents(line.totalPrice + share)
        rate = rates.get(line.gcode, DEFAULT_RATE)
        if full:
            duty = cents(price * rate.tariff)
            ct = cents((price + duty) * rate.consumption / (1 - rate.consumption))
            vat = cents((price + duty + ct) * rate.vat)
        else:
            duty = ZERO
            ct = cents(price * rate.consumption / (1 - rate.consumption) * CBEC_SHARE)
            vat = cents(price * rate.vat / (1 - rate.consumption) * CBEC_SHARE)
        out.append(TaxLine(line.gnum, line.gcode, price, cents(duty), vat, ct))
    return out


def check_export(order: Any, collection: Any, waybill: Any, inventory: Any) -> list[Fault]:
    """Match an export order, collection, waybill and inventory; return every reason to refuse."""
    oh, ih = order.order_head, inventory.inventory_head
    out = _differs(
        "2601",
        ("export_order", "export_inventory"),
        [("ebpCode", oh.ebpCode, ih.ebpCode), ("ebcCode", oh.ebcCode, ih.ebcCode)],
    )
    out += _differs(
        "2401",
        ("collection", "export_order"),
        [("ebpCode", collection.ebpCode, oh.ebpCode), ("ebcCode", collection.ebcCode, oh.ebcCode)],
    )
    out += _differs(
        "2501",
        ("export_waybill", "export_inventory"),
        [
            ("logisticsCode", waybill.logisticsCode, ih.logisticsCode),
            ("logisticsNo", waybill.logisticsNo, ih.logisticsNo),
        ],
    )
    out += _lines_faults("2302", "export_order", order.order_list)
    if cents(_total(order.order_list)) != cents(oh.goodsValue):
        out.append(
            Fault(
                "2303",
                f"order lines add up to {cents(_total(order.order_list))}, goodsValue = {oh.goodsValue}",
                f"订单商品合计 {cents(_total(order.order_list))}，商品价格 {oh.goodsValue}",
                ("export_order",),
            )
        )
    out += _lines_faults("2603", "export_inventory", inventory.inventory_list)
    out += _match_lines(
        "2604", ("export_order", "export_inventory"), order.order_list, inventory.inventory_list
    )
    return out


def summary_group(inventory: Any, summary_flag: str) -> tuple[str, ...]:
    """Return the declaration an export inventory joins: consignor, [producer/seller,] transport
    mode, destination and exit port (汇总规则)."""
    ih = inventory.inventory_head
    owner = (ih.ownerCode or "",) if summary_flag == "2" else ()
    return (ih.ebcCode, *owner, ih.trafMode or "", ih.country or "", ih.portCode or "")
