"""CBEC retail import tax: worked examples by hand, limits, rate dating, rounding, properties."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opencbec.clearance import rules as clearance_rules
from opencbec.messages.ceb.models import imp_inventory, imp_order
from opencbec.tax.rules import (
    ANNUAL_LIMIT,
    SINGLE_LIMIT,
    TAX_REASONS,
    ImportTax,
    MissingRate,
    RateTable,
    Regime,
    TaxLine,
    TaxRate,
    allocate_taxable_prices,
    check_order_tax,
    check_tax_total,
    compute_import_tax,
    regime_for,
    tax_lines_of,
)

D = Decimal
ON = date(2026, 11, 27)
MILK = "1901101000"  # infant formula: VAT 13 %, no consumption tax, tariff 15 %
CREAM = "3304990099"  # skin cream: VAT 13 %, consumption tax 15 %, tariff 5 %
RATES = RateTable(
    [
        TaxRate(MILK, vat=D("0.13"), consumption=D("0"), tariff=D("0.15"), effective_from=date(2019, 4, 1)),
        TaxRate(CREAM, vat=D("0.13"), consumption=D("0.15"), tariff=D("0.05"), effective_from=date(2019, 4, 1)),
    ]
)  # fmt: skip
NOTHING = D("0")


def tax(*lines: tuple[str, str, str], year_to_date: Decimal = NOTHING) -> ImportTax:
    """Return the tax of lines given as (code, qty, taxable price)."""
    return compute_import_tax(
        [TaxLine(n, code, D(qty), D(price)) for n, (code, qty, price) in enumerate(lines, 1)],
        RATES,
        on=ON,
        year_to_date=year_to_date,
    )


def amounts(result: ImportTax) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    return result.tariff, result.vat, result.consumption, result.total


def test_within_limits_without_consumption_tax() -> None:
    # 1,000.00 x 13 % x 70 % = 91.00 (comprehensive rate 9.1 %); tariff 0 within limits.
    result = tax((MILK, "2", "1000.00"))
    assert result.regime is Regime.WITHIN_LIMITS
    assert amounts(result) == (D("0"), D("91.00"), D("0.00"), D("91.00"))


def test_within_limits_with_consumption_tax() -> None:
    # base = 1,000.00 / (1 - 0.15) = 1,176.470588...
    # CT  = 1,176.470588 x 0.15 x 0.7 = 123.529411... -> 123.53
    # VAT = 1,176.470588 x 0.13 x 0.7 = 107.058823... -> 107.06
    # total 230.59 = 1,000.00 x (0.13 + 0.15) / 0.85 x 0.7 = 230.588... rounded
    result = tax((CREAM, "1", "1000.00"))
    assert amounts(result) == (D("0"), D("107.06"), D("123.53"), D("230.59"))


def test_at_exactly_five_thousand_the_order_is_within_limits() -> None:
    # milk 3,000.00 x 0.091 = 273.00
    # cream 2,000.00 / 0.85 = 2,352.941176...; CT x 0.105 = 247.058823 -> 247.06;
    #                                           VAT x 0.091 = 214.117647 -> 214.12
    # total 273.00 + 247.06 + 214.12 = 734.18
    result = tax((MILK, "1", "3000.00"), (CREAM, "1", "2000.00"))
    assert result.regime is Regime.WITHIN_LIMITS
    assert result.value == D("5000.00")
    assert amounts(result) == (D("0"), D("487.12"), D("247.06"), D("734.18"))
    assert [line.total for line in result.lines] == [D("273.00"), D("461.18")]


def test_one_cent_over_with_two_lines_is_not_eligible() -> None:
    result = tax((MILK, "1", "3000.01"), (CREAM, "1", "2000.00"))
    assert result.regime is Regime.NOT_ELIGIBLE


def test_a_single_item_over_five_thousand_pays_full_duty_with_consumption_tax() -> None:
    # tariff = 5,000.01 x 0.05 = 250.0005 -> 250.00
    # base = (5,000.01 + 250.0005) / 0.85 = 6,176.482941...
    # CT  = 6,176.482941 x 0.15 = 926.472441... -> 926.47
    # VAT = 6,176.482941 x 0.13 = 802.942782... -> 802.94
    # total 250.00 + 926.47 + 802.94 = 1,979.41
    result = tax((CREAM, "1", "5000.01"))
    assert result.regime is Regime.SINGLE_ITEM_FULL
    assert amounts(result) == (D("250.00"), D("802.94"), D("926.47"), D("1979.41"))


def test_a_single_item_over_five_thousand_pays_full_duty_without_consumption_tax() -> None:
    # tariff = 5,000.01 x 0.15 = 750.0015 -> 750.00
    # VAT = (5,000.01 + 750.0015) x 0.13 = 747.501495 -> 747.50; total 1,497.50
    result = tax((MILK, "1", "5000.01"))
    assert amounts(result) == (D("750.00"), D("747.50"), D("0.00"), D("1497.50"))


def test_two_units_over_five_thousand_are_not_a_single_item() -> None:
    assert tax((MILK, "2", "5000.01")).regime is Regime.NOT_ELIGIBLE


@pytest.mark.parametrize(
    ("year_to_date", "lines", "regime"),
    [
        # 21,000.00 + 5,000.00 = 26,000.00: on the annual line, still within.
        (D("21000.00"), (("1", "3000.00"), ("1", "2000.00")), Regime.WITHIN_LIMITS),
        # 21,000.01 + 5,000.00 = 26,000.01: over.
        (D("21000.01"), (("1", "3000.00"), ("1", "2000.00")), Regime.NOT_ELIGIBLE),
        # 20,999.99 + 5,000.01 = 26,000.00: the single item still comes in, in full.
        (D("20999.99"), (("1", "5000.01"),), Regime.SINGLE_ITEM_FULL),
        # 21,000.00 + 5,000.01 = 26,000.01: over.
        (D("21000.00"), (("1", "5000.01"),), Regime.NOT_ELIGIBLE),
        # a small order after the year is used up
        (D("26000.00"), (("1", "0.01"),), Regime.NOT_ELIGIBLE),
    ],
)
def test_across_the_annual_line(
    year_to_date: Decimal, lines: tuple[tuple[str, str], ...], regime: Regime
) -> None:
    result = tax(*((MILK, q, p) for q, p in lines), year_to_date=year_to_date)
    assert result.regime is regime


def test_a_set_over_the_limits_shows_full_duty_figures() -> None:
    # Not eligible, but the full-duty figures are shown: 3,000.01 x 0.15 = 450.0015 -> 450.00;
    # VAT (3,000.01 + 450.0015) x 0.13 = 448.501495 -> 448.50
    result = tax((MILK, "1", "3000.01"), year_to_date=D("25000"))
    assert result.regime is Regime.NOT_ELIGIBLE
    assert amounts(result) == (D("450.00"), D("448.50"), D("0.00"), D("898.50"))


def test_each_line_is_rounded_before_the_sum() -> None:
    # Each line: 0.05 x 0.091 = 0.00455 -> 0.00; the order as a whole (0.0091) would round to 0.01.
    assert tax((MILK, "1", "0.05"), (MILK, "1", "0.05")).total == D("0.00")
    # Half up at the cent: 5.00 x 0.091 = 0.455 -> 0.46
    assert tax((MILK, "1", "5.00")).vat == D("0.46")


def test_rates_are_effective_dated_and_fall_back_to_the_tariff_line() -> None:
    table = RateTable(
        [
            TaxRate("33049900", D("0.13"), D("0.15"), D("0.05"), date(2019, 4, 1)),
            TaxRate("33049900", D("0.16"), D("0.15"), D("0.05"), date(2019, 1, 1)),
            TaxRate(CREAM, D("0.13"), D("0.15"), D("0.01"), date(2024, 1, 1)),
        ]
    )
    assert table.rate_for("3304990011", date(2018, 12, 31)) is None
    found = table.rate_for("3304990011", date(2019, 3, 31))
    assert found is not None
    assert found.vat == D("0.16")
    found = table.rate_for("3304990011", date(2019, 4, 1))
    assert found is not None
    assert found.vat == D("0.13")
    found = table.rate_for(CREAM, date(2023, 12, 31))
    assert found is not None
    assert found.code == "33049900"
    found = table.rate_for(CREAM, date(2024, 1, 1))
    assert found is not None
    assert found.tariff == D("0.01")


def test_a_code_without_a_rate_is_refused_in_both_languages() -> None:
    with pytest.raises(MissingRate) as caught:
        tax(("8471300000", "1", "100.00"))
    (error,) = caught.value.errors
    assert error.field == "lines[gnum=1]/code"
    assert "8471300000" in error.reason.zh
    assert caught.value.status == 422


@pytest.mark.parametrize("name", ["vat", "consumption", "tariff"])
@pytest.mark.parametrize("value", [D("-0.01"), D("1")])
def test_a_rate_must_be_a_fraction(name: str, value: Decimal) -> None:
    rates = {"vat": D("0.13"), "consumption": D("0"), "tariff": D("0")} | {name: value}
    with pytest.raises(ValueError, match=name):
        TaxRate(MILK, effective_from=ON, **rates)


def test_freight_and_insurance_are_shared_by_value() -> None:
    # 10.00 + 0.01 = 10.01; line 1: 10.01 x 300 / 400 = 7.5075 -> 7.51; line 2 takes the rest 2.50
    lines = allocate_taxable_prices(
        [(1, MILK, D("1"), D("300.00")), (2, CREAM, D("1"), D("100.00"))],
        freight=D("10.00"),
        insured_fee=D("0.01"),
    )
    assert [line.taxable_price for line in lines] == [D("307.51"), D("102.50")]
    gifts = allocate_taxable_prices(
        [(1, MILK, D("1"), D("0")), (2, MILK, D("1"), D("0"))], freight=D("8"), insured_fee=D("0")
    )
    assert [line.taxable_price for line in gifts] == [D("0"), D("8")]


def decoded_pair(tax_total: Decimal) -> tuple[imp_order.Order, imp_inventory.Inventory]:
    """Return an order and its inventory as the codec decodes them (only the fields tax reads)."""
    order = imp_order.Order(imp_order.OrderHead(taxTotal=tax_total))
    inventory = imp_inventory.Inventory(
        imp_inventory.InventoryHead(freight=D("10.00"), insuredFee=D("0")),
        [
            imp_inventory.InventoryList(gnum=1, gcode=MILK, qty=D("2"), totalPrice=D("536.00")),
            imp_inventory.InventoryList(gnum=2, gcode=CREAM, qty=D("1"), totalPrice=D("399.00")),
        ],
    )
    return order, inventory


def test_the_tax_of_a_decoded_order_and_inventory() -> None:
    # freight 10.00 shared by value: 10.00 x 536 / 935 = 5.7326 -> 5.73; cream takes 4.27
    # milk 541.73 x 0.091 = 49.29743 -> 49.30
    # cream 403.27 / 0.85 = 474.435294; CT x 0.105 = 49.815705 -> 49.82; VAT x 0.091 = 43.173611 -> 43.17
    # total 49.30 + 49.82 + 43.17 = 142.29
    order, inventory = decoded_pair(D("142.29"))
    assert [line.taxable_price for line in tax_lines_of(inventory)] == [D("541.73"), D("403.27")]
    assert check_order_tax(order, inventory, RATES, on=ON, year_to_date=NOTHING) == ()
    order, inventory = decoded_pair(D("142.30"))
    (wrong,) = check_order_tax(order, inventory, RATES, on=ON, year_to_date=NOTHING)
    assert wrong.code == "TAX_TOTAL_MISMATCH"
    order.order_head = None
    inventory.inventory_head = None
    # Without heads: no freight, no declared tax: 536.00 x 0.091 = 48.776 -> 48.78, and so on.
    assert [
        f.code for f in check_order_tax(order, inventory, RATES, on=ON, year_to_date=NOTHING)
    ] == ["TAX_TOTAL_MISMATCH"]


def test_the_order_tax_total_is_checked() -> None:
    computed = tax((CREAM, "1", "1000.00"))  # 230.59
    assert check_tax_total(D("230.59"), computed) == ()
    assert check_tax_total(D("230.59000"), computed) == ()
    (wrong,) = check_tax_total(D("230.60"), computed)
    assert wrong.code == "TAX_TOTAL_MISMATCH"
    assert wrong.field == "CEB311/OrderHead/taxTotal"
    assert wrong.fix == TAX_REASONS["TAX_TOTAL_MISMATCH"]
    assert check_tax_total(D("230.60"), computed, tolerance=D("0.01")) == ()
    assert check_tax_total(None, tax((MILK, "1", "0.05"))) == ()


def test_an_order_over_the_limits_fails_the_tax_check() -> None:
    computed = tax((MILK, "2", "5000.01"))
    got = check_tax_total(computed.total, computed)
    assert [f.code for f in got] == ["TAX_NOT_ELIGIBLE"]


def test_regimes_at_the_edges() -> None:
    assert regime_for(D("5000"), single_item=False, year_to_date=D(0)) is Regime.WITHIN_LIMITS
    assert regime_for(D("5000.01"), single_item=True, year_to_date=D(0)) is Regime.SINGLE_ITEM_FULL


def test_the_limits_agree_with_the_clearance_check() -> None:
    assert (D("5000"), D("26000")) == (SINGLE_LIMIT, ANNUAL_LIMIT)
    assert (clearance_rules.SINGLE_LIMIT, clearance_rules.ANNUAL_LIMIT) == (
        SINGLE_LIMIT,
        ANNUAL_LIMIT,
    )


CJK = re.compile("[\u4e00-\u9fff]")


@pytest.mark.parametrize("code", sorted(TAX_REASONS))
def test_every_tax_reason_has_both_languages_and_a_failing_case(code: str) -> None:
    fix = TAX_REASONS[code]
    assert fix.en.strip()
    assert not CJK.search(fix.en)
    assert CJK.search(fix.zh)
    breakers = {
        "TAX_TOTAL_MISMATCH": lambda: check_tax_total(D("1"), tax((MILK, "1", "100.00"))),
        "TAX_NOT_ELIGIBLE": lambda: check_tax_total(D("0"), tax((MILK, "2", "5000.01"))),
    }
    assert code in [f.code for f in breakers[code]()]


prices = st.decimals(min_value=D("0.00"), max_value=D("30000"), places=2)


@settings(max_examples=200, deadline=None)
@given(
    prices,
    prices,
    st.sampled_from([MILK, CREAM]),
    st.decimals(min_value=0, max_value=26000, places=2),
)
def test_tax_is_never_negative_and_grows_with_the_price(
    a: Decimal, b: Decimal, code: str, year_to_date: Decimal
) -> None:
    low, high = sorted((a, b))
    first = tax((code, "1", str(low)), year_to_date=year_to_date)
    second = tax((code, "1", str(high)), year_to_date=year_to_date)
    for result in (first, second):
        assert min(result.tariff, result.vat, result.consumption) >= 0
    assert first.total <= second.total


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=D("0.01"), max_value=D("5000"), places=2))
def test_within_limits_the_total_is_the_comprehensive_rate_to_the_cent(price: Decimal) -> None:
    # Each of VAT and CT is rounded separately, so the sum is within a cent of the formula.
    formula = price * (D("0.13") + D("0.15")) / D("0.85") * D("0.7")
    assert abs(tax((CREAM, "1", str(price))).total - formula) <= D("0.01")
