"""Returns (退货, CEB625) and cancellations (撤销, CEB623) of import inventories, as rates by
seller and by goods (10-digit code): what market supervision watches for quality and
consumer complaints. Aggregates only, never a buyer.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from opencbec.clearance.models import ClearanceDocument
from opencbec.errors import Forbidden
from opencbec.identity.rules import Principal, regulator_may_read

RELEASED: Final = frozenset({"800", "899"})
NOT_SENT: Final = "0"
# A seller or goods whose returns and cancellations pass this share of its released parcels
# (with at least ATTENTION_MIN of them) needs a look.
ATTENTION_SHARE: Final = Decimal("0.10")
ATTENTION_MIN: Final = 1


@dataclass(frozen=True, slots=True)
class Rates:
    """Released inventories and the returns and cancellations asked for them."""

    key: str  # seller code or goods code
    name: str
    released: int
    returns: int
    cancellations: int

    @property
    def rate(self) -> Decimal:
        """Returns and cancellations per released inventory (0 with none released)."""
        if not self.released:
            return Decimal(0)
        return (Decimal(self.returns + self.cancellations) / self.released).quantize(
            Decimal("0.0001")
        )

    @property
    def needs_attention(self) -> bool:
        """True when the rate passes ATTENTION_SHARE (and there are enough of them)."""
        return self.returns + self.cancellations >= ATTENTION_MIN and self.rate > ATTENTION_SHARE


@dataclass(frozen=True, slots=True)
class ReturnRates:
    """The zone's rates by seller and by goods."""

    by_seller: list[Rates]
    by_goods: list[Rates]

    @property
    def returns(self) -> int:
        """Returns asked in the zone."""
        return sum(r.returns for r in self.by_seller)

    @property
    def cancellations(self) -> int:
        """Cancellations asked in the zone."""
        return sum(r.cancellations for r in self.by_seller)


def sees_returns(principal: Principal) -> bool:
    """True for the zone administration and the departments entitled to goods records."""
    return principal.is_zone_admin or regulator_may_read(principal, "goods.returns")


def require_reader(principal: Principal) -> None:
    """Refuse (403) a caller who may not see the rates."""
    if not sees_returns(principal):
        raise Forbidden()


def _count(counter: Counter[str], names: dict[str, str], key: str, name: str) -> None:
    counter[key] += 1
    names.setdefault(key, name)


def _field(*path: str) -> Any:
    return ClearanceDocument.content[path].as_string()


def _goods_lines(lines: object) -> list[tuple[str, str]]:
    if not isinstance(lines, list):
        return []
    return [
        (str(line.get("gcode") or ""), str(line.get("gname") or ""))
        for line in lines
        if isinstance(line, dict)
    ]


def return_rates(session: Session) -> ReturnRates:
    """Return the rates by seller and by goods, the highest first.

    Reads the fields it counts by (each kind's seller, numbers and goods lines), not the whole
    content of the documents.
    """
    names: dict[str, str] = {}
    goods_names: dict[str, str] = {}
    released: Counter[str] = Counter()
    released_goods: Counter[str] = Counter()
    lines_of: dict[str, list[tuple[str, str]]] = {}
    sent = ClearanceDocument.status != NOT_SENT
    inventories = session.execute(
        select(
            ClearanceDocument.status,
            ClearanceDocument.invt_no,
            ClearanceDocument.order_no,
            _field("inventory_head", "ebcCode"),
            _field("inventory_head", "ebcName"),
            ClearanceDocument.content["inventory_list"],
        ).where(ClearanceDocument.kind == "inventory", sent)
    )
    for status, invt_no, order_no, seller, seller_name, inventory_list in inventories:
        lines = _goods_lines(inventory_list)
        for key in (invt_no, order_no):  # a cancellation names either
            if key:
                lines_of[str(key)] = lines
        if status in RELEASED:
            _count(released, names, str(seller or ""), str(seller_name or ""))
            for code, name in lines:
                _count(released_goods, goods_names, code, name)
    returned: Counter[str] = Counter()
    returned_goods: Counter[str] = Counter()
    returns = session.execute(
        select(
            _field("invt_refund_head", "ebcCode"),
            _field("invt_refund_head", "ebcName"),
            ClearanceDocument.content["invt_refund_list"],
        ).where(ClearanceDocument.kind == "return", sent)
    )
    for seller, seller_name, refund_list in returns:
        _count(returned, names, str(seller or ""), str(seller_name or ""))
        for code, name in _goods_lines(refund_list):
            _count(returned_goods, goods_names, code, name)
    cancellations: Counter[str] = Counter()
    cancelled_goods: Counter[str] = Counter()
    cancelled = session.execute(
        select(_field("ebcCode"), _field("ebcName"), _field("invtNo"), _field("orderNo")).where(
            ClearanceDocument.kind == "cancellation", sent
        )
    )
    for seller, seller_name, invt, order in cancelled:
        _count(cancellations, names, str(seller or ""), str(seller_name or ""))
        for code, gname in lines_of.get(str(invt or "")) or lines_of.get(str(order or "")) or []:
            _count(cancelled_goods, goods_names, code, gname)
    by_seller = _rates(names, released, returned, cancellations)
    by_goods = _rates(goods_names, released_goods, returned_goods, cancelled_goods)
    return ReturnRates(by_seller, by_goods)


def _rates(
    names: dict[str, str], released: Counter[str], returns: Counter[str], cancels: Counter[str]
) -> list[Rates]:
    keys = set(released) | set(returns) | set(cancels)
    out = [Rates(k, names.get(k, ""), released[k], returns[k], cancels[k]) for k in keys if k]
    out.sort(key=lambda r: (-r.rate, -(r.returns + r.cancellations), r.key))
    return out
