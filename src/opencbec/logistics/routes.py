"""Logistics JSON API: the zone's parcels by carrier, for the departments entitled to them."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from opencbec.logistics import service
from opencbec.webkit import PROBLEM_RESPONSES, CurrentPrincipal, DbSession, require_scope

router = APIRouter(prefix="/api/v1/logistics", tags=["logistics"], responses=PROBLEM_RESPONSES)


class CarrierParcelsRead(BaseModel):
    """A carrier's parcels in the zone, counted."""

    model_config = ConfigDict(from_attributes=True)

    code: str = Field(description="The carrier's customs code (logisticsCode)")
    name: str
    parcels: int
    imports: int
    exports: int
    released: int
    inspected: int = Field(description="Parcels with a customs receipt at 500 (inspection)")
    held: int = Field(description="Parcels customs holds now (300 review, 500 inspection)")
    refused: int


@router.get("/carriers", response_model=list[CarrierParcelsRead])
def carriers(session: DbSession, principal: CurrentPrincipal) -> list[CarrierParcelsRead]:
    """List the zone's carriers with their parcels, the busiest first."""
    require_scope(principal, "logistics:read")
    service.require_reader(principal)
    found = service.by_carrier(service.parcels(session))
    return [CarrierParcelsRead.model_validate(c) for c in found]
