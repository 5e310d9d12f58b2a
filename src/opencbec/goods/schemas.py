"""Goods API schemas: code-table rows and filed products."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from opencbec.identity.schemas import Strict
from opencbec.kit.money import Money


class CodeRead(BaseModel):
    """One code of a table as it stood on a day."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    name_zh: str
    name_en: str
    data: dict[str, Any]
    valid_from: dt.date
    valid_to: dt.date | None


class CodePage(BaseModel):
    """A page of codes and how many match."""

    total: int
    items: list[CodeRead]


class ProductCreate(Strict):
    """A product to file; every field is checked, each error naming its field."""

    item_no: str
    direction: str = Field(description="import or export")
    supervision_mode: str = Field(description="9610, 9710, 9810, 1210 or 1239")
    name_zh: str
    name_en: str
    brand: str
    model_spec: str
    declared_elements: str = ""
    hs_code: str = Field(description="China 10-digit commodity code")
    unit: str = Field(description="Customs unit code, 3 digits")
    origin_country: str = Field(description="Customs country code, 3 digits")
    price: Money
    currency: str = Field(description="Customs currency code, 3 digits")
    barcode: str = ""


class ProductRead(BaseModel):
    """A filed product."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    item_no: str
    direction: str
    supervision_mode: str
    name_zh: str
    name_en: str
    brand: str
    model_spec: str
    declared_elements: str
    hs_code: str
    unit: str
    origin_country: str
    price: Money
    currency: str
    barcode: str | None
    status: str
    positive_list_notes: str | None
    ip_owner: str | None
