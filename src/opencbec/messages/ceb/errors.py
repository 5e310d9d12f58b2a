"""Bilingual findings and errors of the CEB codec."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Level = Literal["schema", "rule"]


@dataclass(frozen=True, slots=True)
class CebIssue:
    """One fault: where (`Order[3]/OrderHead/buyerIdNumber`), why in en and zh-CN, and its kind.

    `level` is "schema" for what the official XSD also checks and "rule" for our business rules
    (code tables, date formats, identity numbers, line numbering). `value` keeps the text of
    an element the decoder did not expect, so nothing a sender wrote is silently lost.
    """

    path: str
    code: str
    reason_en: str
    reason_zh: str
    level: Level = "schema"
    value: str | None = None

    def __str__(self) -> str:
        return f"{self.path}: {self.reason_en}"

    def text(self, locale: str = "en") -> str:
        """Return `path: reason` in `locale` ("en" or "zh_CN")."""
        reason = self.reason_zh if locale.startswith("zh") else self.reason_en
        return f"{self.path}: {reason}"


class CebError(Exception):
    """Base of the codec's errors; carries the findings that caused it."""

    def __init__(self, issues: Sequence[CebIssue]) -> None:
        self.issues = tuple(issues)
        super().__init__("; ".join(str(issue) for issue in self.issues))


class CebParseError(CebError):
    """The bytes are not safe, well-formed XML within the limits."""


class CebDecodeError(CebError):
    """The XML is not a CEB message this codec can read."""


class CebEncodeError(CebError):
    """A model cannot be written as XML."""


def issue(path: str, code: str, en: str, zh: str, level: Level = "schema") -> CebIssue:
    """Build a finding (shorthand used by the codec and the validator)."""
    return CebIssue(path, code, en, zh, level)
