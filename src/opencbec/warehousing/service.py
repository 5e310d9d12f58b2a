"""The bonded (1210) import inventories a warehouse holds goods for: the inventory names the
warehouse as its area (区内企业, areaCode). Released (800) goods wait to leave the warehouse
for the buyer; until release they stay in it; 899 is delivered and closed.

A warehouse operator sees the inventories naming its own customs code (from its approved
filing); the zone administration and the departments entitled to warehousing records see all.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opencbec.clearance.models import ClearanceDocument
from opencbec.enterprise import service as enterprise_service
from opencbec.errors import Forbidden
from opencbec.identity.models import OrgRole
from opencbec.identity.rules import Principal, regulator_may_read
from opencbec.kit.money import lines_total
from opencbec.kit.time import ceb_month

BONDED: Final = "1210"
AWAITING_DISPATCH: Final = "800"
DELIVERED: Final = "899"
REFUSED: Final = "100"
NOT_SENT: Final = "0"


@dataclass(frozen=True, slots=True)
class BondedInventory:
    """A 1210 inventory whose goods the warehouse holds or held."""

    document_id: int
    order_no: str
    invt_no: str
    area_code: str
    area_name: str
    seller_name: str
    status: str
    month: str | None
    value: Decimal

    @property
    def stage(self) -> str:
        """Where the goods are: dispatch (released), customs (in clearance), delivered, refused."""
        return stage_of(self.status)


def stage_of(status: str) -> str:
    """Return where an inventory's goods are at `status` (see BondedInventory.stage)."""
    if status == AWAITING_DISPATCH:
        return "dispatch"
    if status == DELIVERED:
        return "delivered"
    if status == REFUSED or status.startswith("-"):
        return "refused"
    return "customs"


@dataclass(frozen=True, slots=True)
class WarehouseScope:
    """Whose inventories the caller sees: None for every warehouse, else one area code."""

    area_code: str | None


def sees_all(principal: Principal) -> bool:
    """True for the zone administration and the departments entitled to warehousing records."""
    return principal.is_zone_admin or regulator_may_read(principal, "warehousing.inventory")


def sees_bonded(principal: Principal) -> bool:
    """True for whoever sees bonded inventories: a warehouse operator its own, or all."""
    return sees_all(principal) or principal.has_role(OrgRole.WAREHOUSE_OPERATOR)


def scope_of(session: Session, principal: Principal) -> WarehouseScope:
    """Return whose bonded inventories the caller sees, or refuse (403)."""
    if sees_all(principal):
        return WarehouseScope(None)
    if principal.has_role(OrgRole.WAREHOUSE_OPERATOR):
        return WarehouseScope(own_area_code(session, principal))
    raise Forbidden()


def own_area_code(session: Session, principal: Principal) -> str:
    """Return the customs code of the caller's approved filing; "" when it has none in force."""
    filing = enterprise_service.own_filing(session, principal=principal)
    if filing is None or not enterprise_service.is_approved(
        session, organisation_id=principal.organisation_id
    ):
        return ""
    version = enterprise_service.current_version(session, filing)
    return str((version.data if version else {}).get("customs_code") or "")


def bonded_inventories(session: Session, *, scope: WarehouseScope) -> list[BondedInventory]:
    """Return the declared 1210 inventories in `scope`, those awaiting dispatch first."""
    if scope.area_code == "":
        return []  # a warehouse without an approved filing is named by no inventory
    rows = session.execute(
        select(
            ClearanceDocument.id,
            ClearanceDocument.order_no,
            ClearanceDocument.invt_no,
            ClearanceDocument.status,
            ClearanceDocument.content,
        ).where(ClearanceDocument.kind == "inventory", ClearanceDocument.status != NOT_SENT)
    )
    out = []
    for doc_id, order_no, invt_no, status, content in rows:
        head: dict[str, Any] = content.get("inventory_head") or {}
        area = str(head.get("areaCode") or "")
        if str(head.get("tradeMode") or "") != BONDED or not area:
            continue
        if scope.area_code is not None and area != scope.area_code:
            continue
        out.append(
            BondedInventory(
                document_id=doc_id,
                order_no=str(order_no or ""),
                invt_no=str(invt_no or ""),
                area_code=area,
                area_name=str(head.get("areaName") or ""),
                seller_name=str(head.get("ebcName") or ""),
                status=status,
                month=ceb_month(head.get("appTime")),
                value=lines_total(content.get("inventory_list")),
            )
        )
    order = {"dispatch": 0, "customs": 1, "refused": 2, "delivered": 3}
    out.sort(key=lambda i: (order[i.stage], i.order_no))
    return out


def stages(found: list[BondedInventory]) -> Counter[str]:
    """Count the inventories by stage."""
    return Counter(i.stage for i in found)


def delivered_per_month(found: list[BondedInventory]) -> list[tuple[str, int]]:
    """Return the released or delivered inventories by month, oldest first."""
    counted = Counter(i.month for i in found if i.month and i.stage in ("dispatch", "delivered"))
    return sorted(counted.items())


@dataclass(frozen=True, slots=True)
class BondedFigures:
    """The bonded inventories in `scope` counted by stage, and released by month."""

    inventories: int
    stages: Counter[str]
    delivered_per_month: list[tuple[str, int]]  # oldest first


def _head(field: str) -> Any:
    return ClearanceDocument.content[("inventory_head", field)].as_string()


def bonded_figures(session: Session, *, scope: WarehouseScope) -> BondedFigures:
    """Return the counts of `bonded_inventories`, `stages` and `delivered_per_month`, counted by
    the database: 1210 inventories naming a warehouse (the one in `scope`), by status and month.

    A month is the first six digits of the head's appTime (a CEB time stamp, checked on arrival).
    """
    if scope.area_code == "":
        return BondedFigures(0, Counter(), [])
    area = _head("areaCode")
    month = func.substr(_head("appTime"), 1, 6).label("month")
    stmt = (
        select(ClearanceDocument.status, month, func.count())
        .where(
            ClearanceDocument.kind == "inventory",
            ClearanceDocument.status != NOT_SENT,
            _head("tradeMode") == BONDED,
            area != "",
        )
        .group_by(ClearanceDocument.status, month)
    )
    if scope.area_code is not None:
        stmt = stmt.where(area == scope.area_code)
    counted: Counter[str] = Counter()
    months: Counter[str] = Counter()
    for status, stamp, n in session.execute(stmt):
        stage = stage_of(status)
        counted[stage] += n
        found = ceb_month(stamp)
        if found and stage in ("dispatch", "delivered"):
            months[found] += n
    return BondedFigures(sum(counted.values()), counted, sorted(months.items()))
