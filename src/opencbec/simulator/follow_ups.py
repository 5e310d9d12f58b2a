"""What customs does after filing a document that is not part of an order set: waybill status,
cancellations, returns, warehouse entries, arrivals, departures, master lists, summary
applications (with their CEB792 results), export returns and tallies."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from opencbec.simulator import receipts, rules
from opencbec.simulator.kinds import DocType
from opencbec.simulator.receipts import CONCLUDED, LOGIC_OK, RELEASED

if TYPE_CHECKING:
    from opencbec.simulator.service import Simulator

FollowUp = Callable[["Simulator", DocType, Any, Any, int], None]
RELEASED_STATUS: Final = "800"


def _refuse(
    sim: Simulator, doc_type: DocType, head: Any, doc_id: int, faults: list[rules.Fault]
) -> None:
    sim.answer(doc_type, head, "100", rules.return_info(faults), step=1)
    sim.state.set_doc(doc_id, status="100")


def _refuse_missing(
    sim: Simulator, doc_type: DocType, head: Any, doc_id: int, code: str, en: str, zh: str,
    value: str,
) -> None:  # fmt: skip
    _refuse(sim, doc_type, head, doc_id, [_missing(code, en, zh, value, doc_type.kind)])


def _missing(code: str, what_en: str, what_zh: str, value: str, doc: str) -> rules.Fault:
    return rules.Fault(
        code, f"{what_en} {value} is unknown to customs", f"海关无此{what_zh}：{value}", (doc,)
    )


def _approve(
    sim: Simulator,
    doc_type: DocType,
    head: Any,
    doc_id: int,
    statuses: list[tuple[str, str]],
    extra: dict[str, Any] | None = None,
) -> None:
    sim.sequence(doc_type, head, statuses, extra=extra)
    sim.state.set_doc(doc_id, status=statuses[-1][0])


def _released(sim: Simulator, kind: str, invt_no: str | None) -> Any:
    doc = sim.state.doc_by_invt_no(kind, invt_no or "")
    return doc if doc is not None and doc.status == RELEASED_STATUS else None


def waybill_status(sim: Simulator, doc_type: DocType, record: Any, head: Any, doc_id: int) -> None:
    """CEB513 → 514: 399 when the waybill is known."""
    if sim.keyed("waybill", f"{head.logisticsCode}|{head.logisticsNo}") is None:
        _refuse_missing(sim, doc_type, head, doc_id, "-505001", "waybill", "运单", head.logisticsNo)
        return
    _approve(sim, doc_type, head, doc_id, [("399", CONCLUDED)])


def cancellation(sim: Simulator, doc_type: DocType, record: Any, head: Any, doc_id: int) -> None:
    """CEB623 → 624 (120, 399) for an accepted inventory; its buyer's quota is given back."""
    target = _released(sim, "inventory", head.invtNo)
    if target is None:
        _refuse_missing(
            sim, doc_type, head, doc_id, "-623001", "accepted inventory", "已审核清单", head.invtNo
        )
        return
    _approve(sim, doc_type, head, doc_id, [("120", LOGIC_OK), ("399", CONCLUDED)])
    sim.state.set_doc(target.id, status="cancelled")
    charged = sim.state.charged(target.key)
    if charged is not None:
        _recharge(sim, target.key, Decimal(0))


def _recharge(sim: Simulator, doc_key: str, amount: Decimal) -> None:
    row = sim.state.doc("inventory", doc_key)
    assert row is not None
    inventory = sim.record_of("inventory", row.message_id, row.item).inventory_head
    buyer = rules.buyer_key(inventory.buyerIdNumber)
    sim.state.charge(doc_key, buyer=buyer, year=int(str(inventory.appTime)[:4]), amount=amount)


def refund(sim: Simulator, doc_type: DocType, record: Any, head: Any, doc_id: int) -> None:
    """CEB625 → 626 (120, 399) for lines of a released inventory; the returned value goes back
    to the buyer's year."""
    target = _released(sim, "inventory", head.invtNo)
    if target is None:
        _refuse_missing(
            sim, doc_type, head, doc_id, "-625001", "released inventory", "已放行清单", head.invtNo
        )
        return
    inventory = sim.record_of("inventory", target.message_id, target.item)
    lines = {line.gnum: line for line in inventory.inventory_list}
    faults = []
    back = Decimal(0)
    for line in record.invt_refund_list:
        declared = lines.get(line.gnum)
        if declared is None or line.qty > declared.qty:
            faults.append(
                rules.Fault(
                    "-625005",
                    f"line {line.gnum}: nothing declared to return, or more than declared",
                    f"第 {line.gnum} 项：清单无此项或退货数量超过申报数量",
                    (doc_type.kind,),
                )
            )
        else:
            back += declared.totalPrice * line.qty / declared.qty
    if faults:
        _refuse(sim, doc_type, head, doc_id, faults)
        return
    _approve(sim, doc_type, head, doc_id, [("120", LOGIC_OK), ("399", CONCLUDED)])
    charged = sim.state.charged(target.key)
    if charged is not None:
        _recharge(sim, target.key, max(Decimal(0), charged - rules.cents(back)))


def _known_waybills(
    sim: Simulator, kind: str, code: str, numbers: list[str], doc: str, err: str
) -> list[rules.Fault]:
    return [
        _missing(err, "waybill", "运单", no, doc)
        for no in numbers
        if sim.keyed(kind, f"{code}|{no}") is None
    ]


def warehouse_entry(sim: Simulator, doc_type: DocType, record: Any, head: Any, doc_id: int) -> None:
    """CEB711 → 712 (120, 399 with rkdNo) when every listed parcel has a waybill."""
    numbers = [line.logisticsNo for line in record.delivery_list]
    faults = _known_waybills(sim, "waybill", head.logisticsCode, numbers, doc_type.kind, "-800001")
    if faults:
        _refuse(sim, doc_type, head, doc_id, faults)
        return
    rkd = {"rkdNo": sim.numbers(doc_type.kind, doc_type.key_of(head), head)["rkdNo"]}
    _approve(sim, doc_type, head, doc_id, [("120", LOGIC_OK), ("399", CONCLUDED)], rkd)


def _export_transport(list_attr: str) -> FollowUp:
    def follow_up(sim: Simulator, doc_type: DocType, record: Any, head: Any, doc_id: int) -> None:
        numbers = [line.logisticsNo for line in getattr(record, list_attr)]
        faults = _known_waybills(
            sim,
            "export_waybill",
            head.logisticsCode,
            numbers,
            doc_type.kind,
            f"-{doc_type.code}001",
        )
        if faults:
            _refuse(sim, doc_type, head, doc_id, faults)
            return
        _approve(sim, doc_type, head, doc_id, [("399", CONCLUDED)])

    follow_up.__doc__ = f"CEB{list_attr} → 399 when every listed parcel has an export waybill."
    return follow_up


def master_list(sim: Simulator, doc_type: DocType, record: Any, head: Any, doc_id: int) -> None:
    """CEB607 → 608 (399) when every listed inventory is released and its waybill known."""
    faults = []
    for line in record.way_bill_list:
        if line.invtNo and _released(sim, "export_inventory", line.invtNo) is None:
            faults.append(
                _missing("-607002", "released inventory", "已放行清单", line.invtNo, doc_type.kind)
            )
    numbers = [line.logisticsNo for line in record.way_bill_list]
    faults += _known_waybills(
        sim, "export_waybill", head.logisticsCode, numbers, doc_type.kind, "-607001"
    )
    if faults:
        _refuse(sim, doc_type, head, doc_id, faults)
        return
    _approve(sim, doc_type, head, doc_id, [("399", CONCLUDED)])


def export_cancellation(
    sim: Simulator, doc_type: DocType, record: Any, head: Any, doc_id: int
) -> None:
    """CEB605 → 606 (399) for a released, not yet summarised export inventory."""
    target = _released(sim, "export_inventory", head.invtNo)
    if target is None or sim.state.doc("summarised", head.invtNo) is not None:
        _refuse_missing(
            sim,
            doc_type,
            head,
            doc_id,
            "-605001",
            "released, unsummarised inventory",
            "已放行且未汇总的清单",
            head.invtNo,
        )
        return
    _approve(sim, doc_type, head, doc_id, [("399", CONCLUDED)])
    sim.state.set_doc(target.id, status="cancelled")


def summary_application(
    sim: Simulator, doc_type: DocType, record: Any, head: Any, doc_id: int
) -> None:
    """CEB701 → 702 (399 with sumNo), then one CEB792 result per declaration."""
    if head.startTime and head.endTime:
        chosen = [
            (doc, rec)
            for doc, rec in sim.iter_records("export_inventory", RELEASED_STATUS)
            if rec.inventory_head.ebcCode == head.ebcCode
            and head.startTime <= str(rec.inventory_head.appTime) <= head.endTime
            and sim.state.doc("summarised", doc.invt_no) is None
        ]
        faults = (
            []
            if chosen
            else [
                rules.Fault(
                    "-701002",
                    "no released inventory in the window",
                    "时间段内无已放行清单",
                    (doc_type.kind,),
                )
            ]
        )
    else:
        chosen, faults = [], []
        for line in record.summary_apply_list:
            doc = _released(sim, "export_inventory", line.invtNo)
            rec = sim.record_of("export_inventory", doc.message_id, doc.item) if doc else None
            if (
                doc is None
                or rec is None
                or rec.inventory_head.ebcCode != head.ebcCode
                or sim.state.doc("summarised", line.invtNo)
            ):
                faults.append(
                    _missing(
                        "-701001",
                        "released, unsummarised inventory of this enterprise",
                        "本企业已放行且未汇总的清单",
                        line.invtNo,
                        doc_type.kind,
                    )
                )
            else:
                chosen.append((doc, rec))
        if not record.summary_apply_list:
            faults.append(
                rules.Fault(
                    "-701002",
                    "the application lists no inventory",
                    "申请未列明清单",
                    (doc_type.kind,),
                )
            )
    if faults:
        _refuse(sim, doc_type, head, doc_id, faults)
        return
    key = doc_type.key_of(head)
    sum_no = sim.numbers(doc_type.kind, key, head)["sumNo"]
    _approve(sim, doc_type, head, doc_id, [("399", CONCLUDED)], {"sumNo": sum_no})
    groups: dict[tuple[str, ...], list[Any]] = {}
    for doc, rec in chosen:
        rec.inventory_head.invtNo = doc.invt_no
        groups.setdefault(rules.summary_group(rec, head.summaryFlag), []).append(rec)
        sim.state.put_doc(
            kind="summarised",
            key=doc.invt_no,
            ref=sum_no,
            message_id=doc.message_id,
            item=doc.item,
            status="399",
        )
    for n, (group, members) in enumerate(sorted(groups.items()), start=1):
        digest = int(hashlib.sha256(f"{sim.config.seed}|{sum_no}|{group}".encode()).hexdigest(), 16)
        serial = f"{digest % 10**10:010d}"
        record_guid = receipts.derived_guid(sim.config.seed, "792", sum_no, str(n))
        result = receipts.summary_result(
            guid=receipts.derived_guid(sim.config.seed, "message", record_guid),
            record_guid=record_guid,
            head=head,
            sum_no=sum_no,
            decl_seq_no=f"{head.customsCode}{sum_no[4:8]}{serial}",
            entry_id=f"{head.customsCode}{sum_no[4:8]}{serial}",
            time=receipts.return_time(sim.moment(2)),
            inventories=members,
            seq=(n, len(groups)),
        )
        sim.schedule(result, 2)


def export_return(sim: Simulator, doc_type: DocType, record: Any, head: Any, doc_id: int) -> None:
    """CEB213 → 214 (120, 800) for a released export inventory."""
    if _released(sim, "export_inventory", head.invtNo) is None:
        _refuse_missing(
            sim,
            doc_type,
            head,
            doc_id,
            "-213001",
            "released export inventory",
            "已放行出口清单",
            head.invtNo,
        )
        return
    _approve(sim, doc_type, head, doc_id, [("120", LOGIC_OK), ("800", RELEASED)])


def return_tally(sim: Simulator, doc_type: DocType, record: Any, head: Any, doc_id: int) -> None:
    """CEB215 → 216 (399) when an approved export return names the inventory."""
    returns = [
        d
        for d in sim.state.docs_by_ref("export_return", head.invtNo)
        if d.status == RELEASED_STATUS
    ]
    if not returns:
        _refuse_missing(
            sim,
            doc_type,
            head,
            doc_id,
            "-215001",
            "approved export return of inventory",
            "已通过的出口退货申请，清单",
            head.invtNo,
        )
        return
    _approve(sim, doc_type, head, doc_id, [("399", CONCLUDED)])


FOLLOW_UPS: Final[dict[str, FollowUp]] = {
    "waybill_status": waybill_status,
    "cancellation": cancellation,
    "return": refund,
    "warehouse_entry": warehouse_entry,
    "arrival": _export_transport("arrival_list"),
    "departure": _export_transport("departure_list"),
    "master_list": master_list,
    "export_cancellation": export_cancellation,
    "summary_application": summary_application,
    "export_return": export_return,
    "return_tally": return_tally,
}
