"""Code-table editions: parsing with row/column errors, and diffs."""

from __future__ import annotations

import pytest

from opencbec.goods.rules import MAX_BYTES, TABLES, diff_editions, parse_edition

COUNTRY = TABLES["country"]


def _errors(content: bytes, table: str = "country") -> list[tuple[str, str]]:
    return [(e.field, e.reason.en) for e in parse_edition(TABLES[table], content).errors]


def test_a_good_edition_parses() -> None:
    parsed = parse_edition(
        COUNTRY, "\ufeffname_en,code,iso2,iso3,name_zh\nJapan,116,JP,JPN,日本\n".encode()
    )
    assert parsed.errors == []
    assert parsed.rows == {
        "116": {"code": "116", "iso2": "JP", "iso3": "JPN", "name_zh": "日本", "name_en": "Japan"}
    }


@pytest.mark.parametrize(
    ("content", "field", "reason"),
    [
        (b"", "file", "empty"),
        (b"code,iso2,iso3,name_zh\n", "header", "missing: name_en"),
        (b"code,iso2,iso3,name_zh,name_en,extra\n", "header", "unknown: extra"),
        (b"code,iso2,iso3,name_zh,name_en\n", "file", "no rows"),
        (
            "code,iso2,iso3,name_zh,name_en\n11,JP,JPN,日本,Japan\n".encode(),
            "row 2/code",
            "3 digits",
        ),
        (
            "code,iso2,iso3,name_zh,name_en\n116,jp,JPN,日本,Japan\n".encode(),
            "row 2/iso2",
            "capital",
        ),
        (b"code,iso2,iso3,name_zh,name_en\n116,JP,JPN,,Japan\n", "row 2/name_zh", "required"),
        (
            "code,iso2,iso3,name_zh,name_en\n116,JP,JPN,日本,Japan,extra\n".encode(),
            "row 2",
            "more cells",
        ),
        (
            "code,iso2,iso3,name_zh,name_en\n116,JP,JPN,日本,Japan\n116,JP,JPN,日本,Japan\n".encode(),
            "row 3/code",
            "twice",
        ),
        (b"code,name_zh\n\xff\xfe", "file", "not UTF-8"),
        (
            "code,iso2,iso3,name_zh,name_en\n116,JP,JPN,日本," + "x" * 300 + "\n",
            "row 2/name_en",
            "at most 200",
        ),
    ],
)
def test_bad_editions_name_row_and_column(content: bytes | str, field: str, reason: str) -> None:
    raw = content.encode() if isinstance(content, str) else content
    errors = _errors(raw)
    assert errors, "the edition should have been refused"
    assert errors[0][0] == field
    assert reason in errors[0][1]


def test_kinds_bool_and_rate() -> None:
    bad_bool = "code,name_zh,bonded_only\n3304990099,化妆品,yes\n".encode()
    assert _errors(bad_bool, "positive_list") == [("row 2/bonded_only", "must be 0 or 1")]
    good_bool = parse_edition(
        TABLES["positive_list"], "code,name_zh,bonded_only\n03021300,鲑鱼,1\n".encode()
    )
    assert good_bool.rows["03021300"]["bonded_only"] is True
    for rate, expected in (
        ("abc", "percentage"),
        ("120", "between 0 and 100"),
        ("NaN", "between 0 and 100"),
    ):
        errors = _errors(f"code,name_zh,rate\n8507600020,锂电池,{rate}\n".encode(), "refund_rate")
        assert expected in errors[0][1]
    assert (
        parse_edition(
            TABLES["refund_rate"], "code,name_zh,rate\n8507600020,锂电池,9.0\n".encode()
        ).rows["8507600020"]["rate"]
        == "9.0"
    )


def test_oversize_and_error_cap() -> None:
    assert _errors(b"x" * (MAX_BYTES + 1))[0][0] == "file"
    many_bad = "code,iso2,iso3,name_zh,name_en\n" + "".join(f"{i},x,x,x,x\n" for i in range(500))
    assert len(parse_edition(COUNTRY, many_bad.encode(), max_errors=20).errors) <= 20 + 3


def test_diff_editions() -> None:
    current = {"1": {"a": 1}, "2": {"a": 2}, "3": {"a": 3}}
    new = {"2": {"a": 2}, "3": {"a": 30}, "4": {"a": 4}}
    diff = diff_editions(current, new)
    assert diff.added == ["4"]
    assert diff.removed == ["1"]
    assert [(c.code, c.fields) for c in diff.changed] == [("3", ["a"])]
    assert not diff.is_empty
    assert diff_editions(current, current).is_empty
