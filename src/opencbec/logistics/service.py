"""The zone's cross-border parcels by carrier (postal and express operators, rail, air, road):
how many each carried, which customs inspected, which are held or refused now.

A parcel is an inventory (清单, CEB621 import or CEB603 export) with the carrier's logisticsCode
and waybill number; an inspection is a customs receipt at status 500 (查验). Read-only over the
clearance documents and receipts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opencbec.clearance.models import ClearanceDocument, DocumentReceipt
from opencbec.errors import Forbidden
from opencbec.identity.rules import Principal, regulator_may_read
from opencbec.kit.time import ceb_month

PARCEL_KINDS: Final = ("inventory", "export_inventory")
INSPECTION: Final = "500"
HELD: Final = frozenset({"300", "500"})  # manual review, inspection: the parcel waits
REFUSED: Final = "100"
RELEASED: Final = frozenset({"800", "899"})


@dataclass(frozen=True, slots=True)
class Parcel:
    """One parcel as the carrier and customs know it."""

    logistics_no: str
    carrier_code: str
    carrier_name: str
    direction: str  # import, export
    order_no: str
    status: str
    month: str | None
    inspected: bool

    @property
    def held(self) -> bool:
        """True while customs holds the parcel (review or inspection)."""
        return self.status in HELD


@dataclass(frozen=True, slots=True)
class CarrierParcels:
    """A carrier's parcels in the zone, in counts."""

    code: str
    name: str
    parcels: int
    imports: int
    exports: int
    released: int
    inspected: int
    held: int
    refused: int


def sees_parcels(principal: Principal) -> bool:
    """True for the zone administration and the departments entitled to logistics records."""
    return principal.is_zone_admin or regulator_may_read(principal, "logistics.parcel")


def require_reader(principal: Principal) -> None:
    """Refuse (403) a caller who may not see the zone's parcels."""
    if not sees_parcels(principal):
        raise Forbidden()


def parcels(session: Session) -> list[Parcel]:
    """Return every declared parcel of the zone, newest month first."""
    inspected = set(
        session.scalars(
            select(DocumentReceipt.document_id).where(
                DocumentReceipt.status == INSPECTION, DocumentReceipt.document_id.is_not(None)
            )
        )
    )
    out = []
    rows = session.execute(
        select(
            ClearanceDocument.id,
            ClearanceDocument.kind,
            ClearanceDocument.status,
            ClearanceDocument.order_no,
            ClearanceDocument.logistics_no,
            ClearanceDocument.content,
        ).where(ClearanceDocument.kind.in_(PARCEL_KINDS), ClearanceDocument.status != "0")
    )
    for doc_id, kind, status, order_no, logistics_no, content in rows:
        head: dict[str, Any] = content.get("inventory_head") or {}
        out.append(
            Parcel(
                logistics_no=str(logistics_no or head.get("logisticsNo") or ""),
                carrier_code=str(head.get("logisticsCode") or ""),
                carrier_name=str(head.get("logisticsName") or ""),
                direction="import" if kind == "inventory" else "export",
                order_no=str(order_no or ""),
                status=status,
                month=ceb_month(head.get("appTime")),
                inspected=doc_id in inspected,
            )
        )
    out.sort(key=lambda p: (p.month or "", p.logistics_no), reverse=True)
    return out


@dataclass(frozen=True, slots=True)
class ParcelFigures:
    """The zone's parcels in counts, as the home page shows them."""

    parcels: int
    carriers: int
    held: int
    refused: int
    inspected: int
    per_month: list[tuple[str, int]]  # oldest first


def _head(field: str) -> Any:
    return ClearanceDocument.content[("inventory_head", field)].as_string()


def parcel_figures(session: Session) -> ParcelFigures:
    """Return the counts of `parcels` and `per_month`, counted by the database.

    A month is the first six digits of the head's appTime (a CEB time stamp, checked on arrival).
    """
    declared = (ClearanceDocument.kind.in_(PARCEL_KINDS), ClearanceDocument.status != "0")
    carrier = _head("logisticsCode").label("carrier")
    month = func.substr(_head("appTime"), 1, 6).label("month")
    rows = session.execute(
        select(carrier, month, ClearanceDocument.status, func.count())
        .where(*declared)
        .group_by(carrier, month, ClearanceDocument.status)
    ).all()
    # The inspection receipts are few: found first, then kept if their parcel counts (a join
    # would visit every parcel's receipts on SQLite).
    inspected = session.scalar(
        select(func.count(func.distinct(DocumentReceipt.document_id))).where(
            DocumentReceipt.status == INSPECTION,
            DocumentReceipt.document_id.in_(select(ClearanceDocument.id).where(*declared)),
        )
    )
    months: Counter[str] = Counter()
    carriers: set[str] = set()
    held = refused = parcels = 0
    for code, stamp, status, n in rows:
        parcels += n
        carriers.add(str(code or ""))
        held += n if status in HELD else 0
        refused += n if status == REFUSED else 0
        found = ceb_month(stamp)
        if found:
            months[found] += n
    return ParcelFigures(
        parcels, len(carriers), held, refused, inspected or 0, sorted(months.items())
    )


def by_carrier(found: list[Parcel]) -> list[CarrierParcels]:
    """Return the parcels counted by carrier, the busiest first."""
    names: dict[str, str] = {}
    counts: dict[str, Counter[str]] = {}
    for p in found:
        names.setdefault(p.carrier_code, p.carrier_name)
        c = counts.setdefault(p.carrier_code, Counter())
        c["parcels"] += 1
        c[p.direction] += 1
        c["released"] += p.status in RELEASED
        c["inspected"] += p.inspected
        c["held"] += p.held
        c["refused"] += p.status == REFUSED
    out = [
        CarrierParcels(
            code,
            names[code],
            c["parcels"],
            c["import"],
            c["export"],
            c["released"],
            c["inspected"],
            c["held"],
            c["refused"],
        )
        for code, c in counts.items()
    ]
    out.sort(key=lambda r: (-r.parcels, r.code))
    return out


def per_month(found: list[Parcel]) -> list[tuple[str, int]]:
    """Return the number of parcels by month, oldest first."""
    counted = Counter(p.month for p in found if p.month)
    return sorted(counted.items())
