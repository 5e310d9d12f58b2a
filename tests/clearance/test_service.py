"""Clearance documents: idempotent, versioned storage; receipts in returnTime order."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opencbec.clearance import service
from opencbec.clearance.models import ClearanceDocument, DocumentReceipt, DocumentVersion
from opencbec.errors import Conflict, InvalidInput, NotFound
from opencbec.identity.rules import Principal
from opencbec.messages.ceb import encode, message_class, skeleton
from tests.factories.identity import make_org, make_user, principal_of
from tests.statements import statements_run


def order_message(order_no: str = "XX2026112700001", app_type: str = "1", **head: Any) -> bytes:
    message = skeleton(message_class("CEB311Message"))
    order_head = message.order[0].order_head
    order_head.guid = str(uuid.uuid4()).upper()
    order_head.appType = app_type
    order_head.orderNo = order_no
    order_head.ebpCode = "4107960ABC"
    for name, value in head.items():
        setattr(order_head, name, value)
    message.guid = str(uuid.uuid4()).upper()
    return encode(message)


def order_receipt(order_no: str, status: str, return_time: str, guid: str | None = None) -> bytes:
    message = skeleton(message_class("CEB312Message"))
    receipt = message.order_return[0]
    receipt.guid = guid or str(uuid.uuid4()).upper()
    receipt.ebpCode = "4107960ABC"
    receipt.orderNo = order_no
    receipt.returnStatus = status
    receipt.returnTime = return_time
    receipt.returnInfo = f"status {status}"
    message.guid = str(uuid.uuid4()).upper()
    return encode(message)


@pytest.fixture
def seller(session: Session) -> Principal:
    return principal_of(session, make_user(session, make_org(session)))


def test_store_change_and_repeat(session: Session, seller: Principal) -> None:
    first = order_message()
    [new] = service.ingest_message(session, principal=seller, data=first)
    assert (new.kind, new.business_key, new.result) == (
        "order",
        "4107960ABC|XX2026112700001",
        "new",
    )
    assert service.ingest_message(session, principal=seller, data=first)[0].result == "duplicate"
    with pytest.raises(Conflict):
        service.ingest_message(session, principal=seller, data=order_message())
    [changed] = service.ingest_message(
        session, principal=seller, data=order_message(app_type="2", buyerName="王小明")
    )
    assert changed.result == "changed"
    document = service.get_document(session, principal=seller, document_id=new.document_id or 0)
    assert document.version == 2
    assert document.content["order_head"]["buyerName"] == "王小明"
    versions, receipts = service.timeline(session, document_id=document.id)
    assert [v.version for v in versions] == [1, 2]
    assert receipts == []
    assert service.list_documents(session, principal=seller, kind="order") == [document]
    with pytest.raises(InvalidInput) as not_declared:
        service.ingest_message(session, principal=seller, data=order_message("OTHER", app_type="2"))
    assert not_declared.value.errors[0].code == "not_declared"


def test_a_declaration_is_looked_up_and_stored_in_one_round_trip_on_postgresql(
    session: Session, seller: Principal
) -> None:
    data = order_message()
    with statements_run(session) as run:
        [new] = service.ingest_message(session, principal=seller, data=data)
    clearance = [s for s in run if "clearance_" in s]
    # PostgreSQL: the guid and key lookup, the document and its first version in one statement;
    # SQLite: the lookup, the document, the version copied from it.
    assert len(clearance) == (1 if session.get_bind().dialect.name == "postgresql" else 3)
    document = session.get(ClearanceDocument, new.document_id)
    assert document is not None
    assert (document.version, document.status, document.organisation_id) == (
        1,
        "0",
        seller.organisation_id,
    )
    [version] = session.scalars(
        select(DocumentVersion).where(DocumentVersion.document_id == document.id)
    )
    assert (version.version, version.guid, version.app_type, version.content) == (
        1,
        document.guid,
        "1",
        document.content,
    )
    # what the statement finds after it: the same message is a duplicate, another declaration
    # of the key a conflict, and neither writes a version
    assert service.ingest_message(session, principal=seller, data=data)[0].result == "duplicate"
    with pytest.raises(Conflict):
        service.ingest_message(session, principal=seller, data=order_message())
    versions = select(func.count()).where(DocumentVersion.document_id == document.id)
    assert session.scalar(versions) == 1


def test_other_declarants_documents_are_out_of_reach(session: Session, seller: Principal) -> None:
    [new] = service.ingest_message(session, principal=seller, data=order_message())
    other = principal_of(session, make_user(session, make_org(session)))
    with pytest.raises(NotFound):
        service.ingest_message(session, principal=other, data=order_message(app_type="2"))
    with pytest.raises(NotFound):
        service.get_document(session, principal=other, document_id=new.document_id or 0)
    # The same message from another declarant is refused without naming the document it clashes with.
    data = order_message("XX2026112700009")
    service.ingest_message(session, principal=seller, data=data)
    with pytest.raises(Conflict) as clash:
        service.ingest_message(session, principal=other, data=data)
    assert clash.value.errors[0].code == "guid_taken"
    assert "document_id" not in str(clash.value.errors[0].field)
    assert clash.value.message.en.endswith("already used by another declarant's document.")


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"<not-xml", None),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', None),
        (encode(skeleton(message_class("CEB900Message"))), "unsupported_type"),
    ],
)
def test_bad_messages_store_nothing(
    session: Session, seller: Principal, data: bytes, code: str | None
) -> None:
    with pytest.raises(InvalidInput) as exc:
        service.ingest_message(session, principal=seller, data=data)
    if code:
        assert exc.value.errors[0].code == code
    assert exc.value.errors[0].reason.zh
    assert session.scalar(select(func.count()).select_from(ClearanceDocument)) == 0


def test_schema_faults_store_nothing(session: Session, seller: Principal) -> None:
    with pytest.raises(InvalidInput) as exc:
        service.ingest_message(session, principal=seller, data=order_message(orderNo="X" * 61))
    assert "orderNo" in exc.value.errors[0].field
    assert session.scalar(select(func.count()).select_from(ClearanceDocument)) == 0


def test_a_receipt_is_looked_up_in_one_statement_and_written_once(
    session: Session, seller: Principal
) -> None:
    service.ingest_message(session, principal=seller, data=order_message())
    receipt = order_receipt("XX2026112700001", "120", "20261127100000000")
    with statements_run(session) as run:
        assert (
            service.ingest_message(session, principal=seller, data=receipt)[0].result == "applied"
        )
    # its guid and its document asked together, the receipt inserted, the document's status moved
    assert [s.split(maxsplit=1)[0] for s in run if "clearance_" in s] == [
        "SELECT",
        "INSERT",
        "UPDATE",
    ]
    with statements_run(session) as run:
        assert service.ingest_message(session, principal=seller, data=receipt)[0].result == (
            "duplicate"
        )
    assert [s.split(maxsplit=1)[0] for s in run if "clearance_" in s] == ["SELECT"]
    orphan = order_receipt("XX2026112799999", "120", "20261127100000000")
    assert service.ingest_message(session, principal=seller, data=orphan)[0].result == "orphan"
    kept = session.scalars(select(DocumentReceipt).order_by(DocumentReceipt.id)).all()
    assert [(r.status, r.applied, r.document_id is None) for r in kept] == [
        ("120", True, False),
        ("120", False, True),
    ]


def test_receipts_apply_in_return_time_order(session: Session, seller: Principal) -> None:
    [new] = service.ingest_message(session, principal=seller, data=order_message())
    key = "XX2026112700001"
    assert (
        service.ingest_message(
            session, principal=seller, data=order_receipt(key, "120", "20261127100000000")
        )[0].result
        == "applied"
    )
    assert (
        service.ingest_message(
            session, principal=seller, data=order_receipt(key, "2", "20261127090000000")
        )[0].result
        == "ignored"
    )
    receipt = order_receipt(key, "-301010", "20261127110000000", guid="A" * 36)
    assert service.ingest_message(session, principal=seller, data=receipt)[0].result == "applied"
    assert service.ingest_message(session, principal=seller, data=receipt)[0].result == "duplicate"
    document = service.get_document(session, principal=seller, document_id=new.document_id or 0)
    assert (document.status, document.status_time) == ("-301010", "20261127110000000")
    assert service.status_label("-301010") == "Error receipt"
    assert service.status_label("120") == "Accepted into the customs database"
    assert service.status_label("777") == "777"
    orphan = service.ingest_message(
        session, principal=seller, data=order_receipt("NOBODY", "2", "20261127090000000")
    )
    assert orphan[0].result == "orphan"
    assert (
        session.scalar(
            select(func.count())
            .select_from(DocumentReceipt)
            .where(DocumentReceipt.document_id.is_(None))
        )
        == 1
    )


TIMES = st.lists(
    st.tuples(
        st.sampled_from(["2", "3", "120", "399", "800", "899", "100", "-1", "9999"]),
        st.integers(0, 10_000),
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(receipts=TIMES, order=st.randoms(use_true_random=False))
def test_out_of_order_and_duplicate_receipts_never_regress(
    session: Session, seller: Principal, receipts: list[tuple[str, int]], order: Any
) -> None:
    key = f"P{uuid.uuid4().hex[:12]}"
    service.ingest_message(session, principal=seller, data=order_message(key))
    stamped = [(status, f"202611271{ms:08d}", str(uuid.uuid4()).upper()) for status, ms in receipts]
    shuffled = stamped + stamped[: len(stamped) // 2]  # some arrive twice
    order.shuffle(shuffled)
    for status, when, guid in shuffled:
        service.apply_receipt(
            session,
            principal=seller,
            kind="order",
            business_key=f"4107960ABC|{key}",
            guid=guid,
            status=status,
            return_time=when,
            info=None,
        )
    document = session.scalar(
        select(ClearanceDocument).where(ClearanceDocument.business_key == f"4107960ABC|{key}")
    )
    assert document is not None
    latest = max(when for _, when, _ in stamped)
    assert document.status_time == latest
    assert document.status in {status for status, when, _ in stamped if when == latest}


FOLLOW_UPS = [k for k in service.KINDS if not k.set_member and not k.issued_status]


@pytest.mark.parametrize("kind", FOLLOW_UPS, ids=[k.name for k in FOLLOW_UPS])
def test_follow_up_documents_are_kept_and_followed(
    session: Session, seller: Principal, kind: service.Kind
) -> None:
    message = skeleton(message_class(kind.message))
    items = getattr(message, kind.items)
    item = items[0] if isinstance(items, list) else items
    head = getattr(item, kind.head) if kind.head else item
    head.guid = str(uuid.uuid4()).upper()
    key = [
        getattr(head, field) if len(str(getattr(head, field))) == 1 else f"K{n}-{kind.name[:12]}"
        for n, field in enumerate(kind.key)
    ]  # one-character fields are code lists: the skeleton's code stays
    for field, value in zip(kind.key, key, strict=True):
        setattr(head, field, value)
    message.guid = str(uuid.uuid4()).upper()
    [outcome] = service.ingest_message(session, principal=seller, data=encode(message))
    assert (outcome.kind, outcome.result) == (kind.name, "new")
    assert outcome.business_key == "|".join(key)

    receipt = skeleton(message_class(kind.receipt_message))
    item = getattr(receipt, kind.receipt_items)[0]
    item.guid = str(uuid.uuid4()).upper()
    for field, value in zip(kind.key, key, strict=True):
        setattr(item, field, value)
    item.returnStatus, item.returnTime = "120", "20261127100000000"
    receipt.guid = str(uuid.uuid4()).upper()
    [applied] = service.ingest_message(session, principal=seller, data=encode(receipt))
    assert applied.result == "applied"
    document = service.get_document(session, principal=seller, document_id=outcome.document_id)  # type: ignore[arg-type]
    assert document.status == "120"


def _tax_message(name: str, status: str, at: str) -> bytes:
    message = skeleton(message_class(name))
    head = message.tax[0].tax_head_rd if name == "CEB816Message" else message.tax[0].tax_head_status
    head.guid, head.invtNo, head.taxNo = str(uuid.uuid4()).upper(), "46002026I000000123", "T-1"
    head.status, head.returnTime = status, at
    message.guid = str(uuid.uuid4()).upper()
    return encode(message)


def test_tax_bills_follow_their_status_messages(session: Session, seller: Principal) -> None:
    [bill] = service.ingest_message(
        session, principal=seller, data=_tax_message("CEB816Message", "1", "20261127100000000")
    )
    assert (bill.kind, bill.business_key, bill.result) == (
        "tax_bill",
        "46002026I000000123|T-1",
        "new",
    )
    document = service.get_document(session, principal=seller, document_id=bill.document_id)  # type: ignore[arg-type]
    assert (document.status, document.status_time) == ("1", "20261127100000000")
    summarised = _tax_message("CEB818Message", "2", "20261128100000000")
    assert [
        o.result for o in service.ingest_message(session, principal=seller, data=summarised)
    ] == ["applied"]
    older = _tax_message("CEB818Message", "3", "20261127110000000")
    assert [o.result for o in service.ingest_message(session, principal=seller, data=older)] == [
        "ignored"
    ]
    assert document.status == "2"
    reissued = _tax_message("CEB816Message", "3", "20261129100000000")
    assert [o.result for o in service.ingest_message(session, principal=seller, data=reissued)] == [
        "changed"
    ]
    assert (document.version, document.status) == (2, "3")


def test_summary_results_are_kept_with_the_declaration_state(
    session: Session, seller: Principal
) -> None:
    message = skeleton(message_class("CEB792Message"))
    head = message.summary_result[0].summary_result_head
    head.guid, head.agentCode, head.sumNo = (
        str(uuid.uuid4()).upper(),
        "4107960AGT",
        "460020261127000001",
    )
    head.decState, head.opDate = "10", "20261127100000000"
    message.guid = str(uuid.uuid4()).upper()
    [result] = service.ingest_message(session, principal=seller, data=encode(message))
    assert (result.kind, result.result) == ("summary_result", "new")
    document = service.get_document(session, principal=seller, document_id=result.document_id)  # type: ignore[arg-type]
    assert (document.status, document.status_time) == ("10", "20261127100000000")


def test_a_document_stored_after_a_rolled_back_one_is_its_own(
    session: Session, seller: Principal
) -> None:
    # A document a rolled-back savepoint stored stays in the session, expired; SQLite hands its id
    # out again, and the next document must be stored and answered as itself.
    savepoint = session.begin_nested()
    [gone] = service.ingest_message(session, principal=seller, data=order_message("GONE-1"))
    held = service.get_document(session, principal=seller, document_id=gone.document_id or 0)
    savepoint.rollback()
    [kept] = service.ingest_message(session, principal=seller, data=order_message("KEPT-1"))
    assert kept.result == "new"
    document = service.get_document(session, principal=seller, document_id=kept.document_id or 0)
    assert document.business_key == "4107960ABC|KEPT-1"
    assert session.scalar(select(func.count()).where(ClearanceDocument.order_no == "GONE-1")) == 0
    # SQLite gave the id out again: the stale object was brought up to the row it now names.
    assert (held is document) == (session.get_bind().dialect.name == "sqlite")
    versions, _ = service.timeline(session, document_id=document.id)
    assert [v.version for v in versions] == [1]
