"""Complete CEB order sets of the demo zone, built the way senders build them.

An import parcel is four messages (CEB311 order, CEB411 payment, CEB511 waybill, CEB621
inventory); an export parcel is four too (CEB303 order, CEB403 collection, CEB505 waybill, CEB603
inventory). The demo loader declares them, and tests and benchmarks reuse them, so what the demo
shows is exactly what a real sender's messages would produce.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from opencbec.messages import ceb

# Customs codes of the demo's platform, seller, payment, logistics company and broker (their filings).
DEMO_EBP, DEMO_EBC, DEMO_PAY, DEMO_LOGISTICS, DEMO_AGENT = (
    "4107900010",
    "4107900008",
    "4107900012",
    "4107900011",
    "4107900013",
)
NAMES: Final = {
    DEMO_EBP: "牧野跨境商城（示范）",
    DEMO_EBC: "新乡牧野精细化工（示范）有限公司",
    DEMO_PAY: "豫支付（示范）有限公司",
    DEMO_LOGISTICS: "中欧班列新乡物流（示范）",
    DEMO_AGENT: "新乡报关行（示范）有限公司",
}
ZHENGZHOU_CUSTOMS: Final = "4600"


@dataclass(frozen=True, slots=True)
class Goods:
    """One goods line: name, 10-digit code, unit code, quantity and unit price (CNY)."""

    name: str
    code: str
    unit: str
    qty: Decimal
    price: Decimal

    @property
    def total(self) -> Decimal:
        """Return quantity × price."""
        return self.qty * self.price


@dataclass(frozen=True, slots=True)
class Buyer:
    """The buyer, who is also the consignee, of an import parcel."""

    name: str
    id_number: str
    telephone: str
    address: str


def _guid(*parts: str) -> str:
    # Stable guids: the same set declared twice is the same set (ingest is idempotent on them).
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "|".join(parts))).upper()


def _message(name: str, *parts: str) -> Any:
    message = ceb.skeleton(ceb.message_class(name))
    message.guid = _guid(name, *parts)
    return message


def _line(name: str) -> Any:
    return ceb.skeleton(ceb.message_class(name))


def _inventory_lines(name: str, goods: list[Goods]) -> list[Any]:
    lines = []
    for gnum, g in enumerate(goods, start=1):
        line = _line(name).inventory[0].inventory_list[0]
        line.gnum, line.itemNo, line.gcode, line.gname, line.gmodel = (
            gnum,
            g.code,
            g.code,
            g.name,
            g.name,
        )
        line.unit = line.unit1 = g.unit
        line.qty = line.qty1 = g.qty
        line.price, line.totalPrice = g.price, g.total
        lines.append(line)
    return lines


def import_set(
    order_no: str,
    *,
    buyer: Buyer,
    goods: list[Goods],
    vat: Decimal,
    stamp: str,
    agent_code: str = DEMO_AGENT,
) -> tuple[Any, Any, Any, Any]:
    """Return the order, payment, waybill and inventory messages of one bonded (1210) parcel.

    The tax is the CBEC comprehensive tax without consumption tax (VAT × 70%), freight and
    discount are zero, so acturalPaid = goodsValue + taxTotal. `stamp` is yyyyMMddHHmmss.
    """
    value = sum((g.total for g in goods), Decimal(0))
    tax = (value * vat * Decimal("0.7")).quantize(Decimal("0.01"))
    paid = value + tax
    return (
        _import_order(order_no, buyer, goods, tax, stamp),
        _import_payment(order_no, buyer, paid, stamp),
        _import_waybill(order_no, buyer, stamp),
        _import_inventory(order_no, buyer, goods, stamp, agent_code),
    )


def _import_order(order_no: str, buyer: Buyer, goods: list[Goods], tax: Decimal, stamp: str) -> Any:
    value = sum((g.total for g in goods), Decimal(0))
    order = _message("CEB311Message", order_no)
    head = order.order[0].order_head
    head.guid, head.appTime, head.orderNo = _guid("order", order_no), stamp, order_no
    head.ebpCode, head.ebpName = DEMO_EBP, NAMES[DEMO_EBP]
    head.ebcCode, head.ebcName = DEMO_EBC, NAMES[DEMO_EBC]
    head.goodsValue, head.freight, head.discount = value, Decimal(0), Decimal(0)
    head.taxTotal, head.acturalPaid = tax, value + tax
    head.buyerRegNo, head.buyerName = f"buyer-{buyer.id_number[-4:]}", buyer.name
    head.buyerTelephone, head.buyerIdNumber = buyer.telephone, buyer.id_number
    head.payCode, head.payName, head.payTransactionId = DEMO_PAY, NAMES[DEMO_PAY], f"YZF{order_no}"
    head.consignee, head.consigneeTelephone = buyer.name, buyer.telephone
    head.consigneeAddress = buyer.address
    order.order[0].order_list = []
    for gnum, g in enumerate(goods, start=1):
        line = _line("CEB311Message").order[0].order_list[0]
        line.gnum, line.itemNo, line.itemName, line.gmodel, line.unit = (
            gnum,
            g.code,
            g.name,
            g.name,
            g.unit,
        )
        line.qty, line.price, line.totalPrice = g.qty, g.price, g.total
        order.order[0].order_list.append(line)
    return order


def _import_payment(order_no: str, buyer: Buyer, paid: Decimal, stamp: str) -> Any:
    payment = _message("CEB411Message", order_no)
    ph = payment.payment[0].payment_head
    ph.guid, ph.appTime, ph.payTime = _guid("payment", order_no), stamp, stamp
    ph.payCode, ph.payName, ph.payTransactionId = DEMO_PAY, NAMES[DEMO_PAY], f"YZF{order_no}"
    ph.orderNo, ph.ebpCode, ph.ebpName = order_no, DEMO_EBP, NAMES[DEMO_EBP]
    ph.payerIdNumber, ph.payerName, ph.telephone = buyer.id_number, buyer.name, buyer.telephone
    ph.amountPaid = paid
    return payment


def _import_waybill(order_no: str, buyer: Buyer, stamp: str) -> Any:
    waybill = _message("CEB511Message", order_no)
    wh = waybill.logistics[0].logistics_head
    wh.guid, wh.appTime, wh.orderNo = _guid("waybill", order_no), stamp, order_no
    wh.logisticsCode, wh.logisticsName = DEMO_LOGISTICS, NAMES[DEMO_LOGISTICS]
    wh.logisticsNo, wh.weight = f"ZO{order_no}", Decimal("1.5")
    wh.consignee, wh.consigneeAddress = buyer.name, buyer.address
    wh.consigneeTelephone = buyer.telephone
    return waybill


def _import_inventory(
    order_no: str, buyer: Buyer, goods: list[Goods], stamp: str, agent_code: str
) -> Any:
    inventory = _message("CEB621Message", order_no)
    ih = inventory.inventory[0].inventory_head
    ih.guid, ih.appTime, ih.orderNo, ih.copNo = (
        _guid("inventory", order_no),
        stamp,
        order_no,
        f"I{order_no}",
    )
    ih.ebpCode, ih.ebpName, ih.ebcCode, ih.ebcName = (
        DEMO_EBP,
        NAMES[DEMO_EBP],
        DEMO_EBC,
        NAMES[DEMO_EBC],
    )
    ih.logisticsNo, ih.logisticsCode = f"ZO{order_no}", DEMO_LOGISTICS
    ih.logisticsName, ih.assureCode = NAMES[DEMO_LOGISTICS], DEMO_EBC
    ih.buyerIdNumber, ih.buyerName, ih.buyerTelephone = (
        buyer.id_number,
        buyer.name,
        buyer.telephone,
    )
    ih.consigneeAddress, ih.agentCode, ih.agentName = buyer.address, agent_code, NAMES[agent_code]
    ih.tradeMode, ih.trafMode, ih.declTime = "1210", "Y", stamp[:8]
    ih.customsCode = ih.portCode = ZHENGZHOU_CUSTOMS
    ih.grossWeight, ih.netWeight, ih.packNo = Decimal("1.5"), Decimal("1.2"), 1
    inventory.inventory[0].inventory_list = _inventory_lines("CEB621Message", goods)
    return inventory


def export_set(
    order_no: str, *, goods: list[Goods], stamp: str, country: str = "304"
) -> tuple[Any, Any, Any, Any]:
    """Return the order, collection, waybill and inventory messages of one 9610 export parcel.

    The seller declares its own inventory and ships by China–Europe rail (transport mode 3)
    through Zhengzhou; `country` is the customs country code of the destination (304 Germany).
    """
    value = sum((g.total for g in goods), Decimal(0))
    waybill_no = f"ZE{order_no}"

    order = _message("CEB303Message", order_no)
    head = order.order[0].order_head
    head.guid, head.appTime, head.orderNo = _guid("export-order", order_no), stamp, order_no
    head.ebpCode, head.ebpName = DEMO_EBP, NAMES[DEMO_EBP]
    head.ebcCode, head.ebcName = DEMO_EBC, NAMES[DEMO_EBC]
    head.goodsValue, head.freight = value, Decimal(0)
    order.order[0].order_list = []
    for gnum, g in enumerate(goods, start=1):
        line = _line("CEB303Message").order[0].order_list[0]
        line.gnum, line.itemNo, line.itemName, line.unit = gnum, g.code, g.name, g.unit
        line.qty, line.price, line.totalPrice = g.qty, g.price, g.total
        order.order[0].order_list.append(line)

    collection = _message("CEB403Message", order_no)
    receipts = collection.receipts[0]
    receipts.guid, receipts.appTime, receipts.orderNo = (
        _guid("collection", order_no),
        stamp,
        order_no,
    )
    receipts.ebpCode, receipts.ebpName = DEMO_EBP, NAMES[DEMO_EBP]
    receipts.ebcCode, receipts.ebcName = DEMO_EBC, NAMES[DEMO_EBC]
    receipts.payCode, receipts.payName = DEMO_PAY, NAMES[DEMO_PAY]
    receipts.charge, receipts.accountingDate = value, stamp

    waybill = _message("CEB505Message", order_no)
    logistics = waybill.logistics[0]
    logistics.guid, logistics.appTime = _guid("export-waybill", order_no), stamp
    logistics.logisticsCode, logistics.logisticsName = DEMO_LOGISTICS, NAMES[DEMO_LOGISTICS]
    logistics.logisticsNo, logistics.grossWeight = waybill_no, Decimal("12.5")
    logistics.goodsInfo = "、".join(g.name for g in goods)[:200]

    inventory = _message("CEB603Message", order_no)
    ih = inventory.inventory[0].inventory_head
    ih.guid, ih.appTime, ih.orderNo, ih.copNo = (
        _guid("export-inventory", order_no),
        stamp,
        order_no,
        f"E{order_no}",
    )
    ih.ebpCode, ih.ebpName = DEMO_EBP, NAMES[DEMO_EBP]
    ih.ebcCode, ih.ebcName = DEMO_EBC, NAMES[DEMO_EBC]
    ih.ownerCode, ih.ownerName = DEMO_EBC, NAMES[DEMO_EBC]
    ih.agentCode, ih.agentName = DEMO_EBC, NAMES[DEMO_EBC]
    ih.logisticsCode, ih.logisticsName, ih.logisticsNo = (
        DEMO_LOGISTICS,
        NAMES[DEMO_LOGISTICS],
        waybill_no,
    )
    ih.customsCode = ih.portCode = ZHENGZHOU_CUSTOMS
    ih.ieDate, ih.trafMode, ih.country = stamp[:8], "3", country
    ih.POD, ih.fCurrency, ih.iCurrency, ih.wrapType = "3041", "142", "142", "2"
    ih.grossWeight, ih.netWeight = Decimal("12.5"), Decimal("11.8")
    inventory.inventory[0].inventory_list = _inventory_lines("CEB603Message", goods)
    for line in inventory.inventory[0].inventory_list:
        line.barCode, line.country = "无", "142"  # no bar code; made in China
    return order, collection, waybill, inventory
