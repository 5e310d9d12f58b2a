"""Statistical monitoring JSON API: return and cancellation rates by seller and by goods."""

from __future__ import annotations

from decimal import Decimal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from opencbec.analytics import service
from opencbec.webkit import PROBLEM_RESPONSES, CurrentPrincipal, DbSession, require_scope

router = APIRouter(prefix="/api/v1/analytics", tags=["analytics"], responses=PROBLEM_RESPONSES)


class RatesRead(BaseModel):
    """Released inventories of a seller or goods, and the returns and cancellations asked."""

    model_config = ConfigDict(from_attributes=True)

    key: str = Field(description="Seller customs code, or goods 10-digit code")
    name: str
    released: int
    returns: int
    cancellations: int
    rate: Decimal = Field(description="(returns + cancellations) / released")
    needs_attention: bool = Field(description="True above 10%")


class ReturnRatesRead(BaseModel):
    """The zone's return and cancellation rates."""

    model_config = ConfigDict(from_attributes=True)

    by_seller: list[RatesRead]
    by_goods: list[RatesRead]


@router.get("/return-rates", response_model=ReturnRatesRead)
def return_rates(session: DbSession, principal: CurrentPrincipal) -> ReturnRatesRead:
    """Return the zone's return and cancellation rates by seller and by goods."""
    require_scope(principal, "goods:read")
    service.require_reader(principal)
    return ReturnRatesRead.model_validate(service.return_rates(session))
