"""RFC 9457 problem details: business errors and request-validation errors, in both languages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from opencbec.errors import DomainError, FieldError
from opencbec.kit.i18n import Bilingual, Locale

PROBLEM_JSON: Final = "application/problem+json"

# pydantic error type -> (English, Chinese) templates; {name} placeholders come from ctx.
_REASONS: Final[Mapping[str, tuple[str, str]]] = {
    "missing": ("this field is required", "此字段为必填项"),
    "extra_forbidden": ("this field is not allowed here", "不允许此字段"),
    "string_type": ("must be a string", "必须是字符串"),
    "string_too_short": (
        "must have at least {min_length} characters",
        "至少需要 {min_length} 个字符",
    ),
    "string_too_long": ("must have at most {max_length} characters", "最多 {max_length} 个字符"),
    "string_pattern_mismatch": ("does not have the required form", "格式不符合要求"),
    "int_type": ("must be a whole number", "必须是整数"),
    "int_parsing": ("must be a whole number", "必须是整数"),
    "int_from_float": ("must be a whole number", "必须是整数"),
    "bool_type": ("must be true or false", "必须是 true 或 false"),
    "bool_parsing": ("must be true or false", "必须是 true 或 false"),
    "greater_than_equal": ("must be at least {ge}", "不能小于 {ge}"),
    "less_than_equal": ("must be at most {le}", "不能大于 {le}"),
    "greater_than": ("must be greater than {gt}", "必须大于 {gt}"),
    "less_than": ("must be less than {lt}", "必须小于 {lt}"),
    "enum": ("must be one of: {expected}", "必须是以下之一：{expected}"),
    "literal_error": ("must be one of: {expected}", "必须是以下之一：{expected}"),
    "list_type": ("must be a list", "必须是列表"),
    "too_short": ("must have at least {min_length} item(s)", "至少需要 {min_length} 项"),
    "too_long": ("must have at most {max_length} item(s)", "最多 {max_length} 项"),
    "model_attributes_type": ("must be a JSON object", "必须是 JSON 对象"),
    "dict_type": ("must be a JSON object", "必须是 JSON 对象"),
    "model_type": ("must be a JSON object", "必须是 JSON 对象"),
    "json_invalid": ("the body is not valid JSON: {error}", "请求体不是有效的 JSON：{error}"),
    "datetime_parsing": ("must be a date and time (ISO 8601)", "必须是日期时间（ISO 8601）"),
    "datetime_type": ("must be a date and time (ISO 8601)", "必须是日期时间（ISO 8601）"),
    "decimal_parsing": ("must be a decimal number", "必须是十进制数"),
}


def _field_path(loc: Sequence[Any]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts) or "body"


def reason_for(error: Mapping[str, Any]) -> Bilingual:
    """Return the bilingual reason of one pydantic error."""
    kind = str(error.get("type", ""))
    ctx = dict(error.get("ctx") or {})
    if kind == "value_error":
        # Our own validators raise "English / 中文".
        message = str(ctx.get("error") or error.get("msg", ""))
        en, _, zh = message.partition(" / ")
        return Bilingual(en.removeprefix("Value error, "), zh or en)
    template = _REASONS.get(kind)
    if template is None:
        msg = str(error.get("msg", "is not valid"))
        return Bilingual(msg, f"无效：{msg}")
    try:
        return Bilingual(template[0].format(**ctx), template[1].format(**ctx))
    except (KeyError, IndexError):  # pragma: no cover - pydantic always gives the ctx we name
        return Bilingual(template[0], template[1])


def field_errors(errors: Sequence[Mapping[str, Any]]) -> list[FieldError]:
    """Turn pydantic errors into FieldErrors naming the field (`body.username`, `query.limit`)."""
    out = []
    for error in errors:
        loc = list(error.get("loc", ()))
        if error.get("type") == "json_invalid":
            loc = ["body"]
        out.append(
            FieldError(_field_path(loc), reason_for(error), str(error.get("type", "invalid")))
        )
    return out


def problem(
    *,
    status: int,
    code: str,
    title: Bilingual,
    locale: Locale,
    instance: str,
    errors: Sequence[FieldError] = (),
) -> dict[str, Any]:
    """Return a problem-details document."""
    body: dict[str, Any] = {
        "type": f"/problems/{code}",
        "title": title.get(locale),
        "status": status,
        "detail": title.get(locale),
        "detail_en": title.en,
        "detail_zh": title.zh,
        "code": code,
        "instance": instance,
    }
    if errors:
        body["errors"] = [e.as_problem(locale) for e in errors]
        first = errors[0]
        body["detail"] = f"{first.field}: {first.reason.get(locale)}"
        body["detail_en"] = f"{first.field}: {first.reason.en}"
        body["detail_zh"] = f"{first.field}: {first.reason.zh}"
    return body


def from_domain_error(error: DomainError, *, locale: Locale, instance: str) -> dict[str, Any]:
    """Return the problem document of a business error."""
    return problem(
        status=error.status,
        code=error.code,
        title=error.message,
        locale=locale,
        instance=instance,
        errors=error.errors,
    )
