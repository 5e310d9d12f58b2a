"""End to end through the real folders: sets submitted through the JSON API, declared with the
customs link, answered by the customs simulator (fixed seed, no delays, no reviews), receipts
applied from the inbox. Passes are driven in a bounded loop until nothing is pending."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from opencbec.clearance import service as clearance_service
from opencbec.clearance.models import ClearanceDocument, DocumentReceipt
from opencbec.customs import jobs
from opencbec.customs import service as customs_service
from opencbec.customs.gateway import FolderExchange
from opencbec.customs.models import APPLIED, IN, OUT, WRITTEN, Exchange
from opencbec.demo import service as demo_service
from opencbec.identity import service as identity_service
from opencbec.identity.models import Organisation, User
from opencbec.identity.rules import Principal
from opencbec.kit.time import CHINA_STANDARD_TIME
from opencbec.settings import Settings
from opencbec.simulator import rules
from opencbec.simulator.service import Config, Simulator
from opencbec.web import create_app
from tests.conftest import TestDatabase
from tests.factories.clearance import BUYER, export_set_xml, import_set_xml
from tests.factories.identity import log_in, make_key

MAX_ROUNDS = 12
IMPORT_NO = "E2E2026112700001"
EXPORT_NO = "E2EEX2026112700001"
REFUSED_NO = "E2E2026112700002"


class StepClock:
    """The simulator's clock: fixed, moved on a second per round by the driver."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 27, 10, 0, 0, tzinfo=CHINA_STANDARD_TIME)

    def __call__(self) -> dt.datetime:
        return self.now


@dataclass
class EndToEnd:
    """The platform, its link folders, the simulator behind them and the seller's API key."""

    db: TestDatabase
    client: TestClient
    gateway: FolderExchange
    sim: Simulator
    clock: StepClock
    seller: Principal
    headers: dict[str, str]

    def submit(self, messages: list[bytes]) -> None:
        """Send each CEB XML message through the clearance JSON API as the seller."""
        for data in messages:
            sent = self.client.post(
                "/api/v1/clearance/messages",
                content=data,
                headers={**self.headers, "content-type": "application/xml"},
            )
            assert sent.status_code == 200, sent.text
            assert [o["result"] for o in sent.json()] == ["new"]

    def declare(self, order_no: str) -> list[str]:
        """Declare a ready set with the customs link's API; return the queued file names."""
        queued = self.client.post(
            f"/api/v1/customs/orders/{order_no}/declare", headers=self.headers
        )
        assert queued.status_code == 201, queued.text
        return [e["file_name"] for e in queued.json()]

    def declare_document(self, document_id: int) -> str:
        """Declare one standalone document with the customs link's API; return its file name."""
        queued = self.client.post(
            f"/api/v1/customs/documents/{document_id}/declare", headers=self.headers
        )
        assert queued.status_code == 201, queued.text
        return str(queued.json()["file_name"])

    def drive(self) -> None:
        """Run link and simulator passes until a whole round does nothing (at most MAX_ROUNDS)."""
        for _ in range(MAX_ROUNDS):
            run = jobs.link_once(self.db, gateway=self.gateway)
            report = self.sim.run_once()
            self.clock.now += dt.timedelta(seconds=1)
            if not run and report.received == 0 and report.written == 0:
                assert self._files("outbox") == []
                assert self._files("inbox") == []
                assert self.sim.state.due(float("inf")) == []  # no receipt left to write
                return
        pytest.fail(f"the link and the simulator were still busy after {MAX_ROUNDS} rounds")

    def _files(self, folder: str) -> list[str]:
        return sorted(p.name for p in (self.gateway.root / folder).iterdir() if p.is_file())

    def assert_each_sent_once_and_answered(self) -> None:
        """Every outbox record was written once and archived by the simulator; every received
        file was applied once; nothing in dead/."""
        assert self._files("dead") == []
        with self.db.session(write=False) as session:
            sent = list(session.scalars(select(Exchange).where(Exchange.direction == OUT)))
            received = list(session.scalars(select(Exchange).where(Exchange.direction == IN)))
        assert {e.state for e in sent} == {WRITTEN}
        assert sorted(e.file_name for e in sent) == self._files("archive/outbox")
        assert {e.state for e in received} == {APPLIED}
        guids = [e.message_guid for e in received]
        assert len(guids) == len(set(guids))
        assert len(received) == len(self._files("archive/inbox"))


@pytest.fixture
def e2e(db: TestDatabase, link_settings: Settings, tmp_path: Path) -> Iterator[EndToEnd]:
    with db.session() as session:
        demo_service.load(session, var_dir=tmp_path)
    with db.session() as session:
        user = session.scalar(select(User).where(User.username == "seller"))
        assert user is not None
        seller = identity_service.principal_for_user(session, user)
        org = session.get(Organisation, user.organisation_id)
        assert org is not None
        key = make_key(session, org, scopes=("clearance:read", "clearance:write"))
    gateway = customs_service.gateway_for(link_settings)
    assert gateway.root.is_relative_to(tmp_path)
    clock = StepClock()
    config = Config(seed=20261127, delay_seconds=0.0, review_rate=0.0, inspection_rate=0.0)
    sim = Simulator(gateway.root, config=config, clock=clock)
    app = create_app(link_settings, database=db)
    with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as client:
        yield EndToEnd(db, client, gateway, sim, clock, seller, {"authorization": f"Bearer {key}"})
    sim.close()


def _documents(session: Session, order_no: str) -> dict[str, ClearanceDocument]:
    """Return the documents the link sent for an order, by kind."""
    rows = session.scalars(
        select(ClearanceDocument)
        .join(Exchange, Exchange.document_id == ClearanceDocument.id)
        .where(Exchange.direction == OUT, Exchange.order_no == order_no)
    )
    return {d.kind: d for d in rows}


def _statuses(session: Session, document: ClearanceDocument) -> list[str]:
    rows = session.scalars(
        select(DocumentReceipt)
        .where(DocumentReceipt.document_id == document.id)
        .order_by(DocumentReceipt.return_time)
    )
    return [r.status for r in rows]


def _invt_no(session: Session, document: ClearanceDocument) -> str:
    numbers = session.scalars(
        select(DocumentReceipt.numbers).where(DocumentReceipt.document_id == document.id)
    )
    found = {n["invtNo"] for n in numbers if n and n.get("invtNo")}
    assert len(found) == 1, found
    return str(found.pop())


def _released(
    e2e: EndToEnd, order_no: str, inventory_kind: str, others: tuple[str, str, str]
) -> tuple[ClearanceDocument, str]:
    """Drive a declared set to the end; check every document's receipts, once each, in order.

    Return the inventory and the inventory number customs gave it."""
    e2e.drive()
    e2e.assert_each_sent_once_and_answered()
    with e2e.db.session(write=False) as session:
        documents = _documents(session, order_no)
        inventory = documents[inventory_kind]
        assert inventory.status == "899"
        assert _statuses(session, inventory) == ["2", "120", "399", "800", "899"]
        for kind in others:
            assert documents[kind].status == "120", kind
            assert _statuses(session, documents[kind]) == ["2", "120"], kind
        return inventory, _invt_no(session, inventory)


def test_a_bonded_import_set_goes_from_the_api_to_899_with_its_tax_bill(e2e: EndToEnd) -> None:
    e2e.submit(import_set_xml(IMPORT_NO))
    queued = e2e.declare(IMPORT_NO)
    assert sorted(n.split("_")[0] for n in queued) == [
        "CEB311Message",
        "CEB411Message",
        "CEB511Message",
        "CEB621Message",
    ]
    _, invt_no = _released(e2e, IMPORT_NO, "inventory", ("order", "payment", "waybill"))
    with e2e.db.session(write=False) as session:
        bills = list(
            session.scalars(select(ClearanceDocument).where(ClearanceDocument.kind == "tax_bill"))
        )
    assert len(bills) == 1
    assert bills[0].organisation_id == e2e.seller.organisation_id
    with e2e.db.session(write=False) as session:
        bill_exchange = session.scalar(
            select(Exchange).where(Exchange.direction == IN, Exchange.document_id == bills[0].id)
        )
    assert bill_exchange is not None
    assert bill_exchange.order_no == IMPORT_NO  # found by the inventory number it names
    assert bills[0].message_type == "CEB816Message"
    head = bills[0].content["tax_head_rd"]
    assert head["invtNo"] == invt_no  # tied to the released inventory by its customs number
    # Cross-border VAT: 13 % x 70 % of the goods' 2 x 268.00 + 320.00, no duty, no excise.
    assert Decimal(head["valueAddedTax"]) == Decimal("77.90")
    assert Decimal(head["customsTax"]) == Decimal(head["consumptionTax"]) == 0
    # The simulator's ledger counted the released parcel against the buyer's year.
    assert e2e.sim.state.used(rules.buyer_key(BUYER.id_number), 2026) == Decimal("856.00")


def _release_and_prepare(e2e: EndToEnd) -> int:
    """Send a 9610 export set to release, prepare its month; return the application's id."""
    e2e.submit(export_set_xml(EXPORT_NO))
    assert len(e2e.declare(EXPORT_NO)) == 4
    inventory, invt_no = _released(
        e2e, EXPORT_NO, "export_inventory", ("export_order", "collection", "export_waybill")
    )
    with e2e.db.session() as session:
        report = clearance_service.prepare_applications(
            session, principal=e2e.seller, month="2026-11"
        )
    assert report.finished
    assert len(report.applications) == 1
    application_id = report.applications[0]
    with e2e.db.session(write=False) as session:
        detail = clearance_service.application_detail(
            session, principal=e2e.seller, application_id=application_id
        )
        assert {row.id for _, row in detail.lines} == {inventory.id}
        listed = [row["invtNo"] for row in detail.document.content["summary_apply_list"]]
        assert listed == [invt_no]  # the customs number the simulator gave on release
    return application_id


def test_a_9610_export_set_is_released_and_its_month_prepared(e2e: EndToEnd) -> None:
    application_id = _release_and_prepare(e2e)
    with e2e.db.session(write=False) as session:
        application = session.get(ClearanceDocument, application_id)
        assert application is not None
        assert application.kind == "summary_application"
        assert application.organisation_id == e2e.seller.organisation_id


def test_the_summary_application_is_declared_and_its_ceb792_tied_to_it(e2e: EndToEnd) -> None:
    application_id = _release_and_prepare(e2e)
    name = e2e.declare_document(application_id)
    assert name.startswith("CEB701Message_")
    again = e2e.client.post(
        f"/api/v1/customs/documents/{application_id}/declare", headers=e2e.headers
    )
    assert again.status_code == 409
    assert again.json()["errors"][0]["code"] == "already_declared"
    e2e.drive()
    with e2e.db.session(write=False) as session:
        queued = session.scalars(
            select(Exchange.file_name).where(
                Exchange.direction == OUT, Exchange.document_id == application_id
            )
        ).all()
    assert len(queued) == 1, "the prepared CEB701 never reached the outbox"
    e2e.assert_each_sent_once_and_answered()
    with e2e.db.session(write=False) as session:
        detail = clearance_service.application_detail(
            session, principal=e2e.seller, application_id=application_id
        )
        results = session.scalars(
            select(ClearanceDocument).where(ClearanceDocument.kind == "summary_result")
        ).all()
        assert len(results) == 1
        assert results[0].organisation_id == e2e.seller.organisation_id
        assert detail.sum_no
        assert [doc.id for _, doc in detail.results] == [results[0].id]


def test_a_set_the_simulator_refuses_shows_100_and_its_reason_on_the_page(
    e2e: EndToEnd,
) -> None:
    # The buyer bought elsewhere this year: the simulator's own ledger knows, the platform does not.
    with e2e.sim.state.transaction():
        e2e.sim.state.charge(
            "another platform", buyer=rules.buyer_key(BUYER.id_number), year=2026,
            amount=Decimal("25900.00"),
        )  # fmt: skip
    e2e.submit(import_set_xml(REFUSED_NO))
    with e2e.db.session() as session:
        assert clearance_service.preflight(session, principal=e2e.seller, order_no=REFUSED_NO).ready
    e2e.declare(REFUSED_NO)
    e2e.drive()
    e2e.assert_each_sent_once_and_answered()
    with e2e.db.session(write=False) as session:
        documents = _documents(session, REFUSED_NO)
        inventory = documents["inventory"]
        assert inventory.status == "100"
        assert inventory.status_info is not None
        assert "-621018" in inventory.status_info
        # The limit is the inventory's fault alone: the other documents are not accepted either.
        assert {documents[k].status for k in ("order", "payment", "waybill")} == {"2"}
        tax_bills = session.scalars(
            select(ClearanceDocument.id).where(ClearanceDocument.kind == "tax_bill")
        ).all()
    assert tax_bills == []
    log_in(e2e.client, "seller", demo_service.DEMO_PASSWORD)
    page = e2e.client.get(f"/clearance/{inventory.id}", headers={"accept-language": "en"})
    assert page.status_code == 200
    lead = page.text.split('<p class="lead">', 1)[1].split("</p>", 1)[0]
    assert '<span class="tag">100</span>' in lead
    assert "-621018" in lead
    assert "exceeds the annual limit 26000" in lead
    assert "超过年度限值" in lead
