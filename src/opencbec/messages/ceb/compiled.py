"""Compile each record's checks into one straight-line Python function, once, on first use.

A data-driven loop over field specs costs several attribute lookups and branches per field;
generated code with the facets inlined as constants runs the common (valid) case 3-4x faster.
Each test is written so the valid case takes the fewest steps (the type test first, one length
comparison, a decimal checked by one trapping quantize) and anything doubtful calls the exact
check in rules.py, which alone words the findings.
The source is built only from our own generated field specs, never from input.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from decimal import Context, Decimal, Inexact, InvalidOperation
from typing import Any, Final

from opencbec.messages.ceb import rules
from opencbec.messages.ceb.errors import CebIssue
from opencbec.messages.ceb.spec import CLARK, FieldSpec, Kind, RecordSpec, spec_of

Checker = Callable[[Any, str, bool, list[CebIssue]], None]

_checkers: dict[tuple[type, str], Checker] = {}
# Digits a decimal without a totalDigits facet may have in the fast test (more: the exact check).
_MAX_DIGITS: Final = 60
_GNUM: Final = operator.attrgetter("gnum")
_LINE_NUMBERS: Final = list(range(1, 1001))


@functools.cache
def _quantize(total: int, fraction: int) -> tuple[Callable[[Decimal, Decimal], Decimal], Decimal]:
    context = Context(prec=total, traps=[Inexact, InvalidOperation])
    return context.quantize, Decimal(1).scaleb(-fraction)


def quantizer(fs: FieldSpec) -> tuple[Callable[[Decimal, Decimal], Decimal], Decimal] | None:
    """Return a quantize that raises unless a finite value certainly meets the digit facets.

    It comes with the exponent to quantize to. Quantizing to `fraction` places in a context of
    `total` digits that traps Inexact and InvalidOperation succeeds only when no nonzero digit
    lies past `fraction` places and at most `total - fraction` lie before the point, which
    implies the facets; a refusal only means the exact check decides (it may still accept, say,
    15 integer digits and no fraction).
    """
    if fs.fraction_digits is None:
        return None
    return _quantize(fs.total_digits or _MAX_DIGITS, fs.fraction_digits)


def _string_test(fs: FieldSpec) -> str:
    if fs.length is not None:
        test = f"len(v) != {fs.length}"
    else:
        low, high = fs.min_length or 0, fs.max_length
        if low and high is not None:
            test = f"not {low} <= len(v) <= {high}"
        elif low:
            test = f"len(v) < {low}"
        elif high is not None:
            test = f"len(v) > {high}"
        else:
            test = "False"
    if fs.fixed is not None:
        test += f" or v != {fs.fixed!r}"
    return test


def _rule_lines(i: int, fs: FieldSpec, rule: tuple[str, frozenset[str]]) -> list[str]:
    kind = rule[0]
    if kind == "enum":
        test = f"v not in R{i}[1]"
    elif kind in ("code3", "code4"):
        width = 3 if kind == "code3" else 4
        test = f"v and not (len(v) == {width} and v.isdigit() and v.isascii())"
    else:
        test = "not date_ok(v)"
    return [
        f"        if rules and ({test}):",
        f"            rule_string(v, F{i}, R{i}, where(prefix, F{i}), out)",
    ]


def _decimal_lines(
    i: int, fs: FieldSpec, lines: list[str], missing: str, ns: dict[str, Any]
) -> list[str]:
    facets = quantizer(fs)
    if facets is None:
        return [
            *lines,
            "    if v is None:",
            missing,
            "    else:",
            f"        check_decimal(v, F{i}, where(prefix, F{i}), out)",
        ]
    ns[f"Q{i}"], ns[f"E{i}"] = facets
    return [
        *lines,
        "    if type(v) is Decimal and v.is_finite():",
        "        try:",
        f"            Q{i}(v, E{i})",
        "        except ArithmeticError:",
        f"            check_decimal(v, F{i}, where(prefix, F{i}), out)",
        "    elif v is None:",
        missing,
        "    else:",
        f"        check_decimal(v, F{i}, where(prefix, F{i}), out)",
    ]


def _field_lines(
    i: int, fs: FieldSpec, spec: RecordSpec, direction: str, ns: dict[str, Any]
) -> list[str]:
    lines = [f"    v = obj.{fs.attr}"]
    missing = f"        out.append(required(prefix, F{i}))" if fs.min_occurs else "        pass"
    if fs.kind is Kind.RECORD and fs.repeated:
        assert fs.record is not None
        sub = spec_of(fs.record)
        ns[f"C{i}"] = checker(sub, direction)
        high = fs.max_occurs if fs.max_occurs is not None else "n"
        lines += [
            "    n = len(v)",
            f"    if n < {fs.min_occurs} or n > {high}:",
            f"        check_count(n, F{i}, prefix, out)",
            "    for k, item in enumerate(v, 1):",
            f'        C{i}(item, f"{{prefix}}{fs.name}[{{k}}]/", rules, out)',
        ]
        if CLARK + "gnum" in sub.by_tag:
            # Lines are numbered 1, 2, 3 ...: one C-level comparison, the details when it fails.
            lines += [
                "    if rules and v and list(map(GNUM, v)) != LINE_NUMBERS[:n]:",
                f"        check_lines(v, F{i}, prefix, out)",
            ]
        return lines
    if fs.kind is Kind.RECORD:
        assert fs.record is not None
        ns[f"C{i}"] = checker(spec_of(fs.record), direction)
        return [
            *lines,
            "    if v is None:",
            missing,
            "    else:",
            f'        C{i}(v, prefix + "{fs.name}/", rules, out)',
        ]
    if fs.kind is Kind.STR:
        lines += [
            "    if type(v) is str:",
            f"        if {_string_test(fs)}:",
            f"            check_string(v, F{i}, where(prefix, F{i}), out)",
            "        texts.append(v)",
        ]
        rule = rules.rule_kind(fs, spec.name, direction)
        if rule is not None:
            ns[f"R{i}"] = rule
            lines += _rule_lines(i, fs, rule)
        return [
            *lines,
            "    elif v is None:",
            missing,
            "    else:",
            f"        check_string(v, F{i}, where(prefix, F{i}), out)",
        ]
    if fs.kind is Kind.DEC:
        return _decimal_lines(i, fs, lines, missing, ns)
    if fs.kind is Kind.INT:
        high = 10**fs.total_digits if fs.total_digits is not None else 2**31
        low = -high + 1 if fs.total_digits is not None else -(2**31)
        return [
            *lines,
            "    if v is None:",
            missing,
            f"    elif type(v) is not int or not {low} <= v < {high}:",
            f"        check_int(v, F{i}, where(prefix, F{i}), out)",
        ]
    return [*lines, "    if v is None:", missing]


def _identity_lines(spec: RecordSpec) -> list[str]:
    # The common case (a well-formed resident ID, or another ID type) in line; any doubt calls
    # the rule, which words each finding.
    tests = [
        f'(obj.{kind} == "1" and isinstance(obj.{number}, str) '
        f"and not (len(obj.{number}) == 18 and id_number_valid(obj.{number})))"
        for kind, number in (("buyerIdType", "buyerIdNumber"), ("payerIdType", "payerIdNumber"))
        if CLARK + kind in spec.by_tag and CLARK + number in spec.by_tag
    ]
    if not tests:
        return ["    if rules:", "        rule_identity(obj, prefix[:-1], out)"]
    return [
        f"    if rules and ({' or '.join(tests)}):",
        "        rule_identity(obj, prefix[:-1], out)",
    ]


def _compile(spec: RecordSpec, direction: str) -> Checker:
    ns: dict[str, Any] = {
        name: getattr(rules, name)
        for name in (
            "check_string", "check_decimal", "check_int", "check_count", "check_lines",
            "rule_string", "rule_identity", "rule_amounts", "date_ok", "required", "where",
            "locate_bad_chars", "id_number_valid", "BAD_CHARS",
        )
    }  # fmt: skip
    ns["Decimal"] = Decimal
    ns["GNUM"] = _GNUM
    ns["LINE_NUMBERS"] = _LINE_NUMBERS
    ns["TEXT_FIELDS"] = tuple(fs for fs in spec.fields if fs.kind is Kind.STR)
    exact = ["def exact(obj, prefix, rules, out):", "    texts = []"]
    for i, fs in enumerate(spec.fields):
        ns[f"F{i}"] = fs
        exact += _field_lines(i, fs, spec, direction, ns)
    # Printable text holds none of the characters XML forbids; only other text is searched.
    exact += [
        "    if texts:",
        '        text = "".join(texts)',
        "        if not text.isprintable() and BAD_CHARS.search(text):",
        "            locate_bad_chars(obj, TEXT_FIELDS, prefix, out)",
    ]
    if any(fs.name in ("buyerIdType", "payerIdType") for fs in spec.fields):
        exact += _identity_lines(spec)
    if {fs.name for fs in spec.fields} >= rules.AMOUNT_FIELDS:
        exact += ["    if rules:", "        rule_amounts(obj, prefix[:-1], out)"]
    exec("\n".join(exact), ns)  # noqa: S102 - source built from our own field specs only
    check: Checker = ns["exact"]
    return check


def checker(spec: RecordSpec, direction: str) -> Checker:
    """Return the compiled checker of a record: `check(obj, prefix, rules, out)`."""
    key = (spec.cls, direction)
    found = _checkers.get(key)
    if found is None:
        found = _compile(spec, direction)
        _checkers[key] = found
    return found
