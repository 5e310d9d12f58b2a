"""The simulator at the folder: format faults (CEB900), hostile files, DXP envelopes, its own
state across restarts, and determinism with a seed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from opencbec.kit import time as kit_time
from opencbec.messages import ceb
from opencbec.messages.ceb.dxp import encode_dxp, wrap
from opencbec.simulator import rules
from opencbec.simulator.service import Config, Simulator
from tests.messages.conftest import CONFORMANCE
from tests.simulator.conftest import (
    Clock,
    SimFactory,
    declare,
    import_messages,
    inbox,
    put,
    put_bytes,
    receipts_of,
    statuses,
)

XSD = CONFORMANCE / "xsd"


def _faults(sim: Simulator) -> list[Any]:
    return [m.message_return for m in inbox(sim) if type(m).__name__ == "CEB900Message"]


def test_a_message_failing_the_schema_gets_a_ceb900_with_the_fault(make_sim: SimFactory) -> None:
    sim = make_sim()
    order = import_messages("SIM1001")[0]
    order.order[0].order_head.orderNo = "N" * 61
    put(sim, order)
    sim.run_once()
    (fault,) = _faults(sim)
    assert fault.returnStatus == "-2"
    assert "orderNo" in fault.returnInfo
    assert fault.oriMessageType == "CEB311Message"
    assert "N" * 61 in fault.oriBizMessage
    assert not receipts_of(sim, "CEB312Message")


def test_an_unsigned_inventory_fails_the_schema(make_sim: SimFactory) -> None:
    sim = make_sim()
    put(sim, import_messages("SIM1002")[3])
    sim.run_once()
    (fault,) = _faults(sim)
    assert "Signature" in fault.returnInfo


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("garbage.xml", b"\x00\x01\xffnot xml at all\x02", "not well-formed"),
        ("empty.xml", b"", "not well-formed"),
        (
            "bomb.xml",
            b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
            b"<l>&b;</l>",
            "DTD",
        ),
        ("foreign.xml", b"<html><body>hello</body></html>", "namespace"),
        (
            "unknown.xml",
            b'<ceb:CEB999Message xmlns:ceb="http://www.chinaport.gov.cn/ceb"/>',
            "not a known CEB message",
        ),
        (
            "deep.xml",
            b"<a>" * 40 + b"</a>" * 40,
            "nested deeper",
        ),
        (
            "CEB311Message_broken-dxp.xml",
            b'<dxp:DxpMsg xmlns:dxp="http://www.chinaport.gov.cn/dxp"><dxp:TransInfo>'
            b"<dxp:CreatTime>2026-11-27T10:00:00</dxp:CreatTime></dxp:TransInfo>"
            b"<dxp:Data>!!not base64!!</dxp:Data></dxp:DxpMsg>",
            "base64",
        ),
    ],
)
def test_hostile_files_get_one_ceb900_each_and_are_archived(
    make_sim: SimFactory, name: str, data: bytes, reason: str
) -> None:
    sim = make_sim()
    put_bytes(sim, name, data)
    report = sim.run_once()
    assert report.format_faults == 1
    (fault,) = _faults(sim)
    assert fault.returnStatus == "-1"
    assert reason in fault.returnInfo
    assert (sim.exchange.archive / name).read_bytes() == data
    assert sim.run_once().received == 0
    assert len(_faults(sim)) == 1


def test_a_huge_file_is_refused_without_being_read(make_sim: SimFactory) -> None:
    sim = make_sim(max_bytes=4096)
    order = import_messages("SIM1003")[0]
    order.order[0].order_head.note = "备注" * 3000
    put(sim, order)
    sim.run_once()
    (fault,) = _faults(sim)
    assert "limit is 4096" in fault.returnInfo
    assert fault.oriBizMessage == "-"


def test_receipts_and_customs_messages_are_not_declarations(make_sim: SimFactory) -> None:
    sim = make_sim()
    put(sim, ceb.skeleton(ceb.message_class("CEB622Message")))
    sim.run_once()
    (fault,) = _faults(sim)
    assert "CEB622Message" in fault.returnInfo
    assert fault.oriMessageType == "CEB622Message"


def test_temporary_and_hidden_files_are_left_alone(make_sim: SimFactory) -> None:
    sim = make_sim()
    order = import_messages("SIM1004")[0]
    put_bytes(sim, f"CEB311Message_{order.guid}.xml.tmp", ceb.encode(order))
    put_bytes(sim, ".lock", b"")
    assert sim.run_once().received == 0
    assert sorted(p.name for p in sim.exchange.outbox.iterdir()) == [
        ".lock",
        f"CEB311Message_{order.guid}.xml.tmp",
    ]


def test_a_message_in_a_dxp_envelope_is_answered(make_sim: SimFactory) -> None:
    sim = make_sim()
    order = import_messages("SIM1005")[0]
    envelope = wrap(ceb.encode(order), sender_id="DXPENT0000000001", msg_type="CEB311Message")
    put_bytes(sim, f"CEB311Message_{order.guid}.xml", encode_dxp(envelope))
    bad = import_messages("SIM1006")[0]
    bad.order[0].order_head.currency = "CNY1"
    wrapped = wrap(ceb.encode(bad), sender_id="DXPENT0000000001", msg_type="CEB311Message")
    put_bytes(sim, f"CEB311Message_{bad.guid}.xml", encode_dxp(wrapped))
    sim.run_once()
    assert statuses(sim, "CEB312Message") == ["2"]
    (fault,) = _faults(sim)
    assert fault.oriCopMsgId == wrapped.cop_msg_id


def test_a_fault_of_the_simulator_itself_is_answered_not_looped(
    make_sim: SimFactory, signer: ceb.SoftwareSigner, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim = make_sim()
    order = import_messages("SIM1007")[0]

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(sim, "answer", broken)
    put(sim, order)
    sim.run_once()
    (fault,) = _faults(sim)
    assert fault.returnStatus == "-3"
    assert "boom" in fault.returnInfo
    assert sim.state.doc("order", "4107900010|SIM1007") is None
    assert list(sim.exchange.outbox.iterdir()) == []


def test_a_restart_never_answers_twice_and_keeps_timed_receipts(
    tmp_path: Path, clock: Clock, signer: ceb.SoftwareSigner
) -> None:
    root = tmp_path / "exchange"
    first = Simulator(root, config=Config(delay_seconds=60), clock=clock)
    messages = import_messages("SIM1008")
    declare(first, messages, signer)
    first.run_once()
    assert statuses(first, "CEB622Message") == ["2"]
    first.close()
    # The platform sends the same message again, and an archived file reappears (a crash
    # between recording it and moving it): both are archived without a second answer.
    put(first, messages[0])
    archived = next(first.exchange.archive.glob("CEB411Message_*"))
    (first.exchange.outbox / archived.name).write_bytes(archived.read_bytes())
    second = Simulator(root, config=Config(delay_seconds=60), clock=clock)
    try:
        assert second.run_once().received == 0
        assert list(second.exchange.outbox.iterdir()) == []
        clock.advance(60 * 5)
        second.run_once()
        assert statuses(second, "CEB622Message") == ["2", "120", "399", "800", "899"]
        assert statuses(second, "CEB312Message") == ["2", "120"]
        assert second.state.answered_by_type()["CEB622Message"] == (5, 0)
    finally:
        second.close()


def _run(root: Path, seed: int, signer: ceb.SoftwareSigner) -> dict[str, bytes]:
    sim = Simulator(root, config=Config(seed=seed, review_rate=0.5), clock=Clock())
    try:
        for n in range(4):
            declare(sim, import_messages(f"SIM11{n:02d}"), signer)
        sim.run_once()
        return {p.name: p.read_bytes() for p in sim.exchange.inbox.iterdir()}
    finally:
        sim.close()


def test_the_same_messages_and_seed_give_the_same_receipts(
    tmp_path: Path, signer: ceb.SoftwareSigner
) -> None:
    one = _run(tmp_path / "one", 7, signer)
    two = _run(tmp_path / "two", 7, signer)
    other = _run(tmp_path / "three", 8, signer)
    assert one == two
    assert len(one) > 20
    assert not set(one) & set(other)


@pytest.mark.skipif(not XSD.is_dir(), reason="official XSDs not found beside the repository")
def test_receipts_satisfy_the_official_xsds(
    make_sim: SimFactory, signer: ceb.SoftwareSigner
) -> None:
    sim = make_sim(xsd_dir=XSD, review_rate=1.0, inspection_rate=1.0)
    declare(sim, import_messages("SIM1009"), signer)
    put_bytes(sim, "junk.xml", b"\x00junk")
    sim.run_once()
    files = list(sim.exchange.inbox.iterdir())
    assert len(files) > 10
    for path in files:
        assert ceb.validate_bytes(path.read_bytes(), xsd_dir=XSD) == [], path.name


def test_the_rate_table_is_read_from_the_platform_csv() -> None:
    rates = rules.load_rates()
    assert rates["2204210000"] == rules.Rate(Decimal("0.13"), Decimal("0.10"), Decimal("0.14"))


def test_a_corrected_message_under_the_same_guid_is_answered(
    make_sim: SimFactory, clock: Clock
) -> None:
    sim = make_sim()
    order = import_messages("SIM1010")[0]
    order.order[0].order_head.orderNo = "N" * 61
    put(sim, order)
    sim.run_once()
    clock.advance(1)
    order.order[0].order_head.orderNo = "SIM1010"
    put(sim, order)
    sim.run_once()
    assert len(_faults(sim)) == 1
    assert statuses(sim, "CEB312Message") == ["2"]


def test_without_a_clock_of_its_own_the_simulator_reads_the_platforms(tmp_path: Path) -> None:
    moment = dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC)
    sim = Simulator(tmp_path / "exchange")
    try:
        with kit_time.running_on(kit_time.Clock(moment)):
            assert sim.clock() == moment
            assert sim.clock().utcoffset() == dt.timedelta(hours=8)  # China time
        assert abs(sim.clock() - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)
    finally:
        sim.close()
