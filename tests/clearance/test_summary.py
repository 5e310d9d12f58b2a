"""Export summary declaration (清单核放、汇总申报): released 9610 export inventories of a month
grouped by the rules into CEB701 applications; CEB792 results tied back; the monthly reminder."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import uuid
from decimal import Decimal
from typing import Any
from unittest.mock import patch

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from opencbec.clearance import service, summary_pages
from opencbec.clearance.models import ClearanceDocument, SummaryCandidate, SummaryLine
from opencbec.clearance.summary_pages import summary_todos
from opencbec.demo import sets
from opencbec.errors import InvalidInput, NotFound
from opencbec.goods import service as goods_service
from opencbec.identity.rules import Principal
from opencbec.messages.ceb import decode, encode, message_class, skeleton, validate
from opencbec.messages.ceb.models.exp_summary import SummaryResultList
from tests.factories.identity import csrf_from, log_in, make_key, make_org, make_user, principal_of

BRAKES = sets.Goods(
    "盘式制动器总成", "8708300000", "007", Decimal(4), Decimal("85.00")
)  # refund 13 %
CRANE = sets.Goods(
    "龙门式起重机", "8426192100", "001", Decimal(1), Decimal("900.00")
)  # refund 13 %
TOY = sets.Goods(
    "塑料积木玩具", "9503008900", "007", Decimal(3), Decimal("20.00")
)  # no refund rate
STAMP = "20261105093000"
EBC = sets.DEMO_EBC
_SERIAL = itertools.count(1)
_CLOCK = itertools.count(1)
SCOPES = ("clearance:read", "clearance:write")


@pytest.fixture
def seller(session: Session) -> Principal:
    principal = principal_of(session, make_user(session, make_org(session)))
    goods_service.load_bundled(session, actor=principal.actor)
    return principal


def invt_no() -> str:
    return f"46002026E{next(_SERIAL):09d}"


def export_inventory(
    session: Session,
    seller: Principal,
    order_no: str,
    goods: list[sets.Goods],
    *,
    stamp: str = STAMP,
    release: str | None = "800",
    number: bool = True,
    head: dict[str, Any] | None = None,
    line: dict[str, Any] | None = None,
) -> ClearanceDocument:
    """Declare a demo export parcel's four documents, then release its inventory by receipt."""
    messages = sets.export_set(order_no, goods=goods, stamp=stamp)
    inventory = messages[3].inventory[0]
    for name, value in (head or {}).items():
        setattr(inventory.inventory_head, name, value)
    for name, value in (line or {}).items():
        for item in inventory.inventory_list:
            setattr(item, name, value)
    outcome = None
    for message in messages:
        [outcome] = service.ingest_message(session, principal=seller, data=encode(message))
    assert outcome is not None
    assert outcome.document_id is not None
    document = session.get(ClearanceDocument, outcome.document_id)
    assert document is not None
    numbers = {"invtNo": invt_no(), "preNo": f"B20261105{next(_SERIAL):09d}"} if number else None
    receipt(session, seller, document, "120", numbers)
    if release:
        receipt(session, seller, document, release)
    return document


def receipt(
    session: Session,
    seller: Principal,
    document: ClearanceDocument,
    status: str,
    numbers: dict[str, str] | None = None,
) -> None:
    service.apply_receipt(
        session,
        principal=seller,
        kind=document.kind,
        business_key=document.business_key,
        guid=str(uuid.uuid4()).upper(),
        status=status,
        return_time=str(20261106000000000 + next(_CLOCK)),
        info=None,
        numbers=numbers,
    )


def invt_of(session: Session, document: ClearanceDocument) -> str:
    return service.customs_numbers(session, [document.id])[document.id]["invtNo"]


# --- the month's candidates ----------------------------------------------------------------


def test_a_released_9610_inventory_waits_for_its_month_once(
    session: Session, seller: Principal
) -> None:
    document = export_inventory(session, seller, "SUMA1", [BRAKES])
    receipt(session, seller, document, "899")  # 结关 after 放行: still one candidate
    candidates = list(session.scalars(select(SummaryCandidate)))
    assert [(c.inventory_id, c.month, c.state) for c in candidates] == [
        (document.id, "2026-11", "pending")
    ]


def test_an_inventory_not_released_or_not_9610_does_not_wait(
    session: Session, seller: Principal
) -> None:
    export_inventory(session, seller, "SUMB1", [BRAKES], release=None)
    export_inventory(session, seller, "SUMB2", [BRAKES], head={"tradeMode": "9710"})
    export_inventory(session, seller, "SUMB3", [BRAKES], release="100")
    assert list(session.scalars(select(SummaryCandidate))) == []
    preview = service.preview_month(session, principal=seller, month="2026-11")
    assert (preview.inventories, preview.groups) == (0, [])


def test_lines_of_the_same_key_share_a_group_and_each_rule_splits(
    session: Session, seller: Principal
) -> None:
    first = export_inventory(session, seller, "SUMC1", [BRAKES])
    second = export_inventory(session, seller, "SUMC2", [BRAKES])
    preview = service.preview_month(session, principal=seller, month="2026-11")
    [group] = preview.groups
    assert group.inventory_ids == sorted([first.id, second.id])
    assert group.value == Decimal("680.00")
    assert group.qty == Decimal(8)
    assert group.invt_nos == sorted([invt_of(session, first), invt_of(session, second)])
    # Each rule: a different value of one key makes a group of its own.
    splits: list[tuple[dict[str, Any], dict[str, Any]]] = [
        ({"ebcCode": "4107900099"}, {}),  # e-commerce enterprise
        ({"trafMode": "5"}, {}),  # transport mode
        ({"country": "303"}, {}),  # destination (运抵国)
        ({"portCode": "4601"}, {}),  # exit customs
        ({}, {"currency": "502"}),  # currency
        ({}, {"country": "303"}),  # final destination of the line
    ]
    for n, (head, line) in enumerate(splits, start=1):
        export_inventory(session, seller, f"SUMC{n + 2}", [BRAKES], head=head, line=line)
    export_inventory(session, seller, "SUMC9", [CRANE])  # 10-digit code
    preview = service.preview_month(session, principal=seller, month="2026-11")
    assert len(preview.groups) == 1 + len(splits) + 1
    assert sorted(len(g.lines) for g in preview.groups) == [1] * 7 + [2]


def test_producer_seller_splits_only_with_summary_flag_2(
    session: Session, seller: Principal
) -> None:
    export_inventory(session, seller, "SUMD1", [BRAKES])
    export_inventory(session, seller, "SUMD2", [BRAKES], head={"ownerCode": "4107900077"})
    by_consignor = service.preview_month(session, principal=seller, month="2026-11")
    assert len(by_consignor.groups) == 1
    assert by_consignor.groups[0].key.owner_code == ""
    by_producer = service.preview_month(
        session, principal=seller, month="2026-11", summary_flag="2"
    )
    assert sorted(g.key.owner_code for g in by_producer.groups) == sorted(["4107900077", EBC])
    with pytest.raises(InvalidInput) as bad:
        service.preview_month(session, principal=seller, month="2026-11", summary_flag="3")
    assert bad.value.errors[0].field == "summaryFlag"


def test_months_are_kept_apart_and_a_bad_month_is_refused(
    session: Session, seller: Principal
) -> None:
    export_inventory(session, seller, "SUME1", [BRAKES])
    export_inventory(session, seller, "SUME2", [BRAKES], stamp="20261203100000")
    assert service.preview_month(session, principal=seller, month="2026-11").inventories == 1
    assert service.preview_month(session, principal=seller, month="2026-12").inventories == 1
    assert service.preview_month(session, principal=seller, month="2026-10").inventories == 0
    for bad in ("2026-13", "2026/11", "26-11", "x"):
        with pytest.raises(InvalidInput):
            service.preview_month(session, principal=seller, month=bad)


def test_goods_without_duty_refund_or_licence_need_no_application(
    session: Session, seller: Principal
) -> None:
    export_inventory(session, seller, "SUMF1", [TOY])
    preview = service.preview_month(session, principal=seller, month="2026-11")
    assert preview.groups == []
    assert [(s.gcode, s.statistics_only) for s in preview.statistics] == [("9503008900", True)]
    # The same goods with a licence, or declared for summary declaration (B), need one.
    export_inventory(session, seller, "SUMF2", [TOY], head={"licenseNo": "LIC2026001"})
    export_inventory(session, seller, "SUMF3", [TOY], head={"statisticsFlag": "B"})
    preview = service.preview_month(session, principal=seller, month="2026-11")
    assert sorted(line.why for g in preview.groups for line in g.lines) == sorted(
        [service.summary_groups.HAS_LICENCE, service.summary_groups.DECLARED_B]
    )


def test_without_refund_rates_every_line_needs_an_application(session: Session) -> None:
    seller = principal_of(session, make_user(session, make_org(session)))
    export_inventory(session, seller, "SUMG1", [TOY])
    preview = service.preview_month(session, principal=seller, month="2026-11")
    assert not preview.refund_rates_loaded
    assert [line.why for line in preview.groups[0].lines] == [
        service.summary_groups.NO_REFUND_TABLE
    ]


def test_an_inventory_without_a_customs_number_is_held_back(
    session: Session, seller: Principal
) -> None:
    document = export_inventory(session, seller, "SUMH1", [BRAKES], number=False)
    preview = service.preview_month(session, principal=seller, month="2026-11")
    assert (preview.without_number, preview.groups) == ([document.id], [])


# --- preparing the applications ------------------------------------------------------------


def test_prepare_stores_one_ceb701_per_group_listing_its_inventories(
    session: Session, seller: Principal
) -> None:
    first = export_inventory(session, seller, "SUMJ1", [BRAKES, TOY])
    second = export_inventory(session, seller, "SUMJ2", [BRAKES, CRANE])
    report = service.prepare_applications(
        session,
        principal=seller,
        month="2026-11",
        decl_agent_code=sets.DEMO_AGENT,
        decl_agent_name="新乡报关行（示范）有限公司",
    )
    assert report.finished
    assert (len(report.applications), report.lines, report.statistics_lines) == (2, 3, 1)
    assert (report.inventories_done, report.inventories_left) == (2, 0)
    applications = [session.get(ClearanceDocument, i) for i in report.applications]
    listed = sorted(
        tuple(line["invtNo"] for line in a.content["summary_apply_list"])
        for a in applications
        if a is not None
    )
    assert listed == sorted(
        [
            tuple(sorted([invt_of(session, first), invt_of(session, second)])),  # brakes
            (invt_of(session, second),),  # crane
        ]
    )
    for application in applications:
        assert application is not None
        assert application.kind == "summary_application"
        head = application.content["summary_apply_head"]
        assert (head["agentCode"], head["ebcCode"], head["declAgentCode"]) == (
            EBC,
            EBC,
            sets.DEMO_AGENT,
        )
        assert (head["summaryFlag"], head["msgCount"], head["msgSeqNo"]) == ("1", 1, 1)
    states = {c.inventory_id: c.state for c in session.scalars(select(SummaryCandidate))}
    assert states == {first.id: "applied", second.id: "applied"}
    toy_line = session.scalar(
        select(SummaryLine).where(SummaryLine.inventory_id == first.id, SummaryLine.gnum == 2)
    )
    assert toy_line is not None
    assert toy_line.statistics_only
    assert toy_line.application_id is None
    # Nothing is left, and preparing again makes nothing twice.
    again = service.prepare_applications(session, principal=seller, month="2026-11")
    assert (again.applications, again.lines, again.statistics_lines) == ([], 0, 0)
    rows = service.list_applications(session, principal=seller)
    assert sorted((r.lines, r.inventories, r.value) for r in rows) == [
        (1, 1, Decimal("900.00")),
        (2, 2, Decimal("680.00")),
    ]


def test_the_ceb701_passes_the_schema(session: Session, seller: Principal) -> None:
    export_inventory(session, seller, "SUMK1", [BRAKES])
    [group] = service.preview_month(session, principal=seller, month="2026-11").groups
    data = service.summary._application_xml(group, summary_flag="1", decl_agent=None)
    message = decode(data)
    assert [i for i in validate(message) if i.level == "schema"] == []
    head = message.summary_apply[0].summary_apply_head
    assert (head.declAgentCode, head.appType, len(head.copNo)) == (EBC, "1", 21)
    assert [line.invtNo for line in message.summary_apply[0].summary_apply_list] == group.invt_nos


def test_an_inventory_of_statistics_only_lines_is_done_without_an_application(
    session: Session, seller: Principal
) -> None:
    document = export_inventory(session, seller, "SUML1", [TOY])
    report = service.prepare_applications(session, principal=seller, month="2026-11")
    assert (report.applications, report.statistics_lines, report.finished) == ([], 1, True)
    candidate = session.scalar(
        select(SummaryCandidate).where(SummaryCandidate.inventory_id == document.id)
    )
    assert candidate is not None
    assert candidate.state == "statistics"


def test_preparation_goes_in_rounds_and_reports_progress(
    session: Session, seller: Principal
) -> None:
    for n, goods in enumerate([BRAKES, CRANE, BRAKES]):
        export_inventory(session, seller, f"SUMM{n}", [goods], head={"portCode": f"460{n}"})
    first = service.prepare_applications(session, principal=seller, month="2026-11", round_size=1)
    assert (len(first.applications), first.groups_left, first.finished) == (1, 2, False)
    assert (first.inventories_done, first.inventories_left) == (1, 2)
    second = service.prepare_applications(session, principal=seller, month="2026-11", round_size=5)
    assert (len(second.applications), second.finished, second.inventories_left) == (2, True, 0)


def test_a_declaring_enterprise_needs_a_code_and_a_name(
    session: Session, seller: Principal
) -> None:
    export_inventory(session, seller, "SUMN1", [BRAKES])
    for code, name, at in (("", "名称", "declAgentCode"), ("4107900013", "", "declAgentName")):
        with pytest.raises(InvalidInput) as bad:
            service.prepare_applications(
                session,
                principal=seller,
                month="2026-11",
                decl_agent_code=code,
                decl_agent_name=name,
            )
        assert bad.value.errors[0].field == at


# --- the CEB792 result ---------------------------------------------------------------------


def summary_result(
    agent: str,
    sum_no: str,
    lines: list[tuple[str, int, str]],
    *,
    decl_seq_no: str = "460020261000000001",
    entry_id: str | None = "460020261000123456",
) -> bytes:
    message = skeleton(message_class("CEB792Message"))
    message.guid = str(uuid.uuid4()).upper()
    result = message.summary_result[0]
    head = result.summary_result_head
    head.guid, head.sumNo, head.agentCode, head.ebcCode = (
        str(uuid.uuid4()).upper(),
        sum_no,
        agent,
        agent,
    )
    head.declSeqNo, head.entryId, head.decState = decl_seq_no, entry_id, "10"
    head.opDate = "20261210120000000"
    result.summary_result_list = [
        SummaryResultList(invtNo=invt, logisticsNo="ZE", gseqno=n, gnum=gnum, gcode=gcode)
        for n, (invt, gnum, gcode) in enumerate(lines, start=1)
    ]
    return encode(message)


def _prepared(session: Session, seller: Principal) -> tuple[ClearanceDocument, str]:
    document = export_inventory(session, seller, "SUMP1", [BRAKES])
    report = service.prepare_applications(session, principal=seller, month="2026-11")
    application = session.get(ClearanceDocument, report.applications[0])
    assert application is not None
    return application, invt_of(session, document)


def test_a_792_is_tied_by_the_sum_no_of_the_702_and_its_numbers_recorded(
    session: Session, seller: Principal
) -> None:
    application, invt = _prepared(session, seller)
    receipt(session, seller, application, "2", {"sumNo": "460020261100000007", "preNo": "B" * 18})
    [outcome] = service.ingest_message(
        session,
        principal=seller,
        data=summary_result(EBC, "460020261100000007", [(invt, 1, BRAKES.code)]),
    )
    detail = service.application_detail(session, principal=seller, application_id=application.id)
    assert detail.sum_no == "460020261100000007"
    [(link, result)] = detail.results
    assert result.id == outcome.document_id
    assert (link.linked_by, link.decl_seq_no, link.entry_id) == (
        "sumNo",
        "460020261000000001",
        "460020261000123456",
    )
    [(line, _)] = detail.lines
    assert (line.decl_seq_no, line.entry_id) == ("460020261000000001", "460020261000123456")
    [row] = service.list_applications(session, principal=seller)
    assert [r.decl_seq_no for r in row.results] == ["460020261000000001"]


def test_a_792_before_the_702_is_tied_by_its_inventories(
    session: Session, seller: Principal
) -> None:
    application, invt = _prepared(session, seller)
    service.ingest_message(
        session,
        principal=seller,
        data=summary_result(EBC, "460020261100000008", [(invt, 1, BRAKES.code)], entry_id=None),
    )
    [(link, _)] = service.application_detail(
        session, principal=seller, application_id=application.id
    ).results
    assert (link.linked_by, link.sum_no, link.entry_id) == (
        "inventories",
        "460020261100000008",
        None,
    )


def test_a_792_naming_nothing_we_applied_for_is_kept_untied(
    session: Session, seller: Principal
) -> None:
    application, _ = _prepared(session, seller)
    [outcome] = service.ingest_message(
        session,
        principal=seller,
        data=summary_result(EBC, "460020261100000009", [("46002026E999999999", 1, "8708300000")]),
    )
    assert outcome.result == "new"
    detail = service.application_detail(session, principal=seller, application_id=application.id)
    assert detail.results == []


def test_an_application_page_shows_only_applications(session: Session, seller: Principal) -> None:
    document = export_inventory(session, seller, "SUMQ1", [BRAKES])
    with pytest.raises(NotFound):
        service.application_detail(session, principal=seller, application_id=document.id)


# --- the deadline and the reminder ---------------------------------------------------------


def test_the_deadline_is_the_15th_of_the_next_month() -> None:
    assert service.deadline_of("2026-11") == dt.date(2026, 12, 15)
    assert service.deadline_of("2026-12") == dt.date(2027, 1, 15)


def test_a_month_is_due_from_the_1st_and_late_after_the_15th(
    session: Session, seller: Principal
) -> None:
    export_inventory(session, seller, "SUMR1", [BRAKES])
    assert service.due_months(session, principal=seller, today=dt.date(2026, 11, 30)) == []
    [due] = service.due_months(session, principal=seller, today=dt.date(2026, 12, 1))
    assert (due.month, due.pending, due.late) == ("2026-11", 1, False)
    [late] = service.due_months(session, principal=seller, today=dt.date(2026, 12, 16))
    assert late.late
    service.prepare_applications(session, principal=seller, month="2026-11")
    assert service.due_months(session, principal=seller, today=dt.date(2026, 12, 16)) == []
    [month] = service.months(session, principal=seller, today=dt.date(2026, 12, 16))
    assert (month.pending, month.done, month.late) == (0, 1, False)


def test_the_home_to_do_reminds_and_says_when_late(
    session: Session, seller: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    export_inventory(session, seller, "SUMS1", [BRAKES])
    monkeypatch.setattr(service.summary, "china_today", lambda: dt.date(2026, 12, 2))
    [todo] = summary_todos(session, seller)
    assert todo.href == "/clearance/summary/2026-11"
    assert "late" not in todo.text
    monkeypatch.setattr(service.summary, "china_today", lambda: dt.date(2026, 12, 20))
    [late] = summary_todos(session, seller)
    assert "late" in late.text
    assert late.values is not None
    assert late.values["deadline"] == "2026-12-15"


def test_a_grouping_key_reads_as_text() -> None:
    key = service.GroupKey("4600", "A", "E", "", "3", "304", "4600", "142", "8708300000", "142")
    assert key.text() == "4600|A|E||3|304|4600|142|8708300000|142"
    assert dataclasses.replace(key, gcode="1").text().endswith("|1|142")


# --- pages and API -------------------------------------------------------------------------


def test_the_summary_pages_preview_prepare_in_rounds_and_show_the_result(
    client: TestClient, session: Session
) -> None:
    user = make_user(session, make_org(session))
    seller = principal_of(session, user)
    goods_service.load_bundled(session, actor=seller.actor)
    first = export_inventory(session, seller, "SUMT1", [BRAKES, TOY])
    export_inventory(session, seller, "SUMT2", [CRANE], head={"portCode": "4601"})
    log_in(client, user.username)
    en = {"accept-language": "en"}
    overview = client.get("/clearance/summary", headers=en)
    assert "2026-11" in overview.text
    month = client.get("/clearance/summary/2026-11", headers=en)
    assert "Groups: one application each" in month.text
    assert "8708300000" in month.text
    assert "no duty, refund or licence" in month.text
    assert "<meter" in month.text
    column = '<th scope="col">Producer/seller</th>'
    assert column not in month.text
    assert column in client.get("/clearance/summary/2026-11?summary_flag=2", headers=en).text
    token = csrf_from(month.text)
    bad = client.post(
        "/clearance/summary/2026-11/prepare",
        data={"csrf_token": token, "decl_agent_code": "X", "decl_agent_name": ""},
        headers=en,
    )
    assert bad.status_code == 422
    assert "declaring enterprise&#39;s name" in bad.text
    with patch.object(summary_pages, "SUMMARY_ROUND", 1):
        round_one = client.post(
            "/clearance/summary/2026-11/prepare", data={"csrf_token": token}, headers=en
        )
    assert round_one.status_code == 200
    assert "1 of 2 released inventories prepared" in round_one.text
    assert "Continue" in round_one.text
    round_two = client.post(
        "/clearance/summary/2026-11/prepare", data={"csrf_token": token}, headers=en
    )
    assert "2 of 2 released inventories prepared" in round_two.text
    assert "Every group of the month is prepared." in round_two.text
    [application] = [
        r.document
        for r in service.list_applications(session, principal=seller)
        if r.document.content["summary_apply_list"][0]["invtNo"] == invt_of(session, first)
    ]
    receipt(session, seller, application, "2", {"sumNo": "460020261100000011"})
    service.ingest_message(
        session,
        principal=seller,
        data=summary_result(EBC, "460020261100000011", [(invt_of(session, first), 1, BRAKES.code)]),
    )
    page = client.get(f"/clearance/summary/applications/{application.id}", headers=en)
    assert "460020261000123456" in page.text
    assert "460020261100000011" in page.text
    zh = client.get("/clearance/summary", headers={"accept-language": "zh-CN"})
    assert "460020261000123456" in zh.text
    assert client.get(f"/clearance/summary/applications/{first.id}").status_code == 404
    assert client.get("/clearance/summary/2026-13").status_code == 422


def test_the_summary_api(client: TestClient, session: Session) -> None:
    org = make_org(session)
    seller = principal_of(session, make_user(session, org))
    goods_service.load_bundled(session, actor=seller.actor)
    document = export_inventory(session, seller, "SUMU1", [BRAKES, TOY])
    headers = {"authorization": f"Bearer {make_key(session, org, scopes=SCOPES)}"}
    month = client.get("/api/v1/clearance/summary/2026-11", headers=headers)
    assert month.status_code == 200
    body = month.json()
    assert (body["inventories"], body["deadline"], body["refund_rates_loaded"]) == (
        1,
        "2026-12-15",
        True,
    )
    [group] = body["groups"]
    assert (group["key"]["gcode"], group["value"], group["invt_nos"]) == (
        BRAKES.code,
        "340.00",
        [invt_of(session, document)],
    )
    assert [s["gcode"] for s in body["statistics"]] == [TOY.code]
    assert client.get("/api/v1/clearance/summary/2026-1", headers=headers).status_code == 422
    refused = client.post(
        "/api/v1/clearance/summary/2026-11/applications",
        json={"decl_agent_code": "4107900013"},
        headers=headers,
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "declAgentName"
    prepared = client.post(
        "/api/v1/clearance/summary/2026-11/applications", json={}, headers=headers
    )
    assert prepared.status_code == 200
    report = prepared.json()
    assert (report["finished"], report["lines"], report["statistics_lines"]) == (True, 1, 1)
    listed = client.get("/api/v1/clearance/summary-applications", headers=headers).json()
    assert [(a["lines"], a["value"]) for a in listed] == [(1, "340.00000")]
    one = client.get(
        f"/api/v1/clearance/summary-applications/{report['applications'][0]}", headers=headers
    ).json()
    assert (one["document"]["kind"], one["sum_no"], one["results"]) == (
        "summary_application",
        None,
        [],
    )
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/v1/clearance/summary/{month}/applications" in paths


def test_an_inventory_split_across_rounds_keeps_its_prepared_lines(
    session: Session, seller: Principal
) -> None:
    document = export_inventory(session, seller, "SUMV1", [BRAKES, CRANE])
    first = service.prepare_applications(session, principal=seller, month="2026-11", round_size=1)
    assert (len(first.applications), first.groups_left, first.inventories_done) == (1, 1, 0)
    preview = service.preview_month(session, principal=seller, month="2026-11")
    # Groups go in key order: the crane's code (line 2) sorts before the brakes' (line 1).
    assert [line.gnum for g in preview.groups for line in g.lines] == [1]
    second = service.prepare_applications(session, principal=seller, month="2026-11")
    assert (second.finished, second.inventories_done) == (True, 1)
    lines = session.scalars(select(SummaryLine).where(SummaryLine.inventory_id == document.id))
    assert sorted(line.gnum for line in lines) == [1, 2]


def test_a_month_needs_an_export_date() -> None:
    for ie_date, month in (("20261105", "2026-11"), ("", None), ("2026110X", None)):
        document = ClearanceDocument(content={"inventory_head": {"ieDate": ie_date}})
        assert service.summary_groups.month_of(document) == month


def test_a_flat_documents_numbers_are_read_from_itself() -> None:
    document = ClearanceDocument(id=1, content={"invtNo": "A1"})
    assert service.summary_groups.number_of(document, {}, "invtNo") == "A1"
    assert service.summary_groups.number_of(document, {1: {"invtNo": "B2"}}, "invtNo") == "B2"


def test_preparing_an_empty_month_says_so(client: TestClient, session: Session) -> None:
    user = make_user(session, make_org(session))
    log_in(client, user.username)
    token = csrf_from(client.get("/clearance/summary/2026-10").text)
    page = client.post(
        "/clearance/summary/2026-10/prepare",
        data={"csrf_token": token},
        headers={"accept-language": "en"},
    )
    assert page.status_code == 200
    assert "0 of 0 released inventories prepared" in page.text
    assert "Every group of the month is prepared." in page.text


def test_an_application_summarised_into_two_declarations_keeps_both(
    session: Session, seller: Principal
) -> None:
    application, invt = _prepared(session, seller)
    receipt(session, seller, application, "399", {"sumNo": "460020261100000012"})
    for seq, line in (("460020261000000021", 1), ("460020261000000022", 2)):
        service.ingest_message(
            session,
            principal=seller,
            data=summary_result(
                EBC, "460020261100000012", [(invt, line, BRAKES.code)], decl_seq_no=seq
            ),
        )
    detail = service.application_detail(session, principal=seller, application_id=application.id)
    assert sorted(link.decl_seq_no for link, _ in detail.results) == [
        "460020261000000021",
        "460020261000000022",
    ]
