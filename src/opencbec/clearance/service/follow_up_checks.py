"""What may be asked of an inventory after its declaration, and why customs would refuse it:
the checks behind the follow-up requests (service/follow_up.py) and the inventory page's forms.

* a cancellation of an inventory customs has not numbered (no invtNo yet), of one it refused,
  of one released and delivered (结关 899, or a waybill status S 签收), or a second open one;
* a return before release, or when every line is already returned (what each line may still
  take back is checked with the request's quantities);
* a return tally without an export return of that inventory, or by an organisation that is not
  a supervised-site operator.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from opencbec.clearance.models import ClearanceDocument, FollowUp
from opencbec.clearance.service.summary_groups import RELEASED, customs_numbers, number_of
from opencbec.errors import FieldError
from opencbec.identity.models import OrgRole
from opencbec.identity.rules import Principal
from opencbec.kit.i18n import Bilingual

IMPORT_INVENTORY, EXPORT_INVENTORY = "inventory", "export_inventory"
REFUSED: Final = "100"
DELIVERED: Final = "899"


def refused(status: str) -> bool:
    return status == REFUSED or status.startswith("-")


def text(fields: Mapping[str, Any], name: str) -> str:
    return str(fields.get(name) or "").strip()


def head_of(document: ClearanceDocument) -> Mapping[str, Any]:
    head: Mapping[str, Any] = (
        document.content.get("inventory_head")
        or document.content.get("invt_refund_head")
        or document.content
    )
    return head


def field_error(field_name: str, en: str, zh: str, code: str) -> FieldError:
    return FieldError(field_name, Bilingual(en, zh), code)


# --- what is already asked of an inventory ---------------------------------------------------


def follow_ups(
    session: Session, *, inventory_ids: list[int]
) -> list[tuple[FollowUp, ClearanceDocument]]:
    """Return the follow-up requests made from these inventories, oldest first."""
    return [
        (f, d)
        for f, d in session.execute(
            select(FollowUp, ClearanceDocument)
            .join(ClearanceDocument, ClearanceDocument.id == FollowUp.request_id)
            .where(FollowUp.inventory_id.in_(inventory_ids or [0]))
            .order_by(FollowUp.id)
        )
    ]


def follow_ups_of_order(
    session: Session, *, principal: Principal, order_no: str
) -> list[tuple[FollowUp, ClearanceDocument]]:
    """Return the follow-up requests of an order's inventories, with their status."""
    return [
        (f, d)
        for f, d in session.execute(
            select(FollowUp, ClearanceDocument)
            .join(ClearanceDocument, ClearanceDocument.id == FollowUp.request_id)
            .where(
                FollowUp.order_no == order_no,
                FollowUp.organisation_id == principal.organisation_id,
            )
            .order_by(FollowUp.id)
        )
    ]


def open_requests(
    session: Session, inventory: ClearanceDocument, kinds: set[str]
) -> list[ClearanceDocument]:
    return [
        d
        for f, d in follow_ups(session, inventory_ids=[inventory.id])
        if f.kind in kinds and not refused(d.status)
    ]


def returned_qty(session: Session, inventory: ClearanceDocument) -> dict[int, Decimal]:
    """Return what earlier returns not refused by customs take back, by line number."""
    taken: dict[int, Decimal] = {}
    for request in open_requests(session, inventory, {"return", "export_return"}):
        for line in request.content.get("invt_refund_list") or []:
            gnum = int(line.get("gnum") or 0)
            taken[gnum] = taken.get(gnum, Decimal(0)) + Decimal(str(line.get("qty") or 0))
    return taken


@dataclass(frozen=True, slots=True)
class LineLeft:
    """A line of an inventory: declared, returned so far, and what may still come back."""

    gnum: int
    gname: str
    unit: str
    declared: Decimal
    returned: Decimal

    @property
    def left(self) -> Decimal:
        """Return what may still be returned."""
        return max(self.declared - self.returned, Decimal(0))


def lines_left(session: Session, inventory: ClearanceDocument) -> list[LineLeft]:
    """Return each line of an inventory with what may still be returned."""
    taken = returned_qty(session, inventory)
    return [
        LineLeft(
            gnum=int(line.get("gnum") or 0),
            gname=text(line, "gname"),
            unit=text(line, "unit"),
            declared=Decimal(str(line.get("qty") or 0)),
            returned=taken.get(int(line.get("gnum") or 0), Decimal(0)),
        )
        for line in document_lines(inventory)
    ]


def document_lines(inventory: ClearanceDocument) -> list[Mapping[str, Any]]:
    """Return an inventory's goods lines as stored."""
    lines: list[Mapping[str, Any]] = inventory.content.get("inventory_list") or []
    return lines


# --- the checks, shared by the requests and the page ----------------------------------------


def _delivered(session: Session, inventory: ClearanceDocument) -> bool:
    head = head_of(inventory)
    key = f"{text(head, 'logisticsCode')}|{text(head, 'logisticsNo')}|S"
    signed = session.scalar(
        select(ClearanceDocument.id).where(
            ClearanceDocument.kind == "waybill_status", ClearanceDocument.business_key == key
        )
    )
    return inventory.status == DELIVERED or signed is not None


def cancel_faults(session: Session, inventory: ClearanceDocument) -> list[FieldError]:
    """Return why customs would refuse to cancel this inventory now (empty: it may be asked)."""
    numbers = customs_numbers(session, [inventory.id])
    if number_of(inventory, numbers, "invtNo") is None:
        return [
            field_error(
                "invtNo",
                "customs has not numbered this inventory yet: there is nothing to cancel; change or delete it instead",
                "海关尚未生成清单编号，无可撤销；请改为变更或删除",
                "not_numbered",
            )
        ]
    if refused(inventory.status):
        return [
            field_error(
                "status",
                "customs refused this inventory: there is nothing to cancel",
                "海关已退单，无需撤销",
                "refused",
            )
        ]
    if _delivered(session, inventory):
        return [
            field_error(
                "status",
                "the inventory is released and the goods are delivered: it can no longer be cancelled; declare a return instead",
                "清单已放行且货物已签收，不能撤销；请申报退货",
                "delivered",
            )
        ]
    kinds = {"cancellation", "export_cancellation"}
    if open_requests(session, inventory, kinds):
        return [
            field_error(
                "invtNo",
                "a cancellation of this inventory is already asked and not refused",
                "该清单已有未被退回的撤销申请",
                "already_requested",
            )
        ]
    return []


def return_faults(session: Session, inventory: ClearanceDocument) -> list[FieldError]:
    """Return why customs would refuse any return of this inventory now (empty: one may be asked)."""
    if inventory.status not in RELEASED:
        return [
            field_error(
                "status",
                "only a released inventory can have a return; cancel it instead",
                "仅已放行的清单可申报退货；未放行请撤销",
                "not_released",
            )
        ]
    if number_of(inventory, customs_numbers(session, [inventory.id]), "invtNo") is None:
        return [
            field_error(
                "invtNo",
                "the inventory's number (invtNo) from customs is not known",
                "未收到海关清单编号（invtNo）",
                "not_numbered",
            )
        ]
    if all(line.left <= 0 for line in lines_left(session, inventory)):
        return [
            field_error(
                "lines",
                "every line is already returned",
                "所有商品均已申报退货",
                "nothing_left",
            )
        ]
    if inventory.kind == EXPORT_INVENTORY and open_requests(session, inventory, {"export_return"}):
        return [
            field_error(
                "invtNo",
                "an export return of this inventory is already asked (customs takes one per inventory)",
                "该清单已有退货申请（每份清单一份）",
                "already_requested",
            )
        ]
    return []


def tally_faults(
    session: Session, principal: Principal, inventory: ClearanceDocument
) -> list[FieldError]:
    """Return why a return tally (CEB215) cannot be sent now (empty: it may be)."""
    if not principal.has_role(OrgRole.WAREHOUSE_OPERATOR):
        return [
            field_error(
                "operatorCode",
                "only a supervised-site operator sends a return tally",
                "退运理货明细单由监管场所经营人申报",
                "not_operator",
            )
        ]
    if inventory.kind != EXPORT_INVENTORY or not open_requests(
        session, inventory, {"export_return"}
    ):
        return [
            field_error(
                "invtNo",
                "a return tally needs an export return of this inventory (CEB213) first",
                "需先有该清单的出口退货申请（CEB213）",
                "no_return",
            )
        ]
    if open_requests(session, inventory, {"return_tally"}):
        return [
            field_error(
                "logisticsNo",
                "this return is already tallied",
                "该退货已申报理货",
                "already_requested",
            )
        ]
    return []


@dataclass(frozen=True, slots=True)
class Offers:
    """What may be asked of an inventory now, each with the reasons it may not."""

    direction: str
    cancel: list[FieldError]
    return_: list[FieldError]
    tally: list[FieldError]
    lines: list[LineLeft] = field(default_factory=list)


def offers(session: Session, principal: Principal, document: ClearanceDocument) -> Offers | None:
    """Return the follow-ups offered on an inventory's page (None for other documents)."""
    if document.kind not in {IMPORT_INVENTORY, EXPORT_INVENTORY}:
        return None
    export = document.kind == EXPORT_INVENTORY
    return Offers(
        direction="export" if export else "import",
        cancel=cancel_faults(session, document),
        return_=return_faults(session, document),
        tally=tally_faults(session, principal, document) if export else [],
        lines=lines_left(session, document),
    )
