"""Hardened XML parsing: no DTD, no entities, no network, bounded size and depth."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Final

from lxml import etree

from opencbec.messages.ceb.errors import CebParseError, issue

MAX_BYTES: Final = 16 * 1024 * 1024
MAX_DEPTH: Final = 24
UTF8_BOM: Final = b"\xef\xbb\xbf"
# GB2312 and GBK are read as GB18030, their superset, so every declared Chinese charset decodes.
ENCODINGS: Final = frozenset({"utf-8", "utf8", "gb2312", "gbk", "gb18030", "us-ascii", "ascii"})
_DECL: Final = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)[\"']")


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds applied to untrusted input."""

    max_bytes: int = MAX_BYTES
    max_depth: int = MAX_DEPTH


DEFAULT_LIMITS: Final = Limits()

_local = threading.local()
_depth_checks: dict[int, etree.XPath] = {}


def _parser() -> etree.XMLParser:
    # lxml parsers are not thread-safe; one per thread keeps the hot path allocation-free.
    parser: etree.XMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            collect_ids=False,
        )
        _local.parser = parser
    return parser


def _refuse(code: str, en: str, zh: str) -> CebParseError:
    return CebParseError([issue("/", code, en, zh)])


def _check_encoding(data: bytes) -> bytes:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        raise _refuse("encoding", "UTF-16 input is not accepted", "不接受 UTF-16 编码的报文")
    bom = data.startswith(UTF8_BOM)
    body = data[3:] if bom else data
    match = _DECL.match(body, 0, 200) if body.startswith(b"<?xml") else None
    if match is None:
        return body
    declared = match.group(1).decode("ascii", "replace").lower()
    if declared not in ENCODINGS:
        raise _refuse(
            "encoding",
            f"declared encoding {declared!r} is not accepted (UTF-8, GB2312, GBK, GB18030)",
            f"不接受声明的编码 {declared!r}（仅限 UTF-8、GB2312、GBK、GB18030）",
        )
    if bom and not declared.startswith("utf"):
        raise _refuse(
            "encoding",
            f"a UTF-8 byte order mark contradicts the declared encoding {declared!r}",
            f"UTF-8 字节顺序标记与声明的编码 {declared!r} 矛盾",
        )
    if declared.startswith("gb") and declared != "gb18030":
        # libxml2's GB2312 table lacks characters GBK senders use; GB18030 is a strict superset.
        start, end = match.span(1)
        body = body[:start] + b"GB18030" + body[end:]
    return body


def _too_deep(root: etree._Element, max_depth: int) -> bool:
    check = _depth_checks.get(max_depth)
    if check is None:
        check = etree.XPath("boolean(/" + "/".join(["*"] * (max_depth + 1)) + ")")
        _depth_checks[max_depth] = check
    return bool(check(root))


def parse(data: bytes, limits: Limits = DEFAULT_LIMITS) -> etree._Element:
    """Parse untrusted bytes into an element tree, refusing anything unsafe."""
    if not isinstance(data, bytes | bytearray):
        raise TypeError("parse() takes bytes")
    if len(data) > limits.max_bytes:
        raise _refuse(
            "too_large",
            f"message is {len(data)} bytes, the limit is {limits.max_bytes}",
            f"报文大小 {len(data)} 字节，超过上限 {limits.max_bytes} 字节",
        )
    body = _check_encoding(bytes(data))
    # Both markers hold "!", which real messages rarely do: one memchr pass usually settles it.
    if b"!" in body and (b"<!DOCTYPE" in body or b"<!ENTITY" in body):
        raise _refuse(
            "dtd",
            "DTDs and entity declarations are not allowed",
            "不允许文档类型定义（DTD）或实体声明",
        )
    try:
        root = etree.fromstring(body, _parser())
    except etree.XMLSyntaxError as exc:
        raise _refuse(
            "not_well_formed", f"not well-formed XML: {exc}", f"XML 格式错误：{exc}"
        ) from None
    if _too_deep(root, limits.max_depth):
        raise _refuse(
            "too_deep",
            f"elements are nested deeper than {limits.max_depth} levels",
            f"元素嵌套超过 {limits.max_depth} 层",
        )
    return root
