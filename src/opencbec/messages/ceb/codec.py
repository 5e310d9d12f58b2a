"""Encode CEB models to XML in the exact XSD order and decode real-world XML back into models."""

from __future__ import annotations

import dataclasses
import itertools
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, TypeVar

from lxml import etree

from opencbec.messages.ceb import models as _models  # noqa: F401 - registers every message root
from opencbec.messages.ceb.errors import CebDecodeError, CebEncodeError, CebIssue, issue
from opencbec.messages.ceb.safexml import DEFAULT_LIMITS, Limits, parse
from opencbec.messages.ceb.spec import CLARK, NS, ROOTS, FieldSpec, Kind, RecordSpec, spec_of

_M = TypeVar("_M")
_ROOT_ALIAS: Final = re.compile(r"CEB\d{3}")
_NSMAP: Final = {"ceb": NS}
_MAX_ORDERS: Final = 256
_INT: Final = re.compile(r"[+-]?[0-9]+")
_DECIMAL: Final = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")


@dataclass(frozen=True, slots=True)
class Decoded:
    """A decoded message and what the decoder had to tolerate to read it."""

    message: Any
    issues: tuple[CebIssue, ...]

    @property
    def extras(self) -> dict[str, str]:
        """Return the text of elements the schema does not know, by path (kept, not encoded)."""
        return {
            i.path: i.value for i in self.issues if i.code == "unexpected" and i.value is not None
        }


def message_types() -> dict[str, type]:
    """Return every message root model by its element name (CEB311Message ...)."""
    return dict(ROOTS)


def message_class(code: str) -> type:
    """Return the model of a message given `311`, `CEB311` or `CEB311Message`."""
    name = code if code.endswith("Message") else f"CEB{code.removeprefix('CEB')}Message"
    try:
        return ROOTS[name]
    except KeyError:
        raise KeyError(f"unknown CEB message type {code!r}") from None


def _number(text: str | None, fs: FieldSpec, path: str) -> Decimal | int:
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


def _leaf_text(node: etree._Element, fs: FieldSpec, path: str, issues: list[CebIssue]) -> str:
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


def _leaf_value(node: etree._Element, fs: FieldSpec, path: str, issues: list[CebIssue]) -> Any:
    kind = fs.kind
    if kind is Kind.SIGNATURE or kind is Kind.ANY:
        # Canonical bytes: stable across round trips, no tail text, namespaces made explicit.
        return etree.tostring(node, method="c14n")
    value = _leaf_text(node, fs, path, issues)
    if kind is Kind.STR:
        return " ".join(value.split()) if fs.collapse else value
    return _number(value, fs, path)


# (index into the texts, lexical check or None to collapse whitespace, constructor, field)
_Conversion = tuple[int, Callable[[str], object] | None, Callable[[str], Any], FieldSpec]


@dataclass(frozen=True, slots=True)
class _Plan:
    """How to turn the texts of one known, in-order sequence of leaf tags into a record."""

    # Picks each constructor argument, in field order, from the texts plus a trailing None.
    pick: Callable[[list[Any]], tuple[Any, ...]]
    conversions: tuple[_Conversion, ...]


# Tag sequences already proven known, leaf-only and in schema order, per record type (bounded).
_PLANS: dict[type, dict[tuple[object, ...], _Plan]] = {}


def _plan(tags: tuple[object, ...], spec: RecordSpec) -> _Plan | None:
    """Return how to decode `tags` if all are known leaves of `spec` in schema order."""
    plans = _PLANS.get(spec.cls)
    if plans is None:
        plans = _PLANS[spec.cls] = {}
    found = plans.get(tags)
    if found is not None:
        return found
    # First time this combination of optional elements is seen: check it once. Comments and
    # processing instructions have a non-str tag and are never in `by_tag`.
    by_tag = spec.by_tag
    hits = [by_tag.get(tag) if type(tag) is str else None for tag in tags]
    positions = [hit[0] for hit in hits if hit is not None]
    if len(positions) != len(tags) or any(a >= b for a, b in itertools.pairwise(positions)):
        return None  # unknown, repeated or out of order: the general decoder reports it
    where = {hit[1].attr: n for n, hit in enumerate(hits) if hit is not None}
    missing = len(tags)  # index of the None appended to the texts
    picks = [where.get(fs.attr, missing) for fs in spec.fields]
    # Simple records hold only leaves (defaults None), so every field can be passed by position.
    pick: Callable[[list[Any]], tuple[Any, ...]] = (
        operator.itemgetter(*picks) if len(picks) > 1 else lambda texts: (texts[picks[0]],)
    )
    found = _Plan(
        pick,
        tuple(
            (
                where[fs.attr],
                None
                if fs.kind is Kind.STR
                else (_INT if fs.kind is Kind.INT else _DECIMAL).fullmatch,
                int if fs.kind is Kind.INT else Decimal,
                fs,
            )
            for fs in spec.converted
            if fs.attr in where
        ),
    )
    if len(plans) < _MAX_ORDERS:
        plans[tags] = found
    return found


_TAG: Final = operator.attrgetter("tag")
_TEXT: Final = operator.attrgetter("text")


def _decode_simple(el: etree._Element, spec: RecordSpec, path: str, issues: list[CebIssue]) -> Any:
    # Fast path: C-level passes over the children (no per-element bytecode); any surprise
    # (comment, processing instruction, unknown, repeated or misplaced element, a leaf holding
    # children) falls back to the general decoder, which reports it.
    nodes = list(el)
    plan = _plan(tuple(map(_TAG, nodes)), spec)
    if plan is None or any(map(len, nodes)):
        return _decode_record(el, spec, path, issues, fast=False)
    texts: list[Any] = list(map(_TEXT, nodes))
    if None in texts:
        texts = ["" if text is None else text for text in texts]
    for index, matcher, convert, fs in plan.conversions:
        raw = texts[index]
        if matcher is None:
            texts[index] = " ".join(raw.split())
        else:
            raw = raw.strip()
            texts[index] = convert(raw) if matcher(raw) else _number(raw, fs, path)
    texts.append(None)
    return spec.cls(*plan.pick(texts))


def _decode_record(
    el: etree._Element, spec: RecordSpec, path: str, issues: list[CebIssue], fast: bool = True
) -> Any:
    if fast and spec.simple:
        return _decode_simple(el, spec, path, issues)
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
            name = etree.QName(node).localname
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
            value = _decode_record(node, spec_of(fs.record), sub, issues)
        else:
            value = _leaf_value(node, fs, path, issues)
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


def decode_tree(root: etree._Element) -> Decoded:
    """Decode an already parsed (trusted or hardened) element tree."""
    issues: list[CebIssue] = []
    qname = etree.QName(root)
    name = qname.localname
    if qname.namespace != NS:
        raise CebDecodeError(
            [
                issue(
                    name,
                    "namespace",
                    f"root element must be in namespace {NS}",
                    f"根元素必须属于命名空间 {NS}",
                )
            ]
        )
    if name not in ROOTS and _ROOT_ALIAS.fullmatch(name) and name + "Message" in ROOTS:
        issues.append(
            issue(
                name,
                "root_name",
                f"root element must be {name}Message, not {name}",
                f"根元素应为 {name}Message，而不是 {name}",
            )
        )
        name += "Message"
    cls = ROOTS.get(name)
    if cls is None:
        raise CebDecodeError(
            [
                issue(
                    name,
                    "unknown_type",
                    f"{name} is not a known CEB message",
                    f"{name} 不是已知的 CEB 报文",
                )
            ]
        )
    spec = spec_of(cls)
    message = _decode_record(root, spec, "", issues)
    for fs in spec.fields:
        if fs.attribute:
            setattr(message, fs.attr, root.get(fs.name))
    for key in root.attrib:
        attr = key.decode() if isinstance(key, bytes) else key
        if attr not in ("guid", "version"):
            issues.append(
                issue(
                    f"@{attr}",
                    "unexpected",
                    f"attribute {attr} is not allowed on the root",
                    f"根元素不允许属性 {attr}",
                )
            )
    return Decoded(message, tuple(issues))


def decode_report(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Decoded:
    """Decode untrusted bytes, returning the model and any tolerated deviations."""
    return decode_tree(parse(data, limits))


def decode(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Decode untrusted bytes (UTF-8 or GB2312/GBK as declared) into a message model."""
    return decode_tree(parse(data, limits)).message


def decode_as(data: bytes, cls: type[_M], limits: Limits = DEFAULT_LIMITS) -> _M:
    """Decode bytes that must be a `cls` message (e.g. CEB622Message); typed for callers."""
    message = decode(data, limits)
    if type(message) is not cls:
        raise CebDecodeError(
            [
                issue(
                    spec_of(type(message)).name,
                    "wrong_type",
                    f"expected {cls.__name__}, got {type(message).__name__}",
                    f"应为 {cls.__name__}，实为 {type(message).__name__}",
                )
            ]
        )
    return message


def _text(value: Any, fs: FieldSpec) -> str:
    if fs.kind is Kind.STR:
        if not isinstance(value, str):
            raise TypeError(f"{fs.name} must be a str, not {type(value).__name__}")
        return value
    if fs.kind is Kind.DEC:
        if isinstance(value, bool) or not isinstance(value, Decimal | int):
            raise TypeError(f"{fs.name} must be a Decimal, not {type(value).__name__}")
        return format(value, "f")
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{fs.name} must be an int, not {type(value).__name__}")
    return str(value)


def _encode_record(parent: etree._Element, obj: Any, spec: RecordSpec) -> None:
    if type(obj) is not spec.cls:
        raise TypeError(f"expected {spec.cls.__name__}, got {type(obj).__name__}")
    for fs in spec.fields:
        if fs.attribute:
            continue
        value = getattr(obj, fs.attr)
        if value is None:
            continue
        kind = fs.kind
        if kind is Kind.RECORD:
            assert fs.record is not None
            sub = spec_of(fs.record)
            for item in value if fs.repeated else (value,):
                _encode_record(etree.SubElement(parent, fs.tag), item, sub)
        elif kind is Kind.SIGNATURE or kind is Kind.ANY:
            parent.append(parse(bytes(value)))
        else:
            etree.SubElement(parent, fs.tag).text = _text(value, fs)


def encode_tree(message: Any) -> etree._Element:
    """Build the element tree of a message model."""
    spec = spec_of(type(message))
    if not spec.is_root:
        raise TypeError(f"{spec.name} is not a message root")
    attrib = {
        fs.name: getattr(message, fs.attr)
        for fs in spec.fields
        if fs.attribute and getattr(message, fs.attr) is not None
    }
    root = etree.Element(CLARK + spec.name, attrib, nsmap=_NSMAP)
    try:
        _encode_record(root, message, spec)
    except (TypeError, ValueError) as exc:
        raise CebEncodeError(
            [issue(spec.name, "encode", f"cannot encode: {exc}", f"无法生成报文：{exc}")]
        ) from None
    return root


def encode(message: Any) -> bytes:
    """Encode a message model as UTF-8 XML in the element order of the official XSD."""
    return etree.tostring(encode_tree(message), xml_declaration=True, encoding="UTF-8")
