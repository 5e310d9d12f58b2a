"""Complete CEB order sets of the demo zone, built the way senders build them.

An import parcel is four messages (CEB311 order, CEB411 payment, CEB511 waybill, CEB621
inventory); an export parcel is four too (CEB303 order, CEB403 collection, CEB505 waybill, CEB603
inventory). The demo loader declares them, and tests and benchmarks reuse them, so what the demo
shows is exactly what a real sender's messages would produce.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from opencbec.messages import ceb

# Customs codes of the demo's platform, seller, payment, logistics company, broker and bonded
# warehouse (their filings).
DEMO_EBP, DEMO_EBC, DEMO_PAY, DEMO_LOGISTICS, DEMO_AGENT, DEMO_WAREHOUSE = (
    "4107900010",
    "4107900008",
    "4107900012",
    "4107900011",
    "4107900013",
    "4107900014",
)
NAMES: Final = {
    DEMO_EBP: "牧野跨境商城（示范）",
    DEMO_EBC: "新乡牧野精细化工（示范）有限公司",
    DEMO_PAY: "豫支付（示范）有限公司",
    DEMO_LOGISTICS: "中欧班列新乡物流（示范）",
    DEMO_AGENT: "新乡报关行（示范）有限公司",
    DEMO_WAREHOUSE: "新乡综合保税仓储（示范）",
}
ZHENGZHOU_CUSTOMS: Final = "4600"


@dataclass(frozen=True, slots=True)
class Party:
    """An enterprise a set names: its customs code and name, as filed."""

    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Parties:
    """Who a set names: platform (ebp), seller (ebc), payment, logistics and declaring agent."""

    ebp: Party
    ebc: Party
    pay: Party
    logistics: Party
    agent: Party


def _party(code: str) -> Party:
    return Party(code, NAMES[code])


DEMO_PARTIES: Final = Parties(
    _party(DEMO_EBP), _party(DEMO_EBC), _party(DEMO_PAY), _party(DEMO_LOGISTICS), _party(DEMO_AGENT)
)


@dataclass(frozen=True, slots=True)
class ImportTerms:
    """How an import parcel travels and is taxed, beyond its parties, buyer and goods.

    `tax` None: the CBEC tax without consumption tax (VAT × 70%) is computed from `vat`.
    """

    vat: Decimal = Decimal("0.13")
    tax: Decimal | None = None
    freight: Decimal = Decimal(0)
    trade_mode: str = "1210"
    traf_mode: str = "Y"
    area: Party | None = None
    country: str = "142"
    weight: Decimal = Decimal("1.5")


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
    parties = DEMO_PARTIES
    if agent_code != DEMO_AGENT:
        parties = dataclasses.replace(parties, agent=_party(agent_code))
    return parcel_set(
        order_no, parties=parties, buyer=buyer, goods=goods, stamp=stamp, terms=ImportTerms(vat=vat)
    )


def parcel_set(
    order_no: str,
    *,
    parties: Parties,
    buyer: Buyer,
    goods: list[Goods],
    stamp: str,
    terms: ImportTerms,
    consignee: Buyer | None = None,
) -> tuple[Any, Any, Any, Any]:
    """Return the four messages of one import parcel (1210 bonded or 9610 direct) of any parties.

    acturalPaid = goodsValue + freight + taxTotal; `consignee` defaults to the buyer.
    """
    value = sum((g.total for g in goods), Decimal(0))
    tax = terms.tax
    if tax is None:
        tax = (value * terms.vat * Decimal("0.7")).quantize(Decimal("0.01"))
    paid = value + terms.freight + tax
    receiver = consignee or buyer
    return (
        _import_order(order_no, parties, buyer, receiver, goods, (tax, terms.freight), stamp),
        _import_payment(order_no, parties, buyer, paid, stamp),
        _import_waybill(order_no, parties, receiver, stamp, terms.weight),
        _import_inventory(order_no, parties, buyer, receiver, goods, stamp, terms),
    )


def _import_order(
    order_no: str,
    parties: Parties,
    buyer: Buyer,
    receiver: Buyer,
    goods: list[Goods],
    charges: tuple[Decimal, Decimal],
    stamp: str,
) -> Any:
    tax, freight = charges
    value = sum((g.total for g in goods), Decimal(0))
    order = _message("CEB311Message", order_no)
    head = order.order[0].order_head
    head.guid, head.appTime, head.orderNo = _guid("order", order_no), stamp, order_no
    head.ebpCode, head.ebpName = parties.ebp.code, parties.ebp.name
    head.ebcCode, head.ebcName = parties.ebc.code, parties.ebc.name
    head.goodsValue, head.freight, head.discount = value, freight, Decimal(0)
    head.taxTotal, head.acturalPaid = tax, value + freight + tax
    head.buyerRegNo, head.buyerName = f"buyer-{buyer.id_number[-4:]}", buyer.name
    head.buyerTelephone, head.buyerIdNumber = buyer.telephone, buyer.id_number
    head.payCode, head.payName = parties.pay.code, parties.pay.name
    head.payTransactionId = f"YZF{order_no}"
    head.consignee, head.consigneeTelephone = receiver.name, receiver.telephone
    head.consigneeAddress = receiver.address
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


def _import_payment(
    order_no: str, parties: Parties, buyer: Buyer, paid: Decimal, stamp: str
) -> Any:
    payment = _message("CEB411Message", order_no)
    ph = payment.payment[0].payment_head
    ph.guid, ph.appTime, ph.payTime = _guid("payment", order_no), stamp, stamp
    ph.payCode, ph.payName = parties.pay.code, parties.pay.name
    ph.payTransactionId = f"YZF{order_no}"
    ph.orderNo, ph.ebpCode, ph.ebpName = order_no, parties.ebp.code, parties.ebp.name
    ph.payerIdNumber, ph.payerName, ph.telephone = buyer.id_number, buyer.name, buyer.telephone
    ph.amountPaid = paid
    return payment


def _import_waybill(
    order_no: str, parties: Parties, receiver: Buyer, stamp: str, weight: Decimal
) -> Any:
    waybill = _message("CEB511Message", order_no)
    wh = waybill.logistics[0].logistics_head
    wh.guid, wh.appTime, wh.orderNo = _guid("waybill", order_no), stamp, order_no
    wh.logisticsCode, wh.logisticsName = parties.logistics.code, parties.logistics.name
    wh.logisticsNo, wh.weight = f"ZO{order_no}", weight
    wh.consignee, wh.consigneeAddress = receiver.name, receiver.address
    wh.consigneeTelephone = receiver.telephone
    return waybill


def _import_inventory(
    order_no: str,
    parties: Parties,
    buyer: Buyer,
    receiver: Buyer,
    goods: list[Goods],
    stamp: str,
    terms: ImportTerms,
) -> Any:
    inventory = _message("CEB621Message", order_no)
    ih = inventory.inventory[0].inventory_head
    ih.guid, ih.appTime, ih.orderNo, ih.copNo = (
        _guid("inventory", order_no),
        stamp,
        order_no,
        f"I{order_no}",
    )
    ih.ebpCode, ih.ebpName = parties.ebp.code, parties.ebp.name
    ih.ebcCode, ih.ebcName = parties.ebc.code, parties.ebc.name
    ih.logisticsNo, ih.logisticsCode = f"ZO{order_no}", parties.logistics.code
    ih.logisticsName, ih.assureCode = parties.logistics.name, parties.ebc.code
    ih.buyerIdNumber, ih.buyerName, ih.buyerTelephone = (
        buyer.id_number,
        buyer.name,
        buyer.telephone,
    )
    ih.consigneeAddress = receiver.address
    ih.agentCode, ih.agentName = parties.agent.code, parties.agent.name
    if terms.area is not None:
        ih.areaCode, ih.areaName = terms.area.code, terms.area.name
    ih.tradeMode, ih.trafMode, ih.declTime = terms.trade_mode, terms.traf_mode, stamp[:8]
    ih.customsCode = ih.portCode = ZHENGZHOU_CUSTOMS
    ih.country, ih.freight = terms.country, terms.freight
    ih.grossWeight, ih.netWeight, ih.packNo = terms.weight, terms.weight * Decimal("0.8"), 1
    inventory.inventory[0].inventory_list = _inventory_lines("CEB621Message", goods)
    return inventory


@dataclass(frozen=True, slots=True)
class ExportTerms:
    """How an export parcel leaves: its mode (9610 retail, 9710 B2B, 9810 overseas warehouse),
    transport mode (3 rail, 2 waterway, 5 air, 4 road), destination country and port."""

    trade_mode: str = "9610"
    traf_mode: str = "3"
    country: str = "304"
    port: str = "3041"
    weight: Decimal = Decimal("12.5")


def export_set(
    order_no: str, *, goods: list[Goods], stamp: str, country: str = "304"
) -> tuple[Any, Any, Any, Any]:
    """Return the order, collection, waybill and inventory messages of one 9610 export parcel.

    The seller declares its own inventory and ships by China–Europe rail (transport mode 3)
    through Zhengzhou; `country` is the customs country code of the destination (304 Germany).
    """
    parties = dataclasses.replace(DEMO_PARTIES, agent=DEMO_PARTIES.ebc)
    return shipment_set(
        order_no, parties=parties, goods=goods, stamp=stamp, terms=ExportTerms(country=country)
    )


def shipment_set(
    order_no: str, *, parties: Parties, goods: list[Goods], stamp: str, terms: ExportTerms
) -> tuple[Any, Any, Any, Any]:
    """Return the four messages of one export parcel (9610, 9710 or 9810) of any parties."""
    value = sum((g.total for g in goods), Decimal(0))
    waybill_no = f"ZE{order_no}"
    ebp, ebc = parties.ebp, parties.ebc

    order = _message("CEB303Message", order_no)
    head = order.order[0].order_head
    head.guid, head.appTime, head.orderNo = _guid("export-order", order_no), stamp, order_no
    head.ebpCode, head.ebpName, head.ebcCode, head.ebcName = ebp.code, ebp.name, ebc.code, ebc.name
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
    receipts.ebpCode, receipts.ebpName = ebp.code, ebp.name
    receipts.ebcCode, receipts.ebcName = ebc.code, ebc.name
    receipts.payCode, receipts.payName = parties.pay.code, parties.pay.name
    receipts.charge, receipts.accountingDate = value, stamp

    waybill = _message("CEB505Message", order_no)
    logistics = waybill.logistics[0]
    logistics.guid, logistics.appTime = _guid("export-waybill", order_no), stamp
    logistics.logisticsCode, logistics.logisticsName = (
        parties.logistics.code,
        parties.logistics.name,
    )
    logistics.logisticsNo, logistics.grossWeight = waybill_no, terms.weight
    logistics.goodsInfo = "、".join(g.name for g in goods)[:200]

    inventory = _message("CEB603Message", order_no)
    ih = inventory.inventory[0].inventory_head
    ih.guid, ih.appTime, ih.orderNo, ih.copNo = (
        _guid("export-inventory", order_no),
        stamp,
        order_no,
        f"E{order_no}",
    )
    ih.ebpCode, ih.ebpName, ih.ebcCode, ih.ebcName = ebp.code, ebp.name, ebc.code, ebc.name
    ih.ownerCode, ih.ownerName = ebc.code, ebc.name
    ih.agentCode, ih.agentName = parties.agent.code, parties.agent.name
    ih.logisticsCode, ih.logisticsName, ih.logisticsNo = (
        parties.logistics.code,
        parties.logistics.name,
        waybill_no,
    )
    ih.customsCode = ih.portCode = ZHENGZHOU_CUSTOMS
    ih.ieDate, ih.trafMode, ih.country = stamp[:8], terms.traf_mode, terms.country
    ih.tradeMode = terms.trade_mode
    ih.POD, ih.fCurrency, ih.iCurrency, ih.wrapType = terms.port, "142", "142", "2"
    ih.grossWeight, ih.netWeight = (
        terms.weight,
        (terms.weight * Decimal("0.944")).quantize(Decimal("0.1")),
    )
    inventory.inventory[0].inventory_list = _inventory_lines("CEB603Message", goods)
    for line in inventory.inventory[0].inventory_list:
        line.barCode, line.country = "无", "142"  # no bar code; made in China
    return order, collection, waybill, inventory
