"""Money as exact Decimal: parsing, limits and the strict pydantic type used by every API.

CEB messages carry amounts as N19,5: up to 14 integer digits and 5 decimals. We keep that
precision everywhere and refuse anything finer instead of rounding it away silently.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

SCALE = 5
MAX_INTEGER_DIGITS = 14
QUANTUM = Decimal(1).scaleb(-SCALE)
LIMIT = Decimal(10) ** MAX_INTEGER_DIGITS


class MoneyError(ValueError):
    """A value that cannot be an amount of money; `reason_en` and `reason_zh` say why."""

    def __init__(self, reason_en: str, reason_zh: str) -> None:
        super().__init__(reason_en)
        self.reason_en = reason_en
        self.reason_zh = reason_zh


def parse_money(value: object) -> Decimal:
    """Return `value` as an exact Decimal amount, or raise MoneyError naming the reason.

    Accepted: Decimal, int, and strings such as "12.50". Floats are refused because they are
    already inexact by the time we see them.
    """
    if isinstance(value, bool | float):
        raise MoneyError(
            'an amount must be given as a decimal string such as "12.50", not a binary float',
            '金额必须以十进制字符串给出（如 "12.50"），不能是浮点数',
        )
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, str):
        text = value.strip()
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise MoneyError(
                f"{value!r} is not a decimal number", f"{value!r} 不是有效的十进制数"
            ) from None
    else:
        raise MoneyError(
            f"an amount must be a decimal string, not {type(value).__name__}",
            f"金额必须是十进制字符串，而不是 {type(value).__name__}",
        )
    if not amount.is_finite():
        raise MoneyError("an amount must be a finite number", "金额必须是有限数值")
    exponent = amount.as_tuple().exponent
    assert isinstance(exponent, int)
    if exponent < -SCALE and amount != amount.quantize(QUANTUM):
        raise MoneyError(f"at most {SCALE} decimal places are allowed", f"最多允许 {SCALE} 位小数")
    if abs(amount) >= LIMIT:
        raise MoneyError(
            f"at most {MAX_INTEGER_DIGITS} integer digits are allowed",
            f"整数部分最多 {MAX_INTEGER_DIGITS} 位",
        )
    return amount.quantize(QUANTUM) if exponent < -SCALE else amount


def to_minor_units(amount: Decimal) -> int:
    """Return `amount` scaled to an integer count of 10^-5 units (exact)."""
    return int(parse_money(amount).scaleb(SCALE))


def from_minor_units(units: int) -> Decimal:
    """Return the Decimal amount for an integer count of 10^-5 units."""
    return Decimal(units).scaleb(-SCALE).quantize(QUANTUM)


def _validate(value: Any) -> Decimal:
    try:
        return parse_money(value)
    except MoneyError as exc:
        raise ValueError(f"{exc.reason_en} / {exc.reason_zh}") from None


Money = Annotated[
    Decimal,
    BeforeValidator(_validate),
    PlainSerializer(lambda d: format(d, "f"), return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^-?\d{1,14}(\.\d{1,5})?$",
            "description": "Exact decimal amount as a string, at most 14 integer digits and 5 decimals.",
            "examples": ["1280.50"],
        }
    ),
]
"""Strict money type for API schemas: decimal strings in, decimal strings out."""


def stored_amount(value: object) -> Decimal:
    """Return an amount read back from a stored message; missing or malformed counts as zero.

    For read-side sums over documents that were checked when they arrived: one bad value must
    not take a whole page down.
    """
    if value is None:
        return Decimal(0)
    try:
        return parse_money(value)
    except MoneyError:
        return Decimal(0)


def lines_total(lines: object, field: str = "totalPrice") -> Decimal:
    """Return the sum of `field` over a stored message's goods lines (see stored_amount)."""
    if not isinstance(lines, list):
        return Decimal(0)
    return sum(
        (stored_amount(line.get(field)) for line in lines if isinstance(line, dict)), Decimal(0)
    )


def shown_amount(value: Decimal) -> str:
    """Return an amount as home-page figures show it: thousands separated, two decimals."""
    return f"{value:,.2f}"
