"""Pure rules of enterprise filing: the content checks and the review workflow."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any, Final

from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError

from opencbec.errors import FieldError
from opencbec.identity.models import OrgRole
from opencbec.kit.i18n import N_, Bilingual

FILING_ROLES: Final = (
    OrgRole.ECOMMERCE_ENTERPRISE,
    OrgRole.ECOMMERCE_PLATFORM,
    OrgRole.LOGISTICS,
    OrgRole.PAYMENT,
    OrgRole.CUSTOMS_BROKER,
    OrgRole.WAREHOUSE_OPERATOR,
)


class VersionState(StrEnum):
    """Where one version of a filing stands in its review."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"
    RETURNED = "returned"


class FilingStatus(StrEnum):
    """Where the filing as a whole stands."""

    PENDING = "pending"
    APPROVED = "approved"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


STATE_LABELS: Final[Mapping[str, str]] = {
    "draft": N_("Draft"),
    "submitted": N_("Submitted"),
    "under_review": N_("Under review"),
    "approved": N_("Approved"),
    "returned": N_("Returned"),
    "pending": N_("Pending"),
    "suspended": N_("Suspended"),
    "revoked": N_("Revoked"),
}

VERSION_STEPS: Final[Mapping[tuple[VersionState, str], VersionState]] = {
    (VersionState.DRAFT, "submit"): VersionState.SUBMITTED,
    (VersionState.RETURNED, "submit"): VersionState.SUBMITTED,
    (VersionState.SUBMITTED, "start_review"): VersionState.UNDER_REVIEW,
    (VersionState.UNDER_REVIEW, "approve"): VersionState.APPROVED,
    (VersionState.UNDER_REVIEW, "return"): VersionState.RETURNED,
}
FILING_STEPS: Final[Mapping[tuple[FilingStatus, str], FilingStatus]] = {
    (FilingStatus.APPROVED, "suspend"): FilingStatus.SUSPENDED,
    (FilingStatus.SUSPENDED, "reinstate"): FilingStatus.APPROVED,
    (FilingStatus.APPROVED, "revoke"): FilingStatus.REVOKED,
    (FilingStatus.SUSPENDED, "revoke"): FilingStatus.REVOKED,
}
EDITABLE: Final = frozenset({VersionState.DRAFT, VersionState.RETURNED})


def next_version_state(state: VersionState, action: str) -> VersionState | None:
    """Return the state a version moves to on `action`, or None when the step is not allowed."""
    return VERSION_STEPS.get((state, action))


def next_filing_status(status: FilingStatus, action: str) -> FilingStatus | None:
    """Return the status a filing moves to on `action`, or None when the step is not allowed."""
    return FILING_STEPS.get((status, action))


def allowed_version_actions(state: VersionState) -> list[str]:
    """Return the actions a version in `state` allows."""
    return [action for (s, action) in VERSION_STEPS if s == state]


FIELDS: Final = (
    "uscc",
    "customs_code",
    "name_zh",
    "name_en",
    "roles",
    "legal_representative",
    "address",
    "contacts",
    "bank_accounts",
    "fx_accounts",
)
# Repeated parts of a filing: their item fields and how many items are allowed (min, max).
LISTS: Final[Mapping[str, tuple[tuple[str, ...], int, int]]] = {
    "contacts": (("name", "phone", "email"), 1, 5),
    "bank_accounts": (("bank_name", "account"), 1, 5),
    "fx_accounts": (("bank_name", "account"), 0, 5),
}
_CUSTOMS_CODE = re.compile(r"^[0-9A-Z]{10}$")
_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ACCOUNT = re.compile(r"^\d{8,30}$")


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    return value.strip() if isinstance(value, str) else ""


def check_uscc(value: str) -> Bilingual | None:
    """Return why `value` is not a valid unified social credit code, naming a bad check character."""
    try:
        stdnum_uscc.validate(value)
    except InvalidChecksum:
        expected = stdnum_uscc.calc_check_digit(value[:17])
        return Bilingual(
            f"the check character (18th) is wrong: {value[17:]!r} given, {expected!r} expected",
            f"校验码（第 18 位）错误：填写 {value[17:]!r}，应为 {expected!r}",
        )
    except InvalidLength:
        return Bilingual(
            f"18 characters required, {len(value)} given", f"需要 18 位，实际 {len(value)} 位"
        )
    except (InvalidFormat, ValidationError):
        return Bilingual(
            "only digits and the capital letters of the code's alphabet are allowed",
            "只能包含数字和编码规则允许的大写字母",
        )
    return None


def check_content(data: Mapping[str, Any]) -> list[FieldError]:
    """Return every problem of a filing's content, each naming its field."""
    errors: list[FieldError] = []

    def bad(field: str, en: str, zh: str) -> None:
        errors.append(FieldError(field, Bilingual(en, zh)))

    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        bad(unknown[0], "this field is not part of a filing", "备案不包含此字段")
    uscc = _text(data, "uscc").upper()
    if problem := check_uscc(uscc):
        errors.append(FieldError("uscc", problem))
    if not _CUSTOMS_CODE.match(_text(data, "customs_code")):
        bad("customs_code", "10 digits or capital letters required", "需要 10 位数字或大写字母")
    for name, low, high in (
        ("name_zh", 2, 100),
        ("name_en", 2, 200),
        ("legal_representative", 2, 50),
        ("address", 5, 200),
    ):
        if not low <= len(_text(data, name)) <= high:
            bad(name, f"{low} to {high} characters required", f"需要 {low} 至 {high} 个字符")
    roles = data.get("roles")
    valid_roles = {r.value for r in FILING_ROLES}
    if not isinstance(roles, list) or not roles or any(r not in valid_roles for r in roles):
        bad(
            "roles",
            f"choose one or more of: {', '.join(sorted(valid_roles))}",
            "请选择一个或多个企业类型",
        )
    _check_lists(data, bad)
    return errors


def _check_lists(data: Mapping[str, Any], bad: Callable[[str, str, str], None]) -> None:
    for name, (fields, low, high) in LISTS.items():
        items = data.get(name)
        if not isinstance(items, list) or not low <= len(items) <= high:
            bad(name, f"give {low} to {high} entries", f"请填写 {low} 至 {high} 项")
            continue
        for index, item in enumerate(items):
            if not isinstance(item, Mapping) or set(item) - set(fields):
                bad(
                    f"{name}[{index}]",
                    f"each entry has: {', '.join(fields)}",
                    f"每项应包含：{', '.join(fields)}",
                )
                continue
            path = f"{name}[{index}]"
            if "name" in fields and not 2 <= len(_text(item, "name")) <= 50:
                bad(f"{path}.name", "2 to 50 characters required", "需要 2 至 50 个字符")
            if "phone" in fields and not _PHONE.match(_text(item, "phone")):
                bad(
                    f"{path}.phone",
                    "a mobile number (11 digits) or a landline with area code",
                    "需要 11 位手机号或带区号的固定电话",
                )
            if "email" in fields and not _EMAIL.match(_text(item, "email")):
                bad(f"{path}.email", "an e-mail address required", "需要有效的电子邮箱")
            if "bank_name" in fields and not 2 <= len(_text(item, "bank_name")) <= 100:
                bad(f"{path}.bank_name", "2 to 100 characters required", "需要 2 至 100 个字符")
            if "account" in fields and not _ACCOUNT.match(_text(item, "account")):
                bad(f"{path}.account", "8 to 30 digits required", "需要 8 至 30 位数字")


def normalise(data: Mapping[str, Any]) -> dict[str, Any]:
    """Return the content with text trimmed, codes upper-cased, roles sorted, blank entries dropped."""
    out: dict[str, Any] = {}
    for name in FIELDS:
        value = data.get(name)
        if name == "roles":
            out[name] = sorted({str(r) for r in value}) if isinstance(value, list) else []
        elif name in LISTS:
            out[name] = _normal_list(value, LISTS[name][0])
        else:
            text = value.strip() if isinstance(value, str) else ""
            out[name] = text.upper() if name in {"uscc", "customs_code"} else text
    return out


def _normal_list(value: object, fields: tuple[str, ...]) -> Any:
    if not isinstance(value, list):
        return value
    out: list[Any] = []
    for item in value:
        if not isinstance(item, Mapping):
            out.append(item)
            continue
        clean = {k: (v.strip() if isinstance(v, str) else v) for k, v in item.items()}
        if any(clean.get(f) for f in fields) or set(clean) - set(fields):
            out.append(clean)
    return out


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """Return the fields whose value differs between two versions."""
    return [name for name in FIELDS if before.get(name) != after.get(name)]
