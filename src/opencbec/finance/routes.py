"""Financial services JSON API: export collections and their reconciliation, as the caller may
see them (a bank its client enterprises; the FX administration, tax bureau and zone all)."""

from __future__ import annotations

from decimal import Decimal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from opencbec.finance import service
from opencbec.webkit import PROBLEM_RESPONSES, CurrentPrincipal, DbSession, require_scope

router = APIRouter(prefix="/api/v1/finance", tags=["finance"], responses=PROBLEM_RESPONSES)


class ExportCollectionRead(BaseModel):
    """An export collection (CEB403); amounts are decimal strings."""

    model_config = ConfigDict(from_attributes=True)

    order_no: str
    seller_code: str
    seller_name: str
    payer_code: str
    payer_name: str
    amount: Decimal
    currency: str = Field(description="Customs currency code (142: CNY)")
    month: str | None = Field(description="YYYY-MM of the accounting date")
    export_status: str | None = Field(
        description="Customs status of the order's export inventory; null: none declared"
    )
    released_value: Decimal
    settleable: bool = Field(description="True when customs released the export inventory")


class SellerReconciliationRead(BaseModel):
    """A seller's collections against its declared and released exports (CNY decimal strings)."""

    model_config = ConfigDict(from_attributes=True)

    seller_code: str
    seller_name: str
    collections: int
    collected: Decimal
    inventories: int
    declared: Decimal
    released: Decimal
    difference: Decimal = Field(description="collected - released")
    mismatch: bool = Field(description="True beyond 5% of released (at least CNY 1.00)")


@router.get("/collections", response_model=list[ExportCollectionRead])
def collections(session: DbSession, principal: CurrentPrincipal) -> list[ExportCollectionRead]:
    """List the export collections the caller may see, newest month first."""
    require_scope(principal, "finance:read")
    scope = service.scope_of(session, principal)
    found = service.export_collections(session, scope=scope)
    return [ExportCollectionRead.model_validate(c) for c in found]


@router.get("/reconciliation", response_model=list[SellerReconciliationRead])
def reconciliation(
    session: DbSession, principal: CurrentPrincipal
) -> list[SellerReconciliationRead]:
    """List each seller's collections against its exports, mismatches first."""
    require_scope(principal, "finance:read")
    rows = service.reconcile(session, scope=service.scope_of(session, principal))
    return [SellerReconciliationRead.model_validate(r) for r in rows]
