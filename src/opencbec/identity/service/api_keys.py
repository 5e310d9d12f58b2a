"""API keys for machine clients: scoped, expiring, revocable, stored hashed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from opencbec.audit import service as audit_service
from opencbec.audit.service import Actor
from opencbec.errors import Forbidden, NotFound, invalid
from opencbec.identity.models import (
    ApiKey,
    Organisation,
    snapshot,
)
from opencbec.identity.rules import SCOPES, Principal
from opencbec.identity.service.organisations import get_organisation, organisation_principal
from opencbec.identity.service.users import _require_org_admin
from opencbec.kit.i18n import Bilingual
from opencbec.kit.ids import new_token, same, sha256_hex
from opencbec.kit.time import utcnow

API_KEY_PREFIX = "ocb"
_TOUCH_EVERY = dt.timedelta(seconds=60)


def _check_scopes(scopes: Sequence[str]) -> list[str]:
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise invalid(
            "scopes",
            f"unknown scope(s): {', '.join(unknown)}; known: {', '.join(SCOPES)}",
            f"未知权限范围：{', '.join(unknown)}；可用：{', '.join(SCOPES)}",
        )
    if not scopes:
        raise invalid("scopes", "give at least one scope", "至少指定一个权限范围")
    return sorted(set(scopes))


def issue_api_key(
    session: Session,
    *,
    actor: Actor,
    organisation_id: int,
    name: str,
    scopes: Sequence[str],
    valid_days: int,
    max_days: int,
    created_by_user_id: int | None = None,
) -> tuple[ApiKey, str]:
    """Create an API key and return it with its secret, which is shown this once only."""
    clean_scopes = _check_scopes(scopes)
    if not 1 <= valid_days <= max_days:
        raise invalid(
            "valid_days", f"choose 1 to {max_days} days", f"有效期请选择 1 至 {max_days} 天"
        )
    if not name.strip():
        raise invalid("name", "give the key a name", "请为密钥命名")
    now = utcnow()
    prefix = new_token(9).replace("-", "a").replace("_", "b")[:12].lower()
    secret = new_token(32)
    key = ApiKey(
        organisation_id=organisation_id,
        created_by_user_id=created_by_user_id,
        name=name.strip(),
        prefix=prefix,
        secret_hash=sha256_hex(secret),
        scopes=clean_scopes,
        created_at=now,
        expires_at=now + dt.timedelta(days=valid_days),
    )
    session.add(key)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action="identity.api_key.create",
        object_type="identity.api_key",
        object_id=key.id,
        organisation_id=organisation_id,
        after=snapshot(key, exclude=frozenset({"secret_hash"})),
    )
    return key, f"{API_KEY_PREFIX}_{prefix}_{secret}"


def create_api_key(
    session: Session,
    *,
    principal: Principal,
    name: str,
    scopes: Sequence[str],
    valid_days: int,
    max_days: int,
) -> tuple[ApiKey, str]:
    """Create an API key for the caller's organisation (administrators, logged in, only)."""
    _require_org_admin(principal)
    if principal.api_key_id is not None:
        raise Forbidden(
            Bilingual("An API key cannot create API keys.", "API 密钥不能创建 API 密钥。")
        )
    return issue_api_key(
        session,
        actor=principal.actor,
        organisation_id=principal.organisation_id,
        name=name,
        scopes=scopes,
        valid_days=valid_days,
        max_days=max_days,
        created_by_user_id=principal.user_id,
    )


def list_api_keys(session: Session, *, principal: Principal) -> list[ApiKey]:
    """Return the caller's organisation's API keys, newest first."""
    return list(
        session.scalars(
            select(ApiKey)
            .where(ApiKey.organisation_id == principal.organisation_id)
            .order_by(ApiKey.created_at.desc(), ApiKey.id.desc())
        )
    )


def revoke_api_key(session: Session, *, actor: Actor, organisation_id: int, key_id: int) -> ApiKey:
    """Revoke a key of `organisation_id`; a key of another organisation is not found."""
    key = session.scalar(
        select(ApiKey).where(ApiKey.id == key_id, ApiKey.organisation_id == organisation_id)
    )
    if key is None:
        raise NotFound(Bilingual("No such API key.", "没有该 API 密钥。"))
    if key.revoked_at is not None:
        return key
    before = snapshot(key, exclude=frozenset({"secret_hash"}))
    key.revoked_at = utcnow()
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action="identity.api_key.revoke",
        object_type="identity.api_key",
        object_id=key.id,
        organisation_id=organisation_id,
        before=before,
        after=snapshot(key, exclude=frozenset({"secret_hash"})),
    )
    return key


def revoke_own_api_key(session: Session, *, principal: Principal, key_id: int) -> ApiKey:
    """Revoke one of the caller's organisation's keys (administrators only)."""
    _require_org_admin(principal)
    return revoke_api_key(
        session, actor=principal.actor, organisation_id=principal.organisation_id, key_id=key_id
    )


def touch_api_key(session: Session, *, key_id: int) -> None:
    """Record that a key was used now, at most once a minute per key."""
    now = utcnow()
    session.execute(
        update(ApiKey)
        .where(
            ApiKey.id == key_id,
            or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at < now - _TOUCH_EVERY),
        )
        .values(last_used_at=now)
    )


def resolve_api_key(session: Session, *, token: str) -> Principal | None:
    """Return the principal of a presented API key, or None if it is wrong, expired or revoked."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != API_KEY_PREFIX:
        return None
    _, prefix, secret = parts
    key = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if key is None or not same(key.secret_hash, sha256_hex(secret)):
        return None
    now = utcnow()
    if key.revoked_at is not None or now >= key.expires_at:
        return None
    org = get_organisation(session, key.organisation_id)
    if org is None or not org.is_active:
        return None
    return key_principal(org, key)


def key_principal(org: Organisation, key: ApiKey) -> Principal:
    """Return the principal an API key of `org` acts as (its scopes, named by its prefix)."""
    return organisation_principal(
        org, label=f"api-key:{key.prefix}", api_key_id=key.id, scopes=frozenset(key.scopes)
    )
