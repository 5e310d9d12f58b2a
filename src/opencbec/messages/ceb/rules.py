"""Our validation rules, one function per kind of fault; the compiled checkers call these."""

from __future__ import annotations

import calendar
import operator
import re
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from opencbec.messages.ceb.errors import CebIssue, issue
from opencbec.messages.ceb.spec import FieldSpec

# XML 1.0 forbids these code points; lxml refuses to write them, so catch them as a finding.
BAD_CHARS: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ID_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK: Final = "10X98765432"

# Small code tables of the spec (§9.1); keyed by element name, import/export where they differ.
_ENUMS: Final[dict[str, frozenset[str]]] = {
    "appType": frozenset({"1", "2", "3"}),
    "appStatus": frozenset({"1", "2"}),
    "ieFlag": frozenset({"I", "E"}),
    "buyerIdType": frozenset({"1", "2"}),
    "payerIdType": frozenset({"1", "2"}),
    "statisticsFlag": frozenset({"A", "B"}),
    "fFlag": frozenset({"1", "2", "3"}),
    "iFlag": frozenset({"1", "2", "3"}),
    "summaryFlag": frozenset({"1", "2"}),
    "itemNameFlag": frozenset({"1", ""}),
    "dxpMode": frozenset({"DXP"}),
}
_ORDER_TYPES: Final = {"import": frozenset({"I"}), "export": frozenset({"E", "B", "W"})}
_RECORD_ENUMS: Final[dict[tuple[str, str], frozenset[str]]] = {
    ("BaseSubscribe", "status"): frozenset({"ALL", "DATA", "RET"}),
    ("TaxHeadRd", "status"): frozenset({"1", "2", "3"}),
    ("TaxHeadStatus", "status"): frozenset({"1", "2", "3"}),
    ("LogisticsStatus", "logisticsStatus"): frozenset({"S"}),
}
_CODE3: Final = frozenset({"unit", "unit1", "unit2", "currency", "country", "originCountry"})
_CODE4: Final = frozenset({"customsCode", "portCode", "iePort", "tradeMode"})


def _chars(n: int) -> tuple[str, str]:
    return (f"{n} character" + ("" if n == 1 else "s"), f"{n} 个字符")


def check_string(value: Any, fs: FieldSpec, path: str, out: list[CebIssue]) -> None:
    """Report the length and fixed-value faults of a text field."""
    if not isinstance(value, str):
        out.append(_wrong_type(path, "text", "文本", value))
        return
    size = len(value)
    if fs.length is not None and size != fs.length:
        need_en, need_zh = _chars(fs.length)
        out.append(
            issue(
                path,
                "length",
                f"{need_en} required, {size} given",
                f"应为 {need_zh}，实为 {size} 个",
            )
        )
    elif fs.min_length is not None and size < fs.min_length:
        need_en, need_zh = _chars(fs.min_length)
        out.append(
            issue(
                path,
                "too_short",
                f"at least {need_en} required, {size} given",
                f"至少 {need_zh}，实为 {size} 个",
            )
        )
    elif fs.max_length is not None and size > fs.max_length:
        need_en, need_zh = _chars(fs.max_length)
        out.append(
            issue(
                path,
                "too_long",
                f"at most {need_en} allowed, {size} given",
                f"最多 {need_zh}，实为 {size} 个",
            )
        )
    if fs.fixed is not None and value != fs.fixed:
        out.append(
            issue(
                path,
                "fixed",
                f"must be {fs.fixed!r}, not {value!r}",
                f"必须为 {fs.fixed!r}，实为 {value!r}",
            )
        )


def check_decimal(value: Any, fs: FieldSpec, path: str, out: list[CebIssue]) -> None:
    """Report the N19,5-style digit faults of a decimal field."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        out.append(_wrong_type(path, "a Decimal", "Decimal 数值", value))
        return
    value = Decimal(value)
    if not value.is_finite():
        out.append(issue(path, "not_finite", f"{value} is not a number", f"{value} 不是有效数值"))
        return
    # Trailing zeros do not count against the XSD facets: "13.890000" is N19,5 valid. They are
    # stripped exactly: normalize() would round to the caller's context precision first.
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    size = len(digits)
    while size > 1 and digits[size - 1] == 0:
        size -= 1
        exponent += 1
    fraction = max(0, -exponent) if value else 0
    significant = size + max(0, exponent) if value else 1
    total = max(significant, fraction)
    if fs.fraction_digits is not None and fraction > fs.fraction_digits:
        out.append(
            issue(
                path,
                "fraction_digits",
                f"at most {fs.fraction_digits} decimal places allowed, {fraction} given",
                f"最多 {fs.fraction_digits} 位小数，实为 {fraction} 位",
            )
        )
    elif fs.total_digits is not None and total > fs.total_digits:
        out.append(
            issue(
                path,
                "total_digits",
                f"at most {fs.total_digits} digits allowed, {total} given",
                f"最多 {fs.total_digits} 位数字，实为 {total} 位",
            )
        )


def check_int(value: Any, fs: FieldSpec, path: str, out: list[CebIssue]) -> None:
    """Report an integer outside xs:int or its digit limit."""
    if isinstance(value, bool) or not isinstance(value, int):
        out.append(_wrong_type(path, "an integer", "整数", value))
        return
    limit = 10**fs.total_digits if fs.total_digits is not None else 2**31
    low = -limit + 1 if fs.total_digits is not None else -(2**31)
    if not low <= value < limit:
        out.append(issue(path, "int_range", f"{value} is out of range", f"{value} 超出允许范围"))


def rule_kind(fs: FieldSpec, record: str, direction: str) -> tuple[str, frozenset[str]] | None:
    """Return which code-table, customs-code or date rule applies to a text field, if any."""
    name = fs.name
    if name == "orderType":
        return ("enum", _ORDER_TYPES[direction])
    allowed = _RECORD_ENUMS.get((record, name)) or _ENUMS.get(name)
    if allowed is not None:
        return ("enum", allowed)
    if name in _CODE3:
        return ("code3", frozenset())
    if name in _CODE4:
        return ("code4", frozenset())
    if name.endswith(("Time", "Date")) and fs.length in (8, 14, 17):
        return ("date", frozenset())
    return None


# Every month and day of a leap year as "MMDD"; 0229 needs a leap year besides.
_MONTH_DAYS: Final = frozenset(
    f"{month:02d}{day:02d}"
    for month, days in enumerate((31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31), 1)
    for day in range(1, days + 1)
)


def date_ok(value: str) -> bool:
    """Return whether ASCII digits form a real date (and time) in yyyyMMdd[HHmmss[SSS]]."""
    if not (value.isdigit() and value.isascii()):
        return False
    if len(value) in (8, 14, 17):
        # The usual lengths, by table and two-digit comparisons (ASCII digits sort as numbers).
        day = value[4:8]
        if day not in _MONTH_DAYS or value[:4] == "0000":
            return False
        if day == "0229" and not calendar.isleap(int(value[:4])):
            return False
        return value[8:10] < "24" and value[10:12] < "60" and value[12:14] < "60"
    try:
        datetime(
            int(value[0:4]),
            int(value[4:6]),
            int(value[6:8]),
            int(value[8:10] or 0),
            int(value[10:12] or 0),
            int(value[12:14] or 0),
        )
    except ValueError:
        return False
    return True


def rule_string(
    value: str, fs: FieldSpec, rule: tuple[str, frozenset[str]], path: str, out: list[CebIssue]
) -> None:
    """Report a text value that breaks its code-table, customs-code or date rule."""
    kind, allowed = rule
    if kind == "enum":
        if value not in allowed:
            codes = ", ".join(sorted(c or '""' for c in allowed))
            out.append(
                issue(
                    path,
                    "code",
                    f"{value!r} is not one of {codes}",
                    f"{value!r} 不在代码表 {codes} 中",
                    "rule",
                )
            )
    elif kind in ("code3", "code4"):
        width = 3 if kind == "code3" else 4
        if value and not (len(value) == width and value.isdigit() and value.isascii()):
            out.append(
                issue(
                    path,
                    "code",
                    f"{value!r} is not a {width}-digit customs code",
                    f"{value!r} 不是 {width} 位海关代码",
                    "rule",
                )
            )
    elif not date_ok(value):
        shown = {8: "yyyyMMdd", 14: "yyyyMMddHHmmss", 17: "yyyyMMddHHmmssSSS"}[fs.length or 8]
        out.append(
            issue(
                path,
                "date",
                f"{value!r} is not a date-time {shown}",
                f"{value!r} 不是 {shown} 格式的时间",
                "rule",
            )
        )


def id_number_valid(number: str) -> bool:
    """Return whether an 18-character resident identity number has a correct check character."""
    digits = number[:17]
    # ASCII only: str.isdigit() also accepts "²" (which int() refuses) and other scripts' digits.
    if len(number) != 18 or not (digits.isdigit() and digits.isascii()):
        return False
    # Each ASCII digit's byte is 48 + its value.
    total = sum(map(operator.mul, digits.encode(), _ID_WEIGHTS)) - 48 * sum(_ID_WEIGHTS)
    return _ID_CHECK[total % 11] == number[17].upper()


AMOUNT_FIELDS: Final = frozenset({"goodsValue", "freight", "discount", "taxTotal", "acturalPaid"})


def rule_amounts(obj: Any, path: str, out: list[CebIssue]) -> None:
    """Report an order whose acturalPaid is not goodsValue + freight + taxTotal - discount."""
    values = [getattr(obj, name) for name in ("goodsValue", "freight", "taxTotal", "discount")]
    paid = obj.acturalPaid
    if not all(isinstance(v, Decimal) for v in [*values, paid]):
        return  # missing or mistyped amounts are reported by the field checks
    goods, freight, tax, discount = values
    expected = goods + freight + tax - discount
    if paid != expected:
        where = f"{path}/acturalPaid" if path else "acturalPaid"
        out.append(
            issue(
                where,
                "amount",
                f"must be goodsValue + freight + taxTotal - discount = {expected}, not {paid}",
                f"应为 商品价格+运杂费+代扣税款-非现金抵扣 = {expected}，实为 {paid}",
                "rule",
            )
        )


def rule_identity(obj: Any, path: str, out: list[CebIssue]) -> None:
    """Report a resident identity number (type 1) that is not 18 characters or fails its check."""
    for type_attr, number_attr in (
        ("buyerIdType", "buyerIdNumber"),
        ("payerIdType", "payerIdNumber"),
    ):
        if getattr(obj, type_attr, None) == "1":
            number = getattr(obj, number_attr, None)
            if not isinstance(number, str):
                continue
            where = f"{path}/{number_attr}" if path else number_attr
            if len(number) != 18:
                out.append(
                    issue(
                        where,
                        "id_length",
                        f"18 characters required, {len(number)} given",
                        f"应为 18 个字符，实为 {len(number)} 个",
                        "rule",
                    )
                )
            elif not id_number_valid(number):
                out.append(
                    issue(where, "id_check", "the check character is wrong", "校验码错误", "rule")
                )


def check_lines(items: list[Any], fs: FieldSpec, path: str, out: list[CebIssue]) -> None:
    """Report goods lines whose gnum is not their position."""
    # Order, inventory and refund lines are numbered 1, 2, 3 ... in document order.
    for n, item in enumerate(items, 1):
        gnum = getattr(item, "gnum", None)
        if isinstance(gnum, int) and gnum != n:
            out.append(
                issue(
                    f"{path}{fs.name}[{n}]/gnum",
                    "gnum",
                    f"line number {n} expected, {gnum} given",
                    f"商品序号应为 {n}，实为 {gnum}",
                    "rule",
                )
            )


def _wrong_type(path: str, want_en: str, want_zh: str, value: Any) -> CebIssue:
    kind = type(value).__name__
    return issue(path, "type", f"must be {want_en}, not {kind}", f"应为{want_zh}，实为 {kind}")


def where(prefix: str, fs: FieldSpec) -> str:
    """Return the path of field `fs` under `prefix` ("Order[1]/" or "")."""
    return ("@" if fs.attribute else prefix) + fs.name


def required(prefix: str, fs: FieldSpec) -> CebIssue:
    """Return the finding for a missing required field."""
    return issue(where(prefix, fs), "required", "is required", "必填项缺失")


def check_count(count: int, fs: FieldSpec, prefix: str, out: list[CebIssue]) -> None:
    """Report a repeated element that occurs too few or too many times."""
    path = prefix + fs.name
    if count < fs.min_occurs:
        out.append(
            issue(
                path,
                "missing",
                f"at least {fs.min_occurs} required, {count} given",
                f"至少需要 {fs.min_occurs} 个，实为 {count} 个",
            )
        )
    elif fs.max_occurs is not None and count > fs.max_occurs:
        out.append(
            issue(
                path,
                "too_many",
                f"at most {fs.max_occurs} allowed, {count} given",
                f"最多允许 {fs.max_occurs} 个，实为 {count} 个",
            )
        )


def locate_bad_chars(
    obj: Any, fields: tuple[FieldSpec, ...], prefix: str, out: list[CebIssue]
) -> None:
    """Report each text field holding characters XML 1.0 cannot carry."""
    for fs in fields:
        value = getattr(obj, fs.attr)
        if isinstance(value, str) and BAD_CHARS.search(value):
            out.append(
                issue(
                    where(prefix, fs),
                    "bad_char",
                    "contains characters XML does not allow",
                    "含有 XML 不允许的字符",
                )
            )
