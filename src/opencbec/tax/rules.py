"""CBEC retail import tax (跨境电商零售进口税收): rates, regimes, the per-line computation.

domain-rules.md §3(a) (Caiguanshui [2016] No. 18, [2018] No. 49):
- limits: CNY 5,000 per transaction, CNY 26,000 per person per year;
- within limits: tariff 0, import VAT and consumption tax at 70 % of the statutory amount, i.e.
  tax = taxable price x (VAT + CT) / (1 - CT) x 70 %;
- above the single limit but within the annual one, with a single item in the order: tariff,
  VAT and CT in full, counted toward the annual total;
- beyond that, the goods cannot come in as CBEC retail (general trade applies).

Consumption tax is ad valorem only here; specific (per-unit) consumption tax is out of scope.
"""

from __future__ import annotations

import hashlib
import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Final

from opencbec.errors import DomainError, FieldError, InvalidInput
from opencbec.kit.i18n import Bilingual
from opencbec.messages.ceb.models.imp_inventory import Inventory
from opencbec.messages.ceb.models.imp_order import Order
from opencbec.messages.ceb.rules import id_number_valid

CENT: Final = Decimal("0.01")
ZERO: Final = Decimal(0)
ONE: Final = Decimal(1)
# The same figures as clearance.rules.SINGLE_LIMIT / ANNUAL_LIMIT; tests/tax checks they agree.
SINGLE_LIMIT: Final = Decimal("5000")
ANNUAL_LIMIT: Final = Decimal("26000")
WITHIN_LIMITS_SHARE: Final = Decimal("0.7")


def round_cent(value: Decimal) -> Decimal:
    """Return `value` rounded half up to 0.01 CNY."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class TaxRate:
    """Statutory rates of one commodity code from a date: fractions, 0.13 for 13 %."""

    code: str
    vat: Decimal
    consumption: Decimal
    tariff: Decimal
    effective_from: date

    def __post_init__(self) -> None:
        for name in ("vat", "consumption", "tariff"):
            value = getattr(self, name)
            if not ZERO <= value < ONE:
                raise ValueError(f"{name} rate must be a fraction in [0, 1), not {value}")


class RateTable:
    """Rates by commodity code, effective-dated; a 10-digit code falls back to its 8-digit line."""

    def __init__(self, rates: Iterable[TaxRate]) -> None:
        self._by_code: dict[str, list[TaxRate]] = {}
        for rate in rates:
            self._by_code.setdefault(rate.code, []).append(rate)
        for versions in self._by_code.values():
            versions.sort(key=lambda r: r.effective_from)

    def rate_for(self, code: str, on: date) -> TaxRate | None:
        """Return the rate of `code` in force on `on`: the latest that started on or before it."""
        for candidate in (code, code[:8]):
            found = [r for r in self._by_code.get(candidate, ()) if r.effective_from <= on]
            if found:
                return found[-1]
        return None


class Regime(StrEnum):
    """How a transaction is taxed."""

    WITHIN_LIMITS = "within_limits"  # tariff 0, VAT and CT at 70 %
    SINGLE_ITEM_FULL = "single_item_full"  # one item over 5,000: tariff, VAT and CT in full
    NOT_ELIGIBLE = "not_eligible"  # over the limits: cannot clear as CBEC retail


def regime_for(value: Decimal, *, single_item: bool, year_to_date: Decimal) -> Regime:
    """Return the regime of a transaction of taxable `value` for a buyer with `year_to_date`."""
    if year_to_date + value > ANNUAL_LIMIT:
        return Regime.NOT_ELIGIBLE
    if value <= SINGLE_LIMIT:
        return Regime.WITHIN_LIMITS
    return Regime.SINGLE_ITEM_FULL if single_item else Regime.NOT_ELIGIBLE


@dataclass(frozen=True, slots=True)
class TaxLine:
    """One goods line to tax: its commodity code, quantity and taxable price (CIF, CNY)."""

    gnum: int
    code: str
    qty: Decimal
    taxable_price: Decimal


@dataclass(frozen=True, slots=True)
class LineTax:
    """The taxes of one line, each rounded half up to 0.01 CNY."""

    gnum: int
    rate: TaxRate
    taxable_price: Decimal
    tariff: Decimal
    vat: Decimal
    consumption: Decimal

    @property
    def total(self) -> Decimal:
        """Return the line's tariff + VAT + consumption tax."""
        return self.tariff + self.vat + self.consumption


@dataclass(frozen=True, slots=True)
class ImportTax:
    """The taxes of one transaction: per line, and the totals as sums of the rounded lines."""

    regime: Regime
    value: Decimal
    lines: tuple[LineTax, ...]

    @property
    def tariff(self) -> Decimal:
        """Return the total tariff."""
        return sum((line.tariff for line in self.lines), ZERO)

    @property
    def vat(self) -> Decimal:
        """Return the total import VAT."""
        return sum((line.vat for line in self.lines), ZERO)

    @property
    def consumption(self) -> Decimal:
        """Return the total consumption tax."""
        return sum((line.consumption for line in self.lines), ZERO)

    @property
    def total(self) -> Decimal:
        """Return tariff + VAT + consumption tax."""
        return sum((line.total for line in self.lines), ZERO)


class MissingRate(DomainError):
    """No rate is in force for a commodity code on the date."""

    def __init__(self, gnum: int, code: str, on: date) -> None:
        reason = Bilingual(
            f"no tax rate for {code} on {on.isoformat()}",
            f"{on.isoformat()} 无 {code} 的税率",
        )
        super().__init__(
            Bilingual(
                "A commodity code has no tax rate on this date; add the rate first.",
                "有商品编码在该日期无税率，请先维护税率。",
            ),
            [FieldError(f"lines[gnum={gnum}]/code", reason, "missing_rate")],
            "missing_rate",
            422,
        )


def _line_tax(line: TaxLine, rate: TaxRate, regime: Regime) -> LineTax:
    price = line.taxable_price
    if regime is Regime.WITHIN_LIMITS:
        tariff, share = ZERO, WITHIN_LIMITS_SHARE
    else:
        # Full duty: the single-item case, and the figures shown for a set that is not eligible.
        tariff, share = price * rate.tariff, ONE
    # CT is levied on the CT-inclusive price: (price + tariff) / (1 - CT); VAT on that same base.
    base = (price + tariff) / (ONE - rate.consumption)
    return LineTax(
        gnum=line.gnum,
        rate=rate,
        taxable_price=price,
        tariff=round_cent(tariff),
        vat=round_cent(base * rate.vat * share),
        consumption=round_cent(base * rate.consumption * share),
    )


def compute_import_tax(
    lines: Sequence[TaxLine], rates: RateTable, *, on: date, year_to_date: Decimal
) -> ImportTax:
    """Return the tariff, VAT and consumption tax of a CBEC retail import, per line and in total.

    Each tax of each line is computed exactly and rounded half up to 0.01 CNY; the totals are the
    sums of those rounded line amounts. The regime follows from the sum of the taxable prices,
    the buyer's `year_to_date` and whether the order is a single item (one line of quantity 1).
    Raises MissingRate when a line's code has no rate on `on`.
    """
    value = sum((line.taxable_price for line in lines), ZERO)
    single = len(lines) == 1 and lines[0].qty == ONE
    regime = regime_for(value, single_item=single, year_to_date=year_to_date)
    out: list[LineTax] = []
    for line in lines:
        rate = rates.rate_for(line.code, on)
        if rate is None:
            raise MissingRate(line.gnum, line.code, on)
        out.append(_line_tax(line, rate, regime))
    return ImportTax(regime, value, tuple(out))


def allocate_taxable_prices(
    lines: Sequence[tuple[int, str, Decimal, Decimal]], *, freight: Decimal, insured_fee: Decimal
) -> tuple[TaxLine, ...]:
    """Return tax lines from (gnum, code, qty, totalPrice), sharing freight and insurance by value.

    The taxable price includes freight and insurance (domain-rules §3(a) [I]); customs does not
    publish how they are shared among lines, so we share them in proportion to the line totals,
    each share rounded to the cent and the rounding remainder put on the last line.
    """
    extra = freight + insured_fee
    goods = sum((total for *_, total in lines), ZERO)
    out: list[TaxLine] = []
    given = ZERO
    for index, (gnum, code, qty, total) in enumerate(lines):
        if index == len(lines) - 1:
            share = extra - given
        else:
            share = round_cent(extra * total / goods) if goods else ZERO
        given += share
        out.append(TaxLine(gnum, code, qty, total + share))
    return tuple(out)


def tax_lines_of(inventory: Inventory) -> tuple[TaxLine, ...]:
    """Return the tax lines of a decoded import inventory (清单): its goods, freight and insurance."""
    head = inventory.inventory_head
    freight = (head.freight if head else None) or ZERO
    insured = (head.insuredFee if head else None) or ZERO
    lines = [
        (line.gnum or 0, (line.gcode or "").strip(), line.qty or ZERO, line.totalPrice or ZERO)
        for line in inventory.inventory_list
    ]
    return allocate_taxable_prices(lines, freight=freight, insured_fee=insured)


@dataclass(frozen=True, slots=True)
class TaxFailure:
    """A failed tax rule: stable code, the field at fault and the fix in both languages."""

    code: str
    field: str
    detail: Bilingual
    fix: Bilingual


TAX_REASONS: Final[Mapping[str, Bilingual]] = {
    "TAX_TOTAL_MISMATCH": Bilingual(
        "Set the order's taxTotal to the tax computed from the lines and the rates in force.",
        "请将订单的代扣税款设为按商品项和现行税率计算的税额。",
    ),
    "TAX_NOT_ELIGIBLE": Bilingual(
        "The order is over the CBEC limits; it cannot clear as CBEC retail.",
        "订单超出跨境电商零售进口限值，不能按跨境电商零售进口通关。",
    ),
}


def check_tax_total(
    declared: Decimal | None, computed: ImportTax, *, tolerance: Decimal = ZERO
) -> tuple[TaxFailure, ...]:
    """Return the failures of an order's taxTotal against the computed tax.

    Compared exact to the cent by default (both sides rounded half up to 0.01 CNY); a sender that
    rounds the comprehensive rate once per order may differ by a cent per line, which `tolerance`
    can allow where customs is seen to accept it.
    """
    out: list[TaxFailure] = []
    if computed.regime is Regime.NOT_ELIGIBLE:
        out.append(
            TaxFailure(
                "TAX_NOT_ELIGIBLE",
                "CEB311/OrderHead/goodsValue",
                Bilingual(
                    f"taxable value {computed.value} is over the limits",
                    f"完税价格 {computed.value} 超出限值",
                ),
                TAX_REASONS["TAX_NOT_ELIGIBLE"],
            )
        )
    declared_cents = round_cent(declared if declared is not None else ZERO)
    if abs(declared_cents - round_cent(computed.total)) > tolerance:
        out.append(
            TaxFailure(
                "TAX_TOTAL_MISMATCH",
                "CEB311/OrderHead/taxTotal",
                Bilingual(
                    f"taxTotal = {declared}, computed {computed.total}",
                    f"代扣税款 = {declared}，计算应为 {computed.total}",
                ),
                TAX_REASONS["TAX_TOTAL_MISMATCH"],
            )
        )
    return tuple(out)


def check_order_tax(
    order: Order,
    inventory: Inventory,
    rates: RateTable,
    *,
    on: date,
    year_to_date: Decimal,
    tolerance: Decimal = ZERO,
) -> tuple[TaxFailure, ...]:
    """Return the failures of a decoded order's taxTotal against the tax of its inventory."""
    computed = compute_import_tax(tax_lines_of(inventory), rates, on=on, year_to_date=year_to_date)
    declared = order.order_head.taxTotal if order.order_head else None
    return check_tax_total(declared, computed, tolerance=tolerance)


# --- the consumer quota check (公民个人跨境电商年度交易额度查询) ----------------------------------

# Separators people and systems put inside names: spaces, the middle dots of transliterated
# names (阿卜杜·热合曼), full stops of initials. They do not make a name different.
_NAME_SEPARATORS: Final = frozenset(" \t\u00b7\u2022\u30fb\u2027.")
NAME_MAX: Final = 60  # buyerName is C..60


def normalise_name(name: str) -> str:
    """Return the form a buyer name is compared in: NFKC, case-folded, without separators."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return "".join(c for c in folded if c not in _NAME_SEPARATORS and not c.isspace())


def name_hash(name: str) -> str:
    """Return how the ledger knows a buyer name: the SHA-256 of its normalised form."""
    return hashlib.sha256(normalise_name(name).encode()).hexdigest()


def check_lookup(id_number: str, name: str) -> tuple[str, str]:
    """Return the ID number (upper case) and name of a quota lookup, or name every field at fault.

    The ID is the 18-character resident identity number of GB 11643: 17 digits and a check
    character (a digit or X) computed by ISO 7064 MOD 11-2.
    """
    number = id_number.strip().upper()
    person = " ".join(name.split())
    errors: list[FieldError] = []
    if len(number) != 18:
        errors.append(
            FieldError(
                "id_number",
                Bilingual(
                    f"the ID number has 18 characters, not {len(number)}",
                    f"身份证号码应为 18 位，实为 {len(number)} 位",
                ),
                "id_length",
            )
        )
    elif not (number[:17].isascii() and number[:17].isdigit() and number[17] in "0123456789X"):
        errors.append(
            FieldError(
                "id_number",
                Bilingual(
                    "the ID number is 17 digits and a last character that is a digit or X",
                    "身份证号码应为 17 位数字加 1 位校验码（数字或 X）",
                ),
                "id_format",
            )
        )
    elif not id_number_valid(number):
        errors.append(
            FieldError(
                "id_number",
                Bilingual(
                    "the last character of the ID number does not match the others: check for a typing error",
                    "身份证号码校验码不符，请检查是否输错",
                ),
                "id_check",
            )
        )
    if not person:
        errors.append(FieldError("name", Bilingual("enter your name", "请输入姓名"), "required"))
    elif len(person) > NAME_MAX:
        errors.append(
            FieldError(
                "name",
                Bilingual(
                    f"the name has at most {NAME_MAX} characters",
                    f"姓名最多 {NAME_MAX} 个字符",
                ),
                "too_long",
            )
        )
    elif not any(c.isalpha() for c in person) or any(
        unicodedata.category(c).startswith("C") for c in person
    ):
        errors.append(
            FieldError(
                "name",
                Bilingual(
                    "enter the name as on your ID card, in letters",
                    "请按身份证填写姓名",
                ),
                "name_format",
            )
        )
    if errors:
        raise InvalidInput(
            errors,
            Bilingual(
                "Check the ID number and name you entered.", "请检查输入的身份证号码和姓名。"
            ),
        )
    return number, person


def retry_after(
    times: Sequence[datetime], *, limit: int, window: timedelta, now: datetime
) -> int | None:
    """Return the seconds until one more try fits `limit` tries per `window`, or None if it fits now."""
    recent = sorted(t for t in times if t > now - window)
    if len(recent) < limit:
        return None
    frees_at = recent[len(recent) - limit] + window
    return max(1, math.ceil((frees_at - now).total_seconds()))
