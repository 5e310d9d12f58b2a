"""Manual and bulk entry: CSV/XLSX rows and web forms declared through the one ingest path."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opencbec.audit.models import AuditEntry
from opencbec.clearance import service
from opencbec.clearance.models import ClearanceDocument
from opencbec.errors import Conflict, InvalidInput, NotFound
from opencbec.identity.rules import Principal
from opencbec.kit.tables import MAX_TABLE_BYTES
from tests.factories.identity import csrf_from, log_in, make_key, make_org, make_user, principal_of

KINDS = ("order", "payment", "waybill", "inventory")


@pytest.fixture
def seller(session: Session) -> Principal:
    return principal_of(session, make_user(session, make_org(session)))


def example(kind: str) -> dict[str, str]:
    """Return the template's example row of `kind` as a mapping."""
    reader = csv.reader(io.StringIO(service.template_csv(kind).decode("utf-8-sig")))
    header, row = next(reader), next(reader)
    return dict(zip(header, row, strict=True))


def table(rows: Sequence[Mapping[str, str]], header: Sequence[str] | None = None) -> bytes:
    """Return rows as UTF-8 CSV; the header is the first row's keys unless given."""
    columns = list(header or rows[0])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([[r.get(c, "") for c in columns] for r in rows])
    return buffer.getvalue().encode()


def order_rows(order_no: str, lines: int = 1, **head: str) -> list[dict[str, str]]:
    """Return the rows of one valid order with `lines` goods lines of 100.00 each."""
    base = example("order") | {"orderNo": order_no}
    base |= {"goodsValue": f"{100 * lines}.00", "acturalPaid": f"{100 * lines + 9}.10"} | head
    return [base | {"gnum": str(n), "itemNo": f"SKU{n:03d}"} for n in range(1, lines + 1)]


def refused(session: Session, principal: Principal, kind: str, content: bytes) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        service.enter_table(session, principal=principal, kind=kind, content=content)
    return caught.value


def fields(error: InvalidInput) -> dict[str, str]:
    return {e.field: e.code for e in error.errors}


def stored(session: Session, kind: str | None = None) -> int:
    stmt = select(func.count()).select_from(ClearanceDocument)
    if kind:
        stmt = stmt.where(ClearanceDocument.kind == kind)
    return int(session.scalar(stmt) or 0)


def content_of(session: Session, kind: str) -> list[dict[str, Any]]:
    return [
        d.content
        for d in session.scalars(
            select(ClearanceDocument)
            .where(ClearanceDocument.kind == kind)
            .order_by(ClearanceDocument.id)
        )
    ]


# --- tables that are declared ----------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_template_example_row_is_declared_once(
    session: Session, seller: Principal, kind: str
) -> None:
    content = service.template_csv(kind)
    first = service.enter_table(session, principal=seller, kind=kind, content=content)
    assert (first.rows, first.documents, first.messages, first.results) == (1, 1, 1, {"new": 1})
    again = service.enter_table(session, principal=seller, kind=kind, content=content)
    assert again.results == {"duplicate": 1}
    assert again.outcomes[0].document_id == first.outcomes[0].document_id
    assert stored(session, kind) == 1


def test_orders_grouped_by_order_number(session: Session, seller: Principal) -> None:
    one, two = order_rows("A-1", lines=2), order_rows("A-2", lines=1)
    # Rows of one order need not be next to each other; blank head cells take the first row's.
    continuation = dict.fromkeys(one[1], "") | {
        k: one[1][k] for k in ("ebpCode", "orderNo", "gnum", "itemNo")
    }
    continuation |= {k: one[1][k] for k in ("itemName", "gmodel", "unit", "qty", "price")}
    continuation |= {"totalPrice": "100.00", "country": "116"}
    content = table([one[0], two[0], continuation])
    report = service.enter_table(session, principal=seller, kind="order", content=content)
    assert (report.rows, report.documents, report.results) == (3, 2, {"new": 2})
    orders = content_of(session, "order")
    assert [len(o["order_list"]) for o in orders] == [2, 1]
    assert [line["itemNo"] for line in orders[0]["order_list"]] == ["SKU001", "SKU002"]
    assert orders[0]["order_head"]["buyerName"] == "张三"
    assert orders[0]["order_head"]["currency"] == "142"  # fixed values filled in
    assert len(orders[0]["order_head"]["appTime"]) == 14


def test_documents_are_sent_in_messages_of_at_most_100(session: Session, seller: Principal) -> None:
    rows = [example("payment") | {"payTransactionId": f"P{n:05d}"} for n in range(250)]
    report = service.enter_table(session, principal=seller, kind="payment", content=table(rows))
    assert (report.documents, report.messages) == (250, 3)
    assert stored(session, "payment") == 250
    audit = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "clearance.document.entry")
    ).one()
    assert audit.details["documents"] == 250
    assert audit.details["results"] == {"new": 250}


def workbook(row: Mapping[str, str]) -> bytes:
    """Return one row as an XLSX workbook, numbers that look like numbers stored as numbers."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(row))
    sheet.append([float(v) if v == "0.6" else v for v in row.values()])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_is_read_like_csv(session: Session, seller: Principal) -> None:
    content = workbook(example("waybill"))
    report = service.enter_table(session, principal=seller, kind="waybill", content=content)
    assert report.results == {"new": 1}
    assert content_of(session, "waybill")[0]["logistics_head"]["weight"] == "0.6"


def test_quotes_commas_and_newlines_in_cells_are_kept(session: Session, seller: Principal) -> None:
    note = '他说"好", 然后\n第二行'
    content = table([example("payment") | {"note": note}])
    assert '"他说""好"", 然后\n第二行"'.encode() in content
    service.enter_table(session, principal=seller, kind="payment", content=content)
    assert content_of(session, "payment")[0]["payment_head"]["note"] == note


def test_a_change_keeps_the_previous_version(session: Session, seller: Principal) -> None:
    service.enter_table(
        session, principal=seller, kind="payment", content=table([example("payment")])
    )
    changed = example("payment") | {"appType": "2", "telephone": "13900000000"}
    report = service.enter_table(
        session, principal=seller, kind="payment", content=table([changed])
    )
    assert report.results == {"changed": 1}
    [document] = session.scalars(select(ClearanceDocument)).all()
    assert document.version == 2


def test_phone_numbers_with_a_plus_are_not_formulas(session: Session, seller: Principal) -> None:
    row = example("payment") | {"telephone": "+86 138-0000-0000"}
    service.enter_table(session, principal=seller, kind="payment", content=table([row]))
    assert content_of(session, "payment")[0]["payment_head"]["telephone"] == "+86 138-0000-0000"


# --- hostile tables ---------------------------------------------------------------------------


def test_not_utf8_is_refused(session: Session, seller: Principal) -> None:
    content = table([example("payment")]).decode().encode("gb18030")
    error = refused(session, seller, "payment", content)
    assert fields(error) == {"file": "file"}
    assert "UTF-8" in error.errors[0].reason.en
    assert "UTF-8" in error.errors[0].reason.zh
    assert stored(session) == 0


@pytest.mark.parametrize("cell", ["=CMD()", "@SUM(A1)", "+1+cmd|' /C calc'!A0", "-2+3", "=1"])
def test_formula_cells_are_refused(session: Session, seller: Principal, cell: str) -> None:
    error = refused(session, seller, "payment", table([example("payment") | {"payerName": cell}]))
    assert fields(error) == {"row 2/payerName": "formula"}
    assert "formula" in error.errors[0].reason.en
    assert "公式" in error.errors[0].reason.zh


def test_missing_unknown_and_repeated_columns(session: Session, seller: Principal) -> None:
    row = example("order")
    del row["buyerName"], row["gnum"]
    error = refused(session, seller, "order", table([row]))
    assert error.errors[0].field == "header"
    assert "buyerName, gnum" in error.errors[0].reason.en
    assert "缺少必填列" in error.errors[0].reason.zh
    error = refused(session, seller, "order", table([example("order") | {"OrderNo": "x"}]))
    assert "did you mean 'orderNo'" in error.errors[0].reason.en
    header = [*example("payment"), "payCode"]
    error = refused(session, seller, "payment", table([example("payment")], header=header))
    assert "appears 2 times" in error.errors[0].reason.en
    inventory = example("inventory")
    del inventory["copNo"]  # optional in the XSD, but the key that groups an inventory's lines
    error = refused(session, seller, "inventory", table([inventory]))
    assert "copNo" in error.errors[0].reason.en


def test_oversize_empty_and_ragged_files(session: Session, seller: Principal) -> None:
    big = table([example("payment")]) + b"x" * MAX_TABLE_BYTES
    assert "larger than" in refused(session, seller, "payment", big).errors[0].reason.en
    header_only = table([example("payment")]).split(b"\r\n")[0] + b"\r\n"
    assert "no rows" in refused(session, seller, "payment", header_only).errors[0].reason.en
    ragged = table([example("payment")]).rstrip() + b",surplus\r\n"
    assert "more cells" in refused(session, seller, "payment", ragged).errors[0].reason.en


def test_huge_cells_and_control_characters(session: Session, seller: Principal) -> None:
    huge = table([example("payment") | {"note": "x" * 200_000}])
    error = refused(session, seller, "payment", huge)
    assert fields(error) == {"file": "file"}
    assert "field larger than field limit" in error.errors[0].reason.en
    long_note = table([example("payment") | {"note": "x" * 1001}])
    assert fields(refused(session, seller, "payment", long_note)) == {"row 2/note": "too_long"}
    nul = table([example("payment") | {"payerName": "张\x00三"}])
    assert fields(refused(session, seller, "payment", nul)) == {"row 2/payerName": "bad_char"}


def test_too_many_rows(session: Session, seller: Principal) -> None:
    row = ",".join(example("payment").values())
    content = ",".join(example("payment")) + "\n" + (row + "\n") * (service.MAX_ENTRY_ROWS + 1)
    error = refused(session, seller, "payment", content.encode())
    assert f"more than {service.MAX_ENTRY_ROWS} rows" in error.errors[0].reason.en


@pytest.mark.parametrize("value", ["1,000.00", "12元", "1e3", "NaN", "１００"])
def test_wrong_numbers_name_row_and_column(session: Session, seller: Principal, value: str) -> None:
    rows = [
        example("payment"),
        example("payment") | {"payTransactionId": "P2", "amountPaid": value},
    ]
    error = refused(session, seller, "payment", table(rows))
    assert fields(error) == {"row 3/amountPaid": "not_a_number"}
    assert error.errors[0].reason.en.startswith("row 3, amountPaid:")
    assert error.errors[0].reason.zh.startswith("第 3 行 amountPaid：")
    assert "1 of 2 row(s)" in error.message.en
    assert stored(session) == 0


def test_a_whole_number_is_required_for_gnum(session: Session, seller: Principal) -> None:
    error = refused(session, seller, "order", table([example("order") | {"gnum": "1.5"}]))
    assert fields(error) == {"row 2/gnum": "not_a_number"}


def test_length_counts_characters_not_bytes(session: Session, seller: Principal) -> None:
    row = example("payment") | {"payerName": "张" * 61}
    error = refused(session, seller, "payment", table([row]))
    assert fields(error) == {"row 2/payerName": "too_long"}
    assert "at most 60 characters allowed, 61 given" in error.errors[0].reason.en
    assert "最多 60 个字符，实为 61 个" in error.errors[0].reason.zh
    row["payerName"] = "张" * 60  # 180 bytes in UTF-8, 60 characters
    service.enter_table(session, principal=seller, kind="payment", content=table([row]))
    assert stored(session, "payment") == 1


def test_validator_findings_point_at_rows(session: Session, seller: Principal) -> None:
    rows = order_rows("B-1", lines=2) + order_rows("B-2", lines=1, acturalPaid="1.00")
    rows[1]["gnum"] = "3"
    rows[0]["buyerIdNumber"] = rows[1]["buyerIdNumber"] = "110105194912310021"
    error = refused(session, seller, "order", table(rows))
    assert fields(error) == {
        "row 2/buyerIdNumber": "id_check",
        "row 3/gnum": "gnum",
        "row 4/acturalPaid": "amount",
    }


def test_more_than_99_lines_in_one_order(session: Session, seller: Principal) -> None:
    error = refused(session, seller, "order", table(order_rows("C-1", lines=100)))
    assert fields(error) == {"row 2/gnum": "too_many"}


def test_head_fields_must_agree_within_a_document(session: Session, seller: Principal) -> None:
    rows = order_rows("D-1", lines=2)
    rows[1]["buyerName"] = "李四"
    error = refused(session, seller, "order", table(rows))
    assert fields(error) == {"row 3/buyerName": "head_differs"}
    assert "row 2" in error.errors[0].reason.en


def test_keys_blank_or_repeated(session: Session, seller: Principal) -> None:
    error = refused(session, seller, "payment", table([example("payment"), example("payment")]))
    assert fields(error) == {"row 3/payTransactionId": "duplicate"}
    error = refused(session, seller, "order", table([example("order") | {"orderNo": ""}]))
    assert fields(error) == {"row 2/orderNo": "required"}
    inventory = example("inventory") | {"copNo": "", "buyerName": ""}
    error = refused(session, seller, "inventory", table([inventory]))
    assert fields(error) == {"row 2/copNo": "required", "row 2/buyerName": "required"}
    assert "tells the documents apart" in error.errors[0].reason.en


def test_one_bad_document_stores_nothing(session: Session, seller: Principal) -> None:
    rows = order_rows("E-1") + order_rows("E-2", buyerName="")
    error = refused(session, seller, "order", table(rows))
    assert fields(error) == {"row 3/buyerName": "required"}
    assert stored(session) == 0


def test_a_refusal_by_ingest_rolls_back_the_whole_file(session: Session, seller: Principal) -> None:
    service.enter_table(session, principal=seller, kind="order", content=table(order_rows("F-2")))
    # F-2 again with other content and appType 1: ingest refuses it, after F-1 was stored.
    rows = order_rows("F-1") + order_rows("F-2", buyerRegNo="other")
    with pytest.raises(Conflict) as caught:
        service.enter_table(session, principal=seller, kind="order", content=table(rows))
    assert "Nothing from this entry was stored" in caught.value.message.en
    assert "本次录入未保存任何内容" in caught.value.message.zh
    assert [o["order_head"]["orderNo"] for o in content_of(session, "order")] == ["F-2"]


def test_the_same_table_from_another_declarant_is_not_a_duplicate(session: Session) -> None:
    first = principal_of(session, make_user(session, make_org(session)))
    second = principal_of(session, make_user(session, make_org(session)))
    content = service.template_csv("waybill")
    service.enter_table(session, principal=first, kind="waybill", content=content)
    # Guids are derived per declarant: the second is refused the first's key, not told "duplicate".
    with pytest.raises(NotFound) as caught:
        service.enter_table(session, principal=second, kind="waybill", content=content)
    assert "belongs to another declarant" in caught.value.message.en


def test_unknown_kind(session: Session, seller: Principal) -> None:
    with pytest.raises(NotFound):
        service.enter_table(session, principal=seller, kind="export_order", content=b"a\n1\n")


# --- templates --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_templates_hold_no_formula_cells(kind: str) -> None:
    content = service.template_csv(kind)
    assert content.startswith("\ufeff".encode())
    for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))):
        assert row, "no empty rows"
        assert not [c for c in row if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    names = list(example(kind))
    required = {c.name for c in service.entry_kind(kind).columns if c.required}
    assert required <= set(names)


def test_safe_cell() -> None:
    assert service.safe_cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert service.safe_cell("@x") == "'@x"
    assert service.safe_cell("-1+1") == "'-1+1"
    assert service.safe_cell("+86 138") == "+86 138"
    assert service.safe_cell("-12.5") == "-12.5"
    assert service.safe_cell("") == ""


# --- the form ---------------------------------------------------------------------------------


def form_of(kind: str) -> tuple[dict[str, str], list[dict[str, str]]]:
    row = example(kind)
    entry = service.entry_kind(kind)
    head = {c.name: row.get(c.name, "") for c in entry.head_columns}
    line = {c.name: row.get(c.name, "") for c in entry.line_columns}
    blank = {c.name: "" for c in entry.line_columns}
    return head, [line, blank, blank, blank, blank]


def test_form_declares_one_order(session: Session, seller: Principal) -> None:
    head, lines = form_of("order")
    report = service.enter_form(session, principal=seller, kind="order", head=head, lines=lines)
    assert report.results == {"new": 1}
    again = service.enter_form(session, principal=seller, kind="order", head=head, lines=lines)
    assert again.results == {"duplicate": 1}


def test_form_faults_name_form_fields(session: Session, seller: Principal) -> None:
    head, lines = form_of("order")
    head["buyerName"] = "王" * 61
    lines[2] = lines[0] | {"gnum": "2", "qty": "two"}
    with pytest.raises(InvalidInput) as caught:
        service.enter_form(session, principal=seller, kind="order", head=head, lines=lines)
    assert fields(caught.value) == {"buyerName": "too_long", "lines[3].qty": "not_a_number"}
    head, lines = form_of("order")
    with pytest.raises(InvalidInput) as caught:
        service.enter_form(session, principal=seller, kind="order", head=head, lines=[lines[1]] * 5)
    assert fields(caught.value) == {"lines[1].gnum": "invalid"}
    # Every fault is named at once: a formula, a wrong number, a missing key field.
    payment, _ = form_of("payment")
    payment |= {"payCode": "=1", "amountPaid": "x", "payTransactionId": ""}
    with pytest.raises(InvalidInput) as caught:
        service.enter_form(session, principal=seller, kind="payment", head=payment)
    assert fields(caught.value) == {
        "payCode": "formula",
        "amountPaid": "not_a_number",
        "payTransactionId": "required",
    }
    assert stored(session) == 0


# --- pages and API ----------------------------------------------------------------------------


@pytest.fixture
def browser(client: TestClient, session: Session) -> tuple[TestClient, str]:
    log_in(client, make_user(session, make_org(session)).username)
    return client, csrf_from(client.get("/clearance/entry").text)


def test_entry_page_and_upload(browser: tuple[TestClient, str]) -> None:
    client, token = browser
    page = client.get("/clearance/entry", headers={"accept-language": "en"})
    assert page.status_code == 200
    assert 'href="/clearance/entry/order/template.csv"' in page.text
    assert 'href="/clearance/entry/inventory"' in page.text
    assert 'href="/clearance/entry"' in client.get("/clearance").text

    def upload(content: bytes, language: str) -> Any:
        return client.post(
            "/clearance/entry",
            data={"csrf_token": token, "kind": "payment"},
            files={"file": ("p.csv", content, "text/csv")},
            headers={"accept-language": language},
        )

    sent = upload(table([example("payment")]), "en")
    assert sent.status_code == 200
    assert "stored as a new document" in sent.text
    assert "already received" in upload(table([example("payment")]), "en").text
    bad = upload(
        table([example("payment") | {"amountPaid": "1,5", "payTransactionId": "x"}]), "zh-CN"
    )
    assert bad.status_code == 422
    assert "第 2 行 amountPaid：&#39;1,5&#39; 不是数值" in bad.text
    assert 'value="payment" selected' in bad.text


def test_template_download(browser: tuple[TestClient, str]) -> None:
    client, _ = browser
    response = client.get("/clearance/entry/inventory/template.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="inventory.csv"'
    assert response.content == service.template_csv("inventory")
    assert client.get("/clearance/entry/refund/template.csv").status_code == 404


def test_form_page_re_renders_with_errors(browser: tuple[TestClient, str]) -> None:
    client, token = browser
    page = client.get("/clearance/entry/order", headers={"accept-language": "en"})
    assert page.status_code == 200
    assert page.text.count("<legend>") == 1 + service.FORM_LINES
    head, lines = form_of("order")
    data = {"csrf_token": token, **head} | {
        f"lines[{n}].{k}": v for n, line in enumerate(lines, 1) for k, v in line.items()
    }
    bad = client.post(
        "/clearance/entry/order",
        data=data | {"buyerName": "赵" * 61, "lines[1].price": "abc"},
        headers={"accept-language": "zh-CN"},
    )
    assert bad.status_code == 422
    assert 'value="' + "赵" * 61 + '"' in bad.text  # what was typed is shown again
    assert 'aria-describedby="h-buyerName-error"' in bad.text
    assert '<small class="missing" id="h-buyerName-error">最多 60 个字符，实为 61 个</small>' in (
        bad.text
    )
    assert 'id="l1-price-error">&#39;abc&#39; 不是数值' in bad.text
    english = client.post(
        "/clearance/entry/order",
        data=data | {"buyerName": ""},
        headers={"accept-language": "en"},
    )
    assert 'id="h-buyerName-error">is required</small>' in english.text
    good = client.post("/clearance/entry/order", data=data, follow_redirects=False)
    assert good.status_code == 303
    assert client.get(good.headers["location"]).status_code == 200


def test_payment_and_waybill_forms(browser: tuple[TestClient, str]) -> None:
    client, token = browser
    for kind in ("payment", "waybill"):
        page = client.get(f"/clearance/entry/{kind}")
        assert "<legend>" in page.text
        assert 'name="lines[1]' not in page.text
        head, _ = form_of(kind)
        sent = client.post(
            f"/clearance/entry/{kind}", data={"csrf_token": token, **head}, follow_redirects=False
        )
        assert sent.status_code == 303, sent.text


def test_inventory_form(browser: tuple[TestClient, str]) -> None:
    client, token = browser
    page = client.get("/clearance/entry/inventory", headers={"accept-language": "en"})
    assert 'name="lines[5].InventoryList.country"' in page.text
    assert 'name="guid"' not in page.text  # set by the platform
    head, lines = form_of("inventory")
    data = {"csrf_token": token, **head, **{f"lines[1].{k}": v for k, v in lines[0].items()}}
    sent = client.post("/clearance/entry/inventory", data=data, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    document = client.get(sent.headers["location"], headers={"accept-language": "en"})
    assert "CEB621Message" in document.text


def test_api(client: TestClient, session: Session) -> None:
    org = make_org(session)
    writer = {
        "authorization": f"Bearer {make_key(session, org, scopes=('clearance:write', 'clearance:read'))}"
    }
    reader = {"authorization": f"Bearer {make_key(session, org, scopes=('clearance:read',))}"}
    content = table(order_rows("G-1", lines=2) + order_rows("G-2"))
    csv_type = {"content-type": "text/csv"}
    assert (
        client.post("/api/v1/clearance/entries/order", content=content, headers=reader | csv_type)
    ).status_code == 403
    sent = client.post(
        "/api/v1/clearance/entries/order", content=content, headers=writer | csv_type
    )
    assert sent.status_code == 200
    body = sent.json()
    assert (body["rows"], body["documents"], body["messages"]) == (3, 2, 1)
    assert body["results"] == {"new": 2}
    again = client.post(
        "/api/v1/clearance/entries/order", content=content, headers=writer | csv_type
    )
    assert again.json()["results"] == {"duplicate": 2}
    bad = client.post(
        "/api/v1/clearance/entries/payment",
        content=table([example("payment") | {"payerName": "=CMD()"}]),
        headers=writer | csv_type,
    )
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert bad.json()["errors"][0]["field"] == "row 2/payerName"
    assert bad.json()["errors"][0]["reason_zh"]
    assert (
        client.post("/api/v1/clearance/entries/refund", content=content, headers=writer)
    ).status_code == 422
    template = client.get("/api/v1/clearance/entries/waybill/template", headers=reader)
    assert template.content == service.template_csv("waybill")
    kinds = client.get("/api/v1/clearance/entries", headers=reader).json()
    assert [k["name"] for k in kinds] == list(KINDS)
    order = kinds[0]
    assert order["one_row_per"] == "goods line"
    assert {
        "name": "currency",
        "required": False,
        "line": False,
        "format": "C3",
        "default": "142",
    } in (order["columns"])
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = client.post(
        "/api/v1/clearance/entries/waybill",
        content=workbook(example("waybill")),
        headers=writer | {"content-type": xlsx},
    )
    assert sheet.json()["results"] == {"new": 1}
    paths = client.get("/openapi.json").json()["paths"]
    assert xlsx in paths["/api/v1/clearance/entries/{kind}"]["post"]["requestBody"]["content"]
    assert "text/csv" in paths["/api/v1/clearance/entries/{kind}"]["post"]["requestBody"]["content"]


def test_a_value_under_a_column_without_a_name(session: Session, seller: Principal) -> None:
    row = example("payment")
    content = table([row | {"": "stray"}], header=[*row, ""])
    error = refused(session, seller, "payment", content)
    assert fields(error) == {"row 2/-": "unknown_column"}
    blank_column = table([row | {"": ""}], header=[*row, ""])  # an empty column is ignored
    service.enter_table(session, principal=seller, kind="payment", content=blank_column)
