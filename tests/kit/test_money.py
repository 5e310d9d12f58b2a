"""Money parsing and the strict API money type, with hostile inputs."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from opencbec.kit.money import (
    Money,
    MoneyError,
    from_minor_units,
    lines_total,
    parse_money,
    shown_amount,
    stored_amount,
    to_minor_units,
)


class Priced(BaseModel):
    amount: Money


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12.50", Decimal("12.50")),
        (" 7 ", Decimal(7)),
        (3, Decimal(3)),
        (Decimal("0.00001"), Decimal("0.00001")),
        ("1.230000", Decimal("1.23000")),
    ],
)
def test_accepted(value: object, expected: Decimal) -> None:
    assert parse_money(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (0.1, "float"),
        (True, "float"),
        ("abc", "not a decimal"),
        ("NaN", "finite"),
        ("Infinity", "finite"),
        ("1e400", "integer digits"),
        ("0.000001", "decimal places"),
        ("1" * 15, "integer digits"),
        ([1], "list"),
        ("", "not a decimal"),
        ("1,000.00", "not a decimal"),
    ],
)
def test_refused(value: object, reason: str) -> None:
    with pytest.raises(MoneyError, match=reason) as exc:
        parse_money(value)
    assert exc.value.reason_zh


@given(
    st.decimals(
        min_value=Decimal("-99999999999999.99999"),
        max_value=Decimal("99999999999999.99999"),
        places=5,
    )
)
def test_minor_units_round_trip(amount: Decimal) -> None:
    assert from_minor_units(to_minor_units(amount)) == amount


def test_api_type_takes_strings_and_gives_strings() -> None:
    model = Priced.model_validate_json('{"amount": "1280.50"}')
    assert model.amount == Decimal("1280.50")
    assert model.model_dump_json() == '{"amount":"1280.50"}'
    with pytest.raises(ValidationError, match="float"):
        Priced.model_validate_json('{"amount": 1280.5}')
    with pytest.raises(ValidationError, match="小数"):
        Priced.model_validate({"amount": "0.0000001"})
    schema = Priced.model_json_schema()
    assert schema["properties"]["amount"]["type"] == "string"


@pytest.mark.parametrize(
    ("stored", "amount"),
    [
        ("12.50", Decimal("12.50")),
        (Decimal("3"), Decimal("3")),
        (None, Decimal(0)),
        ("", Decimal(0)),
        ("twelve", Decimal(0)),
        ("NaN", Decimal(0)),
        ("Infinity", Decimal(0)),
        ("1e400", Decimal(0)),
        (1.5, Decimal(0)),
        (True, Decimal(0)),
        ([], Decimal(0)),
        ("0.000001", Decimal(0)),
    ],
)
def test_a_stored_amount_reads_back_or_counts_as_zero(stored: object, amount: Decimal) -> None:
    assert stored_amount(stored) == amount


def test_lines_total_sums_the_field_of_every_line_and_skips_the_malformed() -> None:
    lines = [
        {"totalPrice": "10.50"},
        {"totalPrice": "x"},
        "not a line",
        {"qty": "2"},
        {"totalPrice": 4},
    ]
    assert lines_total(lines) == Decimal("14.50")
    assert lines_total([{"qty": "2"}, {"qty": "3"}], "qty") == 5
    assert lines_total(None) == 0
    assert lines_total({"totalPrice": "1"}) == 0


def test_figures_show_amounts_with_thousands_and_two_decimals() -> None:
    assert shown_amount(Decimal("1875353.8")) == "1,875,353.80"
    assert shown_amount(Decimal("320.00000")) == "320.00"
    assert shown_amount(Decimal(0)) == "0.00"
