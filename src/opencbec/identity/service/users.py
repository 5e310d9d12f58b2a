"""Users: creation, enabling, passwords (用户)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from opencbec.audit import service as audit_service
from opencbec.audit.service import Actor
from opencbec.errors import Conflict, Forbidden, NotFound, invalid
from opencbec.identity.models import (
    Department,
    Organisation,
    OrgRole,
    User,
    WebSession,
    snapshot,
)
from opencbec.identity.rules import Principal, validate_password
from opencbec.identity.service.organisations import create_organisation, get_organisation
from opencbec.kit.i18n import Bilingual
from opencbec.kit.time import utcnow

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("timing-equaliser-not-a-password")


def configure_password_hashing(*, time_cost: int, memory_kib: int) -> None:
    """Set the argon2id cost for new hashes (existing hashes keep theirs and are rehashed on login)."""
    global _hasher, _DUMMY_HASH  # noqa: PLW0603 - one process-wide hasher, set at start-up
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)
    _DUMMY_HASH = _hasher.hash("timing-equaliser-not-a-password")


_USERNAME = re.compile(r"^[a-z0-9._@+-]{3,120}$")


def hash_password(password: str) -> str:
    """Return the argon2id hash of `password`."""
    return _hasher.hash(password)


def create_user(
    session: Session,
    *,
    actor: Actor,
    organisation_id: int,
    username: str,
    display_name: str,
    password: str,
    is_org_admin: bool = False,
) -> User:
    """Create a user of `organisation_id` after checking the username and password."""
    username = username.strip().lower()
    if not _USERNAME.match(username):
        raise invalid(
            "username",
            "use 3-120 characters: lower-case letters, digits and . _ @ + -",
            "请使用 3-120 位：小写字母、数字及 . _ @ + -",
        )
    weakness = validate_password(password, username=username)
    if weakness:
        raise invalid("password", weakness.en, weakness.zh, "weak_password")
    if get_organisation(session, organisation_id) is None:
        raise invalid("organisation_id", "no such organisation", "单位不存在")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(
            Bilingual(f"username {username!r} is taken", f"用户名 {username!r} 已被使用"),
            [],
        )
    user = User(
        organisation_id=organisation_id,
        username=username,
        display_name=display_name.strip() or username,
        password_hash=hash_password(password),
        is_org_admin=is_org_admin,
        is_active=True,
        failed_logins=0,
        created_at=utcnow(),
    )
    session.add(user)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action="identity.user.create",
        object_type="identity.user",
        object_id=user.id,
        organisation_id=organisation_id,
        after=snapshot(user, exclude=frozenset({"password_hash"})),
    )
    return user


def _require_org_admin(principal: Principal) -> None:
    if principal.user_id is None or not principal.is_org_admin:
        raise Forbidden(
            Bilingual(
                "Only an administrator of your organisation may do this.",
                "只有本单位管理员可以执行此操作。",
            )
        )


def add_user(
    session: Session,
    *,
    principal: Principal,
    username: str,
    display_name: str,
    password: str,
    is_org_admin: bool = False,
) -> User:
    """Add a user to the caller's own organisation (organisation administrators only)."""
    _require_org_admin(principal)
    return create_user(
        session,
        actor=principal.actor,
        organisation_id=principal.organisation_id,
        username=username,
        display_name=display_name,
        password=password,
        is_org_admin=is_org_admin,
    )


def list_users(session: Session, *, principal: Principal) -> list[User]:
    """Return the users of the caller's organisation."""
    return list(
        session.scalars(
            select(User)
            .where(User.organisation_id == principal.organisation_id)
            .order_by(User.username)
        )
    )


def get_user(session: Session, *, principal: Principal, user_id: int) -> User | None:
    """Return a user of the caller's organisation; other organisations' users do not exist here."""
    return session.scalar(
        select(User).where(User.id == user_id, User.organisation_id == principal.organisation_id)
    )


def set_user_active(session: Session, *, principal: Principal, user_id: int, active: bool) -> User:
    """Enable or disable a user of the caller's organisation; disabling ends their sessions."""
    _require_org_admin(principal)
    user = get_user(session, principal=principal, user_id=user_id)
    if user is None:
        raise NotFound()
    if user.id == principal.user_id and not active:
        raise Conflict(Bilingual("You cannot disable yourself.", "不能停用自己的账号。"))
    before = snapshot(user, exclude=frozenset({"password_hash"}))
    user.is_active = active
    if not active:
        _end_sessions(session, user.id)
    else:
        user.failed_logins = 0
        user.locked_until = None
    session.flush()
    audit_service.record(
        session,
        actor=principal.actor,
        action="identity.user.enable" if active else "identity.user.disable",
        object_type="identity.user",
        object_id=user.id,
        organisation_id=user.organisation_id,
        before=before,
        after=snapshot(user, exclude=frozenset({"password_hash"})),
    )
    return user


def change_password(session: Session, *, principal: Principal, current: str, new: str) -> None:
    """Change the caller's own password; other sessions of the user are ended."""
    if principal.user_id is None:
        raise Forbidden()
    user = session.get(User, principal.user_id)
    assert user is not None
    if not _password_matches(user.password_hash, current):
        raise invalid("current_password", "the current password is wrong", "当前密码不正确")
    weakness = validate_password(new, username=user.username)
    if weakness:
        raise invalid("new_password", weakness.en, weakness.zh, "weak_password")
    user.password_hash = hash_password(new)
    _end_sessions(session, user.id)
    session.flush()
    audit_service.record(
        session,
        actor=principal.actor,
        action="identity.user.change_password",
        object_type="identity.user",
        object_id=user.id,
        organisation_id=user.organisation_id,
    )


def _end_sessions(session: Session, user_id: int) -> None:
    session.execute(
        update(WebSession)
        .where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def password_needs_rehash(password_hash: str) -> bool:
    """True when a stored hash was made with other parameters than the current ones."""
    return _hasher.check_needs_rehash(password_hash)


def spend_password_check(password: str) -> None:
    """Do the work of a password check for an unknown user, so timing does not reveal users."""
    _password_matches(_DUMMY_HASH, password)


def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def onboard_organisation(
    session: Session,
    *,
    principal: Principal,
    code: str,
    name_zh: str,
    name_en: str,
    roles: Iterable[OrgRole],
    department: Department | None,
    admin_username: str,
    admin_display_name: str,
    admin_password: str,
) -> Organisation:
    """Create an organisation with its first administrator (zone administration only)."""
    if not principal.is_zone_admin:
        raise Forbidden(
            Bilingual(
                "Only the zone administration registers organisations.",
                "只有综试区管理机构可以登记单位。",
            )
        )
    for field_name, value in (("name_zh", name_zh), ("name_en", name_en)):
        if not 2 <= len(value.strip()) <= 200:
            raise invalid(field_name, "use 2 to 200 characters", "请填写 2 至 200 个字符")
    org = create_organisation(
        session,
        actor=principal.actor,
        code=code.strip(),
        name_zh=name_zh.strip(),
        name_en=name_en.strip(),
        roles=roles,
        department=department,
    )
    create_user(
        session,
        actor=principal.actor,
        organisation_id=org.id,
        username=admin_username,
        display_name=admin_display_name,
        password=admin_password,
        is_org_admin=True,
    )
    return org
