"""The compiled reader (`_fastxml.c`) against lxml as the oracle.

Wherever the reader answers, lxml must accept the same bytes and give the same tree (tags,
texts, tails, attributes, children, canonical form of every element); wherever it declines,
lxml decides. Decoding and validating with and without it must give the same models, issues
and findings, or the same refusal.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from opencbec.messages.ceb import safexml
from opencbec.messages.ceb.codec import decode_report, encode, message_types
from opencbec.messages.ceb.errors import CebError
from opencbec.messages.ceb.safexml import (
    DEFAULT_LIMITS,
    Limits,
    ReaderDeclined,
    check_c14n_uri,
    namespace_uri_valid,
    read,
    set_speedups,
)
from opencbec.messages.ceb.sign import SoftwareSigner, sign
from opencbec.messages.ceb.skeleton import skeleton
from opencbec.messages.ceb.validate import validate, validate_bytes

from .conftest import CONFORMANCE, KeyPair
from .test_ceb_properties import _record
from .test_ceb_safexml import BILLION_LAUGHS, EXTERNAL_DTD, PARAMETER_ENTITY, XXE

try:
    from opencbec.messages.ceb import _fastxml
except ImportError:  # the build had no C compiler: only the require test below can run
    _fastxml = None  # type: ignore[assignment]

needs_reader = pytest.mark.skipif(_fastxml is None, reason="the compiled reader is not built")
_LXML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
_PROFILE = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _samples() -> list[Path]:
    return sorted((CONFORMANCE / "samples").glob("*/*.xml"))


def _body(data: bytes) -> bytes:
    return data.removeprefix(b"\xef\xbb\xbf")


def _same_tree(node: Any, element: etree._Element) -> None:
    assert node.tag == element.tag
    assert node.text == element.text, node.tag
    assert node.tail == element.tail, node.tag
    assert node.keys() == list(element.keys()), node.tag
    names = node.keys()  # iterating an element gives its children, not its attributes
    assert [node.get(k) for k in names] == [element.get(k) for k in names]
    assert node.get("{urn:none}absent", "x") == "x"
    try:
        canonical = etree.tostring(element, method="c14n")
    except etree.C14NError:  # relative or malformed namespace URIs: lxml's answer is needed
        with pytest.raises(ReaderDeclined):
            node.c14n(check_c14n_uri)
    else:
        assert node.c14n(check_c14n_uri) == canonical, node.tag
    assert len(node) == len(element), node.tag
    for child, other in zip(node, element, strict=True):
        _same_tree(child, other)


def _oracle(body: bytes, depth: int = 24) -> Any:
    """Return the reader's tree after checking it against lxml's (None where it declines)."""
    assert _fastxml is not None
    node = _fastxml.read(body, depth, namespace_uri_valid)
    try:
        element = etree.fromstring(body, _LXML)
    except etree.XMLSyntaxError:
        assert node is None, body
        return None
    if node is not None:
        _same_tree(node, element)
    return node


def _outcome(data: bytes, limits: Limits) -> tuple[Any, ...]:
    try:
        decoded = decode_report(data, limits)
    except CebError as exc:
        return ("refused", exc.issues)
    return ("decoded", decoded.message, decoded.issues, validate(decoded.message))


def _agree(data: bytes, limits: Limits = DEFAULT_LIMITS) -> tuple[Any, ...]:
    """Decode + validate with and without the reader; both must give the same."""
    fast = _outcome(data, limits)
    set_speedups(False)
    try:
        slow = _outcome(data, limits)
        slow_bytes = validate_bytes(data, limits=limits)
    finally:
        set_speedups(True)
    assert fast == slow
    assert validate_bytes(data, limits=limits) == slow_bytes
    return fast


def test_the_reader_is_built_where_required() -> None:
    if os.environ.get(safexml.REQUIRE_ENV, "") in ("", "0"):
        pytest.skip(f"{safexml.REQUIRE_ENV} is not set (CI sets it)")
    assert safexml.speedups_available()
    assert safexml.speedups_enabled()


def test_a_missing_reader_fails_the_import_only_where_required(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As if never built: the import system finds neither the module nor the package attribute.
    monkeypatch.setitem(sys.modules, "opencbec.messages.ceb._fastxml", None)
    monkeypatch.delattr(sys.modules["opencbec.messages.ceb"], "_fastxml", raising=False)
    monkeypatch.setenv(safexml.REQUIRE_ENV, "0")
    assert safexml._load_reader() is None
    monkeypatch.setenv(safexml.REQUIRE_ENV, "1")
    with pytest.raises(ImportError):
        safexml._load_reader()


@needs_reader
def test_switching_the_reader_off_and_on() -> None:
    data = encode(skeleton(message_types()["CEB621Message"]))
    assert type(read(data)).__name__ == "Node"
    assert set_speedups(False) is True
    try:
        assert safexml.speedups_enabled() is False
        assert isinstance(read(data), etree._Element)
    finally:
        assert set_speedups(True) is False
    # Deeper limits than the reader takes, and the GB18030 family, are lxml's.
    assert isinstance(read(data, Limits(max_depth=300)), etree._Element)
    gbk = data.replace(b"encoding='UTF-8'", b"encoding='GBK'")
    assert gbk != data
    assert isinstance(read(gbk), etree._Element)


@needs_reader
@pytest.mark.parametrize("sample", _samples(), ids=lambda p: p.stem)
def test_official_samples_read_and_decode_the_same(sample: Path) -> None:
    data = sample.read_bytes()
    node = _oracle(_body(data))
    # Two samples start with an XMLSpy comment: those are lxml's; every other one is ours.
    assert (node is None) is (b"<!--" in data)
    assert _agree(data)[0] == "decoded"


@needs_reader
def test_signed_messages_keep_the_same_signature_bytes(rsa_pair: KeyPair) -> None:
    signer = SoftwareSigner.from_pem(rsa_pair.key.read_bytes(), rsa_pair.cert.read_bytes())
    for name in ("CEB621Message", "CEB311Message", "CEB303Message"):
        signed = sign(encode(skeleton(message_types()[name])), signer)
        assert _oracle(signed) is not None
        outcome = _agree(signed)
        assert outcome[0] == "decoded"
        assert outcome[1].signature.startswith(b"<ds:Signature xmlns:ceb=")


@needs_reader
@_PROFILE
@given(data=st.data())
def test_generated_messages_of_every_type_read_and_decode_the_same(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(message_types())))
    encoded = encode(data.draw(_record(message_types()[name])))
    assert _oracle(encoded) is not None
    assert _agree(encoded)[0] == "decoded"
    # The same message pretty-printed with CRLF line ends and a comment-free prolog.
    pretty = etree.tostring(etree.fromstring(encoded), pretty_print=True, encoding="UTF-8")
    crlf = b'<?xml version="1.0" encoding="utf-8" standalone="yes"?>\r\n' + pretty.replace(
        b"\n", b"\r\n"
    )
    assert _oracle(crlf) is not None
    _agree(crlf)


# Within the subset: each must be read, and read as lxml reads it.
INSIDE = [
    b"<a/>",
    b"<a />",
    b"<a></a >",
    b"<?xml version='1.0'?>\n<a>x</a>\n",
    b'<a xmlns="urn:x" xmlns:p="urn:p" k="v&amp;&#10;\r\n x\t" p:z="1"><b>t&lt;&#x4e2d;</b>tail'
    b'<p:c/>\r\n<d xmlns="">x</d>\r</a>',
    b'<a xmlns:p="urn:p"><p:b xmlns:p="urn:p"><p:c xmlns:p="urn:q" p:x="1"/></p:b></a>',
    b'<a xmlns="urn:x"><b xmlns=""><c xmlns="urn:x">&quot;&apos;&gt;]]</c></b></a>',
    b'<a z="1" b="2" xmlns:q="urn:b" xmlns:p="urn:a" q:y="3" p:y="4">mixed<b/>text<c>x</c>!</a>',
    "<a x='中文&#x1F600;'>中文😀</a>".encode(),
    b"<a>&#9;&#13;&#x20;&#65;</a>",
    b'<a x="&lt;&#13;&#9;"/>',
    b'<a xmlns:p="rel/uri"><b xmlns:q="http://ok">x</b></a>',
    # libxml2's canonical form writes namespace URIs unescaped; so must the reader's.
    b'<a xmlns:p="http://a/?x=1&amp;y=2"><b xmlns="urn:a&amp;b"/></a>',
    # lxml's quirks canonicalising below the root (the reader reproduces them, see _fastxml.c):
    # a spurious xmlns="" two levels down, and a redeclaration written again.
    b'<z xmlns:ds="urn:b" xmlns="urn:c"><b><a><ds:z>x</ds:z></a></b></z>',
    b'<r><ds:c xmlns="urn:b" xmlns:ds="urn:ds"><z><u><S xmlns="urn:b"/></u></z></ds:c></r>',
    b'<r xmlns:ds="urn:b"><ds:S><ds:I><ds:R xmlns:ds="urn:b"><ds:T/></ds:R></ds:I></ds:S></r>',
]

# Outside the subset or not well-formed: the reader declines, lxml decides.
OUTSIDE = [
    b"",
    b"   ",
    b"<a>",
    b"<a></b>",
    b"<a></ab>",
    b"<a/><b/>",
    b"<a/>x",
    b"x<a/>",
    b"<!-- c --><a/>",
    b"<a><!-- c --></a>",
    b"<a><?pi x?></a>",
    b"<a><![CDATA[x]]></a>",
    b"<!DOCTYPE a><a/>",
    b"<?xml version='1.1'?><a/>",
    b"<?xml version='1.0' encoding='GBK'?><a/>",
    b"<?xml version='1.0' encoding='UTF8'?><a/>",
    b" <?xml version='1.0'?><a/>",
    "<名/>".encode(),
    "<a 名='1'/>".encode(),
    b"<p:a/>",
    b"<a p:x='1'/>",
    b"<a x='1' x='2'/>",
    b"<a xmlns:p='urn:x' xmlns:q='urn:x' p:x='1' q:x='2'/>",
    b"<a x='1'y='2'/>",
    b"<a x=1/>",
    b"<a x='<'/>",
    b"<a xml:lang='zh'/>",
    b"<a xmlns:p=''/>",
    b"<a xmlns:xml='urn:x'/>",
    b"<xmlns:a/>",
    b"<a xmlns:a:b='urn:x'/>",
    b"<a>]]></a>",
    b"<a>\x01</a>",
    b"<a>\xef\xbf\xbe</a>",
    b"<a>\xff</a>",
    b"<a>\xed\xa0\x80</a>",
    b"<a>&foo;</a>",
    b"<a>&#0;</a>",
    b"<a>&#xD800;</a>",
    b"<a>&#x110000;</a>",
    b"<a>&#;</a>",
    b"<a>&amp</a>",
    b"<a>&#x0000000041;</a>",
    b"<a:b:c/>",
    b"<1a/>",
    b'<a xmlns="http://a b"><b/></a>',
    b'<a xmlns:p="http://a:b/"/>',
    b'<a><b xmlns:p="http://www.w3.org/]2000/09/xmldsig#"/></a>',
]


@needs_reader
@pytest.mark.parametrize("body", INSIDE)
def test_subset_is_read_as_lxml_reads_it(body: bytes) -> None:
    assert _oracle(body) is not None


@needs_reader
@pytest.mark.parametrize("body", OUTSIDE)
def test_outside_the_subset_the_reader_declines(body: bytes) -> None:
    assert _fastxml is not None
    assert _fastxml.read(body, 24, namespace_uri_valid) is None
    _oracle(body)
    _agree(body)


@needs_reader
def test_attributes_beyond_the_limit_are_lxmls() -> None:
    assert _fastxml is not None
    many = b"<a " + b" ".join(b"a%d='1'" % i for i in range(64)) + b"/>"
    assert _oracle(many) is not None
    assert _fastxml.read(many.replace(b"/>", b" z='1'/>"), 24, namespace_uri_valid) is None


@needs_reader
@pytest.mark.parametrize("depth", [1, 2, 24, 25, 256])
def test_depth_is_bounded_in_the_reader(depth: int) -> None:
    assert _fastxml is not None
    body = b"<a>" * depth + b"</a>" * depth
    node = _fastxml.read(body, 24, namespace_uri_valid)
    assert (node is None) is (depth > 24)
    with pytest.raises(ValueError, match="max_depth"):
        _fastxml.read(body, 257, namespace_uri_valid)
    with pytest.raises(ValueError, match="max_depth"):
        _fastxml.read(body, 0, namespace_uri_valid)


@needs_reader
@pytest.mark.parametrize(
    ("data", "code"),
    [
        (XXE, "dtd"),
        (BILLION_LAUGHS, "dtd"),
        (EXTERNAL_DTD, "dtd"),
        (PARAMETER_ENTITY, "dtd"),
        (b"<a>" * 30 + b"</a>" * 30, "too_deep"),
        (b"<a>" * 100_000 + b"</a>" * 100_000, "not_well_formed"),
        (b"<a>" * 100_000, "not_well_formed"),
        (b"<a>" + b"x" * 2000 + b"</a>", "too_large"),
    ],
)
def test_hostile_input_is_refused_through_the_reader(data: bytes, code: str) -> None:
    outcome = _agree(data, Limits(max_bytes=1000) if code == "too_large" else DEFAULT_LIMITS)
    assert outcome[0] == "refused"
    assert outcome[1][0].code == code


def _seeds() -> Iterator[bytes]:
    for path in _samples():
        yield path.read_bytes()
    yield encode(skeleton(message_types()["CEB621Message"]))


_SEEDS = list(_seeds())
_BYTES = st.sampled_from([*b"<>/&;#x=\"' :!?\r\n\t\x00]", 0xE4, 0xBF, 0xEF, 0xFF, 0x80])


@needs_reader
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_and_truncated_messages_read_and_decode_the_same(data: st.DataObject) -> None:
    body = bytearray(data.draw(st.sampled_from(_SEEDS)))
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(body) - 1))
        op = data.draw(st.sampled_from(["set", "insert", "delete", "truncate", "repeat"]))
        if op == "set":
            body[at] = data.draw(_BYTES)
        elif op == "insert":
            body[at:at] = bytes([data.draw(_BYTES)])
        elif op == "delete":
            del body[at : at + data.draw(st.integers(1, 40))]
        elif op == "truncate":
            del body[at:]
        else:
            body[at:at] = body[at : at + data.draw(st.integers(1, 60))]
        if not body:
            body = bytearray(b"<")
    mutated = bytes(body)
    _oracle(_body(mutated))
    _agree(mutated)


def test_a_signature_under_a_relative_namespace_is_refused_by_both_paths(
    rsa_pair: KeyPair,
) -> None:
    signer = SoftwareSigner.from_pem(rsa_pair.key.read_bytes(), rsa_pair.cert.read_bytes())
    signed = sign(encode(skeleton(message_types()["CEB621Message"])), signer)
    # libxml2 cannot canonicalise a relative namespace URI in scope of the signature.
    relative = signed.replace(b"<ceb:CEB621Message ", b'<ceb:CEB621Message xmlns:x="rel/x" ', 1)
    assert relative != signed
    outcome = _agree(relative)
    assert outcome[0] == "refused"
    assert [(i.path, i.code) for i in outcome[1]] == [("Signature", "c14n")]
    assert "relative or malformed" in outcome[1][0].reason_en
    assert _agree(signed)[0] == "decoded"
