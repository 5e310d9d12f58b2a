"""Encode CEB models to XML in the exact XSD order and decode real-world XML back into models."""

from __future__ import annotations

import dataclasses
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
# Tag sequences already proven known and in schema order, with their attribute names, per
# record type (bounded): the common case then maps texts to fields with one C-level zip.
_GOOD_ORDERS: dict[type, dict[tuple[str, ...], tuple[str, ...]]] = {}
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


def _attrs_in_order(texts: dict[str, str | None], spec: RecordSpec) -> tuple[str, ...] | None:
    """Return the field names of the tags in `texts` if all are known and in schema order."""
    seen = tuple(texts)
    orders = _GOOD_ORDERS.get(spec.cls)
    if orders is None:
        orders = _GOOD_ORDERS[spec.cls] = {}
    attrs = orders.get(seen)
    if attrs is not None:
        return attrs
    # First time this combination of optional elements is seen: check it once.
    tag_attr = spec.tag_attr
    if not texts.keys() <= tag_attr.keys():
        return None
    index = spec.tag_index
    positions = [index[tag] for tag in seen]
    if positions != sorted(positions):
        return None
    attrs = tuple(tag_attr[tag] for tag in seen)
    if len(orders) < _MAX_ORDERS:
        orders[seen] = attrs
    return attrs


def _decode_simple(el: etree._Element, spec: RecordSpec, path: str, issues: list[CebIssue]) -> Any:
    # Fast path: one dict comprehension instead of per-element branching; any surprise
    # (comment, unknown or repeated element) falls back to the general decoder.
    # Leaves with children (comments, stray elements) take the general path.
    texts = {node.tag: node.text for node in el if not len(node)}
    if len(texts) != len(el):
        return _decode_record(el, spec, path, issues, fast=False)
    attrs = _attrs_in_order(texts, spec)
    if attrs is None:
        return _decode_record(el, spec, path, issues, fast=False)
    values: dict[str, Any] = dict(zip(attrs, texts.values(), strict=True))
    if None in values.values():
        for attr in spec.str_attrs & values.keys():
            if values[attr] is None:
                values[attr] = ""
    for attr, matcher, convert, fs in _conversions(spec):
        if attr not in values:
            continue
        raw = values[attr]
        if raw is None:
            raw = values[attr] = ""
        if matcher is None:
            values[attr] = " ".join(raw.split())
        else:
            raw = raw.strip()
            values[attr] = convert(raw) if matcher(raw) else _number(raw, fs, path)
    return spec.cls(**values)


_Conversion = tuple[str, Callable[[str], object] | None, Callable[[str], Any], FieldSpec]
_CONVERSIONS: dict[type, tuple[_Conversion, ...]] = {}


def _conversions(spec: RecordSpec) -> tuple[_Conversion, ...]:
    # Bound methods and constructors per field, so the hot loop does no kind dispatch.
    found = _CONVERSIONS.get(spec.cls)
    if found is None:
        found = tuple(
            (
                fs.attr,
                None
                if fs.kind is Kind.STR
                else (_INT if fs.kind is Kind.INT else _DECIMAL).fullmatch,
                int if fs.kind is Kind.INT else Decimal,
                fs,
            )
            for fs in spec.converted
        )
        _CONVERSIONS[spec.cls] = found
    return found


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
