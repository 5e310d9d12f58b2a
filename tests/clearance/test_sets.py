"""Whole order sets uploaded as CEB XML: ready to declare, broken with fixes, signed or not."""

from __future__ import annotations

import datetime as dt
import importlib
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from opencbec.clearance import service
from opencbec.clearance.models import ClearanceDocument, SetCheck
from opencbec.clearance.service.preflight import _recheck_on_arrival
from opencbec.demo import service as demo_service
from opencbec.errors import InvalidInput, NotFound
from opencbec.identity import service as identity_service
from opencbec.identity.models import User
from opencbec.identity.rules import Principal
from opencbec.messages.ceb.sign import SoftwareSigner, sign
from tests.factories.clearance import export_set_xml, import_set_xml
from tests.factories.identity import make_org, make_user, principal_of
from tests.messages.conftest import make_rsa
from tests.statements import statements_run


@pytest.fixture
def seller(session: Session, tmp_path: Path) -> Principal:
    demo_service.load(session, var_dir=tmp_path)
    session.flush()
    user = session.scalar(select(User).where(User.username == "seller"))
    assert user is not None
    return identity_service.principal_for_user(session, user)


def _upload(session: Session, seller: Principal, messages: list[bytes]) -> list[str]:
    return [
        o.result
        for m in messages
        for o in service.ingest_message(session, principal=seller, data=m)
    ]


def test_the_demo_has_a_ready_import_set_and_a_ready_export_set(
    session: Session, seller: Principal
) -> None:
    for order_no in ("MYMALL202611110004", "MYMALLEX202611200001"):
        result = service.preflight(session, principal=seller, order_no=order_no)
        assert result.ready, (order_no, [f.code for f in result.failures])


def test_an_uploaded_import_set_and_export_set_reach_ready_to_declare(
    session: Session, seller: Principal
) -> None:
    assert _upload(session, seller, import_set_xml("UP2026112700001")) == ["new"] * 4
    imported = service.preflight(session, principal=seller, order_no="UP2026112700001")
    assert imported.failures == ()
    assert imported.ready
    assert _upload(session, seller, export_set_xml("UPEX2026112700001")) == ["new"] * 4
    exported = service.preflight(session, principal=seller, order_no="UPEX2026112700001")
    assert exported.ready, [f.code for f in exported.failures]
    # The same files again are stored once and answered the same way.
    assert _upload(session, seller, import_set_xml("UP2026112700001")) == ["duplicate"] * 4


def _break(messages: tuple[Any, ...]) -> None:
    _, payment, waybill, inventory = messages
    payment.payment[0].payment_head.amountPaid += 1
    waybill.logistics[0].logistics_head.consigneeTelephone = "13900000000"
    inventory.inventory[0].inventory_list[1].qty = 3
    inventory.inventory[0].inventory_list[1].qty1 = 3
    inventory.inventory[0].inventory_list[1].totalPrice = 960


def test_a_broken_set_names_each_failure_with_its_fix(session: Session, seller: Principal) -> None:
    _upload(session, seller, import_set_xml("UP2026112700002", mutate=_break))
    result = service.preflight(session, principal=seller, order_no="UP2026112700002")
    assert not result.ready
    codes = {f.code for f in result.failures}
    assert {"IMP_PAID_NE_PAYMENT", "IMP_CONSIGNEE_MISMATCH", "IMP_LINES_MISMATCH"} <= codes
    for failure in result.failures:
        assert failure.fix.en
        assert failure.fix.zh
        assert failure.fields


def _signer(tmp_path: Path, **kwargs: Any) -> SoftwareSigner:
    pair = make_rsa(tmp_path, "declarant", **kwargs)[0]
    return SoftwareSigner.from_pem(pair.key.read_bytes(), pair.cert.read_bytes())


def test_a_signed_upload_is_verified(session: Session, seller: Principal, tmp_path: Path) -> None:
    *_, inventory = import_set_xml("UP2026112700003")
    signed = sign(inventory, _signer(tmp_path))
    assert _upload(session, seller, [signed]) == ["new"]


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        (lambda xml: xml.replace("孙丽".encode(), "孙莉".encode()), "digest does not match"),
        (
            lambda xml: xml.replace(b"<ds:SignatureValue>", b"<ds:SignatureValue>AAAA"),
            "signature value does not verify",
        ),
    ],
)
def test_a_signed_upload_changed_after_signing_is_refused(
    session: Session, seller: Principal, tmp_path: Path, tamper: Any, reason: str
) -> None:
    *_, inventory = import_set_xml("UP2026112700004")
    signed = tamper(sign(inventory, _signer(tmp_path)))
    with pytest.raises(InvalidInput) as exc:
        _upload(session, seller, [signed])
    assert exc.value.errors[0].field == "Signature"
    assert exc.value.errors[0].code == "signature_invalid"
    assert reason in exc.value.errors[0].reason.en
    assert exc.value.errors[0].reason.zh
    stored = session.scalar(
        select(func.count()).where(ClearanceDocument.order_no == "UP2026112700004")
    )
    assert stored == 0


def test_a_signature_by_an_expired_certificate_is_refused(
    session: Session, seller: Principal, tmp_path: Path
) -> None:
    *_, inventory = import_set_xml("UP2026112700005")
    old = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    signed = sign(inventory, _signer(tmp_path, start=old, days=30))
    with pytest.raises(InvalidInput) as exc:
        _upload(session, seller, [signed])
    assert "certificate is not valid now" in exc.value.errors[0].reason.en
    assert "证书当前无效" in exc.value.errors[0].reason.zh


def test_each_arrival_keeps_the_sets_check_current(session: Session, seller: Principal) -> None:
    order, payment, waybill, inventory = import_set_xml("UP2026112700006")
    _upload(session, seller, [order])
    # Nothing is kept until the set is complete; the list works out what is missing.
    assert session.scalar(select(func.count()).where(SetCheck.order_no == "UP2026112700006")) == 0
    [check] = [
        c for c in service.sets_not_ready(session, principal=seller) if c.order_no.startswith("UP")
    ]
    assert check.direction == "import"
    assert {f["code"] for f in check.failures} == {
        "IMP_MISSING_PAYMENT",
        "IMP_MISSING_WAYBILL",
        "IMP_MISSING_INVENTORY",
    }
    assert check.failure_count == 3
    assert check.failures[0]["fix"]["zh"]
    stranger = principal_of(session, make_user(session, make_org(session)))
    assert service.sets_not_ready(session, principal=stranger) == []
    with pytest.raises(NotFound):
        service.kept_check(session, principal=seller, order_no="UP2026112700006")
    _upload(session, seller, [payment, waybill])
    [check] = [
        c for c in service.sets_not_ready(session, principal=seller) if c.order_no.startswith("UP")
    ]
    assert [f["code"] for f in check.failures] == ["IMP_MISSING_INVENTORY"]
    _upload(session, seller, [inventory])
    kept = service.kept_check(session, principal=seller, order_no="UP2026112700006")
    assert kept.ready
    assert kept.failures == []
    assert "UP2026112700006" not in [
        c.order_no for c in service.sets_not_ready(session, principal=seller)
    ]
    with pytest.raises(NotFound):
        service.kept_check(session, principal=stranger, order_no="UP2026112700006")


def test_an_export_waybill_arriving_last_completes_its_set(
    session: Session, seller: Principal
) -> None:
    order, collection, waybill, inventory = export_set_xml("UPEX2026112700002")
    _upload(session, seller, [order, collection, inventory])
    check = service.check_and_record(session, order_no="UPEX2026112700002")
    assert not check.ready
    assert check.direction == "export"
    _upload(session, seller, [waybill])
    session.refresh(check)
    assert check.ready


def test_the_request_that_completes_a_set_is_answered_without_reading_the_check_back(
    session: Session, seller: Principal
) -> None:
    _upload(session, seller, import_set_xml("UP2026112700031"))
    with statements_run(session) as run:
        kept = service.kept_check(session, principal=seller, order_no="UP2026112700031")
    assert kept.ready
    assert run == []
    # another declarant is still told nothing, whatever the session wrote
    stranger = principal_of(session, make_user(session, make_org(session)))
    with pytest.raises(NotFound):
        service.kept_check(session, principal=stranger, order_no="UP2026112700031")
    # a check written in a savepoint that is rolled back is not answered from memory
    savepoint = session.begin_nested()
    _upload(session, seller, import_set_xml("UP2026112700032"))
    savepoint.rollback()
    with pytest.raises(NotFound):
        service.kept_check(session, principal=seller, order_no="UP2026112700032")
    # once the savepoint that wrote it has ended, the kept check is read from the database
    with session.begin_nested():
        _upload(session, seller, import_set_xml("UP2026112700033"))
    with statements_run(session) as run:
        assert service.kept_check(session, principal=seller, order_no="UP2026112700033").ready
    assert any("clearance_set_checks" in s for s in run)


def test_an_arrival_learns_whether_its_set_is_complete_while_it_is_stored(
    session: Session, seller: Principal
) -> None:
    order, payment, waybill, inventory = import_set_xml("UP2026112700041")
    with statements_run(session) as run:
        _upload(session, seller, [inventory, order, waybill])
    # the kinds already held come with the lookup of each arrival: no count of its own
    assert not [s for s in run if s.lstrip().startswith("SELECT count(DISTINCT")]
    assert session.scalar(select(func.count()).where(SetCheck.order_no == "UP2026112700041")) == 0
    _upload(session, seller, [payment])  # the fourth, whatever the order
    assert service.kept_check(session, principal=seller, order_no="UP2026112700041").ready


def test_the_set_hook_asks_the_database_when_the_arrival_did_not_say(
    session: Session, seller: Principal
) -> None:
    _upload(session, seller, import_set_xml("UP2026112700042"))
    session.execute(delete(SetCheck).where(SetCheck.order_no == "UP2026112700042"))
    document = session.scalars(
        select(ClearanceDocument).where(
            ClearanceDocument.order_no == "UP2026112700042", ClearanceDocument.kind == "payment"
        )
    ).one()
    with statements_run(session) as run:
        _recheck_on_arrival(
            session, seller, document, "changed"
        )  # called outside storing: nothing was said
    assert any(s.lstrip().startswith("SELECT count(DISTINCT") for s in run)
    kept = session.scalar(select(SetCheck).where(SetCheck.order_no == "UP2026112700042"))
    assert kept is not None
    assert kept.ready


_LOADS_DOCUMENTS = "SELECT clearance_documents.id, clearance_documents.organisation_id"


def test_a_set_sent_in_one_session_is_checked_on_the_documents_it_stored(
    session: Session, seller: Principal
) -> None:
    with statements_run(session) as run:
        _upload(session, seller, import_set_xml("UP2026112700051"))
    # the check on the last arrival asks which documents form the set, and loads none again
    assert any(s.lstrip().startswith("SELECT clearance_documents.id \n") for s in run)
    assert not [s for s in run if s.lstrip().startswith(_LOADS_DOCUMENTS)]
    assert service.kept_check(session, principal=seller, order_no="UP2026112700051").ready


def test_a_set_document_the_session_did_not_store_is_loaded_for_the_check(
    session: Session, seller: Principal
) -> None:
    order, payment, waybill, inventory = import_set_xml("UP2026112700052")

    def other_payment(messages: tuple[Any, ...]) -> None:
        head = messages[1].payment[0].payment_head
        head.payTransactionId, head.guid = "ELSEWHERE000052", str(uuid.uuid4()).upper()
        messages[1].guid = str(uuid.uuid4()).upper()

    extra = import_set_xml("UP2026112700052", mutate=other_payment)[1]
    _upload(session, seller, [order, payment, waybill])
    with Session(bind=session.connection()) as elsewhere:  # sent on its own, in another request
        assert _upload(elsewhere, seller, [extra]) == ["new"]
        elsewhere.flush()
        with statements_run(session) as run:
            _upload(session, seller, [inventory])
        assert [s for s in run if s.lstrip().startswith(_LOADS_DOCUMENTS)]
        kept = service.kept_check(session, principal=seller, order_no="UP2026112700052")
        # the same as a check that holds none of the documents finds: both payments count
        fresh = service.preflight(elsewhere, principal=seller, order_no="UP2026112700052")
        assert [f["code"] for f in kept.failures] == [f.code for f in fresh.failures]
        assert kept.failures


def test_a_set_stored_in_one_session_is_checked_on_the_records_it_decoded(
    session: Session, seller: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the modules (the package re-exports a function named `preflight`)
    documents = importlib.import_module("opencbec.clearance.service.documents")
    preflight = importlib.import_module("opencbec.clearance.service.preflight")

    def rebuilt(document: ClearanceDocument) -> Any:
        raise AssertionError(f"{document.kind} rebuilt from its content")

    with monkeypatch.context() as patched:
        patched.setattr(preflight, "document_model", rebuilt)
        _upload(session, seller, import_set_xml("UP2026112700061", mutate=_break))
    kept = service.kept_check(session, principal=seller, order_no="UP2026112700061")
    # the same failures as a check on the records rebuilt from the stored content
    fresh = service.preflight(session, principal=seller, order_no="UP2026112700061")
    assert [f["code"] for f in kept.failures] == [f.code for f in fresh.failures]
    assert kept.failures
    stored = session.scalars(
        select(ClearanceDocument).where(ClearanceDocument.order_no == "UP2026112700061")
    ).all()
    assert len(stored) == 4
    for document in stored:
        assert documents.stored_record(session, document) == preflight.document_model(document)
    # a document changed since (another version, or content set by hand) is not answered by
    # the record first stored
    document, other = stored[0], stored[1]
    document.version += 1
    assert documents.stored_record(session, document) is None
    other.content = {**other.content}
    assert documents.stored_record(session, other) is None


def test_stored_content_is_plain_for_the_audit_chain() -> None:
    documents = importlib.import_module("opencbec.clearance.service.documents")
    assert documents._jsonable([Decimal("1.50"), 2, None, "中", b"x"]) == [
        "1.50",
        2,
        None,
        "中",
        None,
    ]
    with pytest.raises(TypeError, match="float"):
        documents._jsonable([1.5])  # a float would hash differently through the fast encoder


def test_a_message_the_codec_rules_find_fault_with_is_stored_for_the_pre_flight(
    session: Session, seller: Principal
) -> None:
    from opencbec.messages.ceb import decode, validate

    def bad_date(messages: tuple[Any, ...]) -> None:
        messages[3].inventory[0].inventory_head.appTime = "20261399250000"  # no 99th month

    inventory = import_set_xml("UP2026112700071", mutate=bad_date)[3]
    found = {(i.path, i.level) for i in validate(decode(inventory))}
    # a rule finding, and the signature an unsigned upload may leave out: no other schema fault
    assert found == {("Inventory[1]/InventoryHead/appTime", "rule"), ("Signature", "schema")}
    # stored: ingest refuses on schema faults only, the set's check judges the rest
    assert _upload(session, seller, [inventory]) == ["new"]
