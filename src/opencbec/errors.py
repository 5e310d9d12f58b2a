"""Business errors: a stable code, an HTTP status and a message in zh-CN and en.

Services raise these; `web.py` turns them into RFC 9457 problem details for the API and into
friendly pages for people. Routes never raise HTTPException for business rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from opencbec.kit.i18n import Bilingual, Locale


@dataclass(frozen=True, slots=True)
class FieldError:
    """One field at fault: its path (`body.email`, `Order[3]/OrderHead/buyerIdNumber`) and why."""

    field: str
    reason: Bilingual
    code: str = "invalid"

    def as_problem(self, locale: Locale) -> dict[str, str]:
        """Return this error as a problem-details `errors` entry."""
        return {
            "field": self.field,
            "code": self.code,
            "reason": self.reason.get(locale),
            "reason_en": self.reason.en,
            "reason_zh": self.reason.zh,
        }


@dataclass
class DomainError(Exception):
    """Base of every business error."""

    message: Bilingual
    errors: list[FieldError] = field(default_factory=list)
    code: str = "domain_error"
    status: int = 400

    def __post_init__(self) -> None:
        Exception.__init__(self, self.message.en)

    def __str__(self) -> str:
        return self.message.en


class NotFound(DomainError):
    """The object does not exist, or the caller may not know that it does."""

    def __init__(self, what: Bilingual | None = None) -> None:
        super().__init__(what or Bilingual("Not found.", "未找到。"), [], "not_found", 404)


class Forbidden(DomainError):
    """The caller is known but may not do this."""

    def __init__(self, message: Bilingual | None = None) -> None:
        super().__init__(
            message or Bilingual("You may not do this.", "您无权执行此操作。"), [], "forbidden", 403
        )


class Unauthenticated(DomainError):
    """No valid login or API key."""

    def __init__(self, message: Bilingual | None = None) -> None:
        super().__init__(
            message
            or Bilingual("Log in or present a valid API key.", "请登录或提供有效的 API 密钥。"),
            [],
            "unauthenticated",
            401,
        )


class Conflict(DomainError):
    """The request clashes with the current state (a duplicate, a finished workflow...)."""

    def __init__(self, message: Bilingual, errors: list[FieldError] | None = None) -> None:
        super().__init__(message, errors or [], "conflict", 409)


class InvalidInput(DomainError):
    """One or more fields are wrong; each FieldError names the field and the reason."""

    def __init__(self, errors: list[FieldError], message: Bilingual | None = None) -> None:
        super().__init__(
            message or Bilingual("Some fields are not valid.", "部分字段无效。"),
            errors,
            "invalid_input",
            422,
        )


def invalid(field_name: str, en: str, zh: str, code: str = "invalid") -> InvalidInput:
    """Return an InvalidInput error for one field."""
    return InvalidInput([FieldError(field_name, Bilingual(en, zh), code)])
