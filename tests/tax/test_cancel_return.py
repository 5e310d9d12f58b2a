"""Approved cancellations (CEB623/624) and returns (CEB625/626) give the buyer's quota back,
once, and only for an inventory they name that we hold."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opencbec.audit.models import AuditEntry
from opencbec.audit.service import Actor
from opencbec.clearance import service as clearance_service
from opencbec.clearance.models import ClearanceDocument
from opencbec.identity.rules import Principal
from opencbec.tax import service
from tests.factories.identity import make_org, make_user, principal_of
from tests.tax.documents import (
    BUYER,
    EBC,
    inventory_xml,
    receipt,
    receipt_xml,
    request_xml,
    store_request,
)

CANCEL, RETURN = "CEB623Message", "CEB625Message"
RELEASED_AT = "20261111120000000"


def _remaining(session: Session) -> Decimal:
    return service.remaining_quota(session, id_number=BUYER, year=2026)


def _audits(session: Session, action: str) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
        )
        or 0
    )


@pytest.fixture
def broker(session: Session) -> Principal:
    return principal_of(session, make_user(session, make_org(session)))


def _declare(
    session: Session,
    broker: Principal,
    key: str,
    *lines: tuple[str, str],
    released: bool = True,
    **kw: Any,
) -> None:
    clearance_service.ingest_message(
        session, principal=broker, data=inventory_xml(key, *lines, **kw)
    )
    if released:
        receipt(session, broker, "inventory", f"{EBC}|{key}", "800", RELEASED_AT)


_CLOCK = itertools.count(1)


def _approve(
    session: Session, broker: Principal, document: ClearanceDocument, *statuses: str
) -> None:
    # Each receipt is newer than every earlier one, so each is applied.
    for status in statuses:
        at = str(20261112000000000 + next(_CLOCK))
        receipt(session, broker, document.kind, document.business_key, status, at)


def test_an_approved_cancellation_releases_the_named_inventory_once(
    session: Session, broker: Principal
) -> None:
    _declare(session, broker, "C1", ("1", "1000.00"))
    assert _remaining(session) == Decimal("25000.00")
    cancellation = store_request(session, broker, CANCEL, "C1", cop_no="C1")
    _approve(session, broker, cancellation, "2", "120")
    assert _remaining(session) == Decimal("25000.00")  # not approved yet
    releases = _audits(session, "tax.quota.release")
    _approve(session, broker, cancellation, "399")
    assert _remaining(session) == Decimal(26000)
    assert _audits(session, "tax.quota.release") == releases + 1
    _approve(session, broker, cancellation, "800")
    assert _remaining(session) == Decimal(26000)
    assert _audits(session, "tax.quota.release") == releases + 1  # already released: nothing


def test_a_cancellation_before_release_frees_the_reservation_matched_by_order(
    session: Session, broker: Principal
) -> None:
    _declare(session, broker, "C2", ("2", "3000.00"), released=False)
    cancellation = store_request(session, broker, CANCEL, "C2")  # no copNo: orderNo + ebcCode
    _approve(session, broker, cancellation, "399")
    assert _remaining(session) == Decimal(26000)


def test_a_refused_cancellation_moves_nothing(session: Session, broker: Principal) -> None:
    _declare(session, broker, "C3", ("1", "700.00"))
    cancellation = store_request(session, broker, CANCEL, "C3", cop_no="C3")
    _approve(session, broker, cancellation, "2", "100")
    assert _remaining(session) == Decimal("25300.00")


@pytest.mark.parametrize(
    "fields",
    [
        {"order_no": "O-UNKNOWN"},
        {"ebc": "OTHEREBC01"},
        {"invt_no": "460120261000000999"},
        {"buyer": "11010519491231002" + "X"},
    ],
    ids=["orderNo", "ebcCode", "invtNo", "buyer"],
)
@pytest.mark.parametrize("message", [CANCEL, RETURN])
def test_a_request_naming_an_inventory_we_do_not_hold_does_nothing(
    session: Session, broker: Principal, message: str, fields: dict[str, str]
) -> None:
    _declare(session, broker, "N1", ("1", "500.00"), invt_no="460120261000000001")
    lines = {"returned": ((1, "1"),)} if message == RETURN else {}
    request = store_request(session, broker, message, "N1", **lines, **fields)
    _approve(session, broker, request, "399")
    assert _remaining(session) == Decimal("25500.00")


def test_the_same_keys_from_another_declarant_do_nothing(
    session: Session, broker: Principal
) -> None:
    _declare(session, broker, "N2", ("1", "500.00"))
    other = principal_of(session, make_user(session, make_org(session)))
    cancellation = store_request(session, other, CANCEL, "N2", cop_no="N2")
    _approve(session, other, cancellation, "399")
    assert _remaining(session) == Decimal("25500.00")


def test_two_inventories_one_order_and_no_copno_is_ambiguous(
    session: Session, broker: Principal
) -> None:
    _declare(session, broker, "A1", ("1", "100.00"))
    second = inventory_xml("A2", ("1", "200.00")).replace(b"OA2", b"OA1")
    clearance_service.ingest_message(session, principal=broker, data=second)
    cancellation = store_request(session, broker, CANCEL, "A1")
    _approve(session, broker, cancellation, "399")
    assert _remaining(session) == Decimal("25700.00")
    cancellation = store_request(session, broker, CANCEL, "A1", cop_no="A2")
    _approve(session, broker, cancellation, "399")
    assert _remaining(session) == Decimal("25900.00")


def test_a_full_return_gives_back_the_whole_value_once(session: Session, broker: Principal) -> None:
    _declare(session, broker, "R1", ("2", "1000.00"), ("1", "500.00"), freight="20")
    assert _remaining(session) == Decimal("24480.00")
    refund = store_request(
        session, broker, RETURN, "R1", cop_no="R1", returned=((1, "2"), (2, "1"))
    )
    returns = _audits(session, "tax.quota.return")
    _approve(session, broker, refund, "399", "800")
    assert _remaining(session) == Decimal(26000)
    assert _audits(session, "tax.quota.return") == returns + 1
    cancellation = store_request(session, broker, CANCEL, "R1", cop_no="R1")
    _approve(session, broker, cancellation, "399")  # already released: nothing more
    assert _remaining(session) == Decimal(26000)


def test_a_partial_return_gives_back_only_its_lines(session: Session, broker: Principal) -> None:
    _declare(session, broker, "R2", ("2", "1000.00"), ("3", "600.00"), freight="20")
    assert _remaining(session) == Decimal("24380.00")
    refund = store_request(session, broker, RETURN, "R2", returned=((2, "1"), (2, "5")))
    _approve(session, broker, refund, "399")
    assert _remaining(session) == Decimal("24980.00")  # line 2 capped at its 3 units
    first = store_request(session, broker, RETURN, "R2", returned=((1, "1"), (9, "4")))
    _approve(session, broker, first, "800")
    assert _remaining(session) == Decimal("25480.00")  # half of line 1; line 9 is not ours
    # What is left (line 1's other half and the freight) goes with a later cancellation.
    cancellation = store_request(session, broker, CANCEL, "R2", cop_no="R2")
    _approve(session, broker, cancellation, "399")
    assert _remaining(session) == Decimal(26000)


def test_a_return_of_an_inventory_not_yet_released_moves_nothing(
    session: Session, broker: Principal
) -> None:
    _declare(session, broker, "R3", ("1", "800.00"), released=False)
    refund = store_request(session, broker, RETURN, "R3", returned=((1, "1"),))
    _approve(session, broker, refund, "399")
    assert _remaining(session) == Decimal("25200.00")


def test_return_quota_is_once_per_return_and_never_for_nothing(session: Session) -> None:
    actor = Actor(label="test")
    service.reserve_quota(
        session, actor=actor, id_number=BUYER, year=2026, document_key="inv|9", amount=Decimal(900)
    )
    service.settle_quota(session, actor=actor, document_key="inv|9", outcome="consume")
    assert (
        service.return_quota(
            session, actor=actor, document_key="inv|9", return_key="ret|1", amount=Decimal(0)
        )
        is None
    )
    credit = service.return_quota(
        session, actor=actor, document_key="inv|9", return_key="ret|1", amount=Decimal(300)
    )
    assert credit is not None
    assert (credit.amount, credit.state) == (300, "returned")
    assert (
        service.return_quota(
            session, actor=actor, document_key="inv|9", return_key="ret|1", amount=Decimal(300)
        )
        is None
    )
    assert _remaining(session) == Decimal(25400)
    assert (
        service.return_quota(session, actor=actor, document_key="nothing", return_key="ret|2")
        is None
    )


def test_an_unreadable_request_names_nothing(session: Session, broker: Principal) -> None:
    _declare(session, broker, "U1", ("1", "100.00"))
    cancellation = store_request(session, broker, CANCEL, "U1", cop_no="U1")
    cancellation.content = {"orderNo": "OU1"}  # no ebcCode
    assert service.named_inventory(session, cancellation) is None
    cancellation.content = {"orderNo": "OU1", "ebcCode": EBC}
    assert service.named_inventory(session, cancellation) is not None


@pytest.mark.parametrize(
    ("message", "receipt_message", "fields"),
    [
        (CANCEL, "CEB624Message", {}),
        (RETURN, "CEB626Message", {"returned": ((1, "1"),)}),
    ],
)
def test_a_request_and_its_receipt_sent_as_xml_release_the_inventory(
    session: Session,
    broker: Principal,
    message: str,
    receipt_message: str,
    fields: dict[str, Any],
) -> None:
    _declare(session, broker, "X1", ("1", "400.00"))
    request = request_xml(message, "X1", cop_no="RX1", **fields)
    (outcome,) = clearance_service.ingest_message(session, principal=broker, data=request)
    assert outcome.result == "new"
    assert _remaining(session) == Decimal("25600.00")
    answer = receipt_xml(receipt_message, "RX1", "399", "20261120120000000")
    (applied,) = clearance_service.ingest_message(session, principal=broker, data=answer)
    assert applied.result == "applied"
    assert _remaining(session) == Decimal(26000)
