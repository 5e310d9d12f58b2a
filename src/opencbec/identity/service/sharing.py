"""Record sharing between counterparties and the read-rule filter every domain uses."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, or_, select, true
from sqlalchemy.orm import Session

from opencbec.audit import service as audit_service
from opencbec.errors import NotFound, invalid
from opencbec.identity.models import (
    RecordShare,
)
from opencbec.identity.rules import Principal, regulator_may_read
from opencbec.identity.service.organisations import get_organisation
from opencbec.kit.time import utcnow


def share_record(
    session: Session,
    *,
    principal: Principal,
    object_type: str,
    object_id: str | int,
    owner_organisation_id: int,
    grantee_organisation_id: int,
    purpose: str,
) -> RecordShare:
    """Share one of the caller's records with a counterparty (read access only)."""
    if owner_organisation_id != principal.organisation_id:
        raise NotFound()
    if grantee_organisation_id == principal.organisation_id:
        raise invalid(
            "grantee_organisation_id", "share with another organisation", "请与其他单位共享"
        )
    if get_organisation(session, grantee_organisation_id) is None:
        raise invalid("grantee_organisation_id", "no such organisation", "单位不存在")
    if not purpose.strip():
        raise invalid("purpose", "say why the record is shared", "请说明共享用途")
    share = session.scalar(
        select(RecordShare).where(
            RecordShare.object_type == object_type,
            RecordShare.object_id == str(object_id),
            RecordShare.grantee_organisation_id == grantee_organisation_id,
        )
    )
    if share is None:
        share = RecordShare(
            object_type=object_type,
            object_id=str(object_id),
            owner_organisation_id=owner_organisation_id,
            grantee_organisation_id=grantee_organisation_id,
            purpose=purpose.strip(),
            granted_at=utcnow(),
        )
        session.add(share)
    else:
        share.revoked_at = None
        share.purpose = purpose.strip()
    session.flush()
    audit_service.record(
        session,
        actor=principal.actor,
        action="identity.share.grant",
        object_type=object_type,
        object_id=object_id,
        organisation_id=owner_organisation_id,
        details={"grantee_organisation_id": grantee_organisation_id, "purpose": share.purpose},
    )
    return share


def unshare_record(
    session: Session,
    *,
    principal: Principal,
    object_type: str,
    object_id: str | int,
    grantee_organisation_id: int,
) -> None:
    """Withdraw a share the caller's organisation granted."""
    share = session.scalar(
        select(RecordShare).where(
            RecordShare.object_type == object_type,
            RecordShare.object_id == str(object_id),
            RecordShare.grantee_organisation_id == grantee_organisation_id,
            RecordShare.owner_organisation_id == principal.organisation_id,
            RecordShare.revoked_at.is_(None),
        )
    )
    if share is None:
        raise NotFound()
    share.revoked_at = utcnow()
    session.flush()
    audit_service.record(
        session,
        actor=principal.actor,
        action="identity.share.revoke",
        object_type=object_type,
        object_id=object_id,
        organisation_id=principal.organisation_id,
        details={"grantee_organisation_id": grantee_organisation_id},
    )


def visible_clause(
    principal: Principal,
    *,
    object_type: str,
    owner_column: Any,
    id_column: Any,
) -> ColumnElement[bool]:
    """Return the WHERE clause of the read rule for records of `object_type`.

    Own records; records shared with the caller's organisation and not withdrawn; and, for a
    regulator, every record of a domain its department is entitled to.
    """
    if regulator_may_read(principal, object_type):
        return true()
    shared = exists().where(
        RecordShare.object_type == object_type,
        RecordShare.object_id == func.cast(id_column, RecordShare.object_id.type),
        RecordShare.grantee_organisation_id == principal.organisation_id,
        RecordShare.revoked_at.is_(None),
    )
    return or_(owner_column == principal.organisation_id, shared)


def visible(
    stmt: Select[Any], principal: Principal, *, object_type: str, owner_column: Any, id_column: Any
) -> Select[Any]:
    """Return `stmt` limited to the rows the principal may read."""
    return stmt.where(
        visible_clause(
            principal, object_type=object_type, owner_column=owner_column, id_column=id_column
        )
    )


def require_change(principal: Principal, *, owner_organisation_id: int) -> None:
    """Raise NotFound unless the principal's organisation owns the record (the write rule)."""
    if owner_organisation_id != principal.organisation_id:
        raise NotFound()
