"""Hardened XML parsing: no DTD, no entities, no network, bounded size and depth.

`parse` gives an lxml tree. `read` gives what the decoder reads: the tree of the compiled
reader `_fastxml` (C, built by hatch_build.py) when the bytes are within the XML subset it reads,
else the same lxml tree `parse` gives, refused or accepted exactly as `parse` would.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, TypeAlias

from lxml import etree

from opencbec.messages.ceb.errors import CebParseError, issue

if TYPE_CHECKING:
    from opencbec.messages.ceb._fastxml import Node

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

# An element as the decoder reads it: lxml's, or the compiled reader's (same tag, text, tail,
# children and attributes; `Node.c14n()` for `etree.tostring(element, method="c14n")`).
Element: TypeAlias = "etree._Element | Node"
# Set (to anything but "" or "0") where the compiled reader must be present, as in CI.
REQUIRE_ENV: Final = "OPENCBEC_REQUIRE_SPEEDUPS"
# The deepest nesting the compiled reader takes; deeper limits use lxml alone.
_FAST_MAX_DEPTH: Final = 256


def _load_reader() -> Callable[[bytes, int, Callable[[str], bool]], Node | None] | None:
    try:
        from opencbec.messages.ceb import _fastxml  # noqa: PLC0415 - optional compiled module
    except ImportError:
        if os.environ.get(REQUIRE_ENV, "") not in ("", "0"):
            raise
        return None
    return _fastxml.read


_READER: Final = _load_reader()
_fast: list[Callable[[bytes, int, Callable[[str], bool]], Node | None] | None] = [_READER]


class ReaderDeclined(Exception):
    """The compiled reader's tree cannot give what lxml's would: decode from lxml's."""


# What libxml2 makes of a namespace URI: 0 refuses the document, 1 parses it but cannot
# canonicalise it (relative), 2 both; asked of lxml once per URI, so both paths agree.
_URI_VERDICTS: dict[str, int] = {}
_ATTRIBUTE_ESCAPES: Final = {"&": "&amp;", "<": "&lt;", '"': "&quot;"}


def _uri_verdict(uri: str) -> int:
    verdict = _URI_VERDICTS.get(uri)
    if verdict is None:
        value = "".join(_ATTRIBUTE_ESCAPES.get(c, c) for c in uri)
        try:
            probe = etree.fromstring(f'<a xmlns:p="{value}"/>'.encode(), _parser())
        except etree.XMLSyntaxError:
            verdict = 0
        else:
            try:
                etree.tostring(probe, method="c14n")
                verdict = 2
            except etree.C14NError:
                verdict = 1
        if len(_URI_VERDICTS) < 1024:
            _URI_VERDICTS[uri] = verdict
    return verdict


def namespace_uri_valid(uri: str) -> bool:
    """Return whether lxml accepts a document declaring the namespace `uri`."""
    return _uri_verdict(uri) > 0


def check_c14n_uri(uri: str) -> None:
    """Raise ReaderDeclined unless libxml2 canonicalises a namespace declaration of `uri`.

    Its C14N refuses relative namespace URIs, which the compiled reader's own canonical form
    would not notice: the caller then decodes lxml's tree.
    """
    if _uri_verdict(uri) < 2:
        raise ReaderDeclined(uri)


def speedups_available() -> bool:
    """Return whether the compiled reader was built and imports."""
    return _READER is not None


def speedups_enabled() -> bool:
    """Return whether `read` uses the compiled reader."""
    return _fast[0] is not None


def set_speedups(enabled: bool) -> bool:
    """Use the compiled reader (if built) or lxml alone; return the previous setting."""
    previous = _fast[0] is not None
    _fast[0] = _READER if enabled else None
    return previous


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


def _body(data: bytes, limits: Limits) -> bytes:
    if not isinstance(data, bytes | bytearray):
        raise TypeError("parse() takes bytes")
    if len(data) > limits.max_bytes:
        raise _refuse(
            "too_large",
            f"message is {len(data)} bytes, the limit is {limits.max_bytes}",
            f"报文大小 {len(data)} 字节，超过上限 {limits.max_bytes} 字节",
        )
    return _check_encoding(bytes(data))


def _parse_body(body: bytes, limits: Limits) -> etree._Element:
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


def parse(data: bytes, limits: Limits = DEFAULT_LIMITS) -> etree._Element:
    """Parse untrusted bytes into an element tree, refusing anything unsafe."""
    return _parse_body(_body(data, limits), limits)


def read(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Element:
    """Read untrusted bytes for decoding: the compiled reader's tree, or `parse`'s.

    The compiled reader answers only for UTF-8 input within its subset of XML (no comments,
    processing instructions, CDATA or DTD, ASCII names) nested at most `limits.max_depth` deep;
    for anything else it declines and lxml decides, so what is refused, and why, is the same.
    """
    body = _body(data, limits)
    fast = _fast[0]
    if fast is not None and 0 < limits.max_depth <= _FAST_MAX_DEPTH:
        root = fast(body, limits.max_depth, namespace_uri_valid)
        if root is not None:
            return root
    return _parse_body(body, limits)
