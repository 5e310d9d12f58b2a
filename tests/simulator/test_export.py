"""Export sets through the simulator: release, transport documents, summary application with its
CEB792 result, cancellation, returns and tallies."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from opencbec.demo import sets
from opencbec.messages import ceb
from opencbec.messages.ceb.spec import spec_of
from tests.factories.clearance import BRAKES, STAMP
from tests.simulator.conftest import SimFactory, declare, inbox, put, receipts_of, statuses

SPOKES = sets.Goods("自行车辐条", "8714920000", "007", Decimal(100), Decimal("0.50"))


def _export(sim: Any, signer: ceb.SoftwareSigner, order_no: str, **kw: Any) -> tuple[Any, ...]:
    messages = sets.export_set(order_no, goods=kw.pop("goods", [BRAKES]), stamp=STAMP, **kw)
    declare(sim, messages, signer)
    sim.run_once()
    return messages


def _line(parent: Any, attr: str, **values: Any) -> Any:
    """Return a new list record of `parent.attr` holding `values`."""
    fs = next(f for f in spec_of(type(parent)).fields if f.attr == attr)
    assert fs.record is not None
    return fs.record(**values)


def _invt_no(sim: Any, cop_no: str) -> str:
    return str(next(r.invtNo for r in receipts_of(sim, "CEB604Message") if r.copNo == cop_no))


def test_a_consistent_export_set_is_released(
    make_sim: SimFactory, signer: ceb.SoftwareSigner
) -> None:
    sim = make_sim()
    _export(sim, signer, "SIMEX0001")
    assert statuses(sim, "CEB604Message") == ["2", "120", "399", "800", "899"]
    for root in ("CEB304Message", "CEB404Message", "CEB506Message"):
        assert statuses(sim, root) == ["2", "120"]
    first = receipts_of(sim, "CEB604Message")[0]
    assert (first.ebcCode, first.copNo, first.orderNo) == (sets.DEMO_EBC, "ESIMEX0001", "SIMEX0001")
    assert first.invtNo.startswith("46002026E")
    assert not [m for m in inbox(sim) if type(m).__name__ == "CEB816Message"]


def test_a_broken_export_set_is_rejected(make_sim: SimFactory, signer: ceb.SoftwareSigner) -> None:
    sim = make_sim()
    messages = sets.export_set("SIMEX0002", goods=[BRAKES], stamp=STAMP)
    messages[3].inventory[0].inventory_head.logisticsNo = "ZEOTHER"
    declare(sim, messages, signer)
    other = sets.export_set("SIMEX0002", goods=[BRAKES], stamp=STAMP)[2]
    other.logistics[0].logisticsNo = "ZEOTHER"
    other.guid = "55555555-5555-4555-8555-555555555555"
    other.logistics[0].guid = "66666666-6666-4666-8666-666666666666"
    other.logistics[0].logisticsCode = "9999999999"
    put(sim, other)
    sim.run_once()
    assert statuses(sim, "CEB604Message") == ["2"]  # its waybill (by logisticsCode) is missing
    fixed = sets.export_set("SIMEX0003", goods=[BRAKES], stamp=STAMP)
    fixed[3].inventory[0].inventory_list[0].qty = Decimal(5)
    declare(sim, fixed, signer)
    sim.run_once()
    last = [r for r in receipts_of(sim, "CEB604Message") if r.copNo == "ESIMEX0003"][-1]
    assert last.returnStatus == "100"
    assert "2603" in last.returnInfo  # qty × price ≠ totalPrice
    assert "2604" in last.returnInfo  # the order says 4


def test_transport_documents_and_the_summary_application(
    make_sim: SimFactory, signer: ceb.SoftwareSigner, clock: Any
) -> None:
    sim = make_sim()
    _export(sim, signer, "SIMEX0004")
    _export(sim, signer, "SIMEX0005", goods=[BRAKES, SPOKES], country="305")
    first, second = _invt_no(sim, "ESIMEX0004"), _invt_no(sim, "ESIMEX0005")

    arrival = ceb.skeleton(ceb.message_class("CEB507Message"))
    arrival.arrival[0].arrival_head.logisticsCode = sets.DEMO_LOGISTICS
    arrival.arrival[0].arrival_list = [
        _line(arrival.arrival[0], "arrival_list", gnum=1, logisticsNo="ZESIMEX0004")
    ]
    departure = ceb.skeleton(ceb.message_class("CEB509Message"))
    departure.departure[0].departure_head.logisticsCode = sets.DEMO_LOGISTICS
    departure.departure[0].departure_list = [
        _line(departure.departure[0], "departure_list", gnum=1, logisticsNo="ZENOSUCH")
    ]
    master = ceb.skeleton(ceb.message_class("CEB607Message"))
    master.way_bill[0].way_bill_head.logisticsCode = sets.DEMO_LOGISTICS
    master.way_bill[0].way_bill_list[0].logisticsNo = "ZESIMEX0004"
    master.way_bill[0].way_bill_list[0].invtNo = first
    apply = ceb.skeleton(ceb.message_class("CEB701Message"))
    head = apply.summary_apply[0].summary_apply_head
    head.ebcCode, head.customsCode, head.copNo = sets.DEMO_EBC, "4600", "SUM202611"
    apply.summary_apply[0].summary_apply_list = [
        _line(apply.summary_apply[0], "summary_apply_list", invtNo=no) for no in (first, second)
    ]
    declare(sim, [arrival, departure, master, apply], signer)
    sim.run_once()
    assert statuses(sim, "CEB508Message") == ["2", "399"]
    assert statuses(sim, "CEB510Message") == ["2", "100"]
    assert "ZENOSUCH" in receipts_of(sim, "CEB510Message")[-1].returnInfo
    assert statuses(sim, "CEB608Message") == ["2", "399"]
    assert statuses(sim, "CEB702Message") == ["2", "399"]
    summary = receipts_of(sim, "CEB702Message")
    assert summary[0].sumNo is None
    sum_no = summary[-1].sumNo
    assert sum_no
    results = [m for m in inbox(sim) if type(m).__name__ == "CEB792Message"]
    # Germany and France are two destinations: two customs declarations.
    assert len(results) == 2
    heads = [m.summary_result[0].summary_result_head for m in results]
    assert {h.sumNo for h in heads} == {sum_no}
    assert {h.msgCount for h in heads} == {2}
    assert all("海关模拟器" in str(h.note) for h in heads)
    assert len({h.entryId for h in heads}) == 2
    lines = {
        (x.invtNo, x.gnum, x.gcode)
        for m in results
        for x in m.summary_result[0].summary_result_list
    }
    assert lines == {
        (first, 1, BRAKES.code),
        (second, 1, BRAKES.code),
        (second, 2, SPOKES.code),
    }
    # A summarised inventory is summarised once and can no longer be cancelled.
    again = ceb.skeleton(ceb.message_class("CEB701Message"))
    again.summary_apply[0].summary_apply_head.ebcCode = sets.DEMO_EBC
    again.summary_apply[0].summary_apply_list = [
        _line(again.summary_apply[0], "summary_apply_list", invtNo=first)
    ]
    cancel = ceb.skeleton(ceb.message_class("CEB605Message"))
    cancel.invt_cancel[0].invtNo = first
    clock.advance(1)
    declare(sim, [again, cancel], signer)
    sim.run_once()
    assert statuses(sim, "CEB702Message")[-1] == "100"
    assert statuses(sim, "CEB606Message") == ["2", "100"]


def test_a_summary_by_time_window(make_sim: SimFactory, signer: ceb.SoftwareSigner) -> None:
    sim = make_sim()
    _export(sim, signer, "SIMEX0006")
    window = ceb.skeleton(ceb.message_class("CEB701Message"))
    head = window.summary_apply[0].summary_apply_head
    head.ebcCode, head.startTime, head.endTime = sets.DEMO_EBC, "20261101000000", "20261130235959"
    empty = ceb.skeleton(ceb.message_class("CEB701Message"))
    empty_head = empty.summary_apply[0].summary_apply_head
    empty_head.ebcCode, empty_head.copNo = sets.DEMO_EBC, "EMPTY"
    empty_head.startTime, empty_head.endTime = "20250101000000", "20250131235959"
    declare(sim, [window, empty], signer)
    sim.run_once()
    by_cop: dict[str, list[str]] = {}
    for r in receipts_of(sim, "CEB702Message"):
        by_cop.setdefault(r.copNo, []).append(r.returnStatus)
    assert by_cop == {head.copNo: ["2", "399"], "EMPTY": ["2", "100"]}
    assert len([m for m in inbox(sim) if type(m).__name__ == "CEB792Message"]) == 1


def test_export_cancellation_return_and_tally(
    make_sim: SimFactory, signer: ceb.SoftwareSigner, clock: Any
) -> None:
    sim = make_sim()
    _export(sim, signer, "SIMEX0007")
    _export(sim, signer, "SIMEX0008")
    cancelled, returned = _invt_no(sim, "ESIMEX0007"), _invt_no(sim, "ESIMEX0008")
    cancel = ceb.skeleton(ceb.message_class("CEB605Message"))
    cancel.invt_cancel[0].invtNo = cancelled
    refund = ceb.skeleton(ceb.message_class("CEB213Message"))
    refund.invt_refund[0].invt_refund_head.invtNo = returned
    tally = ceb.skeleton(ceb.message_class("CEB215Message"))
    tally.invt_refund_detail[0].invtNo = returned
    declare(sim, [cancel, refund], signer)
    sim.run_once()
    declare(sim, [tally], signer)
    sim.run_once()
    assert statuses(sim, "CEB606Message") == ["2", "399"]
    assert statuses(sim, "CEB214Message") == ["2", "120", "800"]
    assert statuses(sim, "CEB216Message") == ["2", "399"]
    assert receipts_of(sim, "CEB606Message")[0].invtNo == cancelled
    # The cancelled inventory can no longer be returned; a tally without a return is refused.
    late = ceb.skeleton(ceb.message_class("CEB213Message"))
    late.invt_refund[0].invt_refund_head.invtNo = cancelled
    lone = ceb.skeleton(ceb.message_class("CEB215Message"))
    lone.invt_refund_detail[0].invtNo = cancelled
    lone.invt_refund_detail[0].logisticsNo = "OTHER"
    clock.advance(1)
    declare(sim, [late, lone], signer)
    sim.run_once()
    assert statuses(sim, "CEB214Message")[-1] == "100"
    assert statuses(sim, "CEB216Message")[-1] == "100"


def test_export_follow_ups_naming_unknown_inventories_are_refused(
    make_sim: SimFactory, signer: ceb.SoftwareSigner
) -> None:
    sim = make_sim()
    master = ceb.skeleton(ceb.message_class("CEB607Message"))
    master.way_bill[0].way_bill_list[0].invtNo = "46002026E999999999"
    cancel = ceb.skeleton(ceb.message_class("CEB605Message"))
    cancel.invt_cancel[0].invtNo = "46002026E999999999"
    apply = ceb.skeleton(ceb.message_class("CEB701Message"))
    apply.summary_apply[0].summary_apply_list = [
        _line(apply.summary_apply[0], "summary_apply_list", invtNo="46002026E999999999")
    ]
    empty = ceb.skeleton(ceb.message_class("CEB701Message"))
    empty.summary_apply[0].summary_apply_head.copNo = "NOLIST"
    declare(sim, [master, cancel, apply, empty], signer)
    sim.run_once()
    assert statuses(sim, "CEB608Message") == ["2", "100"]
    assert "46002026E999999999" in receipts_of(sim, "CEB608Message")[-1].returnInfo
    assert statuses(sim, "CEB606Message") == ["2", "100"]
    assert [r.returnStatus for r in receipts_of(sim, "CEB702Message")] == ["2", "2", "100", "100"]
    refusals = {r.copNo: r.returnInfo for r in receipts_of(sim, "CEB702Message")[2:]}
    assert "lists no inventory" in refusals["NOLIST"]
