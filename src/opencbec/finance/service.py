"""Export collections (收款单, CEB403) against the export inventories customs released:
what each seller collected, declared and had released; which collections a bank's client
enterprises can settle in foreign exchange; totals by month.

Read-only over the clearance documents and the enterprise filings (which name each
enterprise's bank and FX accounts). Who may see what is decided here:
a bank sees its client enterprises only; the FX administration, the tax bureau and the zone
see the whole zone (`finance` is among their departments' domains).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from opencbec.clearance.models import ClearanceDocument
from opencbec.enterprise.models import EnterpriseFiling, FilingVersion
from opencbec.errors import Forbidden
from opencbec.finance import rules
from opencbec.identity.models import Organisation, OrgRole
from opencbec.identity.rules import Principal, regulator_may_read
from opencbec.kit.money import lines_total, stored_amount
from opencbec.kit.time import ceb_month

RELEASED: Final = frozenset({"800", "899"})
APPROVED: Final = "approved"


@dataclass(frozen=True, slots=True)
class ExportCollection:
    """One export collection and where its order's export inventory stands."""

    order_no: str
    seller_code: str
    seller_name: str
    payer_code: str
    payer_name: str
    amount: Decimal
    currency: str
    month: str | None
    export_status: str | None  # the inventory's customs status; None: no inventory declared
    released_value: Decimal  # the inventory's goods value when customs released it, else 0

    @property
    def settleable(self) -> bool:
        """True when customs released the export the money was collected for."""
        return self.export_status in RELEASED


@dataclass(frozen=True, slots=True)
class SellerReconciliation:
    """A seller's collections against its declared and released exports (CNY)."""

    seller_code: str
    seller_name: str
    collections: int
    collected: Decimal
    inventories: int
    declared: Decimal
    released: Decimal

    @property
    def difference(self) -> Decimal:
        """Collected minus released: positive is money in without a released export."""
        return self.collected - self.released

    @property
    def mismatch(self) -> bool:
        """True when the difference is beyond the tolerance."""
        return rules.beyond_tolerance(self.collected, self.released)


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose exports the caller sees: None for the whole zone, else sellers' customs codes."""

    sellers: frozenset[str] | None
    bank_name: str | None = None


@dataclass(frozen=True, slots=True)
class _Inventory:
    status: str
    value: Decimal
    seller_name: str


def _head(field: str) -> Any:
    return ClearanceDocument.content[("inventory_head", field)].as_string()


def _inventories(session: Session) -> dict[tuple[str, str], _Inventory]:
    """Export inventories by (seller code, order number): their status, goods value, seller.

    Reads the head fields it keys by and the goods lines, not the whole content.
    """
    out: dict[tuple[str, str], _Inventory] = {}
    rows = session.execute(
        select(
            ClearanceDocument.status,
            _head("ebcCode"),
            _head("orderNo"),
            _head("ebcName"),
            ClearanceDocument.content["inventory_list"],
        ).where(ClearanceDocument.kind == "export_inventory")
    )
    for status, seller, order_no, seller_name, lines in rows:
        key = (str(seller or ""), str(order_no or ""))
        out[key] = _Inventory(status, lines_total(lines), str(seller_name or ""))
    return out


def export_collections(session: Session, *, scope: Scope) -> list[ExportCollection]:
    """Return the export collections of the sellers in `scope`, newest month first."""
    return _collections(session, scope, _inventories(session))


def _collections(
    session: Session, scope: Scope, inventories: dict[tuple[str, str], _Inventory]
) -> list[ExportCollection]:
    out = []
    for content in session.scalars(
        select(ClearanceDocument.content)
        .where(ClearanceDocument.kind == "collection")
        .order_by(ClearanceDocument.id)
    ):
        seller = str(content.get("ebcCode") or "")
        if scope.sellers is not None and seller not in scope.sellers:
            continue
        order_no = str(content.get("orderNo") or "")
        inventory = inventories.get((seller, order_no))
        status = inventory.status if inventory else None
        out.append(
            ExportCollection(
                order_no=order_no,
                seller_code=seller,
                seller_name=str(content.get("ebcName") or ""),
                payer_code=str(content.get("payCode") or ""),
                payer_name=str(content.get("payName") or ""),
                amount=stored_amount(content.get("charge")),
                currency=str(content.get("currency") or "142"),
                month=ceb_month(content.get("accountingDate")),
                export_status=status,
                released_value=inventory.value if inventory and status in RELEASED else Decimal(0),
            )
        )
    out.sort(key=lambda c: (c.month or "", c.order_no), reverse=True)
    return out


def reconcile(session: Session, *, scope: Scope) -> list[SellerReconciliation]:
    """Return each seller's collections against its export inventories, mismatches first."""
    return overview(session, scope=scope)[1]


def overview(
    session: Session, *, scope: Scope
) -> tuple[list[ExportCollection], list[SellerReconciliation]]:
    """Return the collections in `scope` and the sellers' reconciliation, reading each once."""
    inventories = _inventories(session)
    collections = _collections(session, scope, inventories)
    collected: dict[str, list[Decimal]] = defaultdict(list)
    names: dict[str, str] = {}
    for c in collections:
        collected[c.seller_code].append(c.amount)
        names[c.seller_code] = c.seller_name
    declared: dict[str, list[_Inventory]] = defaultdict(list)
    for (seller, _), inventory in inventories.items():
        if scope.sellers is None or seller in scope.sellers:
            declared[seller].append(inventory)
            names.setdefault(seller, inventory.seller_name)
    out = [
        SellerReconciliation(
            seller_code=seller,
            seller_name=names.get(seller, ""),
            collections=len(collected[seller]),
            collected=sum(collected[seller], Decimal(0)),
            inventories=len(declared[seller]),
            declared=sum((i.value for i in declared[seller]), Decimal(0)),
            released=sum((i.value for i in declared[seller] if i.status in RELEASED), Decimal(0)),
        )
        for seller in sorted(set(collected) | set(declared))
    ]
    out.sort(key=lambda r: (not r.mismatch, -abs(r.difference), r.seller_code))
    return collections, out


def by_month(collections: Iterable[ExportCollection]) -> list[tuple[str, Decimal]]:
    """Return the collected amounts by month, oldest first (collections with no month left out)."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for c in collections:
        if c.month:
            totals[c.month] += c.amount
    return sorted(totals.items())


def _names(data: dict[str, Any]) -> set[str]:
    accounts = [*(data.get("bank_accounts") or []), *(data.get("fx_accounts") or [])]
    return {
        " ".join(str(a.get("bank_name") or "").split()) for a in accounts if isinstance(a, dict)
    }


def bank_clients(session: Session, *, bank_name: str) -> dict[str, str]:
    """Return the customs codes and names of the enterprises whose approved filing names an
    account (bank or FX) at `bank_name`."""
    wanted = " ".join(bank_name.split())
    rows = session.execute(
        select(FilingVersion.data)
        .join(EnterpriseFiling, EnterpriseFiling.current_version_id == FilingVersion.id)
        .where(EnterpriseFiling.status == APPROVED)
    ).scalars()
    return {
        str(data["customs_code"]): str(data.get("name_zh") or "")
        for data in rows
        if data.get("customs_code") and wanted in _names(data)
    }


def sees_zone(principal: Principal) -> bool:
    """True for the zone administration and the departments entitled to financial records."""
    return principal.is_zone_admin or regulator_may_read(principal, "finance.collection")


def is_bank(principal: Principal) -> bool:
    """True for a financial institution (a bank settles its clients' collections)."""
    return principal.has_role(OrgRole.FINANCIAL_INSTITUTION)


def scope_of(session: Session, principal: Principal) -> Scope:
    """Return whose collections the caller sees, or refuse (403) one who sees none."""
    if sees_zone(principal):
        return Scope(None)
    if is_bank(principal):
        org = session.get(Organisation, principal.organisation_id)
        name = org.name_zh if org is not None else ""
        return Scope(frozenset(bank_clients(session, bank_name=name)), name)
    raise Forbidden()


def settleable(collections: Collection[ExportCollection]) -> list[ExportCollection]:
    """Return the collections a bank can settle now: their export was released."""
    return [c for c in collections if c.settleable]
