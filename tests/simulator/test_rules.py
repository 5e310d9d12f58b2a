"""The simulator's own rules, each with a passing and a failing case."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from opencbec.demo import sets
from opencbec.simulator import rules
from tests.factories.clearance import BRAKES, STAMP
from tests.simulator.conftest import import_messages

Mutation = Callable[[tuple[Any, ...]], None]


def _codes(messages: tuple[Any, ...]) -> list[str]:
    order, payment, waybill, inventory = (
        messages[0].order[0],
        messages[1].payment[0],
        messages[2].logistics[0],
        messages[3].inventory[0],
    )
    return [f.code for f in rules.check_import(order, payment, waybill, inventory)]


def _set(obj: Any, attr: str, value: Any) -> None:
    setattr(obj, attr, value)


def _oh(m: tuple[Any, ...]) -> Any:
    return m[0].order[0].order_head


def _ih(m: tuple[Any, ...]) -> Any:
    return m[3].inventory[0].inventory_head


CASES: list[tuple[str, Mutation]] = [
    ("1301", lambda m: _set(_oh(m), "acturalPaid", _oh(m).acturalPaid + 1)),
    ("1302", lambda m: _set(m[0].order[0].order_list[0], "totalPrice", Decimal(1))),
    ("1303", lambda m: _set(_oh(m), "goodsValue", _oh(m).goodsValue + 1)),
    ("1401", lambda m: _set(m[1].payment[0].payment_head, "amountPaid", Decimal(1))),
    ("1402", lambda m: _set(m[1].payment[0].payment_head, "payerName", "王五")),
    ("1403", lambda m: _set(_oh(m), "payTransactionId", "OTHER")),
    ("1403", lambda m: _set(_oh(m), "payCode", "OTHER")),
    ("1501", lambda m: _set(m[2].logistics[0].logistics_head, "consignee", "王五")),
    ("1601", lambda m: _set(_ih(m), "ebcCode", "OTHER")),
    ("1602", lambda m: _set(_ih(m), "logisticsNo", "OTHER")),
    ("1603", lambda m: _set(m[3].inventory[0].inventory_list[0], "price", Decimal(1))),
    ("1604", lambda m: m[3].inventory[0].inventory_list.pop()),
]


def test_a_consistent_set_has_no_fault() -> None:
    assert _codes(import_messages("RULE0001")) == []


@pytest.mark.parametrize(("code", "mutate"), CASES)
def test_each_import_rule_fails_on_its_fault(code: str, mutate: Mutation) -> None:
    assert code in _codes(import_messages("RULE0002", mutate=mutate))


def test_optional_payment_references_are_checked_only_when_given() -> None:
    def drop(m: tuple[Any, ...]) -> None:
        _oh(m).payCode = _oh(m).payTransactionId = None

    assert _codes(import_messages("RULE0003", mutate=drop)) == []


def test_limits() -> None:
    five, over = Decimal(5000), Decimal("5000.01")
    assert rules.limit_faults(five, one_item=False, used=Decimal(21000)) == []
    assert [f.code for f in rules.limit_faults(over, one_item=False, used=Decimal(0))] == [
        "-621005"
    ]
    assert rules.limit_faults(over, one_item=True, used=Decimal(0)) == []
    assert [f.code for f in rules.limit_faults(five, one_item=True, used=Decimal("21000.01"))] == [
        "-621018"
    ]


def test_return_info_stays_within_1000_characters() -> None:
    fault = rules.Fault("1", "x" * 600, "某" * 10, ("order",))
    text = rules.return_info([fault, fault])
    assert len(text) == 1000
    assert text.endswith("…")
    assert rules.return_info([fault]) == fault.text()


def test_tax_shares_freight_and_insurance_and_uses_the_default_rate() -> None:
    inventory = import_messages("RULE0004")[3].inventory[0]
    inventory.inventory_head.freight, inventory.inventory_head.insuredFee = Decimal(10), Decimal(1)
    inventory.inventory_list[1].gcode = "9999999999"  # not in the table: 13% VAT
    lines = rules.tax_lines(inventory, rules.load_rates(), full=False)
    assert [x.price for x in lines] == [Decimal("542.89"), Decimal("324.11")]
    assert sum((x.price for x in lines), Decimal(0)) == Decimal(536 + 320 + 11)
    assert lines[1].vat == Decimal("29.49")


def test_export_rules() -> None:
    def parts(m: tuple[Any, ...]) -> list[str]:
        args = (m[0].order[0], m[1].receipts[0], m[2].logistics[0], m[3].inventory[0])
        return [f.code for f in rules.check_export(*args)]

    ok = sets.export_set("RULEEX01", goods=[BRAKES], stamp=STAMP)
    assert parts(ok) == []
    broken = sets.export_set("RULEEX02", goods=[BRAKES], stamp=STAMP)
    broken[0].order[0].order_head.ebcCode = "OTHER"
    broken[0].order[0].order_head.goodsValue += 1
    broken[0].order[0].order_list[0].totalPrice += 1
    broken[1].receipts[0].ebpCode = "OTHER"
    broken[2].logistics[0].logisticsNo = "OTHER"
    assert sorted(set(parts(broken))) == ["2302", "2401", "2501", "2601", "2604"]


def test_summary_groups_by_producer_only_with_flag_2() -> None:
    inventory = sets.export_set("RULEEX03", goods=[BRAKES], stamp=STAMP)[3].inventory[0]
    assert sets.DEMO_EBC not in rules.summary_group(inventory, "1")[1:]
    assert rules.summary_group(inventory, "2")[1] == sets.DEMO_EBC
