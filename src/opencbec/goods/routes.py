"""Goods JSON API: code tables and goods filing."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, status

from opencbec.errors import NotFound
from opencbec.goods import service
from opencbec.goods.schemas import CodePage, CodeRead, ProductCreate, ProductRead
from opencbec.webkit import PROBLEM_RESPONSES, CurrentPrincipal, DbSession, require_scope

router = APIRouter(prefix="/api/v1", tags=["goods"], responses=PROBLEM_RESPONSES)


@router.get("/codes/{table}", response_model=CodePage)
def search_codes(
    table: str,
    principal: CurrentPrincipal,
    session: DbSession,
    q: Annotated[str, Query(max_length=50)] = "",
    on: dt.date | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> CodePage:
    """Search a code table as it stood on a day (default today)."""
    require_scope(principal, "goods:read")
    spec = service.spec_or_error(table)
    rows, total = service.search(
        session, table=spec.name, query=q, on=on or dt.date.today(), limit=limit, offset=offset
    )
    return CodePage(total=total, items=[CodeRead.model_validate(r) for r in rows])


@router.get("/codes/{table}/{code}", response_model=CodeRead)
def get_code(
    table: str,
    code: str,
    principal: CurrentPrincipal,
    session: DbSession,
    on: dt.date | None = None,
) -> CodeRead:
    """Return one code as it stood on a day (default today)."""
    require_scope(principal, "goods:read")
    row = service.lookup(
        session, table=service.spec_or_error(table).name, code=code, on=on or dt.date.today()
    )
    if row is None:
        raise NotFound()
    return CodeRead.model_validate(row)


@router.get("/goods", response_model=list[ProductRead])
def list_goods(principal: CurrentPrincipal, session: DbSession) -> list[ProductRead]:
    """List your filed goods, newest first."""
    require_scope(principal, "goods:read")
    return [
        ProductRead.model_validate(p) for p in service.list_products(session, principal=principal)
    ]


@router.post("/goods", response_model=ProductRead, status_code=status.HTTP_201_CREATED)
def file_goods(body: ProductCreate, principal: CurrentPrincipal, session: DbSession) -> ProductRead:
    """File one product."""
    require_scope(principal, "goods:write")
    data = body.model_dump()
    data["price"] = str(body.price)
    return ProductRead.model_validate(service.file_product(session, principal=principal, data=data))


@router.get("/goods/{product_id}", response_model=ProductRead)
def get_goods(product_id: int, principal: CurrentPrincipal, session: DbSession) -> ProductRead:
    """Return one product: your own, or any for an entitled regulator."""
    require_scope(principal, "goods:read")
    return ProductRead.model_validate(
        service.get_product(session, principal=principal, product_id=product_id)
    )
