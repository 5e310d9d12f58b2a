"""Pre-flight check of retail exports: 订单 CEB303, 收款单 CEB403, 运单 CEB505, 清单 CEB603.

Export documents carry fewer shared fields than import ones: the waybill names no order, so it
joins its set through the inventory's logisticsCode/logisticsNo. The sums checked are the ones
the export fields define (line total = qty x price, goodsValue = sum of lines, order lines =
inventory lines). The collection's `charge` is not compared with the order: the spec defines it
only as "the order transaction amount of the payment enterprise" (CEB403 field 13), without saying
whether freight is included, so a rule here would be a guess.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from opencbec.clearance.rules import (
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
    not_approved,
)
from opencbec.messages.ceb.models.exp_inventory import Inventory
from opencbec.messages.ceb.models.exp_logistics import Logistics
from opencbec.messages.ceb.models.exp_order import Order
from opencbec.messages.ceb.models.exp_receipts import Receipts

ORDER: Final = "CEB303"
COLLECTION: Final = "CEB403"
WAYBILL: Final = "CEB505"
INVENTORY: Final = "CEB603"
_NAMES: Final = {
    ORDER: "ORDER",
    COLLECTION: "COLLECTION",
    WAYBILL: "WAYBILL",
    INVENTORY: "INVENTORY",
}
_KEY_MISSING: Final = "EXP_KEY_MISSING"
_HEAD: Final = {ORDER: "OrderHead", COLLECTION: "Receipts", INVENTORY: "InventoryHead"}


@dataclass(slots=True)
class ExportSet:
    """The four documents of one export order; `order_no` is '' for a waybill found alone."""

    ebp_code: str
    order_no: str
    order: Order | None = None
    collection: Receipts | None = None
    waybill: Logistics | None = None
    inventory: Inventory | None = None

    def missing(self) -> tuple[str, ...]:
        """Return the message types not (yet) in the set."""
        present = (
            (ORDER, self.order),
            (COLLECTION, self.collection),
            (WAYBILL, self.waybill),
            (INVENTORY, self.inventory),
        )
        return tuple(kind for kind, doc in present if doc is None)


@dataclass(frozen=True, slots=True)
class ExportMatch:
    """Sets found in a batch, and the batch-level failures."""

    sets: tuple[ExportSet, ...]
    failures: tuple[Failure, ...] = field(default_factory=tuple)


def _dup(code: str, doc: str, path: str, key: str) -> Failure:
    return failure(
        code, [doc], [path], f"{key} appears more than once in the batch", f"{key} 在批次中重复出现"
    )


def match_export(
    orders: Iterable[Order],
    collections: Iterable[Receipts],
    waybills: Iterable[Logistics],
    inventories: Iterable[Inventory],
) -> ExportMatch:
    """Group export documents by ebpCode + orderNo; waybills join through the inventory."""
    sets: dict[tuple[str, str], ExportSet] = {}
    failures: list[Failure] = []
    placed: list[tuple[str, str, object | None, object]] = [
        (ORDER, "order", o.order_head, o) for o in orders
    ]
    placed += [(COLLECTION, "collection", c, c) for c in collections]
    placed += [(INVENTORY, "inventory", i.inventory_head, i) for i in inventories]
    for kind, attr, head, doc in placed:
        ebp, no = keys_of(head, "ebpCode", "orderNo")
        path = f"{kind}/{_HEAD[kind]}/orderNo"
        if not (ebp and no):
            names = ("ebpCode", "orderNo")
            failures.append(keys_missing(_KEY_MISSING, f"{kind}/{_HEAD[kind]}", names, (ebp, no)))
            continue
        target = sets.setdefault((ebp, no), ExportSet(ebp, no))
        if getattr(target, attr) is not None:
            failures.append(_dup(f"EXP_DUP_{_NAMES[kind]}", kind, path, no))
        else:
            setattr(target, attr, doc)
    by_waybill = {
        keys_of(s.inventory.inventory_head, "logisticsCode", "logisticsNo"): s
        for s in reversed(list(sets.values()))
        if s.inventory is not None
    }
    seen: set[tuple[str, ...]] = set()
    path = "CEB505/Logistics/logisticsNo"
    for waybill in waybills:
        wkey = keys_of(waybill, "logisticsCode", "logisticsNo")
        if not all(wkey):
            names = ("logisticsCode", "logisticsNo")
            failures.append(keys_missing(_KEY_MISSING, "CEB505/Logistics", names, wkey))
        elif wkey in seen:
            failures.append(_dup("EXP_DUP_WAYBILL", WAYBILL, path, wkey[1]))
        else:
            seen.add(wkey)
            # A waybill no inventory names has no order to join: it stands alone, keyed by itself.
            alone = (wkey[0], f"{WAYBILL}:{wkey[1]}")
            target = by_waybill.get(wkey) or sets.setdefault(alone, ExportSet(*alone))
            target.waybill = waybill
    return ExportMatch(tuple(sets.values()), tuple(failures))


def _missing(s: ExportSet) -> list[Failure]:
    return [
        failure(
            f"EXP_MISSING_{_NAMES[kind]}",
            [kind],
            [],
            f"order {s.order_no}: no {kind} in the set",
            f"订单 {s.order_no}：缺少 {kind}",
        )
        for kind in s.missing()
    ]


def _ebc_rule(s: ExportSet) -> list[Failure]:
    codes: list[tuple[str, str]] = []
    if s.order is not None and s.order.order_head is not None:
        codes.append(("CEB303/OrderHead/ebcCode", key_text(s.order.order_head.ebcCode)))
    if s.collection is not None:
        codes.append(("CEB403/Receipts/ebcCode", key_text(s.collection.ebcCode)))
    if s.inventory is not None and s.inventory.inventory_head is not None:
        codes.append(("CEB603/InventoryHead/ebcCode", key_text(s.inventory.inventory_head.ebcCode)))
    if len({code for _, code in codes}) <= 1:
        return []
    return [
        failure(
            "EXP_ENTERPRISE_MISMATCH",
            [path.split("/", 1)[0] for path, _ in codes],
            [path for path, _ in codes],
            "ebcCode differs: " + ", ".join(f"{p} = {c}" for p, c in codes),
            "电商企业代码不一致：" + "，".join(f"{p} = {c}" for p, c in codes),
        )
    ]


def _sum_rules(s: ExportSet) -> list[Failure]:
    out: list[Failure] = []
    if s.order is not None and s.order.order_head is not None:
        out += line_total_failures("EXP_LINE_TOTAL", "CEB303/OrderList", s.order.order_list)
        out += goods_value_failure(
            "EXP_GOODS_VALUE_SUM",
            "CEB303/OrderHead",
            s.order.order_head.goodsValue,
            s.order.order_list,
        )
    if s.inventory is not None:
        lines = s.inventory.inventory_list
        out += line_total_failures("EXP_LINE_TOTAL", "CEB603/InventoryList", lines)
        if s.order is not None:
            out += lines_mismatch(
                "EXP_LINES_MISMATCH",
                "CEB303/OrderList",
                "CEB603/InventoryList",
                s.order.order_list,
                lines,
            )
    return out


def _reference_rules(s: ExportSet, reference: ReferenceLookup) -> list[Failure]:
    out: list[Failure] = []
    enterprises: list[tuple[str, str | None, tuple[EnterpriseRole, ...]]] = []
    if s.inventory is not None and s.inventory.inventory_head is not None:
        for line in s.inventory.inventory_list:
            code = key_text(line.gcode)
            if not reference.hs_in_force(code):
                out.append(
                    failure(
                        "EXP_HS_INVALID",
                        [INVENTORY],
                        [f"CEB603/InventoryList[gnum={line.gnum}]/gcode"],
                        f"{code} is not in force",
                        f"{code} 不是有效商品编码",
                    )
                )
        i = s.inventory.inventory_head
        agent_roles = (EnterpriseRole.CUSTOMS_BROKER, EnterpriseRole.ECOMMERCE_ENTERPRISE)
        enterprises += [
            ("CEB603/InventoryHead/ebcCode", i.ebcCode, (EnterpriseRole.ECOMMERCE_ENTERPRISE,)),
            ("CEB603/InventoryHead/agentCode", i.agentCode, agent_roles),
            ("CEB603/InventoryHead/logisticsCode", i.logisticsCode, (EnterpriseRole.LOGISTICS,)),
        ]
    if s.collection is not None:
        pay = ("CEB403/Receipts/payCode", s.collection.payCode, (EnterpriseRole.PAYMENT,))
        enterprises.append(pay)
    if s.order is not None and s.order.order_head is not None:
        # Foreign platforms without a code send "无" (CEB303 field 7, 2022 revision): not filed here.
        ebp = s.order.order_head.ebpCode
        if key_text(ebp) != "无":
            enterprises.append(
                ("CEB303/OrderHead/ebpCode", ebp, (EnterpriseRole.ECOMMERCE_PLATFORM,))
            )
    for path, raw, roles in enterprises:
        code = key_text(raw)
        if code and not any(reference.enterprise_approved(code, role) for role in roles):
            out.append(not_approved(path, code, roles, "EXP_ENTERPRISE_NOT_APPROVED"))
    return out


def check_export_set(
    s: ExportSet, *, reference: ReferenceLookup | None = None
) -> tuple[Failure, ...]:
    """Return every failure of one export set; reference-data rules run only with `reference`."""
    out = _missing(s) + _ebc_rule(s) + _sum_rules(s)
    if reference is not None:
        out += _reference_rules(s, reference)
    return tuple(out)
