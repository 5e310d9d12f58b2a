"""Warehousing JSON API: the bonded (1210) inventories the caller may see (a warehouse its own;
the zone and entitled departments all)."""

from __future__ import annotations

from decimal import Decimal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from opencbec.warehousing import service
from opencbec.webkit import PROBLEM_RESPONSES, CurrentPrincipal, DbSession, require_scope

router = APIRouter(prefix="/api/v1/warehousing", tags=["warehousing"], responses=PROBLEM_RESPONSES)


class BondedInventoryRead(BaseModel):
    """A bonded (1210) inventory whose goods the warehouse holds or held."""

    model_config = ConfigDict(from_attributes=True)

    order_no: str
    invt_no: str
    area_code: str = Field(description="The warehouse's customs code (areaCode)")
    area_name: str
    seller_name: str
    status: str = Field(description="Customs status: 800 released, 899 delivered, ...")
    stage: str = Field(description="dispatch, customs, refused or delivered")
    month: str | None
    value: Decimal = Field(description="Goods value, CNY")


@router.get("/bonded-inventories", response_model=list[BondedInventoryRead])
def bonded_inventories(
    session: DbSession, principal: CurrentPrincipal
) -> list[BondedInventoryRead]:
    """List the bonded inventories the caller may see, those to dispatch first."""
    require_scope(principal, "warehousing:read")
    scope = service.scope_of(session, principal)
    found = service.bonded_inventories(session, scope=scope)
    return [BondedInventoryRead.model_validate(i) for i in found]
