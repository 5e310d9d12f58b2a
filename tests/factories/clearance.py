"""Clearance factories: complete order sets as the CEB XML a sender would upload."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from opencbec.demo import sets
from opencbec.messages.ceb import encode

BUYER = sets.Buyer("孙丽", "410702199203150024", "13903731234", "河南省新乡市红旗区人民东路 88 号")
FORMULA = sets.Goods("婴幼儿配方奶粉 900 g", "1901101000", "122", Decimal(2), Decimal("268.00"))
CREAM = sets.Goods("保湿面霜 50 ml", "3304990099", "007", Decimal(1), Decimal("320.00"))
BRAKES = sets.Goods("盘式制动器总成", "8708300000", "007", Decimal(4), Decimal("85.00"))
STAMP = "20261127093000"


def import_set_messages(order_no: str) -> tuple[Any, ...]:
    """Return the four message objects of a bonded import parcel the seller declares itself."""
    return sets.import_set(
        order_no,
        buyer=BUYER,
        goods=[FORMULA, CREAM],
        vat=Decimal("0.13"),
        stamp=STAMP,
        agent_code=sets.DEMO_EBC,
    )


def import_set_xml(
    order_no: str, *, mutate: Callable[[tuple[Any, ...]], None] | None = None
) -> list[bytes]:
    """Return the four messages of a bonded import parcel the seller declares itself.

    `mutate` may change the message objects before they are encoded (to break the set).
    """
    messages = import_set_messages(order_no)
    if mutate is not None:
        mutate(messages)
    return [encode(m) for m in messages]


def export_set_xml(order_no: str) -> list[bytes]:
    """Return the four messages of a China–Europe rail export parcel."""
    return [encode(m) for m in sets.export_set(order_no, goods=[BRAKES], stamp=STAMP)]


def import_set_corrections(order_no: str, *, suffix: str = "FIX") -> list[tuple[str, bytes]]:
    """Return the payment, waybill and inventory of `import_set_xml(order_no)` sent again as
    changes (appType 2, new guids): what a seller sends to mend a set broken by `_break`."""
    fixed = import_set_messages(order_no)
    out = []
    for name, message, head in (
        ("payment", fixed[1], fixed[1].payment[0].payment_head),
        ("waybill", fixed[2], fixed[2].logistics[0].logistics_head),
        ("inventory", fixed[3], fixed[3].inventory[0].inventory_head),
    ):
        head.appType = "2"
        head.guid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{order_no}/{name}/{suffix}")).upper()
        message.guid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{order_no}/{name}/{suffix}/m")).upper()
        out.append((name, encode(message)))
    return out
