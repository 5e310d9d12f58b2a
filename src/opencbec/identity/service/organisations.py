"""Organisations and their roles (单位与角色)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from opencbec.audit import service as audit_service
from opencbec.audit.service import Actor
from opencbec.errors import Conflict, Forbidden, invalid
from opencbec.identity.models import (
    Department,
    Organisation,
    OrganisationRole,
    OrgRole,
    snapshot,
)
from opencbec.identity.rules import Principal
from opencbec.kit.i18n import Bilingual
from opencbec.kit.time import utcnow

_ORG_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")


def create_organisation(
    session: Session,
    *,
    actor: Actor,
    code: str,
    name_zh: str,
    name_en: str,
    roles: Iterable[OrgRole],
    department: Department | None = None,
) -> Organisation:
    """Create an organisation holding `roles`; a regulator names its department."""
    role_set = sorted(set(roles))
    if not _ORG_CODE.match(code):
        raise invalid(
            "code",
            "use 2-40 lower-case letters, digits and hyphens, starting with a letter or digit",
            "请使用 2-40 位小写字母、数字或连字符，以字母或数字开头",
        )
    if not role_set:
        raise invalid("roles", "give at least one role", "至少指定一个角色")
    if (OrgRole.REGULATOR in role_set) != (department is not None):
        raise invalid(
            "department",
            "a regulator names its department, and only a regulator does",
            "监管部门必须指定所属部门，其他单位不得指定",
        )
    if session.scalar(select(Organisation.id).where(Organisation.code == code)) is not None:
        raise Conflict(
            Bilingual(f"organisation code {code!r} is taken", f"单位代码 {code!r} 已被使用"),
        )
    org = Organisation(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        department=department.value if department else None,
        is_active=True,
        created_at=utcnow(),
    )
    org.roles = [OrganisationRole(role=r.value) for r in role_set]
    session.add(org)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action="identity.organisation.create",
        object_type="identity.organisation",
        object_id=org.id,
        organisation_id=org.id,
        after={**snapshot(org), "roles": [r.value for r in role_set]},
    )
    return org


def get_organisation(session: Session, organisation_id: int) -> Organisation | None:
    """Return the organisation with its roles loaded, if it exists."""
    return session.scalar(
        select(Organisation)
        .where(Organisation.id == organisation_id)
        .options(selectinload(Organisation.roles))
    )


def get_organisation_by_code(session: Session, code: str) -> Organisation | None:
    """Return the organisation with `code`, roles loaded."""
    return session.scalar(
        select(Organisation)
        .where(Organisation.code == code)
        .options(selectinload(Organisation.roles))
    )


def list_organisations(session: Session, *, principal: Principal) -> list[Organisation]:
    """Return the directory of organisations (zone administration and regulators only)."""
    if not (principal.is_zone_admin or principal.is_regulator):
        raise Forbidden()
    return list(
        session.scalars(
            select(Organisation)
            .options(selectinload(Organisation.roles))
            .order_by(Organisation.code)
        )
    )


def roles_of(org: Organisation) -> frozenset[OrgRole]:
    """Return the roles an organisation (loaded with roles) holds."""
    return frozenset(OrgRole(r.role) for r in org.roles)


def organisation_principal(org: Organisation, *, label: str, **caller: Any) -> Principal:
    """Return a principal acting for `org`: its code, names, roles and department, plus what
    names the caller (`label`, and a user's or an API key's fields)."""
    return Principal(
        organisation_id=org.id,
        organisation_code=org.code,
        organisation_name_zh=org.name_zh,
        organisation_name_en=org.name_en,
        roles=roles_of(org),
        department=Department(org.department) if org.department else None,
        label=label,
        **caller,
    )


def count_by_role(session: Session) -> list[tuple[OrgRole, int]]:
    """Return how many active organisations hold each role (an aggregate for the zone)."""
    rows = session.execute(
        select(OrganisationRole.role, func.count())
        .join(Organisation, Organisation.id == OrganisationRole.organisation_id)
        .where(Organisation.is_active.is_(True))
        .group_by(OrganisationRole.role)
    ).all()
    counts = {OrgRole(role): int(n) for role, n in rows}
    return [(role, counts.get(role, 0)) for role in OrgRole]
