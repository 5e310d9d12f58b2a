"""One standalone document (a cancellation, a return, a summary application) sent on its own."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from opencbec.clearance import service as clearance_service
from opencbec.clearance.models import ClearanceDocument
from opencbec.customs import service
from opencbec.customs.models import OUT, QUEUED
from opencbec.demo import service as demo_service
from opencbec.errors import Conflict, NotFound
from opencbec.identity.rules import Principal
from opencbec.messages import ceb
from opencbec.messages.ceb.sign import verify
from tests.customs.conftest import IMPORT_READY
from tests.factories.identity import csrf_from, log_in


def _cancellation(session: Session, seller: Principal) -> ClearanceDocument:
    message = ceb.skeleton(ceb.message_class("CEB623Message"))
    item = message.invt_cancel[0]
    item.guid, item.ebcCode, item.copNo = str(uuid.uuid4()).upper(), "4107900008", "C-TEST-1"
    item.orderNo = IMPORT_READY
    message.guid = str(uuid.uuid4()).upper()
    [outcome] = clearance_service.ingest_message(
        session, principal=seller, data=ceb.encode(message)
    )
    document = session.get(ClearanceDocument, outcome.document_id)
    assert document is not None
    return document


def test_a_cancellation_is_signed_and_queued_once(
    session: Session, zone: dict[str, Principal], envelope: service.Envelope
) -> None:
    document = _cancellation(session, zone["seller"])
    exchange = service.declare_document(
        session, principal=zone["seller"], document_id=document.id, envelope=envelope
    )
    assert (exchange.direction, exchange.state, exchange.message_type) == (
        OUT,
        QUEUED,
        "CEB623Message",
    )
    assert exchange.order_no == IMPORT_READY
    assert verify(exchange.content).ok
    with pytest.raises(Conflict) as again:
        service.declare_document(
            session, principal=zone["seller"], document_id=document.id, envelope=envelope
        )
    assert again.value.errors[0].code == "already_declared"
    with pytest.raises(NotFound):
        service.declare_document(
            session, principal=zone["platform"], document_id=document.id, envelope=envelope
        )


@pytest.mark.parametrize("kind", ["inventory", "tax_bill"])
def test_set_documents_and_customs_documents_are_not_sent_alone(
    session: Session, zone: dict[str, Principal], envelope: service.Envelope, kind: str
) -> None:
    if kind == "tax_bill":
        message = ceb.skeleton(ceb.message_class("CEB816Message"))
        head = message.tax[0].tax_head_rd
        head.guid, head.invtNo, head.taxNo = str(uuid.uuid4()).upper(), "46002026I000000001", "T"
        message.guid = str(uuid.uuid4()).upper()
        clearance_service.ingest_message(
            session, principal=zone["seller"], data=ceb.encode(message)
        )
    document = session.scalar(
        select(ClearanceDocument).where(
            ClearanceDocument.kind == kind,
            ClearanceDocument.organisation_id == zone["seller"].organisation_id,
        )
    )
    assert document is not None
    with pytest.raises(Conflict) as refused:
        service.declare_document(
            session, principal=zone["seller"], document_id=document.id, envelope=envelope
        )
    assert refused.value.errors[0].code == "not_standalone"
    assert refused.value.errors[0].reason.zh


def test_the_document_page_offers_sending_a_standalone_document(
    client: TestClient, session: Session, zone: dict[str, Principal]
) -> None:
    document = _cancellation(session, zone["seller"])
    log_in(client, "seller", demo_service.DEMO_PASSWORD)
    page = client.get(f"/clearance/{document.id}", headers={"accept-language": "en"})
    assert f'action="/customs/documents/{document.id}/declare"' in page.text
    inventory = session.scalar(
        select(ClearanceDocument).where(
            ClearanceDocument.kind == "inventory", ClearanceDocument.order_no == IMPORT_READY
        )
    )
    assert inventory is not None
    other = client.get(f"/clearance/{inventory.id}", headers={"accept-language": "en"})
    assert "/declare" not in other.text.split("<h1>", 1)[1].split("Timeline", 1)[0]
    sent = client.post(
        f"/customs/documents/{document.id}/declare",
        data={"csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"] == f"/customs/documents/{document.id}?declared=1"
    shown = client.get(sent.headers["location"], headers={"accept-language": "en"})
    assert "1 message(s) signed and queued for customs" in shown.text
