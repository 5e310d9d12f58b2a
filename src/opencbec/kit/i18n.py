"""Two languages, zh-CN and en: catalogues, negotiation and bilingual texts.

Visible strings in templates and Python are English message ids marked with `_()` (or `N_()`
where the translation happens later); the zh_CN catalogue is `locale/zh_CN/LC_MESSAGES/messages.po`.
Business errors carry both languages inline (`Bilingual`), because they are also returned to
machine clients that read both.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final, Literal

from babel.messages.pofile import read_po

Locale = Literal["zh_CN", "en"]
LOCALES: Final[tuple[Locale, ...]] = ("zh_CN", "en")
LOCALE_LABELS: Final[Mapping[Locale, str]] = {"zh_CN": "中文", "en": "English"}
HTML_LANG: Final[Mapping[Locale, str]] = {"zh_CN": "zh-CN", "en": "en"}
CATALOGUE_DIR: Final = Path(__file__).resolve().parent.parent / "locale"


def N_(message: str) -> str:
    """Mark `message` for extraction; it is translated where it is shown."""
    return message


@dataclass(frozen=True, slots=True)
class Bilingual:
    """A text in both languages."""

    en: str
    zh: str

    def get(self, locale: Locale) -> str:
        """Return the text in `locale`."""
        return self.zh if locale == "zh_CN" else self.en


class Translator:
    """Translate message ids for one locale; unknown ids fall back to the English id."""

    def __init__(self, locale: Locale, messages: Mapping[str, str]) -> None:
        self.locale: Locale = locale
        self._messages = messages

    def gettext(self, message: str) -> str:
        """Return the translation of `message`."""
        return self._messages.get(message) or message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Return the translation of `singular` or `plural` for count `n`."""
        return self.gettext(singular if n == 1 else plural)


def load_catalogue(locale: Locale, directory: Path = CATALOGUE_DIR) -> dict[str, str]:
    """Return the message id -> translation mapping of `locale` (empty for English)."""
    if locale == "en":
        return {}
    path = directory / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    out: dict[str, str] = {}
    for message in catalog:
        if (
            isinstance(message.id, str)
            and isinstance(message.string, str)
            and message.id
            and message.string
            and not message.fuzzy
        ):
            out[message.id] = message.string
    return out


@cache
def translator(locale: Locale) -> Translator:
    """Return the (cached) translator of `locale`."""
    return Translator(locale, load_catalogue(locale))


def parse_locale(value: str | None) -> Locale | None:
    """Return the supported locale named by `value` ("zh-CN", "zh", "en-GB", ...), if any."""
    if not value:
        return None
    tag = value.strip().replace("-", "_").lower()
    if tag.startswith("zh"):
        return "zh_CN"
    if tag.startswith("en"):
        return "en"
    return None


def negotiate(accept_language: str | None, default: Locale) -> Locale:
    """Return the best supported locale for an Accept-Language header."""
    if not accept_language:
        return default
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, index, tag))
    for negative_quality, _, tag in sorted(ranked):
        if negative_quality >= 0:
            continue
        found = parse_locale(tag)
        if found:
            return found
    return default


def other_locales(current: Locale) -> Iterable[Locale]:
    """Return the locales other than `current`, for a language switch."""
    return (loc for loc in LOCALES if loc != current)
