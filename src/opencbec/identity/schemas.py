"""Identity API schemas."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from opencbec.identity.models import Department, OrgRole

Username = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        to_lower=True,
        min_length=3,
        max_length=120,
        pattern=r"^[a-z0-9._@+-]+$",
    ),
]


class Strict(BaseModel):
    """Base of request bodies: unknown fields are refused, not ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class OrganisationRead(BaseModel):
    """An organisation as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name_zh: str
    name_en: str
    roles: list[OrgRole]
    department: Department | None
    is_active: bool


class OrganisationCreate(Strict):
    """A new organisation (zone administration only)."""

    code: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$")]
    name_zh: Annotated[str, StringConstraints(min_length=2, max_length=200)]
    name_en: Annotated[str, StringConstraints(min_length=2, max_length=200)]
    roles: Annotated[list[OrgRole], Field(min_length=1)]
    department: Department | None = None


class UserRead(BaseModel):
    """A user as the API shows it (never the password hash)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    organisation_id: int
    username: str
    display_name: str
    is_org_admin: bool
    is_active: bool
    locked_until: dt.datetime | None
    last_login_at: dt.datetime | None
    created_at: dt.datetime


class UserCreate(Strict):
    """A new user of the caller's organisation."""

    username: Username
    display_name: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    password: Annotated[
        str, StringConstraints(min_length=1, max_length=256, strip_whitespace=False)
    ]
    is_org_admin: bool = False


class MeRead(BaseModel):
    """Who the caller is."""

    organisation: OrganisationRead
    user_id: int | None
    api_key_id: int | None
    label: str
    scopes: list[str] | None


class ApiKeyRead(BaseModel):
    """An API key as listed: the secret is never shown again."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None


class ApiKeyCreate(Strict):
    """A new API key for the caller's organisation."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    scopes: Annotated[list[str], Field(min_length=1)]
    valid_days: Annotated[int, Field(ge=1, le=3650)] = 90


class ApiKeyCreated(ApiKeyRead):
    """The one answer that carries the key itself; store it now, it is not shown again."""

    key: str
