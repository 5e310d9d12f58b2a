"""Import sets through the simulator: release with a tax bill, rejection with reasons, limits,
review and inspection, cancellations, returns and the documents around them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from opencbec.demo import sets
from opencbec.messages import ceb
from tests.factories.clearance import BUYER, CREAM, FORMULA
from tests.simulator.conftest import (
    SimFactory,
    declare,
    import_messages,
    inbox,
    put,
    receipts_of,
    statuses,
)

WINE = sets.Goods("干红葡萄酒 750 ml", "2204210000", "142", Decimal(1), Decimal("4800.00"))
BAG = sets.Goods("真皮手提包", "4202210000", "007", Decimal(2), Decimal("3000.00"))


def test_a_consistent_import_set_is_released_with_a_tax_bill(
    make_sim: SimFactory, signer: ceb.SoftwareSigner
) -> None:
    sim = make_sim()
    declare(sim, import_messages("SIM0001"), signer)
    report = sim.run_once()
    assert report.received == 4
    assert report.format_faults == 0
    assert statuses(sim, "CEB622Message") == ["2", "120", "399", "800", "899"]
    for root in ("CEB312Message", "CEB412Message", "CEB512Message"):
        assert statuses(sim, root) == ["2", "120"]
    inventory = receipts_of(sim, "CEB622Message")
    # The platform finds the inventory by ebcCode|copNo; customs numbers stay the same throughout.
    assert {(r.ebcCode, r.copNo) for r in inventory} == {(sets.DEMO_EBC, "ISIM0001")}
    assert len({r.preNo for r in inventory}) == 1
    assert inventory[0].invtNo is None
    assert {r.invtNo for r in inventory[1:]} == {inventory[1].invtNo}
    assert inventory[1].returnInfo == "[Code:1800;Desc:逻辑校验通过]"
    times = [r.returnTime for r in inventory]
    assert times == sorted(times)
    assert len(set(times)) == len(times)
    (bill,) = [m for m in inbox(sim) if type(m).__name__ == "CEB816Message"]
    head = bill.tax[0].tax_head_rd
    assert head.invtNo == inventory[1].invtNo
    assert head.taxNo == f"{head.invtNo}_0"
    # 2 × 268 formula (13% VAT) and 320 cream (13% VAT): (536 + 320) × 13% × 70%, duty 0.
    assert [x.valueAddedTax for x in bill.tax[0].tax_list_rd] == [
        Decimal("48.78"),
        Decimal("29.12"),
    ]
    assert head.valueAddedTax == Decimal("77.90")
    assert head.customsTax == Decimal(0)
    assert head.status == "1"
    assert "customs simulator" in str(head.note)
    assert sorted(p.name for p in sim.exchange.archive.iterdir()) == report.files
    assert list(sim.exchange.outbox.iterdir()) == []


def test_the_set_waits_until_every_document_is_in(
    make_sim: SimFactory, signer: ceb.SoftwareSigner
) -> None:
    sim = make_sim()
    order, payment, waybill, inventory = import_messages("SIM0002")
    declare(sim, [inventory, order, payment], signer)
    sim.run_once()
    assert statuses(sim, "CEB622Message") == ["2"]
    put(sim, waybill)
    sim.run_once()
    assert statuses(sim, "CEB622Message") == ["2", "120", "399", "800", "899"]


def _pay_less(messages: tuple[Any, ...]) -> None:
    messages[1].payment[0].payment_head.amountPaid -= Decimal(1)


def test_a_broken_set_is_rejected_with_the_reason(
    make_sim: SimFactory, signer: ceb.SoftwareSigner
) -> None:
    sim = make_sim()
    declare(sim, import_messages("SIM0003", mutate=_pay_less), signer)
    sim.run_once()
    assert statuses(sim, "CEB622Message") == ["2", "100"]
    assert statuses(sim, "CEB412Message") == ["2", "100"]
    assert statuses(sim, "CEB312Message") == ["2", "100"]
    assert statuses(sim, "CEB512Message") == ["2"]
    reason = receipts_of(sim, "CEB622Message")[-1].returnInfo
    assert "amountPaid" in reason
    assert "支付金额" in reason
    assert not [m for m in inbox(sim) if type(m).__name__ == "CEB816Message"]


def _other_consignee(messages: tuple[Any, ...]) -> None:
    messages[2].logistics[0].logistics_head.consigneeAddress = "北京市东城区某路 1 号"
    messages[3].inventory[0].inventory_head.buyerName = "李四"


def test_each_document_at_fault_is_named(make_sim: SimFactory, signer: ceb.SoftwareSigner) -> None:
    sim = make_sim()
    declare(sim, import_messages("SIM0004", mutate=_other_consignee), signer)
    sim.run_once()
    reason = receipts_of(sim, "CEB622Message")[-1].returnInfo
    assert "consigneeAddress" in reason
    assert "buyerName" in reason
    assert statuses(sim, "CEB512Message") == ["2", "100"]
    assert statuses(sim, "CEB412Message") == ["2"]


def test_a_rejected_inventory_may_be_changed_and_is_then_released(
    make_sim: SimFactory, signer: ceb.SoftwareSigner, clock: Any
) -> None:
    sim = make_sim()
    order, payment, waybill, inventory = import_messages("SIM0005")
    wrong = import_messages("SIM0005")[3]
    wrong.inventory[0].inventory_head.buyerName = "李四"
    declare(sim, [order, payment, waybill, wrong], signer)
    sim.run_once()
    assert statuses(sim, "CEB622Message") == ["2", "100"]
    inventory.guid = "11111111-1111-4111-8111-111111111111"
    inventory.inventory[0].inventory_head.guid = "22222222-2222-4222-8222-222222222222"
    inventory.inventory[0].inventory_head.appType = "2"
    clock.advance(1)
    declare(sim, [inventory], signer)
    sim.run_once()
    assert statuses(sim, "CEB622Message")[-5:] == ["2", "120", "399", "800", "899"]
    assert "变更申报成功" in receipts_of(sim, "CEB622Message")[2].returnInfo


def test_the_single_limit_and_the_annual_limit(
    make_sim: SimFactory, signer: ceb.SoftwareSigner
) -> None:
    sim = make_sim()
    declare(sim, import_messages("SIM0006", goods=[BAG]), signer)  # 6,000 in one line of two
    sim.run_once()
    assert statuses(sim, "CEB622Message") == ["2", "100"]
    assert "-621005" in receipts_of(sim, "CEB622Message")[-1].returnInfo
    # 4,800 each: five pass (24,000), the sixth would make 28,800 > 26,000.
    for n in range(6):  # one parcel after the other, as they reach customs
        declare(sim, import_messages(f"SIM01{n:02d}", goods=[WINE]), signer)
        sim.run_once()
    finals = [r for r in receipts_of(sim, "CEB622Message") if r.returnStatus in ("100", "899")]
    by_order = {r.copNo: r.returnStatus for r in finals}
    assert [by_order[f"ISIM01{n:02d}"] for n in range(6)] == ["899"] * 5 + ["100"]
    refusal = next(r for r in finals if r.copNo == "ISIM0105")
    assert "-621018" in refusal.returnInfo
    assert "26000" in refusal.returnInfo


def test_one_item_above_the_single_limit_passes_and_is_taxed_in_full(
    make_sim: SimFactory, signer: ceb.SoftwareSigner
) -> None:
    sim = make_sim()
    one = sets.Goods("干红葡萄酒 6 L", "2204210000", "142", Decimal(1), Decimal("5200.00"))
    declare(sim, import_messages("SIM0007", goods=[one]), signer)
    sim.run_once()
    assert statuses(sim, "CEB622Message")[-1] == "899"
    (bill,) = [m for m in inbox(sim) if type(m).__name__ == "CEB816Message"]
    head = bill.tax[0].tax_head_rd
    # Duty 14% = 728; CT 10%: (5200 + 728) / 0.9 × 0.1 = 658.67; VAT 13% of 6586.67 = 856.27.
    assert (head.customsTax, head.consumptionTax, head.valueAddedTax) == (
        Decimal("728.00"),
        Decimal("658.67"),
        Decimal("856.27"),
    )


def test_review_and_inspection_rates(make_sim: SimFactory, signer: ceb.SoftwareSigner) -> None:
    sim = make_sim(review_rate=1.0, inspection_rate=1.0)
    declare(sim, import_messages("SIM0008"), signer)
    sim.run_once()
    assert statuses(sim, "CEB622Message") == ["2", "120", "300", "500", "399", "800", "899"]


def test_delays_hold_later_statuses_until_due(
    make_sim: SimFactory, signer: ceb.SoftwareSigner, clock: Any
) -> None:
    sim = make_sim(delay_seconds=30)
    declare(sim, import_messages("SIM0009"), signer)
    sim.run_once()
    assert statuses(sim, "CEB622Message") == ["2"]
    clock.advance(30)
    sim.flush_due()
    assert statuses(sim, "CEB622Message") == ["2", "120"]
    clock.advance(120)
    sim.flush_due()
    assert statuses(sim, "CEB622Message") == ["2", "120", "399", "800", "899"]
    second = [r.returnTime for r in receipts_of(sim, "CEB622Message")][:2]
    assert second == ["20261127100000000", "20261127100030001"]


def _release(sim: Any, signer: ceb.SoftwareSigner, order_no: str) -> tuple[Any, str]:
    messages = import_messages(order_no)
    declare(sim, messages, signer)
    sim.run_once()
    invt_no = receipts_of(sim, "CEB622Message")[-1].invtNo
    return messages[3].inventory[0].inventory_head, str(invt_no)


def _follow_up(name: str, head: Any, invt_no: str, order_no: str) -> Any:
    message = ceb.skeleton(ceb.message_class(name))
    items = message.invt_cancel if name == "CEB623Message" else message.invt_refund
    target = items[0] if name == "CEB623Message" else items[0].invt_refund_head
    for attr in ("orderNo", "ebpCode", "ebcCode", "logisticsNo", "logisticsCode", "agentCode"):
        setattr(target, attr, getattr(head, attr))
    target.copNo, target.invtNo = f"C{order_no}", invt_no
    target.buyerIdNumber, target.buyerName = head.buyerIdNumber, head.buyerName
    return message


def test_a_cancellation_is_approved_and_gives_the_quota_back(
    make_sim: SimFactory, signer: ceb.SoftwareSigner
) -> None:
    sim = make_sim()
    for n in range(5):
        declare(sim, import_messages(f"SIM02{n:02d}", goods=[WINE]), signer)
    sim.run_once()
    head = import_messages("SIM0200", goods=[WINE])[3].inventory[0].inventory_head
    invt_no = next(
        r.invtNo for r in receipts_of(sim, "CEB622Message") if r.copNo == "ISIM0200" and r.invtNo
    )
    cancel = _follow_up("CEB623Message", head, str(invt_no), "SIM0200")
    declare(sim, [cancel], signer)
    sim.run_once()
    assert statuses(sim, "CEB624Message") == ["2", "120", "399"]
    (first,) = receipts_of(sim, "CEB624Message")[:1]
    assert (first.ebcCode, first.copNo) == (sets.DEMO_EBC, "CSIM0200")
    declare(sim, import_messages("SIM0299", goods=[WINE]), signer)  # fits again
    sim.run_once()
    finals = {r.copNo: r.returnStatus for r in receipts_of(sim, "CEB622Message")}
    assert finals["ISIM0299"] == "899"


def test_a_cancellation_of_an_unknown_inventory_is_refused(
    make_sim: SimFactory, signer: ceb.SoftwareSigner
) -> None:
    sim = make_sim()
    head = import_messages("SIM0010")[3].inventory[0].inventory_head
    declare(sim, [_follow_up("CEB623Message", head, "46002026I999999999", "SIM0010")], signer)
    sim.run_once()
    assert statuses(sim, "CEB624Message") == ["2", "100"]
    assert "46002026I999999999" in receipts_of(sim, "CEB624Message")[-1].returnInfo


def test_a_return_is_approved_for_declared_lines_only(
    make_sim: SimFactory, signer: ceb.SoftwareSigner
) -> None:
    sim = make_sim()
    head, invt_no = _release(sim, signer, "SIM0011")
    ret = _follow_up("CEB625Message", head, invt_no, "SIM0011")
    line = ret.invt_refund[0].invt_refund_list[0]
    line.gnum, line.qty, line.gcode = 1, Decimal(1), FORMULA.code
    declare(sim, [ret], signer)
    too_many = _follow_up("CEB625Message", head, invt_no, "SIM0011X")
    bad = too_many.invt_refund[0].invt_refund_list[0]
    bad.gnum, bad.qty = 1, Decimal(5)
    declare(sim, [too_many], signer)
    sim.run_once()
    by_cop: dict[str, list[str]] = {}
    for r in receipts_of(sim, "CEB626Message"):
        by_cop.setdefault(r.copNo, []).append(r.returnStatus)
    assert by_cop == {"CSIM0011": ["2", "120", "399"], "CSIM0011X": ["2", "100"]}
    assert BUYER.name == head.buyerName
    assert CREAM.qty == 1


def test_waybill_status_and_warehouse_entry(
    make_sim: SimFactory, signer: ceb.SoftwareSigner
) -> None:
    sim = make_sim()
    _release(sim, signer, "SIM0012")
    status = ceb.skeleton(ceb.message_class("CEB513Message"))
    record = status.logistics_status[0]
    record.logisticsCode, record.logisticsNo = sets.DEMO_LOGISTICS, "ZOSIM0012"
    unknown = ceb.skeleton(ceb.message_class("CEB513Message"))
    unknown.logistics_status[0].logisticsNo = "NOSUCH"
    entry = ceb.skeleton(ceb.message_class("CEB711Message"))
    entry.delivery.delivery_head.logisticsCode = sets.DEMO_LOGISTICS
    entry.delivery.delivery_head.copNo = "RK0012"
    entry.delivery.delivery_list[0].logisticsNo = "ZOSIM0012"
    declare(sim, [status, unknown, entry], signer)
    sim.run_once()
    by_no: dict[str, list[str]] = {}
    for r in receipts_of(sim, "CEB514Message"):
        by_no.setdefault(r.logisticsNo, []).append(r.returnStatus)
    assert by_no == {"ZOSIM0012": ["2", "399"], "NOSUCH": ["2", "100"]}
    assert statuses(sim, "CEB712Message") == ["2", "120", "399"]
    assert receipts_of(sim, "CEB712Message")[-1].rkdNo


def test_duplicates_changes_and_rule_faults_get_negative_codes(
    make_sim: SimFactory, clock: Any
) -> None:
    sim = make_sim()
    order, *_ = import_messages("SIM0013")
    put(sim, order)
    sim.run_once()
    clock.advance(1)
    again = import_messages("SIM0013")[0]
    again.guid = "33333333-3333-4333-8333-333333333333"
    again.order[0].order_head.guid = "44444444-4444-4444-8444-444444444444"
    changed = import_messages("SIM0014")[0]
    changed.order[0].order_head.appType = "2"
    bad_id = import_messages("SIM0015")[0]
    bad_id.order[0].order_head.buyerIdNumber = "410702199203150025"  # wrong check digit
    for message in (again, changed, bad_id):
        put(sim, message)
    sim.run_once()
    codes = {r.orderNo: r.returnStatus for r in receipts_of(sim, "CEB312Message")}
    assert codes == {"SIM0013": "-301004", "SIM0014": "-301003", "SIM0015": "-301002"}


def test_a_changed_signed_message_is_refused(
    make_sim: SimFactory, signer: ceb.SoftwareSigner
) -> None:
    sim = make_sim()
    inventory = import_messages("SIM0016")[3]
    data = ceb.sign(ceb.encode(inventory), signer).replace(b"ISIM0016", b"ISIM0017")
    (sim.exchange.outbox / f"CEB621Message_{inventory.guid}.xml").write_bytes(data)
    sim.run_once()
    (refusal,) = receipts_of(sim, "CEB622Message")
    assert refusal.returnStatus == "-621029"


def test_after_acceptance_no_change_and_no_second_inventory(
    make_sim: SimFactory, signer: ceb.SoftwareSigner, clock: Any
) -> None:
    sim = make_sim()
    order, payment, waybill, inventory = import_messages("SIM0017")
    declare(sim, [order, payment, waybill, inventory], signer)
    sim.run_once()
    clock.advance(1)
    change = import_messages("SIM0017")[3]
    change.guid = "77777777-7777-4777-8777-777777777777"
    change.inventory[0].inventory_head.guid = "88888888-8888-4888-8888-888888888888"
    change.inventory[0].inventory_head.appType = "2"
    second = import_messages("SIM0017")[3]
    second.guid = "99999999-9999-4999-8999-999999999999"
    second.inventory[0].inventory_head.guid = "AAAAAAAA-AAAA-4AAA-8AAA-AAAAAAAAAAAA"
    second.inventory[0].inventory_head.copNo = "ISIM0017B"
    declare(sim, [change, second], signer)
    sim.run_once()
    by_cop: dict[str, list[str]] = {}
    for r in receipts_of(sim, "CEB622Message"):
        by_cop.setdefault(r.copNo, []).append(r.returnStatus)
    assert by_cop["ISIM0017"][-1] == "-621006"
    assert by_cop["ISIM0017B"] == ["2", "100"]
    assert "-301011" in receipts_of(sim, "CEB622Message")[-1].returnInfo


def test_a_deleted_order_is_no_longer_matched(
    make_sim: SimFactory, signer: ceb.SoftwareSigner, clock: Any
) -> None:
    sim = make_sim()
    order, payment, waybill, inventory = import_messages("SIM0018")
    declare(sim, [order, payment, waybill], signer)
    sim.run_once()
    clock.advance(1)
    delete = import_messages("SIM0018")[0]
    delete.guid = "BBBBBBBB-BBBB-4BBB-8BBB-BBBBBBBBBBBB"
    delete.order[0].order_head.guid = "CCCCCCCC-CCCC-4CCC-8CCC-CCCCCCCCCCCC"
    delete.order[0].order_head.appType = "3"
    declare(sim, [delete, inventory], signer)
    sim.run_once()
    assert "删除申报成功" in receipts_of(sim, "CEB312Message")[-1].returnInfo
    assert statuses(sim, "CEB622Message") == ["2"]


def test_a_set_completed_after_a_restart_is_matched_from_the_state_file(
    make_sim: SimFactory, signer: ceb.SoftwareSigner, tmp_path: Any
) -> None:
    first = make_sim()
    order, payment, waybill, inventory = import_messages("SIM0019")
    declare(first, [order, payment, inventory], signer)
    first.run_once()
    first.close()
    second = make_sim(tmp_path / "exchange")
    put(second, waybill)
    second.run_once()
    assert statuses(second, "CEB622Message") == ["2", "120", "399", "800", "899"]


def test_follow_ups_naming_unknown_documents_are_refused(
    make_sim: SimFactory, signer: ceb.SoftwareSigner
) -> None:
    sim = make_sim()
    head = import_messages("SIM0020")[3].inventory[0].inventory_head
    ret = _follow_up("CEB625Message", head, "46002026I999999999", "SIM0020")
    entry = ceb.skeleton(ceb.message_class("CEB711Message"))
    entry.delivery.delivery_list[0].logisticsNo = "NOSUCH"
    declare(sim, [ret, entry], signer)
    sim.run_once()
    assert statuses(sim, "CEB626Message") == ["2", "100"]
    assert statuses(sim, "CEB712Message") == ["2", "100"]
    assert "NOSUCH" in receipts_of(sim, "CEB712Message")[-1].returnInfo


def test_purchases_elsewhere_count_against_the_buyers_year(
    make_sim: SimFactory, signer: ceb.SoftwareSigner
) -> None:
    """Customs' ledger is national: what the buyer bought through other platforms counts."""
    sim = make_sim()
    sim.record_purchases_elsewhere(BUYER.id_number, year=2026, amount=Decimal(25000), reference="X")
    sim.record_purchases_elsewhere(  # the same reference again replaces, never adds
        BUYER.id_number, year=2026, amount=Decimal(25500), reference="X"
    )
    sim.record_purchases_elsewhere(BUYER.id_number, year=2025, amount=Decimal(26000), reference="Y")
    declare(sim, import_messages("SIM0020"), signer)  # 856.00 of goods: 25,500 + 856 > 26,000
    sim.run_once()
    assert statuses(sim, "CEB622Message") == ["2", "100"]
    refusal = receipts_of(sim, "CEB622Message")[-1].returnInfo
    assert "-621018" in refusal
    assert "25500" in refusal  # last year's 26,000 is not this year's


def test_purchases_elsewhere_under_the_limit_let_the_parcel_pass(
    make_sim: SimFactory, signer: ceb.SoftwareSigner
) -> None:
    sim = make_sim()
    sim.record_purchases_elsewhere(BUYER.id_number, year=2026, amount=Decimal(25000), reference="X")
    declare(sim, import_messages("SIM0021"), signer)  # 25,000 + 856 stays under 26,000
    sim.run_once()
    assert statuses(sim, "CEB622Message")[-1] != "100"
