"""Languages: negotiation, catalogue loading, and every visible string translated."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from opencbec.kit.i18n import (
    CATALOGUE_DIR,
    Bilingual,
    load_catalogue,
    negotiate,
    other_locales,
    parse_locale,
    translator,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh_CN"),
        ("en-GB,en;q=0.9", "en"),
        ("fr-FR,en;q=0.5,zh;q=0.9", "zh_CN"),
        ("fr-FR", "zh_CN"),
        ("en;q=0,zh;q=0.1", "zh_CN"),
        ("en;q=abc", "zh_CN"),
        ("", "zh_CN"),
        (None, "zh_CN"),
    ],
)
def test_negotiate(header: str | None, expected: str) -> None:
    assert negotiate(header, "zh_CN") == expected


def test_parse_locale_and_helpers() -> None:
    assert parse_locale("zh-Hans") == "zh_CN"
    assert parse_locale("EN") == "en"
    assert parse_locale("de") is None
    assert list(other_locales("en")) == ["zh_CN"]
    assert Bilingual("yes", "是").get("zh_CN") == "是"
    assert translator("zh_CN").gettext("Log in") == "登录"
    assert translator("zh_CN").gettext("no such message id") == "no such message id"
    assert translator("en").ngettext("one", "many", 2) == "many"
    assert load_catalogue("en") == {}


def test_every_visible_string_is_translated(tmp_path: Path) -> None:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "N_",
            "--no-location",
            "--omit-header",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as fh:
        wanted = {m.id for m in read_po(fh) if m.id}
    with (CATALOGUE_DIR / "zh_CN" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalogue = {m.id: m for m in read_po(fh) if m.id}
    untranslated = sorted(
        str(i)
        for i in wanted
        if i not in catalogue or not catalogue[i].string or catalogue[i].fuzzy
    )
    assert untranslated == [], "run scripts/i18n and translate these"
    stale = sorted(str(i) for i in set(catalogue) - wanted)
    assert stale == [], "remove these stale entries with scripts/i18n"
    assert len(wanted) > 100
