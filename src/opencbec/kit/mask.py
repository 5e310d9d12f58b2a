"""Masking of personal data for display (脱敏): a buyer is shown, never listed in full."""

from __future__ import annotations

import re
from typing import Final

_ID_NUMBER: Final = re.compile(r"^[0-9]{15}$|^[0-9]{17}[0-9X]$")
_PHONE: Final = re.compile(r"^\+?[0-9][0-9-]{6,19}$")


def is_id_number(text: str) -> bool:
    """True for what reads as a whole resident ID number (15 digits, or 17 and a check digit)."""
    return bool(_ID_NUMBER.match(text.strip().upper()))


def is_phone(text: str) -> bool:
    """True for what reads as a whole phone number (7 to 20 digits, maybe + and dashes)."""
    return bool(_PHONE.match(text.strip()))


def is_personal_number(text: str) -> bool:
    """True for a whole ID number or phone: personal data, kept out of URLs and logs."""
    return is_id_number(text) or is_phone(text)


def mask_query(text: str) -> str:
    """Return a search query fit to show back: an ID number or phone masked, else as typed."""
    if is_id_number(text):
        return mask_id_number(text)
    if is_phone(text):
        return mask_phone(text)
    return text


def _mask_word(word: str) -> str:
    return word[:1] + "*" * (len(word) - 1)


def _is_han(char: str) -> bool:
    return "\u2e80" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or char >= "\U00020000"


def mask_name(name: str) -> str:
    """Return a name with most letters hidden: 张*三, 张*, 欧**娜, J*** S****.

    A name written in Chinese characters is one word whatever spaces were typed into it.
    """
    words = name.split()
    if any(_is_han(c) for c in name):
        joined = "".join(words)
        if len(joined) <= 2:
            return _mask_word(joined)
        return joined[0] + "*" * (len(joined) - 2) + joined[-1]
    return " ".join(_mask_word(word) for word in words)


def mask_id_number(id_number: str) -> str:
    """Keep the first 4 and last 2 characters of an ID number (4107************15); one of 8
    characters or fewer is fully masked, as its ends would tell most of it."""
    clean = id_number.strip()
    if len(clean) <= 8:
        return "*" * len(clean)
    return clean[:4] + "*" * (len(clean) - 6) + clean[-2:]


def mask_phone(phone: str) -> str:
    """Keep the first 3 and last 4 digits of a phone number: 139****1234."""
    clean = phone.strip()
    if len(clean) <= 7:
        return "*" * len(clean)
    return clean[:3] + "*" * (len(clean) - 7) + clean[-4:]
