"""Identity JSON API: who am I, users and API keys of the caller's organisation."""

from __future__ import annotations

from fastapi import APIRouter, Request, status

from opencbec.errors import NotFound
from opencbec.identity import service
from opencbec.identity.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyRead,
    MeRead,
    OrganisationRead,
    UserCreate,
    UserRead,
)
from opencbec.webkit import (
    PROBLEM_RESPONSES,
    CurrentPrincipal,
    DbSession,
    require_scope,
    settings_of,
)

router = APIRouter(prefix="/api/v1", tags=["identity"], responses=PROBLEM_RESPONSES)


def _org_read(session: DbSession, organisation_id: int) -> OrganisationRead:
    org = service.get_organisation(session, organisation_id)
    if org is None:  # pragma: no cover - a principal always has its organisation
        raise NotFound()
    return OrganisationRead(
        id=org.id,
        code=org.code,
        name_zh=org.name_zh,
        name_en=org.name_en,
        roles=sorted(service.roles_of(org)),
        department=org.department,
        is_active=org.is_active,
    )


@router.get("/me", response_model=MeRead, summary="Who the caller is")
def me(principal: CurrentPrincipal, session: DbSession) -> MeRead:
    """Return the calling user or key and its organisation."""
    return MeRead(
        organisation=_org_read(session, principal.organisation_id),
        user_id=principal.user_id,
        api_key_id=principal.api_key_id,
        label=principal.label,
        scopes=sorted(principal.scopes) if principal.scopes is not None else None,
    )


@router.get("/organisations/{organisation_id}", response_model=OrganisationRead)
def get_organisation(
    organisation_id: int, principal: CurrentPrincipal, session: DbSession
) -> OrganisationRead:
    """Return an organisation: your own, or any for zone administration and regulators."""
    require_scope(principal, "identity:read")
    if organisation_id != principal.organisation_id and not (
        principal.is_zone_admin or principal.is_regulator
    ):
        raise NotFound()
    if service.get_organisation(session, organisation_id) is None:
        raise NotFound()
    return _org_read(session, organisation_id)


@router.get("/users", response_model=list[UserRead])
def list_users(principal: CurrentPrincipal, session: DbSession) -> list[UserRead]:
    """List the users of your organisation."""
    require_scope(principal, "identity:read")
    return [UserRead.model_validate(u) for u in service.list_users(session, principal=principal)]


@router.get("/users/{user_id}", response_model=UserRead)
def get_user(user_id: int, principal: CurrentPrincipal, session: DbSession) -> UserRead:
    """Return one user of your organisation."""
    require_scope(principal, "identity:read")
    user = service.get_user(session, principal=principal, user_id=user_id)
    if user is None:
        raise NotFound()
    return UserRead.model_validate(user)


@router.post("/users", response_model=UserRead, status_code=status.HTTP_201_CREATED)
def create_user(body: UserCreate, principal: CurrentPrincipal, session: DbSession) -> UserRead:
    """Add a user to your organisation (organisation administrators)."""
    require_scope(principal, "identity:write")
    user = service.add_user(
        session,
        principal=principal,
        username=body.username,
        display_name=body.display_name,
        password=body.password,
        is_org_admin=body.is_org_admin,
    )
    return UserRead.model_validate(user)


@router.get("/api-keys", response_model=list[ApiKeyRead])
def list_api_keys(principal: CurrentPrincipal, session: DbSession) -> list[ApiKeyRead]:
    """List your organisation's API keys (never their secrets)."""
    require_scope(principal, "identity:read")
    return [
        ApiKeyRead.model_validate(k) for k in service.list_api_keys(session, principal=principal)
    ]


@router.post(
    "/api-keys",
    response_model=ApiKeyCreated,
    status_code=status.HTTP_201_CREATED,
)
def create_api_key(
    body: ApiKeyCreate, request: Request, principal: CurrentPrincipal, session: DbSession
) -> ApiKeyCreated:
    """Create an API key; the key is in this answer only (logged-in administrators)."""
    key, secret = service.create_api_key(
        session,
        principal=principal,
        name=body.name,
        scopes=body.scopes,
        valid_days=body.valid_days,
        max_days=settings_of(request).api_key_max_days,
    )
    return ApiKeyCreated(**ApiKeyRead.model_validate(key).model_dump(), key=secret)


@router.delete("/api-keys/{key_id}", response_model=ApiKeyRead)
def revoke_api_key(key_id: int, principal: CurrentPrincipal, session: DbSession) -> ApiKeyRead:
    """Revoke one of your organisation's API keys."""
    require_scope(principal, "identity:write")
    return ApiKeyRead.model_validate(
        service.revoke_own_api_key(session, principal=principal, key_id=key_id)
    )
