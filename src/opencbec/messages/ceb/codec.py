"""Encode CEB models to XML in the exact XSD order and decode real-world XML back into models."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, TypeVar

from lxml import etree

from opencbec.messages.ceb import models as _models  # noqa: F401 - registers every message root
from opencbec.messages.ceb.decoder import decode_record, local_name
from opencbec.messages.ceb.errors import CebDecodeError, CebEncodeError, CebIssue, issue
from opencbec.messages.ceb.safexml import (
    DEFAULT_LIMITS,
    Element,
    Limits,
    ReaderDeclined,
    parse,
    read,
)
from opencbec.messages.ceb.spec import CLARK, NS, ROOTS, FieldSpec, Kind, RecordSpec, spec_of

_M = TypeVar("_M")
_ROOT_ALIAS: Final = re.compile(r"CEB\d{3}")
_NSMAP: Final = {"ceb": NS}
# The (model attribute, XML name) of each root's XML attributes, by model.
_ATTRIBUTES: dict[type, tuple[tuple[str, str], ...]] = {}


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


def decode_tree(root: Element) -> Decoded:
    """Decode an already parsed (trusted or hardened) element tree (lxml's or `safexml.read`'s)."""
    issues: list[CebIssue] = []
    tag = root.tag
    if type(tag) is not str or not tag.startswith(CLARK):
        name = local_name(tag) if type(tag) is str else str(tag)
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
    name = tag[len(CLARK) :]
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
    message = decode_record(root, spec, "", issues)
    attributes = _ATTRIBUTES.get(cls)
    if attributes is None:
        attributes = _ATTRIBUTES[cls] = tuple(
            (fs.attr, fs.name) for fs in spec.fields if fs.attribute
        )
    for attr, xml_name in attributes:
        setattr(message, attr, root.get(xml_name))
    for key in root.keys():  # noqa: SIM118 - an element's attribute names, not a dict
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
    root = read(data, limits)
    try:
        return decode_tree(root)
    except ReaderDeclined:
        return decode_tree(parse(data, limits))


def decode(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Decode untrusted bytes (UTF-8 or GB2312/GBK as declared) into a message model."""
    return decode_report(data, limits).message


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
