"""Code tables as data: what each table holds, and the pure checks of an edition's rows.

A table edition arrives as UTF-8 CSV with a header row naming the columns below (any order).
Every problem is reported with its row and column, in zh-CN and en, before anything is applied.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Final, Literal

from stdnum import ean

from opencbec.errors import FieldError
from opencbec.kit.i18n import N_, Bilingual
from opencbec.kit.money import MoneyError, parse_money

MAX_ROWS: Final = 200_000
MAX_BYTES: Final = 20 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a code table."""

    name: str
    pattern: str | None = None
    form_en: str = ""
    form_zh: str = ""
    required: bool = True
    max_length: int = 500
    kind: Literal["text", "bool", "rate"] = "text"

    def check(self, raw: str) -> tuple[Any, Bilingual | None]:
        """Return the parsed value of `raw`, or why it is wrong."""
        value = raw.strip()
        if not value:
            return None, (Bilingual("is required", "必填") if self.required else None)
        if len(value) > self.max_length:
            return None, Bilingual(
                f"at most {self.max_length} characters, {len(value)} given",
                f"最多 {self.max_length} 个字符，实际 {len(value)} 个",
            )
        if self.kind == "bool":
            return _check_bool(value)
        if self.kind == "rate":
            return _check_rate(value)
        if self.pattern and not re.fullmatch(self.pattern, value):
            return None, Bilingual(f"must be {self.form_en}", f"必须是{self.form_zh}")
        return value, None


def _check_bool(value: str) -> tuple[Any, Bilingual | None]:
    if value not in {"0", "1"}:
        return None, Bilingual("must be 0 or 1", "必须是 0 或 1")
    return value == "1", None


def _check_rate(value: str) -> tuple[Any, Bilingual | None]:
    try:
        rate = Decimal(value)
    except InvalidOperation:
        return None, Bilingual(
            "must be a percentage such as 13 or 9.5", "必须是百分比，如 13 或 9.5"
        )
    if not rate.is_finite() or not Decimal(0) <= rate <= Decimal(100):
        return None, Bilingual("must be between 0 and 100", "必须在 0 到 100 之间")
    return format(rate, "f"), None


@dataclass(frozen=True, slots=True)
class TableSpec:
    """A code table: its columns, which column is the code, and which give the names."""

    name: str
    label: str
    key: str
    columns: tuple[Column, ...]
    name_zh: str
    name_en: str

    @property
    def column_names(self) -> tuple[str, ...]:
        """Return the column names in their documented order."""
        return tuple(c.name for c in self.columns)


def _digits(n: int) -> tuple[str, str, str]:
    return rf"\d{{{n}}}", f"{n} digits", f"{n} 位数字"


def _col(name: str, n: int, *, required: bool = True) -> Column:
    pattern, en, zh = _digits(n)
    return Column(name, pattern, en, zh, required)


NAME_ZH = Column("name_zh", max_length=200)
NAME_EN = Column("name_en", max_length=200)

TABLES: Final[Mapping[str, TableSpec]] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "country",
            N_("Countries and regions (customs codes)"),
            "code",
            (
                _col("code", 3),
                Column("iso2", r"[A-Z]{2}", "2 capital letters", "2 位大写字母"),
                Column("iso3", r"[A-Z]{3}", "3 capital letters", "3 位大写字母"),
                NAME_ZH,
                NAME_EN,
            ),
            "name_zh",
            "name_en",
        ),
        TableSpec(
            "currency",
            N_("Currencies (customs codes)"),
            "code",
            (
                _col("code", 3),
                Column("iso4217", r"[A-Z]{3}", "3 capital letters", "3 位大写字母"),
                NAME_ZH,
                NAME_EN,
            ),
            "name_zh",
            "name_en",
        ),
        TableSpec(
            "unit",
            N_("Units of measure"),
            "code",
            (_col("code", 3), NAME_ZH, NAME_EN),
            "name_zh",
            "name_en",
        ),
        TableSpec(
            "transport_mode",
            N_("Transport modes"),
            "code",
            (
                Column("code", r"[0-9A-Z]", "one digit or capital letter", "一位数字或大写字母"),
                NAME_ZH,
                NAME_EN,
            ),
            "name_zh",
            "name_en",
        ),
        TableSpec(
            "supervision_mode",
            N_("Supervision modes"),
            "code",
            (
                _col("code", 4),
                NAME_ZH,
                NAME_EN,
                Column(
                    "direction",
                    r"import|export|both",
                    "import, export or both",
                    "import、export 或 both",
                ),
            ),
            "name_zh",
            "name_en",
        ),
        TableSpec(
            "customs_office",
            N_("Customs offices"),
            "code",
            (_col("code", 4), NAME_ZH, NAME_EN),
            "name_zh",
            "name_en",
        ),
        TableSpec(
            "hs",
            N_("HS 2022 nomenclature"),
            "hscode",
            # The data set's tree root is the row TOTAL (level 5); chapter 99 sits in section TOTAL.
            (
                Column(
                    "section", r"[IVX]{1,5}|TOTAL", "a Roman numeral or TOTAL", "罗马数字或 TOTAL"
                ),
                Column(
                    "hscode", r"\d{2}|\d{4}|\d{6}|TOTAL", "2, 4 or 6 digits", "2、4 或 6 位数字"
                ),
                Column("description", max_length=500),
                Column(
                    "parent",
                    r"TOTAL|\d{2}|\d{4}",
                    "TOTAL or the 2- or 4-digit parent",
                    "TOTAL 或 2、4 位上级编码",
                ),
                Column("level", r"[2456]", "2, 4 or 6 (5 for TOTAL)", "2、4 或 6（TOTAL 为 5）"),
            ),
            "description",
            "description",
        ),
        TableSpec(
            "cn_code",
            N_("China 10-digit commodity codes"),
            "code",
            (
                _col("code", 10),
                NAME_ZH,
                NAME_EN,
                _col("unit1", 3),
                _col("unit2", 3, required=False),
            ),
            "name_zh",
            "name_en",
        ),
        TableSpec(
            "positive_list",
            N_("CBEC retail import positive list"),
            "code",
            (
                Column("code", r"\d{8}|\d{10}", "8 or 10 digits", "8 或 10 位数字"),
                NAME_ZH,
                Column("bonded_only", kind="bool"),
                Column("quantity_limit", required=False, max_length=200),
                Column("name_restriction", required=False, max_length=200),
                Column("note", required=False),
            ),
            "name_zh",
            "name_zh",
        ),
        TableSpec(
            "tax_rate",
            N_("Import tax rates"),
            "code",
            (
                Column("code", r"\d{8}|\d{10}", "8 or 10 digits", "8 或 10 位数字"),
                NAME_ZH,
                Column("vat", kind="rate"),
                Column("consumption", kind="rate"),
                Column("tariff", kind="rate"),
            ),
            "name_zh",
            "name_zh",
        ),
        TableSpec(
            "refund_rate",
            N_("Export tax refund rates"),
            "code",
            (_col("code", 10), NAME_ZH, Column("rate", kind="rate")),
            "name_zh",
            "name_zh",
        ),
    )
}


def table_spec(name: str) -> TableSpec | None:
    """Return the spec of table `name`, if there is one."""
    return TABLES.get(name)


@dataclass
class ParsedEdition:
    """The rows of an edition keyed by code, or the problems that stop it."""

    rows: dict[str, dict[str, Any]]
    errors: list[FieldError]


def _error(field: str, en: str, zh: str) -> FieldError:
    return FieldError(field, Bilingual(en, zh))


def _header_problem(spec: TableSpec, header: list[str]) -> FieldError | None:
    if not header:
        return _error("file", "the file is empty", "文件为空")
    missing = [c.name for c in spec.columns if c.required and c.name not in header]
    unknown = [h for h in header if h not in spec.column_names]
    if not missing and not unknown and len(set(header)) == len(header):
        return None
    return _error(
        "header",
        f"columns must be {', '.join(spec.column_names)}; missing: {', '.join(missing) or '-'}; "
        f"unknown: {', '.join(unknown) or '-'}",
        f"列应为 {', '.join(spec.column_names)}；缺少：{', '.join(missing) or '-'}；"
        f"多余：{', '.join(unknown) or '-'}",
    )


def _decode(content: bytes) -> tuple[str | None, FieldError | None]:
    if len(content) > MAX_BYTES:
        return None, _error("file", f"larger than {MAX_BYTES} bytes", f"文件超过 {MAX_BYTES} 字节")
    try:
        return content.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        return None, _error(
            "file", f"not UTF-8 (byte {exc.start})", f"不是 UTF-8 编码（第 {exc.start} 字节）"
        )


def _parse_row(
    spec: TableSpec, line: int, record: Mapping[str | None, Any], out: ParsedEdition
) -> None:
    if None in record:
        out.errors.append(_error(f"row {line}", "has more cells than the header", "单元格多于表头"))
        return
    row: dict[str, Any] = {}
    for column in spec.columns:
        value, problem = column.check(record.get(column.name) or "")
        if problem:
            out.errors.append(FieldError(f"row {line}/{column.name}", problem))
        elif value is not None:
            row[column.name] = value
    code = row.get(spec.key)
    if code is None:
        return
    if code in out.rows:
        out.errors.append(
            _error(f"row {line}/{spec.key}", f"code {code} appears twice", f"编码 {code} 重复出现")
        )
        return
    out.rows[code] = row


def parse_edition(spec: TableSpec, content: bytes, *, max_errors: int = 200) -> ParsedEdition:
    """Parse and check a CSV edition of `spec`; every problem names its row and column."""
    out = ParsedEdition({}, [])
    text, problem = _decode(content)
    if problem is not None or text is None:
        out.errors.append(problem or _error("file", "unreadable", "无法读取"))
        return out
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    if header_problem := _header_problem(spec, header):
        out.errors.append(header_problem)
        return out
    reader.fieldnames = header
    for line, record in enumerate(reader, start=2):
        if len(out.errors) >= max_errors:
            break
        if line - 1 > MAX_ROWS:
            out.errors.append(_error("file", f"more than {MAX_ROWS} rows", f"超过 {MAX_ROWS} 行"))
            break
        _parse_row(spec, line, record, out)
    if not out.rows and not out.errors:
        out.errors.append(
            _error("file", "the file has a header but no rows", "文件只有表头，没有数据行")
        )
    return out


@dataclass(frozen=True, slots=True)
class Change:
    """One code whose content differs between two editions."""

    code: str
    before: Mapping[str, Any]
    after: Mapping[str, Any]

    @property
    def fields(self) -> list[str]:
        """Return the names of the columns that differ."""
        return sorted(
            k for k in set(self.before) | set(self.after) if self.before.get(k) != self.after.get(k)
        )


@dataclass
class EditionDiff:
    """What a new edition adds, removes and changes against the rows in force."""

    added: list[str]
    removed: list[str]
    changed: list[Change]

    @property
    def is_empty(self) -> bool:
        """True when the new edition changes nothing."""
        return not (self.added or self.removed or self.changed)


def diff_editions(
    current: Mapping[str, Mapping[str, Any]], new: Mapping[str, Mapping[str, Any]]
) -> EditionDiff:
    """Compare the rows in force with a new edition, by code."""
    added = sorted(set(new) - set(current))
    removed = sorted(set(current) - set(new))
    changed = [
        Change(code, current[code], new[code])
        for code in sorted(set(current) & set(new))
        if dict(current[code]) != dict(new[code])
    ]
    return EditionDiff(added, removed, changed)


# --- filed products (商品备案) -------------------------------------------------------------

PRODUCT_FIELDS: Final = (
    "item_no",
    "direction",
    "supervision_mode",
    "name_zh",
    "name_en",
    "brand",
    "model_spec",
    "declared_elements",
    "hs_code",
    "unit",
    "origin_country",
    "price",
    "currency",
    "barcode",
)
MODES_BY_DIRECTION: Final[Mapping[str, frozenset[str]]] = {
    "import": frozenset({"9610", "1210", "1239"}),
    "export": frozenset({"9610", "9710", "9810", "1210"}),
}
_PRODUCT_TEXT: Final = (
    (
        "item_no",
        r"[A-Za-z0-9._-]{1,30}",
        "1 to 30 letters, digits, '.', '_' or '-'",
        "1 至 30 位字母、数字或 . _ -",
    ),
    ("hs_code", r"\d{10}", "10 digits", "10 位数字"),
    ("unit", r"\d{3}", "a 3-digit unit code", "3 位计量单位代码"),
    ("origin_country", r"\d{3}", "a 3-digit customs country code", "3 位海关国别代码"),
    ("currency", r"\d{3}", "a 3-digit customs currency code", "3 位海关币制代码"),
)
_PRODUCT_LENGTHS: Final = (
    ("name_zh", 1, 250),
    ("name_en", 1, 250),
    ("brand", 1, 100),
    ("model_spec", 1, 255),
    ("declared_elements", 0, 500),
)


def check_product(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    """Return a product's cleaned fields and every problem that needs no database to find."""
    clean: dict[str, Any] = {name: str(data.get(name) or "").strip() for name in PRODUCT_FIELDS}
    errors: list[FieldError] = []
    for name, pattern, en, zh in _PRODUCT_TEXT:
        if not re.fullmatch(pattern, clean[name]):
            errors.append(_error(name, f"must be {en}", f"必须是{zh}"))
    for name, low, high in _PRODUCT_LENGTHS:
        if not low <= len(clean[name]) <= high:
            errors.append(
                _error(name, f"{low} to {high} characters required", f"需要 {low} 至 {high} 个字符")
            )
    modes = MODES_BY_DIRECTION.get(clean["direction"])
    if modes is None:
        errors.append(_error("direction", "must be import or export", "必须是 import 或 export"))
    elif clean["supervision_mode"] not in modes:
        errors.append(
            _error(
                "supervision_mode",
                f"for {clean['direction']} use one of {', '.join(sorted(modes))}",
                f"{clean['direction']} 方向只能使用 {', '.join(sorted(modes))}",
            )
        )
    try:
        price = parse_money(clean["price"])
        if price <= 0:
            errors.append(_error("price", "must be more than zero", "必须大于零"))
        clean["price"] = price
    except MoneyError as exc:
        errors.append(FieldError("price", Bilingual(exc.reason_en, exc.reason_zh)))
    if clean["barcode"]:
        if not ean.is_valid(clean["barcode"]) or len(clean["barcode"]) not in {8, 12, 13, 14}:
            errors.append(
                _error(
                    "barcode",
                    "not a valid GTIN (8, 12, 13 or 14 digits with its check digit)",
                    "不是有效的商品条码（8、12、13 或 14 位，含校验位）",
                )
            )
    else:
        clean["barcode"] = None
    return clean, errors


def brand_key(brand: str) -> str:
    """Return the form brands are compared in: case-folded, without spaces and punctuation."""
    return re.sub(r"[\s\W_]+", "", brand.casefold())
