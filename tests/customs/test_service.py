"""Customs link use cases: declare a ready set, write the outbox with backoff, apply the inbox."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

import pytest
from bench.link import echo, receipt_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opencbec.audit import service as audit_service
from opencbec.audit.models import AuditEntry
from opencbec.clearance import service as clearance_service
from opencbec.clearance.models import ClearanceDocument, DocumentReceipt
from opencbec.customs import service
from opencbec.customs.gateway import FolderCensus, FolderExchange, Incoming
from opencbec.customs.models import APPLIED, DEAD, FAILED, IN, OUT, QUEUED, WRITTEN, Exchange
from opencbec.demo import sets
from opencbec.errors import Conflict, NotFound
from opencbec.identity.rules import Principal
from opencbec.kit.i18n import Bilingual
from opencbec.kit.time import Clock, running_on, utcnow
from opencbec.messages import ceb
from opencbec.messages.ceb.dxp import EXPORT_RECEIVER, decode_dxp, encode_dxp, wrap
from opencbec.messages.ceb.sign import verify
from tests.customs.conftest import EXPORT_READY, IMPORT_READY
from tests.factories.clearance import import_set_xml


def _audits(session: Session, action: str) -> int:
    return session.scalar(select(func.count()).where(AuditEntry.action == action)) or 0


def test_a_ready_set_is_signed_and_queued_once(
    session: Session, zone: dict[str, Principal], envelope: service.Envelope
) -> None:
    queued = service.declare_set(
        session, principal=zone["seller"], order_no=IMPORT_READY, envelope=envelope
    )
    assert sorted(e.message_type for e in queued) == [
        "CEB311Message",
        "CEB411Message",
        "CEB511Message",
        "CEB621Message",
    ]
    owners = set()
    for exchange in queued:
        assert (exchange.direction, exchange.state, exchange.attempts) == (OUT, QUEUED, 0)
        assert exchange.file_name == f"{exchange.message_type}_{exchange.message_guid}.xml"
        FolderExchange.check_name(exchange.file_name)
        assert verify(exchange.content).ok, verify(exchange.content).problems
        message = ceb.decode(exchange.content)
        assert message.guid == exchange.message_guid
        assert message.base_transfer.dxpId == "DXPENT0000000001"
        assert message.base_transfer.copCode in {
            sets.DEMO_EBP,
            sets.DEMO_PAY,
            sets.DEMO_LOGISTICS,
            sets.DEMO_EBC,
            sets.DEMO_AGENT,
        }
        document = session.get(ClearanceDocument, exchange.document_id)
        assert document is not None
        assert document.order_no == IMPORT_READY
        assert exchange.organisation_id == document.organisation_id
        owners.add(document.organisation_id)
        assert ceb.validate(message) == [] or all(
            i.level != "schema" for i in ceb.validate(message)
        )
    assert len(owners) == 4  # platform, payment company, carrier and seller: each its own
    assert _audits(session, "customs.message.queue") == 4
    with pytest.raises(Conflict) as again:
        service.declare_set(
            session, principal=zone["seller"], order_no=IMPORT_READY, envelope=envelope
        )
    assert again.value.errors[0].code == "already_declared"


def test_a_set_that_is_not_ready_is_refused_with_its_failures(
    session: Session, zone: dict[str, Principal], envelope: service.Envelope
) -> None:
    order = import_set_xml("LINK2026112700001")[0]
    clearance_service.ingest_message(session, principal=zone["platform"], data=order)
    with pytest.raises(service.SetNotReady) as refused:
        service.declare_set(
            session, principal=zone["platform"], order_no="LINK2026112700001", envelope=envelope
        )
    assert refused.value.status == 409
    codes = {e.code for e in refused.value.errors}
    assert "missing" in codes
    assert len(refused.value.errors) >= 3
    assert "not ready to declare" in refused.value.message.en
    assert session.scalar(select(func.count()).select_from(Exchange)) == 0
    with pytest.raises(NotFound):  # a stranger to the set learns nothing about it
        service.declare_set(
            session, principal=zone["bank"], order_no=IMPORT_READY, envelope=envelope
        )


def test_the_dxp_envelope_carries_the_signed_message_unchanged(
    session: Session, zone: dict[str, Principal], envelope: service.Envelope
) -> None:
    wrapped = service.Envelope(envelope.signer, "DXPENT0000000009", dxp=True)
    moment = dt.datetime(2026, 3, 1, 1, 30, 15, tzinfo=dt.UTC)
    with running_on(Clock(moment)):
        queued = service.declare_set(
            session, principal=zone["seller"], order_no=EXPORT_READY, envelope=wrapped
        )
    assert len(queued) == 4
    for exchange in queued:
        envelope_msg = decode_dxp(exchange.content)
        assert envelope_msg.creat_time == dt.datetime(2026, 3, 1, 9, 30, 15)  # China time
        assert envelope_msg.cop_msg_id == exchange.message_guid
        assert envelope_msg.file_name == exchange.file_name
        assert envelope_msg.msg_type == exchange.message_type
        assert envelope_msg.sender_id == "DXPENT0000000009"
        assert envelope_msg.receiver_ids == [EXPORT_RECEIVER]
        assert service.unwrap(exchange.content) == envelope_msg.data
        assert verify(envelope_msg.data).ok


class BrokenDisk:
    """A gateway whose every write fails."""

    def send(self, message: bytes, name: str) -> bool:
        raise OSError(28, "No space left on device")

    def send_many(self, messages: Sequence[tuple[bytes, str]]) -> list[bool | Exception]:
        return [OSError(28, "No space left on device") for _ in messages]

    def receive(self, limit: int | None = None) -> Iterator[Incoming]:
        return iter(())

    def acknowledge(self, name: str) -> None:
        raise AssertionError("nothing to acknowledge")

    def acknowledge_many(self, names: Iterable[str]) -> None:
        if list(names):
            raise AssertionError("nothing to acknowledge")

    def reject(self, name: str, reason: Bilingual) -> None:
        raise AssertionError("nothing to reject")

    def census(self) -> list[FolderCensus]:
        return []


def test_the_outbox_is_written_once_and_a_failed_write_waits_with_backoff(
    session: Session,
    zone: dict[str, Principal],
    envelope: service.Envelope,
    folders: FolderExchange,
) -> None:
    service.declare_set(session, principal=zone["seller"], order_no=IMPORT_READY, envelope=envelope)
    report = service.flush_outbox(session, gateway=folders)
    assert (report.written, report.already, report.failed) == (4, 0, 0)
    rows = service.list_exchanges(session, organisation_id=None, direction=OUT)
    assert {(e.state, e.attempts) for e in rows} == {(WRITTEN, 1)}
    assert sorted(p.name for p in (folders.root / "outbox").iterdir()) == sorted(
        e.file_name for e in rows
    )
    assert all((folders.root / "outbox" / e.file_name).read_bytes() == e.content for e in rows)
    assert service.flush_outbox(session, gateway=folders).written == 0  # nothing due any more
    assert _audits(session, "customs.message.write") == 4

    queued = service.declare_set(
        session, principal=zone["seller"], order_no=EXPORT_READY, envelope=envelope
    )
    start = utcnow()
    failed = service.flush_outbox(session, gateway=BrokenDisk(), now=start)
    assert failed.failed == 4
    first = queued[0]
    assert (first.state, first.attempts) == (FAILED, 1)
    assert first.next_attempt_at == start + dt.timedelta(seconds=5)
    assert first.last_error is not None
    assert "No space left" in first.last_error
    assert first.last_error_zh is not None
    assert first.last_error_zh.startswith("写入发件箱失败")
    early = service.flush_outbox(session, gateway=BrokenDisk(), now=start + dt.timedelta(seconds=1))
    assert early.failed == 0
    assert first.attempts == 1
    later = start + dt.timedelta(seconds=6)
    service.flush_outbox(session, gateway=BrokenDisk(), now=later)
    assert first.attempts == 2
    assert first.next_attempt_at == later + dt.timedelta(seconds=10)
    first.attempts = service.MAX_ATTEMPTS - 1
    first.next_attempt_at = later
    gave_up = service.flush_outbox(session, gateway=BrokenDisk(), now=later)
    assert gave_up.dead == 1
    assert first.state == DEAD
    assert first.next_attempt_at is None
    assert _audits(session, "customs.message.fail") == 4 + 4 + 1

    owner = next(p for p in zone.values() if p.organisation_id == first.organisation_id)
    with pytest.raises(NotFound):
        service.retry(session, principal=zone["bank"], exchange_id=first.id)
    again = service.retry(session, principal=owner, exchange_id=first.id)
    assert (again.state, again.attempts) == (QUEUED, 0)
    assert _audits(session, "customs.message.retry") == 1
    # Written before a crash, never marked: the file is found and the record catches up.
    folders.send(first.content, first.file_name)
    caught_up = service.flush_outbox(session, gateway=folders)
    assert caught_up.already == 1
    assert first.state == WRITTEN
    with pytest.raises(Conflict):
        service.retry(session, principal=owner, exchange_id=first.id)
    with pytest.raises(NotFound):
        service.retry(session, principal=owner, exchange_id=10**9)


@pytest.mark.parametrize(("attempts", "seconds"), [(0, 5), (1, 5), (2, 10), (4, 40), (20, 3600)])
def test_backoff_doubles_up_to_an_hour(attempts: int, seconds: int) -> None:
    assert service.backoff(attempts) == dt.timedelta(seconds=seconds)


def _sent_and_answered(
    session: Session,
    zone: dict[str, Principal],
    envelope: service.Envelope,
    folders: FolderExchange,
) -> list[Exchange]:
    queued = service.declare_set(
        session, principal=zone["seller"], order_no=IMPORT_READY, envelope=envelope
    )
    service.flush_outbox(session, gateway=folders)
    assert echo(folders.root) == 4
    return queued


def test_receipts_are_applied_as_their_declarant_once_and_archived_later(
    session: Session,
    zone: dict[str, Principal],
    envelope: service.Envelope,
    folders: FolderExchange,
) -> None:
    queued = _sent_and_answered(session, zone, envelope, folders)
    before = session.scalar(select(func.count()).select_from(DocumentReceipt)) or 0
    report = service.poll_inbox(session, gateway=folders)
    assert report.seen == 4
    assert len(report.applied) == 4
    assert report.dead == []
    assert len(list((folders.root / "inbox").iterdir())) == 4  # moved only after the commit
    for exchange in queued:
        document = session.get(ClearanceDocument, exchange.document_id)
        assert document is not None
        assert document.status == "2"
    received = service.list_exchanges(session, organisation_id=None, direction=IN)
    assert {e.state for e in received} == {APPLIED}
    assert {e.document_id for e in received} == {e.document_id for e in queued}
    assert {e.organisation_id for e in received} == {e.organisation_id for e in queued}
    assert {e.order_no for e in received} == {IMPORT_READY}
    assert all(e.message_type.startswith("CEB") and e.message_guid for e in received)
    assert (session.scalar(select(func.count()).select_from(DocumentReceipt)) or 0) == before + 4
    receipt_audit = session.scalar(
        select(AuditEntry)
        .where(AuditEntry.action == "clearance.receipt.apply")
        .order_by(AuditEntry.seq.desc())
    )
    assert receipt_audit is not None
    assert receipt_audit.actor_label == "customs-link"
    # The run crashed after its commit, before moving the files: they are moved, not applied again.
    again = service.poll_inbox(session, gateway=folders)
    assert sorted(again.applied) == sorted(report.applied)
    assert (session.scalar(select(func.count()).select_from(DocumentReceipt)) or 0) == before + 4
    assert _audits(session, "customs.receipt.apply") == 4


def test_a_pass_writes_its_audit_entries_together_in_the_order_of_its_files(
    session: Session,
    zone: dict[str, Principal],
    envelope: service.Envelope,
    folders: FolderExchange,
) -> None:
    _sent_and_answered(session, zone, envelope, folders)
    (folders.root / "inbox" / "CEB999Message_JUNK.xml").write_bytes(b"<not xml")
    before = session.scalar(select(func.max(AuditEntry.seq))) or 0
    report = service.poll_inbox(session, gateway=folders)
    assert len(report.applied) == 4
    assert len(report.dead) == 1
    assert audit_service.verify(session).ok
    entries = list(
        session.scalars(select(AuditEntry).where(AuditEntry.seq > before).order_by(AuditEntry.seq))
    )
    assert [e.seq for e in entries] == list(range(before + 1, before + 10))  # none lost
    actions = [e.action for e in entries]
    # Name order: each receipt (clearance's entry, then the link's), the unreadable file last.
    assert actions == ["clearance.receipt.apply", "customs.receipt.apply"] * 4 + [
        "customs.receipt.dead"
    ]
    names = [e.details["file_name"] for e in entries if e.action.startswith("customs.")]
    assert names == [*sorted(report.applied), "CEB999Message_JUNK.xml"]


def _inbox(folders: FolderExchange, name: str, data: bytes) -> None:
    (folders.root / "inbox" / name).write_bytes(data)


def test_what_cannot_be_applied_is_set_aside_with_its_reason(
    session: Session,
    zone: dict[str, Principal],
    envelope: service.Envelope,
    folders: FolderExchange,
) -> None:
    del zone
    _inbox(folders, "CEB622Message_1.xml", b"<not xml")
    _inbox(folders, "CEB311Message_2.xml", import_set_xml("LINK2026112700002")[0])
    _, stranger = receipt_for(import_set_xml("LINK2026112700003")[3])
    _inbox(folders, "CEB622Message_3.xml", stranger)
    (folders.root / "inbox" / "CEB622Message_4.xml").mkdir()
    _inbox(
        folders, "CEB622Message_5.xml", b'<dxp:DxpMsg xmlns:dxp="http://www.chinaport.gov.cn/dxp"/>'
    )
    report = service.poll_inbox(session, gateway=folders)
    assert report.applied == []
    reasons = dict(report.dead)
    assert "not a readable CEB message" in reasons["CEB622Message_1.xml"].en
    assert "不是可读的 CEB 报文" in reasons["CEB622Message_1.xml"].zh
    assert "not a message customs sends" in reasons["CEB311Message_2.xml"].en
    assert "names no document held by this platform" in reasons["CEB622Message_3.xml"].en
    assert reasons["CEB622Message_4.xml"].en == "not a regular file"
    assert "not a readable CEB message" in reasons["CEB622Message_5.xml"].en
    dead = service.list_exchanges(session, organisation_id=None, states=[DEAD], direction=IN)
    assert len(dead) == 5
    assert all(e.last_error and e.last_error_zh for e in dead)
    assert next(e for e in dead if e.file_name == "CEB622Message_1.xml").content == b"<not xml"
    assert _audits(session, "customs.receipt.dead") == 5
    # Not moved yet (the run crashed after its commit): set aside again with the kept reason.
    again = dict(service.poll_inbox(session, gateway=folders).dead)
    assert again["CEB622Message_1.xml"].en == reasons["CEB622Message_1.xml"].en
    assert _audits(session, "customs.receipt.dead") == 5


def _format_receipt(guid: str, status: str = "-1") -> bytes:
    message = ceb.skeleton(ceb.message_class("CEB900Message"))
    message.guid = str(uuid.uuid4()).upper()
    message.message_return.guid = guid
    message.message_return.returnStatus = status
    message.message_return.returnInfo = "报文格式错误：缺少 ds:Signature"
    message.message_return.returnTime = "20261127101010000"
    return ceb.encode(message)


def test_a_format_receipt_marks_the_message_and_its_document(
    session: Session,
    zone: dict[str, Principal],
    envelope: service.Envelope,
    folders: FolderExchange,
) -> None:
    queued = service.declare_set(
        session, principal=zone["seller"], order_no=IMPORT_READY, envelope=envelope
    )
    service.flush_outbox(session, gateway=folders)
    sent = queued[0]
    wrapped = encode_dxp(
        wrap(
            _format_receipt(str(sent.message_guid)),
            sender_id="DXPEDCCEB0000002",
            msg_type="CEB900Message",
        )
    )
    _inbox(folders, "CEB900Message_A.xml", wrapped)
    _inbox(folders, "CEB900Message_B.xml", _format_receipt(str(uuid.uuid4()).upper()))
    report = service.poll_inbox(session, gateway=folders)
    assert report.applied == ["CEB900Message_A.xml"]
    assert "did not send" in dict(report.dead)["CEB900Message_B.xml"].en
    document = session.get(ClearanceDocument, sent.document_id)
    assert document is not None
    assert document.status == "-1"
    assert sent.last_error is not None
    assert "缺少 ds:Signature" in sent.last_error
    assert sent.last_error_zh is not None
    assert sent.last_error_zh.startswith("海关格式校验")
    received = service.list_exchanges(session, organisation_id=sent.organisation_id, direction=IN)
    assert [e.document_id for e in received] == [sent.document_id]


def _tax_bill(ebc_code: str, *, tax_no: str = "TAX000001", valid: bool = True) -> bytes:
    message = ceb.skeleton(ceb.message_class("CEB816Message"))
    head = message.tax[0].tax_head_rd
    head.invtNo, head.taxNo, head.ebcCode = "46002026I000000001", tax_no, ebc_code
    head.valueAddedTax = Decimal("62.40")
    if not valid:
        head.taxNo = None
    return ceb.encode(message)


def test_issued_documents_go_to_the_declarant_of_the_inventory_they_name(
    session: Session,
    zone: dict[str, Principal],
    folders: FolderExchange,
) -> None:
    _inbox(folders, "CEB816Message_1.xml", _tax_bill(sets.DEMO_EBC))
    _inbox(folders, "CEB816Message_2.xml", _tax_bill("9999999999", tax_no="TAX000002"))
    _inbox(
        folders, "CEB816Message_3.xml", _tax_bill(sets.DEMO_EBC, tax_no="TAX000003", valid=False)
    )
    summary = ceb.skeleton(ceb.message_class("CEB792Message"))
    _inbox(folders, "CEB792Message_4.xml", ceb.encode(summary))
    report = service.poll_inbox(session, gateway=folders)
    assert report.applied == ["CEB816Message_1.xml"]
    reasons = dict(report.dead)
    assert "names no document" in reasons["CEB816Message_2.xml"].en
    assert "refused by clearance" in reasons["CEB816Message_3.xml"].en
    assert "通关服务拒收" in reasons["CEB816Message_3.xml"].zh
    assert "names no document" in reasons["CEB792Message_4.xml"].en
    bill = session.scalar(select(ClearanceDocument).where(ClearanceDocument.kind == "tax_bill"))
    inventory_owners = set(
        session.scalars(
            select(ClearanceDocument.organisation_id).where(ClearanceDocument.kind == "inventory")
        )
    )
    assert bill is not None
    assert bill.organisation_id in inventory_owners
    # Customs re-issues the bill: it goes to the holder of the bill itself.
    _inbox(folders, "CEB816Message_9.xml", _tax_bill(sets.DEMO_EBC))
    assert service.poll_inbox(session, gateway=folders).applied[-1] == "CEB816Message_9.xml"
    assert zone["seller"].organisation_id in inventory_owners


def test_the_monitor_reads_counts_and_each_party_sees_its_own(
    session: Session,
    zone: dict[str, Principal],
    envelope: service.Envelope,
    folders: FolderExchange,
) -> None:
    queued = _sent_and_answered(session, zone, envelope, folders)
    service.poll_inbox(session, gateway=folders)
    _inbox(folders, "CEB622Message_X.xml", b"junk")
    service.poll_inbox(session, gateway=folders)
    everyone = {(c.direction, c.state): c for c in service.counts(session)}
    assert everyone[(OUT, WRITTEN)].count == 4
    assert everyone[(IN, APPLIED)].count == 4
    assert everyone[(IN, DEAD)].count == 1
    assert everyone[(OUT, QUEUED)].count == 0
    assert everyone[(OUT, QUEUED)].oldest is None
    assert everyone[(OUT, WRITTEN)].oldest is not None
    seller = zone["seller"]
    own = {
        (c.direction, c.state): c.count
        for c in service.counts(session, organisation_id=seller.organisation_id)
    }
    assert own[(OUT, WRITTEN)] == 1
    assert own[(IN, DEAD)] == 0
    mine = next(e for e in queued if e.organisation_id == seller.organisation_id)
    document, rows = service.document_exchange(
        session, principal=seller, document_id=int(mine.document_id or 0)
    )
    assert [r.direction for r in rows] == [OUT, IN]
    assert document.id == mine.document_id
    assert len(service.order_exchange(session, principal=seller, order_no=IMPORT_READY)) == 8
    with pytest.raises(NotFound):
        service.order_exchange(session, principal=zone["bank"], order_no=IMPORT_READY)
    assert service.get_exchange(session, principal=seller, exchange_id=mine.id) is mine
    other = next(e for e in queued if e.organisation_id != seller.organisation_id)
    with pytest.raises(NotFound):
        service.get_exchange(session, principal=seller, exchange_id=other.id)
    junk = service.list_exchanges(session, organisation_id=None, states=[DEAD])[0]
    assert service.may_see_all(zone["zone"])
    assert service.may_see_all(zone["customs"])
    assert not service.may_see_all(seller)
    assert not service.may_see_all(zone["tax"])
    assert service.get_exchange(session, principal=zone["zone"], exchange_id=junk.id) is junk
    with pytest.raises(NotFound):
        service.get_exchange(session, principal=seller, exchange_id=junk.id)
    with pytest.raises(NotFound):
        service.get_exchange(session, principal=seller, exchange_id=10**9)
    assert {c.folder: c.files for c in service.census(folders)}["archive/outbox"] == 4


def test_a_file_name_that_is_not_utf8_is_kept_visible_and_set_aside(
    session: Session, folders: FolderExchange
) -> None:
    raw = os.fsencode(folders.root / "inbox") + b"/CEB622Message_\xff\xfe.xml"
    with open(raw, "wb") as handle:
        handle.write(b"<junk")
    report = service.poll_inbox(session, gateway=folders)
    ((name, _reason),) = report.dead
    row = service.list_exchanges(session, organisation_id=None, states=[DEAD])[0]
    assert row.file_name.startswith("CEB622Message_\\xff\\xfe.xml~")
    assert row.file_name == service.stored_name(name)
    assert service.stored_name("CEB622Message_A.xml") == "CEB622Message_A.xml"
    folders.reject(name, _reason)
    assert os.listdir(os.fsencode(folders.root / "inbox")) == []


def test_a_set_mended_before_it_was_declared_goes_to_customs_as_new_and_later_changes_as_changes(
    session: Session, zone: dict[str, Principal], envelope: service.Envelope
) -> None:
    """Customs refuses a change (appType 2) of a document it never received: the versions
    corrected on the platform before the first declaration are sent as new (appType 1); a change
    made after customs has the document is sent as a change."""
    from tests.clearance.test_sets import _break
    from tests.factories.clearance import import_set_corrections

    order_no = "MEND2026112700001"
    seller = zone["seller"]
    for data in import_set_xml(order_no, mutate=_break):
        clearance_service.ingest_message(session, principal=seller, data=data)
    for _name, data in import_set_corrections(order_no):
        clearance_service.ingest_message(session, principal=seller, data=data)
    queued = service.declare_set(session, principal=seller, order_no=order_no, envelope=envelope)
    sent = {e.message_type: ceb.decode(e.content) for e in queued}
    heads = {
        "CEB311Message": sent["CEB311Message"].order[0].order_head,
        "CEB411Message": sent["CEB411Message"].payment[0].payment_head,
        "CEB511Message": sent["CEB511Message"].logistics[0].logistics_head,
        "CEB621Message": sent["CEB621Message"].inventory[0].inventory_head,
    }
    assert {t: h.appType for t, h in heads.items()} == dict.fromkeys(heads, "1")
    versions = {e.message_type: e.document_version for e in queued}
    assert versions["CEB411Message"] == 2  # the corrected version went, as new

    # Customs has them now: a further change of the payment goes as a change.
    ((_, again),) = [
        c for c in import_set_corrections(order_no, suffix="FIX2") if c[0] == "payment"
    ]
    clearance_service.ingest_message(session, principal=seller, data=again)
    requeued = service.declare_set(session, principal=seller, order_no=order_no, envelope=envelope)
    assert [e.message_type for e in requeued] == ["CEB411Message"]
    assert ceb.decode(requeued[0].content).payment[0].payment_head.appType == "2"


def test_a_document_refused_at_the_door_is_declared_again_as_new(
    session: Session,
    zone: dict[str, Principal],
    envelope: service.Envelope,
    folders: FolderExchange,
) -> None:
    """A submission refused with a negative status never entered customs: its correction goes
    as new (appType 1), while a document customs accepted is corrected by a change (appType 2)."""
    from tests.factories.clearance import import_set_corrections

    order_no = "DOOR2026112700001"
    seller = zone["seller"]
    for data in import_set_xml(order_no):
        clearance_service.ingest_message(session, principal=seller, data=data)
    service.declare_set(session, principal=seller, order_no=order_no, envelope=envelope)
    service.flush_outbox(session, gateway=folders)
    outbox = folders.root / "outbox"
    for name in sorted(os.listdir(outbox)):
        status = "-304001" if name.startswith("CEB411") else "2"
        receipt_name, receipt = receipt_for((outbox / name).read_bytes(), status)
        _inbox(folders, receipt_name, receipt)
        (outbox / name).unlink()
    assert len(service.poll_inbox(session, gateway=folders).applied) == 4

    for name, data in import_set_corrections(order_no):
        if name in ("payment", "waybill"):
            clearance_service.ingest_message(session, principal=seller, data=data)
    requeued = service.declare_set(session, principal=seller, order_no=order_no, envelope=envelope)
    sent = {e.message_type: ceb.decode(e.content) for e in requeued}
    assert set(sent) == {"CEB411Message", "CEB511Message"}
    assert sent["CEB411Message"].payment[0].payment_head.appType == "1"
    assert sent["CEB511Message"].logistics[0].logistics_head.appType == "2"


def test_customs_holds_a_document_once_accepted_or_while_an_answer_is_awaited(
    session: Session, zone: dict[str, Principal], envelope: service.Envelope
) -> None:
    queued = service.declare_set(
        session, principal=zone["seller"], order_no=IMPORT_READY, envelope=envelope
    )
    document_id = queued[0].document_id
    assert document_id is not None
    assert not service.customs_holds(session, document_id, set())
    assert service.customs_holds(session, document_id, {1})  # sent, not answered yet

    def answer(status: str, when: str) -> None:
        session.add(
            DocumentReceipt(
                document_id=document_id,
                kind="test",
                business_key=str(document_id),
                guid=str(uuid.uuid4()).upper(),
                status=status,
                return_time=when,
                info=None,
                applied=True,
                received_at=utcnow(),
            )
        )
        session.flush()

    answer("-1", "20261127101010000")
    assert not service.customs_holds(session, document_id, {1})  # refused at the door
    assert service.customs_holds(session, document_id, {1, 2})  # the second still on its way
    answer("2", "20261127101110000")
    assert service.customs_holds(session, document_id, {1, 2})
