"""The pre-flight check on stored documents, with reference data read from the database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from opencbec.clearance import service
from opencbec.clearance.models import ClearanceDocument
from opencbec.clearance.rules import EnterpriseRole
from opencbec.demo import service as demo_service
from opencbec.errors import NotFound
from opencbec.identity import service as identity_service
from opencbec.identity.models import User
from tests.factories.identity import log_in, make_org, make_user, principal_of


@pytest.fixture
def demo(session: Session, tmp_path: Path) -> None:
    demo_service.load(session, var_dir=tmp_path)
    session.flush()


def _principal(session: Session, username: str) -> object:
    user = session.scalar(select(User).where(User.username == username))
    assert user is not None
    return identity_service.principal_for_user(session, user)


def test_demo_set_is_checked_against_the_database(session: Session, demo: None) -> None:
    platform = _principal(session, "platform")
    result = service.preflight(session, principal=platform, order_no="MYMALL202611110001")  # type: ignore[arg-type]
    assert all(result.documents.values())
    # The demo broker's filing was returned, so the declaring agent is not an approved enterprise.
    assert [f.code for f in result.failures] == ["IMP_ENTERPRISE_NOT_APPROVED"]
    assert not result.ready
    assert result.failures[0].fix.zh


def test_reference_lookup(session: Session, demo: None) -> None:
    reference = service.DatabaseReference(session, dt.date.today())
    assert reference.hs_in_force("0302130000")
    assert not reference.hs_in_force("0000000000")
    line = reference.positive_list_line("0302130000")
    assert line is not None
    assert line.bonded_only
    assert reference.positive_list_line("8426112000") is None
    assert reference.enterprise_approved("4107900010", EnterpriseRole.ECOMMERCE_PLATFORM)
    assert not reference.enterprise_approved("4107900010", EnterpriseRole.PAYMENT)
    assert not reference.enterprise_approved("4107900013", EnterpriseRole.CUSTOMS_BROKER)
    buyer = session.scalars(  # the first inventory declared (no order is no order on PostgreSQL)
        select(ClearanceDocument)
        .where(ClearanceDocument.kind == "inventory")
        .order_by(ClearanceDocument.id)
    ).first()
    assert buyer is not None
    id_number = buyer.content["inventory_head"]["buyerIdNumber"]
    assert reference.annual_used(id_number, 2026) == Decimal("336.00000")
    assert reference.annual_used(id_number, 2025) == 0


def test_set_of_another_party_is_not_shown(session: Session, demo: None) -> None:
    stranger = principal_of(session, make_user(session, make_org(session)))
    with pytest.raises(NotFound):
        service.preflight(session, principal=stranger, order_no="MYMALL202611110001")


def test_order_set_page(client: TestClient, session: Session, demo: None) -> None:
    log_in(client, "logistics", demo_service.DEMO_PASSWORD)
    page = client.get("/clearance/orders/MYMALL202611110001", headers={"accept-language": "en"})
    assert page.status_code == 200
    assert "IMP_ENTERPRISE_NOT_APPROVED" in page.text
    assert "Not ready to declare" in page.text
    zh = client.get("/clearance/orders/MYMALL202611110001", headers={"accept-language": "zh-CN"})
    assert "运单" in zh.text
    assert client.get("/clearance/orders/NOPE").status_code == 404


def test_export_documents_and_their_set(session: Session) -> None:
    import uuid

    from opencbec.messages.ceb import encode, message_class, skeleton

    seller = principal_of(session, make_user(session, make_org(session)))

    def send(name: str, setup: object) -> list[service.Outcome]:
        message = skeleton(message_class(name))
        setup(message)  # type: ignore[operator]
        message.guid = str(uuid.uuid4()).upper()
        return service.ingest_message(session, principal=seller, data=encode(message))

    def order(m: object) -> None:
        head = m.order[0].order_head  # type: ignore[attr-defined]
        head.guid, head.orderNo, head.ebpCode, head.ebcCode = (
            str(uuid.uuid4()).upper(),
            "EXP001",
            "4107960EBP",
            "4107960EBC",
        )

    def waybill(m: object) -> None:
        item = m.logistics[0]  # type: ignore[attr-defined]
        item.guid, item.logisticsCode, item.logisticsNo = (
            str(uuid.uuid4()).upper(),
            "4107960LOG",
            "ZO-EXP001",
        )

    def inventory(m: object) -> None:
        head = m.inventory[0].inventory_head  # type: ignore[attr-defined]
        head.guid, head.orderNo, head.ebpCode, head.ebcCode, head.copNo = (
            str(uuid.uuid4()).upper(),
            "EXP001",
            "4107960EBP",
            "4107960EBC",
            "C-EXP001",
        )
        head.logisticsCode, head.logisticsNo = "4107960LOG", "ZO-EXP001"

    assert [o.result for o in send("CEB303Message", order)] == ["new"]
    assert [o.kind for o in send("CEB505Message", waybill)] == ["export_waybill"]
    assert [o.business_key for o in send("CEB603Message", inventory)] == ["4107960EBC|C-EXP001"]
    result = service.preflight(session, principal=seller, order_no="EXP001")
    assert set(result.documents) == {
        "export_order",
        "collection",
        "export_waybill",
        "export_inventory",
    }
    assert result.documents["export_waybill"] is not None
    assert result.documents["collection"] is None
    assert "EXP_MISSING_COLLECTION" in [f.code for f in result.failures]
    assert not result.ready

    def receipt(m: object) -> None:
        item = m.order_return[0]  # type: ignore[attr-defined]
        item.ebpCode, item.orderNo, item.returnStatus, item.returnTime = (
            "4107960EBP",
            "EXP001",
            "120",
            "20261127120000000",
        )

    assert [o.result for o in send("CEB304Message", receipt)] == ["applied"]


def test_home_lists_sets_to_fix(client: TestClient, session: Session, demo: None) -> None:
    log_in(client, "platform", demo_service.DEMO_PASSWORD)
    home = client.get("/home", headers={"accept-language": "en"})
    assert "Order MYMALL202611110001 is not ready to declare" in home.text
    assert 'href="/clearance/orders/MYMALL202611110001"' in home.text
