"""Enterprise filing API schemas."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from opencbec.identity.schemas import Strict


class Contact(Strict):
    """A contact person of the enterprise."""

    name: str
    phone: str
    email: str


class Account(Strict):
    """A bank or foreign-exchange account."""

    bank_name: str
    account: str


class FilingContent(Strict):
    """A filing's content (all fields are checked by the service, each error naming its field)."""

    uscc: str = Field(
        description="Unified social credit code, 18 characters with its check character."
    )
    customs_code: str = Field(description="Customs registration code, 10 characters.")
    name_zh: str
    name_en: str
    roles: list[str] = Field(
        description="Enterprise types: ecommerce_enterprise, ecommerce_platform, ..."
    )
    legal_representative: str
    address: str
    contacts: list[Contact] = Field(description="1 to 5 contacts.")
    bank_accounts: list[Account] = Field(description="1 to 5 bank accounts.")
    fx_accounts: list[Account] = Field(
        default_factory=list, description="0 to 5 foreign-exchange accounts."
    )


class VersionRead(BaseModel):
    """One version of a filing and its review."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    number: int
    state: str
    data: dict[str, Any]
    reasons: list[str]
    effective_from: dt.date | None
    effective_to: dt.date | None
    submitted_at: dt.datetime | None
    reviewed_at: dt.datetime | None


class FilingRead(BaseModel):
    """A filing with its versions, newest first."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    organisation_id: int
    uscc: str
    status: str
    certificate_no: str | None
    status_reason: str | None
    versions: list[VersionRead] = Field(default_factory=list)


class ReviewAction(Strict):
    """Reasons, required when returning a version or changing a filing's status."""

    reasons: list[str] = Field(default_factory=list)


class FactoryRead(BaseModel):
    """A published source factory."""

    id: int
    name_zh: str
    name_en: str
    belt: str
    park: str | None
    county: str
    products_zh: str
    products_en: str
    markets: list[str]
    listed_at: dt.date | None
