"""Follow-up requests from an inventory's page: cancellations (CEB623/605), returns (CEB625,
CEB213) and the return tally (CEB215), built from the stored inventory, refused as customs would
refuse them, and shown on the inventory and order pages; quota given back on approval."""

from __future__ import annotations

import itertools
import uuid
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from opencbec.clearance import service
from opencbec.clearance.models import ClearanceDocument, FollowUp
from opencbec.demo import sets
from opencbec.errors import Conflict, InvalidInput, NotFound
from opencbec.identity.models import OrgRole
from opencbec.identity.rules import Principal
from opencbec.messages.ceb import encode, message_class, skeleton
from opencbec.tax import service as tax_service
from tests.clearance.test_summary import BRAKES, export_inventory, invt_of
from tests.factories.clearance import BUYER, CREAM, import_set_messages
from tests.factories.identity import csrf_from, log_in, make_key, make_org, make_user, principal_of

_CLOCK = itertools.count(1)
_SERIAL = itertools.count(1)


@pytest.fixture
def seller(session: Session) -> Principal:
    return principal_of(session, make_user(session, make_org(session)))


def import_inventory(
    session: Session,
    seller: Principal,
    order_no: str,
    *statuses: str,
    number: bool = True,
) -> ClearanceDocument:
    """Declare a bonded import parcel's four documents and move its inventory by receipts."""
    for message in import_set_messages(order_no):
        service.ingest_message(session, principal=seller, data=encode(message))
    document = session.scalar(
        select(ClearanceDocument).where(
            ClearanceDocument.kind == "inventory", ClearanceDocument.order_no == order_no
        )
    )
    assert document is not None
    if number:
        receipt(session, seller, document, "120", {"invtNo": f"46002026I{next(_SERIAL):09d}"})
    for status in statuses:
        receipt(session, seller, document, status)
    return document


def receipt(
    session: Session,
    principal: Principal,
    document: ClearanceDocument,
    status: str,
    numbers: dict[str, str] | None = None,
) -> None:
    service.apply_receipt(
        session,
        principal=principal,
        kind=document.kind,
        business_key=document.business_key,
        guid=str(uuid.uuid4()).upper(),
        status=status,
        return_time=str(20261128000000000 + next(_CLOCK)),
        info=f"status {status}",
        numbers=numbers,
    )


def _codes(error: pytest.ExceptionInfo[Any]) -> list[tuple[str, str]]:
    return [(e.field, e.code) for e in error.value.errors]


# --- cancellations ---------------------------------------------------------------------------


def test_an_import_cancellation_is_built_from_the_inventory(
    session: Session, seller: Principal
) -> None:
    inventory = import_inventory(session, seller, "FUA1")
    invt = service.customs_numbers(session, [inventory.id])[inventory.id]["invtNo"]
    request = service.request_cancellation(
        session, principal=seller, inventory_id=inventory.id, reason="buyer_cancelled"
    )
    assert (request.kind, request.message_type, request.status) == (
        "cancellation",
        "CEB623Message",
        "0",
    )
    content = request.content
    assert (content["orderNo"], content["ebpCode"], content["ebcCode"], content["invtNo"]) == (
        "FUA1",
        sets.DEMO_EBP,
        sets.DEMO_EBC,
        invt,
    )
    assert (content["buyerIdNumber"], content["logisticsNo"], content["reason"]) == (
        BUYER.id_number,
        "ZOFUA1",
        "消费者取消订单",
    )
    assert content["copNo"].startswith("CI")
    assert len(content["copNo"]) == 18
    assert content["copNo"] != inventory.content["inventory_head"]["copNo"]
    [(follow_up, document)] = service.follow_ups_of_order(
        session, principal=seller, order_no="FUA1"
    )
    assert (follow_up.kind, follow_up.inventory_id, document.id) == (
        "cancellation",
        inventory.id,
        request.id,
    )


def test_a_cancellation_customs_would_refuse_is_refused(
    session: Session, seller: Principal
) -> None:
    unnumbered = import_inventory(session, seller, "FUB1", number=False)
    with pytest.raises(Conflict) as early:
        service.request_cancellation(
            session, principal=seller, inventory_id=unnumbered.id, reason="declared_twice"
        )
    assert _codes(early) == [("invtNo", "not_numbered")]
    refused = import_inventory(session, seller, "FUB2", "100")
    with pytest.raises(Conflict) as rejected:
        service.request_cancellation(
            session, principal=seller, inventory_id=refused.id, reason="declared_twice"
        )
    assert _codes(rejected) == [("status", "refused")]
    delivered = import_inventory(session, seller, "FUB3", "800", "899")
    with pytest.raises(Conflict) as closed:
        service.request_cancellation(
            session, principal=seller, inventory_id=delivered.id, reason="out_of_stock"
        )
    assert _codes(closed) == [("status", "delivered")]
    assert "declare a return instead" in closed.value.message.en
    assert session.scalars(select(FollowUp)).all() == []


def test_a_signed_for_waybill_means_delivered(session: Session, seller: Principal) -> None:
    inventory = import_inventory(session, seller, "FUC1", "800")
    status = skeleton(message_class("CEB513Message"))
    item = status.logistics_status[0]
    item.logisticsCode, item.logisticsNo, item.logisticsStatus = (
        sets.DEMO_LOGISTICS,
        "ZOFUC1",
        "S",
    )
    service.ingest_message(session, principal=seller, data=encode(status))
    with pytest.raises(Conflict) as delivered:
        service.request_cancellation(
            session, principal=seller, inventory_id=inventory.id, reason="buyer_cancelled"
        )
    assert _codes(delivered) == [("status", "delivered")]


def test_one_open_cancellation_at_a_time_and_a_refused_one_may_be_asked_again(
    session: Session, seller: Principal
) -> None:
    inventory = import_inventory(session, seller, "FUD1")
    first = service.request_cancellation(
        session, principal=seller, inventory_id=inventory.id, reason="buyer_cancelled"
    )
    with pytest.raises(Conflict) as twice:
        service.request_cancellation(
            session, principal=seller, inventory_id=inventory.id, reason="buyer_cancelled"
        )
    assert _codes(twice) == [("invtNo", "already_requested")]
    receipt(session, seller, first, "100")
    again = service.request_cancellation(
        session, principal=seller, inventory_id=inventory.id, reason="other", reason_text="改址"
    )
    assert again.content["reason"] == "改址"


def test_reasons_are_chosen_or_written(session: Session, seller: Principal) -> None:
    inventory = import_inventory(session, seller, "FUE1")
    for reason, text, code in (
        ("nonsense", None, ("reason", "reason_unknown")),
        ("other", "  ", ("reason_text", "reason_required")),
        ("other", "长" * 1001, ("reason_text", "reason_required")),
    ):
        with pytest.raises(InvalidInput) as bad:
            service.request_cancellation(
                session,
                principal=seller,
                inventory_id=inventory.id,
                reason=reason,
                reason_text=text,
            )
        assert _codes(bad) == [code]


def test_an_approved_cancellation_gives_the_quota_back(session: Session, seller: Principal) -> None:
    inventory = import_inventory(session, seller, "FUF1", "800")
    before = tax_service.remaining_quota(session, id_number=BUYER.id_number, year=2026)
    assert before < Decimal(26000)
    request = service.request_cancellation(
        session, principal=seller, inventory_id=inventory.id, reason="buyer_cancelled"
    )
    receipt(session, seller, request, "2")
    assert tax_service.remaining_quota(session, id_number=BUYER.id_number, year=2026) == before
    receipt(session, seller, request, "399")
    assert tax_service.remaining_quota(session, id_number=BUYER.id_number, year=2026) == Decimal(
        26000
    )


def test_an_export_cancellation_is_a_ceb605(session: Session, seller: Principal) -> None:
    inventory = export_inventory(session, seller, "FUG1", [BRAKES], release=None)
    request = service.request_cancellation(
        session, principal=seller, inventory_id=inventory.id, reason="declared_in_error"
    )
    assert (request.kind, request.message_type) == ("export_cancellation", "CEB605Message")
    assert request.content["invtNo"] == invt_of(session, inventory)
    assert (request.content["agentCode"], request.content["ebcCode"]) == (
        sets.DEMO_EBC,
        sets.DEMO_EBC,
    )
    assert request.content["copNo"].startswith("CX")
    assert request.business_key == f"{sets.DEMO_EBC}|{request.content['copNo']}"


def test_only_inventories_have_follow_ups(session: Session, seller: Principal) -> None:
    import_inventory(session, seller, "FUH1")
    order = session.scalar(select(ClearanceDocument).where(ClearanceDocument.kind == "order"))
    assert order is not None
    assert service.offers(session, seller, order) is None
    with pytest.raises(NotFound):
        service.request_cancellation(
            session, principal=seller, inventory_id=order.id, reason="buyer_cancelled"
        )
    other = principal_of(session, make_user(session, make_org(session)))
    with pytest.raises(NotFound):
        service.request_cancellation(
            session,
            principal=other,
            inventory_id=order.id + 3,
            reason="buyer_cancelled",
        )


# --- import returns --------------------------------------------------------------------------


def test_an_import_return_before_release_is_refused(session: Session, seller: Principal) -> None:
    inventory = import_inventory(session, seller, "FUJ1")
    with pytest.raises(Conflict) as early:
        service.request_import_return(
            session, principal=seller, inventory_id=inventory.id, reason="buyer_returned"
        )
    assert _codes(early) == [("status", "not_released")]


def test_an_import_return_takes_back_at_most_what_was_declared(
    session: Session, seller: Principal
) -> None:
    inventory = import_inventory(session, seller, "FUK1", "800")
    for lines, code in (
        ({1: "3"}, ("lines[1].qty", "qty_exceeded")),  # 2 declared
        ({7: "1"}, ("lines[7].gnum", "no_line")),
        ({1: "-1"}, ("lines[1].qty", "qty_invalid")),
        ({1: "0.000001"}, ("lines[1].qty", "qty_invalid")),
        ({1: "x"}, ("lines[1].qty", "qty_invalid")),
        ({1: "0"}, ("lines", "no_lines")),
    ):
        with pytest.raises(InvalidInput) as bad:
            service.request_import_return(
                session,
                principal=seller,
                inventory_id=inventory.id,
                reason="quality",
                lines=lines,
            )
        assert _codes(bad) == [code], lines
    partial = service.request_import_return(
        session, principal=seller, inventory_id=inventory.id, reason="quality", lines={1: "1"}
    )
    assert [(line["gnum"], line["qty"]) for line in partial.content["invt_refund_list"]] == [
        (1, "1")
    ]
    head = partial.content["invt_refund_head"]
    assert (head["orderNo"], head["buyerIdNumber"], head["reason"]) == (
        "FUK1",
        BUYER.id_number,
        "商品质量问题",
    )
    with pytest.raises(InvalidInput) as over:
        service.request_import_return(
            session, principal=seller, inventory_id=inventory.id, reason="quality", lines={1: "2"}
        )
    assert "already returned" in over.value.errors[0].reason.en
    whole = service.request_import_return(
        session, principal=seller, inventory_id=inventory.id, reason="buyer_returned"
    )
    assert [(line["gnum"], line["qty"]) for line in whole.content["invt_refund_list"]] == [
        (1, "1"),
        (2, "1"),
    ]
    with pytest.raises(Conflict) as nothing:
        service.request_import_return(
            session, principal=seller, inventory_id=inventory.id, reason="buyer_returned"
        )
    assert _codes(nothing) == [("lines", "nothing_left")]
    # A return customs refuses takes nothing back: its quantities may be asked again.
    receipt(session, seller, whole, "100")
    again = service.request_import_return(
        session, principal=seller, inventory_id=inventory.id, reason="buyer_returned"
    )
    assert len(again.content["invt_refund_list"]) == 2


def test_an_approved_partial_return_gives_back_its_share_of_the_quota(
    session: Session, seller: Principal
) -> None:
    inventory = import_inventory(session, seller, "FUL1", "800")
    before = tax_service.remaining_quota(session, id_number=BUYER.id_number, year=2026)
    request = service.request_import_return(
        session, principal=seller, inventory_id=inventory.id, reason="quality", lines={2: "1"}
    )
    receipt(session, seller, request, "399")
    after = tax_service.remaining_quota(session, id_number=BUYER.id_number, year=2026)
    assert after - before == CREAM.total


# --- export returns and the return tally -----------------------------------------------------

TRANSPORT = service.Transport(traf_name="X8012", voyage_no="X8012/2611")


def test_an_export_return_needs_release_and_its_transport(
    session: Session, seller: Principal
) -> None:
    waiting = export_inventory(session, seller, "FUM1", [BRAKES], release=None)
    with pytest.raises(Conflict) as early:
        service.request_export_return(
            session,
            principal=seller,
            inventory_id=waiting.id,
            reason="undeliverable",
            transport=TRANSPORT,
        )
    assert _codes(early) == [("status", "not_released")]
    inventory = export_inventory(session, seller, "FUM2", [BRAKES])
    with pytest.raises(InvalidInput) as incomplete:
        service.request_export_return(
            session, principal=seller, inventory_id=inventory.id, reason="undeliverable"
        )
    assert _codes(incomplete) == [("trafName", "required"), ("voyageNo", "required")]
    with pytest.raises(InvalidInput) as china:
        service.request_export_return(
            session,
            principal=seller,
            inventory_id=inventory.id,
            reason="undeliverable",
            transport=service.Transport(traf_name="X", voyage_no="Y", country="142"),
        )
    assert _codes(china) == [("country", "invalid")]


def test_an_export_return_is_a_ceb213_built_from_the_inventory(
    session: Session, seller: Principal
) -> None:
    inventory = export_inventory(session, seller, "FUN1", [BRAKES])
    request = service.request_export_return(
        session,
        principal=seller,
        inventory_id=inventory.id,
        reason="undeliverable",
        lines={1: "1"},
        transport=TRANSPORT,
    )
    head = request.content["invt_refund_head"]
    assert (request.kind, request.business_key) == (
        "export_return",
        f"{sets.DEMO_EBC}|{invt_of(session, inventory)}",
    )
    assert (head["ieFlag"], head["billNo"], head["country"], head["portCode"]) == (
        "I",
        "ZEFUN1",
        "304",
        "4600",
    )
    assert (head["trafMode"], head["trafName"], head["voyageNo"], head["tradeMode"]) == (
        "3",
        "X8012",
        "X8012/2611",
        None,
    )
    [line] = request.content["invt_refund_list"]
    assert (line["gnum"], line["qty"], line["qty1"], line["unit1"]) == (1, "1", "1.00000", "007")
    with pytest.raises(Conflict) as twice:
        service.request_export_return(
            session,
            principal=seller,
            inventory_id=inventory.id,
            reason="undeliverable",
            transport=TRANSPORT,
        )
    assert _codes(twice) == [("invtNo", "already_requested")]


def test_the_return_tally_is_the_site_operators_after_an_export_return(
    session: Session, seller: Principal
) -> None:
    inventory = export_inventory(session, seller, "FUP1", [BRAKES])
    with pytest.raises(Conflict) as not_operator:
        service.request_return_tally(session, principal=seller, inventory_id=inventory.id)
    assert _codes(not_operator) == [("operatorCode", "not_operator")]
    operator = principal_of(
        session,
        make_user(
            session, make_org(session, roles=(OrgRole.WAREHOUSE_OPERATOR, OrgRole.LOGISTICS))
        ),
    )
    site_inventory = export_inventory(session, operator, "FUP2", [BRAKES])
    with pytest.raises(Conflict) as no_return:
        service.request_return_tally(session, principal=operator, inventory_id=site_inventory.id)
    assert _codes(no_return) == [("invtNo", "no_return")]
    service.request_export_return(
        session,
        principal=operator,
        inventory_id=site_inventory.id,
        reason="undeliverable",
        transport=TRANSPORT,
    )
    with pytest.raises(InvalidInput):
        service.request_return_tally(
            session, principal=operator, inventory_id=site_inventory.id, location="库" * 251
        )
    tally = service.request_return_tally(
        session, principal=operator, inventory_id=site_inventory.id, location="A 区 3 号"
    )
    assert (tally.kind, tally.content["operatorCode"], tally.content["logisticsNo"]) == (
        "return_tally",
        operator.organisation_code,
        "ZEFUP2",
    )
    assert (tally.content["ieFlag"], tally.content["voyageNo"], tally.content["location"]) == (
        "I",
        "X8012/2611",
        "A 区 3 号",
    )
    with pytest.raises(Conflict) as twice:
        service.request_return_tally(session, principal=operator, inventory_id=site_inventory.id)
    assert _codes(twice) == [("logisticsNo", "already_requested")]


# --- pages and API ---------------------------------------------------------------------------


def test_the_inventory_page_offers_and_makes_a_cancellation(
    client: TestClient, session: Session
) -> None:
    user = make_user(session, make_org(session))
    seller = principal_of(session, user)
    inventory = import_inventory(session, seller, "FUQ1")
    log_in(client, user.username)
    page = client.get(f"/clearance/{inventory.id}", headers={"accept-language": "en"})
    assert "Ask customs to cancel" in page.text
    assert "only a released inventory can have a return" in page.text
    token = csrf_from(page.text)
    bad = client.post(
        f"/clearance/{inventory.id}/cancel",
        data={"csrf_token": token, "reason": "other", "reason_text": ""},
        headers={"accept-language": "en"},
    )
    assert bad.status_code == 422
    assert "write the reason" in bad.text
    made = client.post(
        f"/clearance/{inventory.id}/cancel",
        data={"csrf_token": token, "reason": "buyer_cancelled"},
        follow_redirects=False,
    )
    assert made.status_code == 303
    assert made.headers["location"].startswith("/clearance/")
    again = client.post(
        f"/clearance/{inventory.id}/cancel",
        data={"csrf_token": token, "reason": "buyer_cancelled"},
        headers={"accept-language": "zh-CN"},
    )
    assert again.status_code == 409
    assert "该清单已有未被退回的撤销申请" in again.text
    order = client.get("/clearance/orders/FUQ1", headers={"accept-language": "en"})
    assert "Cancellation (CEB623)" in order.text


def test_the_inventory_page_makes_a_partial_return(client: TestClient, session: Session) -> None:
    user = make_user(session, make_org(session))
    inventory = import_inventory(session, principal_of(session, user), "FUR1", "800")
    log_in(client, user.username)
    token = csrf_from(client.get(f"/clearance/{inventory.id}").text)
    over = client.post(
        f"/clearance/{inventory.id}/return",
        data={"csrf_token": token, "reason": "quality", "scope": "lines", "qty_1": "5"},
        headers={"accept-language": "en"},
    )
    assert over.status_code == 422
    assert "more than declared" in over.text
    made = client.post(
        f"/clearance/{inventory.id}/return",
        data={"csrf_token": token, "reason": "quality", "scope": "lines", "qty_2": "1"},
        follow_redirects=False,
    )
    assert made.status_code == 303
    request = session.get(ClearanceDocument, int(made.headers["location"].rsplit("/", 1)[1]))
    assert request is not None
    assert [line["gnum"] for line in request.content["invt_refund_list"]] == [2]


def test_the_export_inventory_page_makes_a_return_and_a_tally(
    client: TestClient, session: Session
) -> None:
    user = make_user(
        session, make_org(session, roles=(OrgRole.ECOMMERCE_ENTERPRISE, OrgRole.WAREHOUSE_OPERATOR))
    )
    inventory = export_inventory(session, principal_of(session, user), "FUS1", [BRAKES])
    log_in(client, user.username)
    page = client.get(f"/clearance/{inventory.id}", headers={"accept-language": "en"})
    assert "a return tally needs an export return" in page.text
    token = csrf_from(page.text)
    made = client.post(
        f"/clearance/{inventory.id}/return",
        data={
            "csrf_token": token,
            "reason": "undeliverable",
            "scope": "whole",
            "traf_name": "X8012",
            "voyage_no": "X8012/2611",
        },
        follow_redirects=False,
    )
    assert made.status_code == 303
    tally = client.post(
        f"/clearance/{inventory.id}/return-tally",
        data={"csrf_token": token, "location": "A"},
        follow_redirects=False,
    )
    assert tally.status_code == 303
    page = client.get(f"/clearance/{inventory.id}", headers={"accept-language": "en"})
    assert "Export return (CEB213)" in page.text
    assert "Return tally (CEB215)" in page.text


def test_the_follow_up_api(client: TestClient, session: Session) -> None:
    org = make_org(session)
    user = make_user(session, org)
    seller = principal_of(session, user)
    inventory = import_inventory(session, seller, "FUT1", "800")
    exported = export_inventory(session, seller, "FUT2", [BRAKES])
    key = make_key(session, org, scopes=("clearance:read", "clearance:write"))
    headers = {"authorization": f"Bearer {key}"}
    base = "/api/v1/clearance/documents"
    over = client.post(
        f"{base}/{inventory.id}/return",
        json={"reason": "quality", "lines": [{"gnum": 1, "qty": "9"}]},
        headers=headers,
    )
    assert over.status_code == 422
    assert over.headers["content-type"].startswith("application/problem+json")
    assert over.json()["errors"][0]["field"] == "lines[1].qty"
    made = client.post(
        f"{base}/{inventory.id}/return",
        json={"reason": "quality", "lines": [{"gnum": 1, "qty": "1"}]},
        headers=headers,
    )
    assert made.status_code == 201
    assert made.json()["kind"] == "return"
    cancel = client.post(
        f"{base}/{inventory.id}/cancellation", json={"reason": "buyer_cancelled"}, headers=headers
    )
    assert cancel.status_code == 201
    export_return = client.post(
        f"{base}/{exported.id}/export-return",
        json={"reason": "undeliverable", "traf_name": "X8012", "voyage_no": "V1"},
        headers=headers,
    )
    assert export_return.status_code == 201
    tally = client.post(f"{base}/{exported.id}/return-tally", json={}, headers=headers)
    assert tally.status_code == 409
    assert tally.json()["errors"][0]["code"] == "not_operator"
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("cancellation", "return", "export-return", "return-tally"):
        assert f"/api/v1/clearance/documents/{{document_id}}/{path}" in paths


def test_an_export_return_refused_by_customs_is_asked_again_as_a_change(
    session: Session, seller: Principal
) -> None:
    inventory = export_inventory(session, seller, "FUV1", [BRAKES])
    first = service.request_export_return(
        session,
        principal=seller,
        inventory_id=inventory.id,
        reason="undeliverable",
        transport=TRANSPORT,
    )
    receipt(session, seller, first, "100")
    again = service.request_export_return(
        session,
        principal=seller,
        inventory_id=inventory.id,
        reason="quality",
        transport=TRANSPORT,
    )
    assert (again.id, again.version) == (first.id, 2)
    assert again.content["invt_refund_head"]["reason"] == "商品质量问题"
    assert len(service.follow_ups(session, inventory_ids=[inventory.id])) == 1


def test_a_return_needs_the_inventory_number(session: Session, seller: Principal) -> None:
    inventory = import_inventory(session, seller, "FUW1", "800", number=False)
    with pytest.raises(Conflict) as unnumbered:
        service.request_import_return(
            session, principal=seller, inventory_id=inventory.id, reason="quality"
        )
    assert _codes(unnumbered) == [("invtNo", "not_numbered")]


def test_a_legal_quantity_is_shared_with_the_part_returned() -> None:
    share = service.follow_up._share
    assert share({"qty": "4", "qty1": "10"}, "qty1", Decimal(1)) == Decimal("2.50000")
    assert share({"qty": "0", "qty1": "3"}, "qty1", Decimal(1)) == Decimal(3)
