"""Masking of personal data for display (脱敏): a buyer is shown, never listed in full."""

from __future__ import annotations


def mask_name(name: str) -> str:
    """Keep the first character of a name: 孙丽 -> 孙*, Alice Smith -> A****."""
    clean = name.strip()
    if not clean:
        return ""
    return clean[0] + "*" * max(1, min(len(clean) - 1, 4))


def mask_id_number(id_number: str) -> str:
    """Keep the first 4 and last 4 characters of an ID number; short ones are fully masked."""
    clean = id_number.strip()
    if len(clean) <= 8:
        return "*" * len(clean)
    return clean[:4] + "*" * (len(clean) - 8) + clean[-4:]


def mask_phone(phone: str) -> str:
    """Keep the first 3 and last 4 digits of a phone number: 139****1234."""
    clean = phone.strip()
    if len(clean) <= 7:
        return "*" * len(clean)
    return clean[:3] + "*" * (len(clean) - 7) + clean[-4:]
