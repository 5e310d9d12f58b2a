"""Our own rules: each has a failing and a passing case, with the path and both languages."""

from __future__ import annotations

import dataclasses
from decimal import Decimal, localcontext
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opencbec.messages.ceb.models import (
    exp_departure,
    exp_inventory,
    exp_order,
    imp_inventory,
    imp_logistics,
    imp_order,
    imp_payment,
)
from opencbec.messages.ceb.rules import check_decimal, date_ok
from opencbec.messages.ceb.skeleton import skeleton
from opencbec.messages.ceb.spec import spec_of
from opencbec.messages.ceb.validate import id_number_valid, validate, xsd_folder

VALID_ID = "11010519491231002X"


def _order() -> Any:
    return skeleton(imp_order.CEB311Message)


def _paths(message: Any, *, rules: bool = True) -> list[str]:
    return [f"{i.path}: {i.reason_en}" for i in validate(message, rules=rules)]


def test_skeleton_is_valid() -> None:
    assert validate(_order()) == []


def test_the_example_of_the_issue() -> None:
    message = _order()
    message.order = [skeleton(imp_order.CEB311Message).order[0] for _ in range(3)]
    message.order[2].order_head.buyerIdNumber = VALID_ID[:17]
    [found] = validate(message)
    assert str(found) == "Order[3]/OrderHead/buyerIdNumber: 18 characters required, 17 given"
    assert found.reason_zh == "应为 18 个字符，实为 17 个"
    assert found.level == "rule"


def test_identity_check_character() -> None:
    assert id_number_valid(VALID_ID)
    assert id_number_valid(VALID_ID.lower())
    assert not id_number_valid("110105194912310021")
    assert not id_number_valid("X10105194912310021")
    message = _order()
    message.order[0].order_head.buyerIdNumber = "110105194912310021"
    assert _paths(message) == ["Order[1]/OrderHead/buyerIdNumber: the check character is wrong"]
    message.order[0].order_head.buyerIdType = "2"  # other documents: no check
    assert _paths(message) == []


def test_payer_identity_is_checked_too() -> None:
    message = skeleton(imp_payment.CEB411Message)
    message.payment[0].payment_head.payerIdNumber = "123"
    assert _paths(message) == [
        "Payment[1]/PaymentHead/payerIdNumber: 18 characters required, 3 given"
    ]


def test_required_field_missing() -> None:
    message = _order()
    message.order[0].order_head.ebpCode = None
    assert _paths(message) == ["Order[1]/OrderHead/ebpCode: is required"]


def test_required_record_missing_and_root_attribute() -> None:
    message = _order()
    message.order[0].order_head = None
    message.guid = None
    assert _paths(message) == ["@guid: is required", "Order[1]/OrderHead: is required"]


def test_exact_min_and_max_length_count_characters_not_bytes() -> None:
    message = _order()
    head = message.order[0].order_head
    head.ebpName = "电" * 100
    assert _paths(message) == []
    head.ebpName = "电" * 101
    head.orderNo = ""
    head.appTime = "2024010112000"
    assert _paths(message) == [
        "Order[1]/OrderHead/appTime: 14 characters required, 13 given",
        "Order[1]/OrderHead/orderNo: at least 1 character required, 0 given",
        "Order[1]/OrderHead/ebpName: at most 100 characters allowed, 101 given",
    ]


def test_fixed_value() -> None:
    message = _order()
    message.order[0].order_head.currency = "502"
    assert _paths(message) == ["Order[1]/OrderHead/currency: must be '142', not '502'"]


def test_characters_xml_cannot_carry() -> None:
    message = _order()
    message.order[0].order_head.note = "bad\x01"
    assert _paths(message) == ["Order[1]/OrderHead/note: contains characters XML does not allow"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12345678901234.12345", []),
        ("123456789012345.12345", ["at most 19 digits allowed, 20 given"]),
        ("1.000000000", []),
        ("0", []),
        ("-5.5", []),
        ("1.123456", ["at most 5 decimal places allowed, 6 given"]),
        ("12345678901234567890", ["at most 19 digits allowed, 20 given"]),
        ("1E+19", ["at most 19 digits allowed, 20 given"]),
        ("NaN", ["NaN is not a number"]),
        ("Infinity", ["Infinity is not a number"]),
        ("-Infinity", ["-Infinity is not a number"]),
        ("sNaN", ["sNaN is not a number"]),
        ("-0", []),
        ("0E-10", []),
        ("0E+30", []),
        ("1E-10", ["at most 5 decimal places allowed, 10 given"]),
        ("1E+13", []),
        ("5E+2", []),
        ("-99999999999999.99999", []),
        ("100000000000000", []),
        ("1.10000000", []),
        ("12345678901234.123450000", []),
        ("0.000001", ["at most 5 decimal places allowed, 6 given"]),
        ("1" + "0" * 70, ["at most 19 digits allowed, 71 given"]),
        # Beyond the default 28-digit context: counted exactly, not rounded away first.
        ("1." + "0" * 70 + "1", ["at most 5 decimal places allowed, 71 given"]),
    ],
)
def test_n19_5_decimals(value: str, expected: list[str]) -> None:
    message = _order()
    message.order[0].order_head.goodsValue = Decimal(value)
    expected_paths = [f"Order[1]/OrderHead/goodsValue: {e}" for e in expected]
    assert _paths(message, rules=False) == expected_paths


def test_decimal_checks_do_not_depend_on_the_callers_context() -> None:
    message = _order()
    head = message.order[0].order_head
    head.goodsValue = Decimal("12345678901234.12345")
    with localcontext() as context:
        context.prec = 5
        assert _paths(message, rules=False) == []
        head.goodsValue = Decimal("1.123456")
        assert _paths(message, rules=False) == [
            "Order[1]/OrderHead/goodsValue: at most 5 decimal places allowed, 6 given"
        ]


@settings(max_examples=300, deadline=None)
@given(
    st.decimals(allow_nan=True, allow_infinity=True)
    | st.builds(
        lambda n, e: Decimal(n).scaleb(e),
        st.integers(-(10**25), 10**25),
        st.integers(-12, 12),
    )
)
def test_fast_decimal_acceptance_agrees_with_the_exact_check(value: Decimal) -> None:
    # The compiled checker accepts the common case without the exact check; both must agree.
    message = _order()
    message.order[0].order_head.goodsValue = value
    fs = next(f for f in spec_of(imp_order.OrderHead).fields if f.name == "goodsValue")
    exact: list[Any] = []
    check_decimal(value, fs, "Order[1]/OrderHead/goodsValue", exact)
    assert validate(message, rules=False) == exact


def test_integer_range() -> None:
    message = skeleton(exp_inventory.CEB603Message)
    message.inventory[0].inventory_list[0].gnum = 2**31
    assert _paths(message, rules=False) == [
        f"Inventory[1]/InventoryList[1]/gnum: {2**31} is out of range"
    ]
    message = skeleton(imp_inventory.CEB622Message)
    assert _paths(message) == []


def test_nine_digit_integers() -> None:
    message = skeleton(exp_departure.CEB509Message)
    message.departure[0].departure_head.msgCount = 10**9
    assert _paths(message) == [f"Departure[1]/DepartureHead/msgCount: {10**9} is out of range"]
    message.departure[0].departure_head.msgCount = 10**9 - 1
    assert _paths(message) == []


def test_repeat_limits() -> None:
    message = _order()
    one = message.order[0]
    message.order = [one] * 101
    assert _paths(message, rules=False) == ["Order: at most 100 allowed, 101 given"]
    message.order = []
    assert _paths(message) == ["Order: at least 1 required, 0 given"]
    message = _order()
    line = message.order[0].order_list[0]
    message.order[0].order_list = [line] * 100
    assert _paths(message, rules=False) == ["Order[1]/OrderList: at most 99 allowed, 100 given"]


def test_export_allows_100_lines() -> None:
    message = skeleton(exp_order.CEB303Message)
    lines = [skeleton(exp_order.CEB303Message).order[0].order_list[0] for _ in range(100)]
    for n, line in enumerate(lines, 1):
        line.gnum = n
    message.order[0].order_list = lines
    assert _paths(message) == []


def test_line_numbers_run_from_one() -> None:
    message = _order()
    first = message.order[0].order_list[0]
    second = skeleton(imp_order.CEB311Message).order[0].order_list[0]
    message.order[0].order_list = [first, second]
    assert _paths(message) == ["Order[1]/OrderList[2]/gnum: line number 2 expected, 1 given"]
    second.gnum = 2
    assert _paths(message) == []


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("appType", "4", "'4' is not one of 1, 2, 3"),
        ("appStatus", "3", "'3' is not one of 1, 2"),
        ("orderType", "E", "'E' is not one of I"),
        ("buyerIdType", "3", "'3' is not one of 1, 2"),
        ("appTime", "20241301120000", "'20241301120000' is not a date-time yyyyMMddHHmmss"),
        ("appTime", "2024010112000A", "'2024010112000A' is not a date-time yyyyMMddHHmmss"),
        ("consigneeDistrict", "11010X", None),
    ],
)
def test_code_tables_and_dates(field: str, value: str, reason: str | None) -> None:
    message = _order()
    setattr(message.order[0].order_head, field, value)
    expected = [] if reason is None else [f"Order[1]/OrderHead/{field}: {reason}"]
    assert _paths(message) == expected
    assert _paths(message, rules=False) == []


def test_export_order_types() -> None:
    message = skeleton(exp_order.CEB303Message)
    for good in ("E", "B", "W"):
        message.order[0].order_head.orderType = good
        assert _paths(message) == []
    message.order[0].order_head.orderType = "I"
    assert _paths(message) == ["Order[1]/OrderHead/orderType: 'I' is not one of B, E, W"]


def test_three_and_four_digit_customs_codes() -> None:
    message = _order()
    message.order[0].order_list[0].country = "CHN"
    message.order[0].order_list[0].unit = "０３５"  # full-width digits are not customs codes
    assert _paths(message) == [
        "Order[1]/OrderList[1]/unit: '０３５' is not a 3-digit customs code",
        "Order[1]/OrderList[1]/country: 'CHN' is not a 3-digit customs code",
    ]
    inventory = skeleton(imp_inventory.CEB621Message)
    inventory.inventory[0].inventory_head.customsCode = "22A4"
    assert _paths(inventory) == [
        "Inventory[1]/InventoryHead/customsCode: '22A4' is not a 4-digit customs code",
        "Signature: is required",
    ]


def test_record_specific_enumerations_and_receipt_times() -> None:
    status = skeleton(imp_logistics.CEB513Message)
    status.logistics_status[0].logisticsStatus = "R"
    status.base_subscribe = [
        imp_logistics.BaseSubscribe(status="SOME", dxpMode="DXP", dxpAddress="X")
    ]
    assert _paths(status) == [
        "LogisticsStatus[1]/logisticsStatus: 'R' is not one of S",
        "BaseSubscribe[1]/status: 'SOME' is not one of ALL, DATA, RET",
    ]
    receipt = skeleton(imp_order.CEB312Message)
    receipt.order_return[0].returnTime = "20240230120000000"
    assert _paths(receipt) == [
        "OrderReturn[1]/returnTime: '20240230120000000' is not a date-time yyyyMMddHHmmssSSS"
    ]


def test_digits_of_other_scripts_are_not_dates_or_identity_numbers() -> None:
    message = skeleton(exp_inventory.CEB603Message)
    message.inventory[0].inventory_head.ieDate = "\u0662\u0660\u0662\u0664\u0660\u0661\u0660\u0661"
    assert _paths(message) == [
        "Inventory[1]/InventoryHead/ieDate: '\u0662\u0660\u0662\u0664\u0660\u0661\u0660\u0661' "
        "is not a date-time yyyyMMdd"
    ]
    # "²" passes str.isdigit() but not int(): a finding, not a crash.
    assert not id_number_valid("1101051949123100\u00b2X")
    message = _order()
    message.order[0].order_head.buyerIdNumber = "1101051949123100\u00b2X"
    assert _paths(message) == ["Order[1]/OrderHead/buyerIdNumber: the check character is wrong"]


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("20240229", True),
        ("20230229", False),
        ("00000101", False),
        ("20240101235959", True),
        ("20240101240000", False),
        ("20240101236000", False),
        ("20240101235960", False),
        ("20240101235959999", True),
        ("2024010112", True),  # a length fault, reported by the length check, not here
        ("202401", False),
        ("2024-01-01", False),
    ],
)
def test_dates_and_times(value: str, ok: bool) -> None:
    assert date_ok(value) is ok


def test_date_table_agrees_with_the_calendar() -> None:
    # The usual lengths are checked by table; every month and day, around every kind of year.
    from datetime import datetime

    def calendar_ok(value: str) -> bool:
        try:
            datetime(int(value[:4]), int(value[4:6]), int(value[6:8]))
        except ValueError:
            return False
        return True

    years = ["0000", "0001", "0004", "0100", "0400", "1900", "2000", "2023", "2024", "9999"]
    for year in years:
        for month_day in range(10000):
            value = f"{year}{month_day:04d}"
            assert date_ok(value) is calendar_ok(value), value
    for hour in range(100):
        value = f"20240101{hour:02d}{hour:02d}{hour:02d}"
        assert date_ok(value) is (hour < 24 and hour < 60), value
        assert date_ok(value + "999") is date_ok(value)


def test_decimal_facets_without_a_fraction_take_the_exact_check() -> None:
    from opencbec.messages.ceb.compiled import quantizer

    fs = next(f for f in spec_of(imp_order.OrderHead).fields if f.name == "goodsValue")
    assert quantizer(fs) is not None
    assert quantizer(dataclasses.replace(fs, fraction_digits=None)) is None


def test_eight_digit_dates() -> None:
    message = skeleton(exp_inventory.CEB603Message)
    message.inventory[0].inventory_head.ieDate = "20240231"
    assert _paths(message) == [
        "Inventory[1]/InventoryHead/ieDate: '20240231' is not a date-time yyyyMMdd"
    ]


def test_validate_refuses_non_roots() -> None:
    with pytest.raises(TypeError, match="not a message root"):
        validate(imp_order.OrderHead())


def test_xsd_folder_comes_from_the_argument_or_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OPENCBEC_CEB_XSD_DIR", raising=False)
    assert xsd_folder(None) is None
    assert str(xsd_folder("/x")) == "/x"
    monkeypatch.setenv("OPENCBEC_CEB_XSD_DIR", "/from/env")
    assert str(xsd_folder(None)) == "/from/env"
    assert str(xsd_folder("/x")) == "/x"


def test_wrong_python_types_are_findings_not_crashes() -> None:
    message = _order()
    head = message.order[0].order_head
    head.freight = "0"
    head.orderNo = 7
    message.order[0].order_list[0].gnum = "1"
    head.goodsValue = 5  # an int is an exact decimal: accepted
    assert _paths(message) == [
        "Order[1]/OrderHead/orderNo: must be text, not int",
        "Order[1]/OrderHead/freight: must be a Decimal, not str",
        "Order[1]/OrderList[1]/gnum: must be an integer, not str",
    ]
    head.buyerIdNumber = None
    assert "Order[1]/OrderHead/buyerIdNumber: is required" in _paths(message)


def test_model_validation_with_the_official_xsd(tmp_path: Any) -> None:
    from .conftest import CONFORMANCE

    if not CONFORMANCE.is_dir():
        pytest.skip("official CEB conformance set not found")
    message = _order()
    assert validate(message, xsd_dir=CONFORMANCE / "xsd") == []
    message.order[0].order_head.currency = "502"
    # Our own finding is enough; the XSD is only consulted for a model we consider valid.
    assert [i.code for i in validate(message, xsd_dir=CONFORMANCE / "xsd")] == ["fixed"]


def test_actural_paid_is_goods_plus_freight_plus_tax_minus_discount() -> None:
    message = _order()
    head = message.order[0].order_head
    head.goodsValue, head.freight, head.taxTotal = Decimal("100.50"), Decimal(10), Decimal("9.1")
    head.discount, head.acturalPaid = Decimal(20), Decimal("99.6")
    assert _paths(message) == []
    head.acturalPaid = Decimal("99.61")
    [found] = validate(message)
    assert str(found) == (
        "Order[1]/OrderHead/acturalPaid: must be goodsValue + freight + taxTotal - discount"
        " = 99.60, not 99.61"
    )
    assert found.level == "rule"
    assert _paths(message, rules=False) == []
