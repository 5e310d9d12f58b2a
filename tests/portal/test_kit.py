"""Masking, chart geometry and the search query rule."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opencbec.errors import InvalidInput
from opencbec.kit.charts import bar_chart
from opencbec.kit.mask import (
    is_id_number,
    is_phone,
    mask_id_number,
    mask_name,
    mask_phone,
    mask_query,
)
from opencbec.webkit import SEARCH_MAX, like_text, search_query


def test_masks_keep_only_the_ends() -> None:
    assert mask_name("孙丽") == "孙*"
    assert mask_name("  Alice Smith ") == "A**** S****"
    assert mask_name("") == ""
    assert mask_id_number("410702199203150024") == "4107************24"
    assert mask_id_number("410702920315002") == "4107*********02"
    assert mask_id_number("12345678") == "********"
    assert mask_phone("13903731234") == "139****1234"
    assert mask_phone("12345") == "*****"


@given(st.text(alphabet="0123456789X", min_size=9, max_size=30))
def test_a_masked_id_never_shows_its_middle(id_number: str) -> None:
    masked = mask_id_number(id_number)
    assert len(masked) == len(id_number)
    assert masked[4:-2] == "*" * (len(id_number) - 6)


def test_bars_scale_to_the_largest_value() -> None:
    chart = bar_chart("t", [("a", 0), ("b", 5), ("c", 10)], width=300, height=122)
    low, mid, top = chart.bars
    assert (chart.max_value, chart.total, chart.baseline) == (10, 15, 100.0)
    assert low.height == 0
    assert low.y == chart.baseline
    assert top.y == 16
    assert top.height == 84
    assert mid.height == pytest.approx(42)
    assert [b.x for b in chart.bars] == [2.0, 102.0, 202.0]


def test_long_series_label_every_few_bars_and_always_the_last() -> None:
    chart = bar_chart("t", [(str(i), i) for i in range(30)], max_ticks=10)
    ticks = [b.label for b in chart.bars if b.tick]
    assert ticks[-1] == "29"
    assert len(ticks) == 10


def test_empty_and_negative_series() -> None:
    assert bar_chart("t", []).bars == ()
    assert bar_chart("t", [("a", 0)]).bars[0].height == 0
    with pytest.raises(ValueError, match="negative"):
        bar_chart("t", [("a", -1)])


@pytest.mark.parametrize(
    ("raw", "code"), [("", "too_short"), (" a ", "too_short"), ("x" * 101, "too_long")]
)
def test_bad_queries_are_refused_with_both_languages(raw: str, code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        search_query(raw)
    [error] = caught.value.errors
    assert (error.field, error.code) == ("q", code)
    assert error.reason.en
    assert error.reason.zh != error.reason.en


def test_good_queries_are_trimmed() -> None:
    assert search_query("  MY  MALL ") == "MY MALL"
    assert search_query("x" * SEARCH_MAX) == "x" * SEARCH_MAX


def test_queries_that_name_a_buyer_are_masked_when_shown_back() -> None:
    assert is_id_number("410702199203150024")
    assert is_id_number("41070219920315002x")
    assert is_id_number("410702920315002")
    assert not is_id_number("41070219920315002")  # 17 characters: not a whole ID
    assert is_phone("13903731234")
    assert is_phone("+86-139-0373-1234")
    assert not is_phone("139037")
    assert mask_query("410702199203150024") == "4107************24"
    assert mask_query("13903731234") == "139****1234"
    assert mask_query("MYMALL2026") == "MYMALL2026"


def test_like_text_makes_wildcards_literal() -> None:
    assert like_text("a%b_c\\d") == "a\\%b\\_c\\\\d"
    assert like_text("MYMALL") == "MYMALL"


@pytest.mark.parametrize(
    ("text", "personal"),
    [
        ("410702199203150024", True),
        ("13903731234", True),
        ("+86-13903731234", True),
        ("MYMALL202611110004", False),
        ("46002026I000000778", False),
        ("牧野", False),
    ],
)
def test_personal_numbers_are_told_apart_from_document_numbers(text: str, personal: bool) -> None:
    from opencbec.kit.mask import is_personal_number

    assert is_personal_number(text) is personal
