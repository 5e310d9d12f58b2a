"""Clearance factories: complete order sets as the CEB XML a sender would upload."""

from __future__ import annotations

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


def import_set_xml(
    order_no: str, *, mutate: Callable[[tuple[Any, ...]], None] | None = None
) -> list[bytes]:
    """Return the four messages of a bonded import parcel the seller declares itself.

    `mutate` may change the message objects before they are encoded (to break the set).
    """
    messages = sets.import_set(
        order_no,
        buyer=BUYER,
        goods=[FORMULA, CREAM],
        vat=Decimal("0.13"),
        stamp=STAMP,
        agent_code=sets.DEMO_EBC,
    )
    if mutate is not None:
        mutate(messages)
    return [encode(m) for m in messages]


def export_set_xml(order_no: str) -> list[bytes]:
    """Return the four messages of a China–Europe rail export parcel."""
    return [encode(m) for m in sets.export_set(order_no, goods=[BRAKES], stamp=STAMP)]
