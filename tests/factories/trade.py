"""Trade factories for the read-side pages: export and bonded import parcels declared through
clearance's ingest with the receipts customs sent, and the documents customs issues (summary
results, tax bills) as the CEB XML the link receives."""

from __future__ import annotations

import dataclasses
import itertools
import uuid
from decimal import Decimal

from sqlalchemy.orm import Session

from opencbec.clearance import service as clearance_service
from opencbec.clearance.models import ClearanceDocument
from opencbec.demo import sets
from opencbec.goods import service as goods_service
from opencbec.identity.rules import Principal
from opencbec.messages.ceb import encode, message_class, skeleton
from opencbec.messages.ceb.models.exp_summary import SummaryResultList
from tests.factories.clearance import BRAKES, BUYER, CREAM
from tests.factories.identity import make_org, make_user, principal_of

STAMP = "20261105093000"
_numbers = itertools.count(1)
_clock = itertools.count(1)


def party(code: str, name: str) -> sets.Party:
    """Return an enterprise as a set names it."""
    return sets.Party(code, name)


def customs_receipt(
    session: Session, principal: Principal, document: ClearanceDocument, status: str
) -> None:
    """Apply a customs receipt to `document`; the first also gives it an invtNo."""
    numbers = None
    if document.invt_no is None:
        flag = "E" if document.kind == "export_inventory" else "I"
        numbers = {"invtNo": f"46002026{flag}{next(_numbers):09d}"}
    clearance_service.apply_receipt(
        session,
        principal=principal,
        kind=document.kind,
        business_key=document.business_key,
        guid=str(uuid.uuid4()).upper(),
        status=status,
        return_time=str(20261106000000000 + next(_clock)),
        info=None,
        numbers=numbers,
    )


def _ingest(session: Session, principal: Principal, messages: tuple[object, ...]) -> int:
    document_id = None
    for message in messages:
        [outcome] = clearance_service.ingest_message(
            session, principal=principal, data=encode(message)
        )
        document_id = outcome.document_id
    assert document_id is not None
    return document_id


def export_parcel(
    session: Session,
    principal: Principal,
    order_no: str,
    *,
    seller: sets.Party = sets.DEMO_PARTIES.ebc,
    receipts: tuple[str, ...] = ("120", "800"),
    charge: str | None = None,
    carrier: sets.Party = sets.DEMO_PARTIES.logistics,
) -> ClearanceDocument:
    """Declare an export parcel (order, collection, waybill, inventory) and apply `receipts` to
    its inventory; `charge` makes the collection differ from the goods value."""
    parties = dataclasses.replace(sets.DEMO_PARTIES, ebc=seller, agent=seller, logistics=carrier)
    messages = sets.shipment_set(
        order_no, parties=parties, goods=[BRAKES], stamp=STAMP, terms=sets.ExportTerms()
    )
    if charge is not None:
        messages[1].receipts[0].charge = Decimal(charge)
    document = session.get(ClearanceDocument, _ingest(session, principal, messages))
    assert document is not None
    for status in receipts:
        customs_receipt(session, principal, document, status)
    return document


def bonded_parcel(
    session: Session,
    principal: Principal,
    order_no: str,
    *,
    area: sets.Party | None,
    receipts: tuple[str, ...] = ("120", "800"),
    carrier: sets.Party = sets.DEMO_PARTIES.logistics,
) -> ClearanceDocument:
    """Declare a bonded (1210) import parcel kept in `area`'s warehouse and apply `receipts`."""
    parties = dataclasses.replace(sets.DEMO_PARTIES, agent=sets.DEMO_PARTIES.ebc, logistics=carrier)
    messages = sets.parcel_set(
        order_no,
        parties=parties,
        buyer=BUYER,
        goods=[CREAM],
        stamp=STAMP,
        terms=sets.ImportTerms(area=area),
    )
    document = session.get(ClearanceDocument, _ingest(session, principal, messages))
    assert document is not None
    for status in receipts:
        customs_receipt(session, principal, document, status)
    return document


def summary_result_xml(invt_nos: list[str], *, entry_id: str = "460020261000123456") -> bytes:
    """Return a customs summary result (CEB792) naming the export inventories `invt_nos`."""
    message = skeleton(message_class("CEB792Message"))
    message.guid = str(uuid.uuid4()).upper()
    result = message.summary_result[0]
    head = result.summary_result_head
    head.guid, head.agentCode, head.ebcCode = (
        str(uuid.uuid4()).upper(),
        sets.DEMO_EBC,
        sets.DEMO_EBC,
    )
    head.sumNo, head.declSeqNo, head.entryId = f"46002026H{next(_numbers):09d}", entry_id, entry_id
    head.decState, head.opDate = "10", "20261210120000000"
    result.summary_result_list = [
        SummaryResultList(invtNo=no, logisticsNo="ZE", gseqno=n, gnum=1, gcode=BRAKES.code)
        for n, no in enumerate(invt_nos, start=1)
    ]
    return encode(message)


def tax_bill_xml(status: str, vat: str, *, issued: str = "20261010100000000") -> bytes:
    """Return an import tax bill (CEB816) at `status` with VAT `vat` issued at `issued`."""
    message = skeleton(message_class("CEB816Message"))
    head = message.tax[0].tax_head_rd
    head.guid, head.invtNo = str(uuid.uuid4()).upper(), f"46002026I{next(_numbers):09d}"
    head.taxNo, head.status, head.returnTime = f"{head.invtNo}_0", status, issued
    head.customsTax, head.valueAddedTax, head.consumptionTax = Decimal(0), Decimal(vat), Decimal(0)
    message.guid = str(uuid.uuid4()).upper()
    return encode(message)


def follow_up_xml(message: str, inventory: ClearanceDocument) -> bytes:
    """Return a cancellation (CEB623) or a return of every line (CEB625) of a released import
    `inventory`, naming it as the seller would."""
    decoded = skeleton(message_class(message))
    head_of = inventory.content["inventory_head"]
    if message == "CEB623Message":
        item = decoded.invt_cancel[0]
        head = item
    else:
        item = decoded.invt_refund[0]
        head = item.invt_refund_head
        template = item.invt_refund_list[0]
        item.invt_refund_list = [
            dataclasses.replace(
                template,
                gnum=line["gnum"],
                gcode=line["gcode"],
                gname=line["gname"],
                qty=Decimal(line["qty"]),
            )
            for line in inventory.content["inventory_list"]
        ]
    head.guid, head.orderNo, head.invtNo = (
        str(uuid.uuid4()).upper(),
        inventory.order_no,
        inventory.invt_no,
    )
    head.ebcCode, head.ebcName = head_of["ebcCode"], head_of["ebcName"]
    head.ebpCode, head.copNo = head_of["ebpCode"], f"R{inventory.order_no}"
    head.buyerIdNumber, head.buyerName = head_of["buyerIdNumber"], head_of["buyerName"]
    decoded.guid = str(uuid.uuid4()).upper()
    return encode(decoded)


def trading_seller(session: Session) -> Principal:
    """Return a seller's principal over loaded code tables, ready to declare parcels."""
    principal = principal_of(session, make_user(session, make_org(session)))
    goods_service.load_bundled(session, actor=principal.actor)
    return principal
