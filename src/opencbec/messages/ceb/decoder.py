"""Decode CEB records from parsed elements: one fast decoder per record type, a general fallback.

The general decoder reads whatever real senders write (either child order, repeated singletons,
unknown elements, comments, leaves holding elements) and reports each deviation as a finding.
It is the reference: every fast decoder returns exactly what it would, or hands the record to it.

Fast decoders are built once per record type, on first use, from the field specs:
- a leaf-only record reads its children with C-level passes (`list`, `map`) and, per sequence of
  child tags already proven known and in schema order, a plan that picks each constructor
  argument by position; numbers are checked by one `str.strip` over their joined texts, converted by
  `map(Decimal, ...)`. No Python bytecode runs per element.
- a record holding records runs a loop generated from its specs (tags as constants, one branch
  per child element) and gives up to the general decoder at the first surprise.
The source of generated code is built from our own field specs only, never from input.
"""

from __future__ import annotations

import dataclasses
import itertools
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from lxml import etree

from opencbec.messages.ceb.errors import CebDecodeError, CebIssue, issue
from opencbec.messages.ceb.safexml import Element, check_c14n_uri
from opencbec.messages.ceb.spec import FieldSpec, Kind, RecordSpec, spec_of

Decoder = Callable[[Element, str, list[CebIssue]], Any]
_Getter = Callable[[list[Any]], tuple[Any, ...]]

# Tag sequences remembered per record type; past this, unseen sequences take the general path.
MAX_ORDERS: Final = 256
_INT: Final = re.compile(r"[+-]?[0-9]+")
_DECIMAL: Final = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
# What the texts of numbers may hold, NUL (their separator when joined) and the whitespace
# (`str.isspace()`) that `str.strip()`, `int()` and `Decimal()` all ignore at either end.
# Texts of only these characters are xs:int / xs:decimal exactly when `int()` / `Decimal()`
# read them: they exclude the exponents, underscores, other scripts' digits, NaN and Infinity
# Python would also accept.
SPACES: Final = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_NUMBER_CHARS: Final = "0123456789+-.\x00" + SPACES
_FINITE: Final = Decimal.is_finite
_TAG: Final = operator.attrgetter("tag")
_TEXT: Final = operator.attrgetter("text")


def number(text: str | None, fs: FieldSpec, path: str) -> Decimal | int:
    """Return the xs:decimal / xs:int value of a text, or raise naming the field."""
    raw = (text or "").strip()
    # Python accepts "1e3", "NaN" and "1_000"; xs:decimal and xs:int do not.
    lexical = _INT if fs.kind is Kind.INT else _DECIMAL
    if lexical.fullmatch(raw):
        return int(raw) if fs.kind is Kind.INT else Decimal(raw)
    want_en = "an integer" if fs.kind is Kind.INT else "a decimal number"
    want_zh = "整数" if fs.kind is Kind.INT else "数值"
    raise CebDecodeError(
        [
            issue(
                f"{path}/{fs.name}",
                "not_a_number",
                f"{raw!r} is not {want_en}",
                f"{raw!r} 不是{want_zh}",
            )
        ]
    )


def local_name(tag: str) -> str:
    """Return the local part of a tag in Clark notation (`{namespace}name` or `name`)."""
    return tag.rpartition("}")[2]


def _leaf_text(node: Element, fs: FieldSpec, path: str, issues: list[CebIssue]) -> str:
    if not len(node):
        return node.text or ""
    # Comments or processing instructions split the text: the value is the text nodes joined,
    # as the XSD sees it; element children are not allowed in a simple value.
    if any(isinstance(child.tag, str) for child in node):
        where = f"{path}/{fs.name}" if path else fs.name
        issues.append(
            issue(
                where,
                "mixed",
                f"{fs.name} must hold text only, not elements",
                f"{fs.name} 只能包含文本，不能包含子元素",
            )
        )
    # The direct text nodes: the element's text and the tail of each child.
    return (node.text or "") + "".join(child.tail or "" for child in node)


def leaf_value(node: Element, fs: FieldSpec, path: str, issues: list[CebIssue]) -> Any:
    """Return the value of a leaf, signature or opaque element of the record at `path`."""
    kind = fs.kind
    if kind is Kind.SIGNATURE or kind is Kind.ANY:
        # Canonical bytes: stable across round trips, no tail text, namespaces made explicit.
        if not isinstance(node, etree._Element):
            return node.c14n(check_c14n_uri)
        try:
            return etree.tostring(node, method="c14n")
        except etree.C14NError:
            where = f"{path}/{fs.name}" if path else fs.name
            raise CebDecodeError(
                [
                    issue(
                        where,
                        "c14n",
                        f"{fs.name} cannot be canonicalised: a namespace URI in scope is "
                        "relative or malformed",
                        f"{fs.name} 无法规范化：其作用域内的命名空间 URI 为相对地址或格式错误",
                    )
                ]
            ) from None
    value = _leaf_text(node, fs, path, issues)
    if kind is Kind.STR:
        return " ".join(value.split()) if fs.collapse else value
    return number(value, fs, path)


def decode_general(el: Element, spec: RecordSpec, path: str, issues: list[CebIssue]) -> Any:
    """Decode a record whatever its children, reporting each deviation (the reference decoder)."""
    values: dict[str, Any] = {}
    by_tag = spec.by_tag
    last = -1
    prefix = f"{path}/" if path else ""
    for node in el:
        tag = node.tag
        if type(tag) is not str:
            continue  # comments and processing instructions carry no data
        hit = by_tag.get(tag)
        if hit is None:
            name = local_name(tag)
            found = issue(
                prefix + name,
                "unexpected",
                f"element {name} is not allowed here",
                f"此处不允许出现元素 {name}",
            )
            # Keep what real senders add beyond the XSD (CEB816 orderNo/logisticsNo ...).
            text = node.text if len(node) == 0 else None
            issues.append(dataclasses.replace(found, value=text))
            continue
        index, fs = hit
        if index < last:
            issues.append(
                issue(
                    prefix + fs.name,
                    "order",
                    f"{fs.name} is out of the order the schema requires",
                    f"{fs.name} 的位置不符合报文规范规定的顺序",
                )
            )
        last = max(last, index)
        value: Any
        if fs.kind is Kind.RECORD:
            assert fs.record is not None
            count = len(values.get(fs.attr, ())) + 1 if fs.repeated else 0
            sub = f"{prefix}{fs.name}[{count}]" if fs.repeated else prefix + fs.name
            value = decoder(spec_of(fs.record))(node, sub, issues)
        else:
            value = leaf_value(node, fs, path, issues)
        if fs.repeated:
            values.setdefault(fs.attr, []).append(value)
        elif fs.attr in values:
            issues.append(
                issue(
                    f"{prefix}{fs.name}[2]",
                    "repeated",
                    f"{fs.name} occurs more than once; at most 1 is allowed",
                    f"{fs.name} 出现多次，最多允许 1 次",
                )
            )
        else:
            values[fs.attr] = value
    return spec.cls(**values)


_decoders: dict[type, Decoder] = {}


def decoder(spec: RecordSpec) -> Decoder:
    """Return the fast decoder of a record type: `decode(element, path, issues) -> model`."""
    found = _decoders.get(spec.cls)
    if found is None:
        found = _simple_decoder(spec) if spec.simple else _nested_decoder(spec)
        _decoders[spec.cls] = found
    return found


def decode_record(el: Element, spec: RecordSpec, path: str, issues: list[CebIssue]) -> Any:
    """Decode the element of a record of type `spec` at `path`, appending tolerated deviations."""
    return decoder(spec)(el, path, issues)


def _getter(positions: Sequence[int]) -> _Getter | None:
    if not positions:
        return None
    if len(positions) == 1:
        only = positions[0]
        return lambda texts: (texts[only],)
    return operator.itemgetter(*positions)


@dataclass(frozen=True, slots=True)
class _Plan:
    """How to build a leaf-only record from the texts of one known sequence of child tags."""

    tags: tuple[object, ...]
    # The numeric fields as (position in the texts, field), in document order.
    numeric: tuple[tuple[int, FieldSpec], ...]
    numbers: _Getter | None
    decimals: _Getter | None
    integers: _Getter | None
    collapsed: _Getter | None
    # Picks the constructor arguments, in field order, from the texts extended by the converted
    # decimals, integers and collapsed strings and a final None for absent fields.
    pick: _Getter


def _plan(tags: tuple[object, ...], spec: RecordSpec) -> _Plan | None:
    """Return how to decode `tags` if all are known leaves of `spec` in schema order."""
    by_tag = spec.by_tag
    # Comments and processing instructions have a non-str tag and are never in `by_tag`.
    hits = [by_tag.get(tag) if type(tag) is str else None for tag in tags]
    positions = [hit[0] for hit in hits if hit is not None]
    if len(positions) != len(tags) or any(a >= b for a, b in itertools.pairwise(positions)):
        return None  # unknown, repeated or out of order: the general decoder reports it
    where = {hit[1].attr: n for n, hit in enumerate(hits) if hit is not None}
    present = [(where[fs.attr], fs) for fs in spec.fields if fs.attr in where]
    numeric = tuple((n, fs) for n, fs in present if fs.kind in (Kind.DEC, Kind.INT))
    decimals = [n for n, fs in numeric if fs.kind is Kind.DEC]
    integers = [n for n, fs in numeric if fs.kind is Kind.INT]
    collapsed = [n for n, fs in present if fs.kind is Kind.STR and fs.collapse]
    # Where each field's value ends up in the extended texts.
    slot = dict(enumerate(range(len(tags))))
    size = len(tags)
    for group in (decimals, integers, collapsed):
        for n in group:
            slot[n] = size
            size += 1
    picks = [slot[where[fs.attr]] if fs.attr in where else size for fs in spec.fields]
    return _Plan(
        tags,
        numeric,
        _getter([n for n, _ in numeric]),
        _getter(decimals),
        _getter(integers),
        _getter(collapsed),
        operator.itemgetter(*picks) if len(picks) > 1 else lambda texts: (texts[picks[0]],),
    )


def _reject_numbers(
    el: Element,
    spec: RecordSpec,
    plan: _Plan,
    texts: list[Any],
    path: str,
    issues: list[CebIssue],
) -> Any:
    for n, fs in plan.numeric:
        number(texts[n], fs, path)  # raises for the first that is not a number
    return decode_general(el, spec, path, issues)  # unreachable unless Python and XSD disagree


def _collapse(text: str) -> str:
    return " ".join(text.split())


# The plans of each leaf-only record type, by tag sequence (None: the general decoder's case).
_PLANS: dict[type, dict[tuple[object, ...], _Plan | None]] = {}


def _simple_decoder(spec: RecordSpec) -> Decoder:
    plans = _PLANS.setdefault(spec.cls, {})
    # The plan used last: a sender's records usually share one shape, and comparing two tuples
    # of strings is cheaper than hashing freshly made tag strings for the dictionary.
    recent: list[_Plan | None] = [None]
    cls = spec.cls

    def decode_simple(el: Element, path: str, issues: list[CebIssue]) -> Any:
        # Either tree's elements (lxml's or the compiled reader's), never the two mixed.
        nodes: list[Any] = list(el)
        tags = tuple(map(_TAG, nodes))
        plan = recent[0]
        if plan is None or plan.tags != tags:
            if tags in plans:
                plan = plans[tags]
            else:
                plan = _plan(tags, spec)
                if len(plans) < MAX_ORDERS:
                    plans[tags] = plan
            if plan is None:
                return decode_general(el, spec, path, issues)
            recent[0] = plan
        # A leaf holding elements, comments or processing instructions: the general decoder.
        if any(map(len, nodes)):
            return decode_general(el, spec, path, issues)
        texts: list[Any] = list(map(_TEXT, nodes))
        if None in texts:
            texts = ["" if text is None else text for text in texts]
        if plan.numbers is not None:
            try:
                if "\x00".join(plan.numbers(texts)).strip(_NUMBER_CHARS):
                    raise ValueError
                decimals = list(map(Decimal, plan.decimals(texts))) if plan.decimals else []
                integers = list(map(int, plan.integers(texts))) if plan.integers else []
                # Malformed text gives NaN where the caller's decimal context does not trap.
                if not all(map(_FINITE, decimals)):
                    raise ValueError
            except (ArithmeticError, ValueError):
                return _reject_numbers(el, spec, plan, texts, path, issues)
            texts += decimals
            texts += integers
        if plan.collapsed is not None:
            texts += map(_collapse, plan.collapsed(texts))
        texts.append(None)
        return cls(*plan.pick(texts))

    return decode_simple


def _nested_decoder(spec: RecordSpec) -> Decoder:
    ns: dict[str, Any] = {
        "CLS": spec.cls,
        "SPEC": spec,
        "GENERAL": decode_general,
        "LEAF": leaf_value,
    }
    init: list[str] = []
    branches: list[str] = []
    args: list[str] = []
    for i, fs in enumerate(spec.fields):
        if fs.attribute:
            args.append("None")  # set from the root's attributes by the caller
            continue
        args.append(f"v{i}")
        init.append(f"    v{i} = {'[]' if fs.repeated else 'None'}")
        ns[f"T{i}"] = fs.tag
        ns[f"F{i}"] = fs
        # A repeated element may follow itself; a single one only an earlier field.
        seen = f"last > {i}" if fs.repeated else f"last >= {i}"
        if fs.kind is Kind.RECORD:
            assert fs.record is not None
            ns[f"D{i}"] = decoder(spec_of(fs.record))
            where = (
                f'f"{{prefix}}{fs.name}[{{len(v{i}) + 1}}]"'
                if fs.repeated
                else f'prefix + "{fs.name}"'
            )
            value = f"D{i}(node, {where}, issues)"
        else:
            value = f"LEAF(node, F{i}, path, issues)"
        store = f"v{i}.append({value})" if fs.repeated else f"v{i} = {value}"
        keyword = "if" if not branches else "elif"
        branches += [
            f"        {keyword} tag == T{i}:",
            f"            if {seen}:",
            "                break",
            f"            last = {i}",
            f"            {store}",
        ]
    body = [
        "def decode_nested(el, path, issues):",
        '    prefix = path + "/" if path else ""',
        "    mark = len(issues)",
        *init,
        "    last = -1",
        "    for node in el:",
        "        tag = node.tag",
        *branches,
        # Unknown elements break; comments and processing instructions carry no data.
        f"        {'elif' if branches else 'if'} type(tag) is str:",
        "            break",
        "    else:",
        f"        return CLS({', '.join(args)})",
        # A surprise: the general decoder reads the record again, reporting what it finds.
        "    del issues[mark:]",
        "    return GENERAL(el, SPEC, path, issues)",
    ]
    exec("\n".join(body), ns)  # noqa: S102 - source built from our own field specs only
    decode_nested: Decoder = ns["decode_nested"]
    return decode_nested
