"""Parks, belts and the published source-factory list: registration, search, filters, export."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from opencbec.demo import service as demo_service
from opencbec.enterprise import service
from opencbec.errors import Conflict, Forbidden, InvalidInput, NotFound
from opencbec.identity.models import OrgRole
from opencbec.identity.rules import Principal
from tests.factories.identity import csrf_from, log_in, make_org, make_user, principal_of


@pytest.fixture
def zone(session: Session) -> Principal:
    return principal_of(
        session, make_user(session, make_org(session, roles=(OrgRole.ZONE_ADMINISTRATION,)))
    )


def _factory(**changes: str) -> dict[str, str]:
    data = {
        "belt": "lifting",
        "park": "",
        "name_zh": "测试起重厂",
        "name_en": "Test Crane Works",
        "county": "长垣市",
        "products_zh": "桥式起重机",
        "products_en": "Overhead cranes",
        "markets": "kz, uz",
    }
    data.update(changes)
    return data


def test_register_publish_and_search(session: Session, zone: Principal) -> None:
    service.create_belt(
        session, principal=zone, code="lifting", name_zh="起重装备", name_en="Lifting equipment"
    )
    park = service.create_park(
        session,
        principal=zone,
        data={
            "code": "cy",
            "name_zh": "长垣园区",
            "name_en": "Changyuan Park",
            "district": "长垣市",
            "focus_zh": "起重",
            "focus_en": "Lifting",
        },
    )
    factory = service.register_factory(session, principal=zone, data=_factory(park="cy"))
    assert factory.markets == ["KZ", "UZ"]
    assert factory.park_id == park.id
    assert service.search_factories(session)[1] == 0  # not published yet
    assert service.publish_factories(session, principal=zone, factory_ids=[factory.id]) == 1
    assert service.publish_factories(session, principal=zone, factory_ids=[factory.id]) == 0
    for query in ("起重机", "OVERHEAD", "ｃｒａｎｅ", "lifting equipment", "kz"):
        assert service.search_factories(session, query=query)[1] == 1, query
    assert service.search_factories(session, query="电池")[1] == 0
    assert service.search_factories(session, belt="lifting", park="cy", market="kz")[1] == 1
    assert service.search_factories(session, market="US")[1] == 0
    with pytest.raises(NotFound):
        service.publish_factories(session, principal=zone, factory_ids=[999_999])


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"belt": "space"}, "belt"),
        ({"park": "nowhere"}, "park"),
        ({"markets": "Kazakhstan"}, "markets"),
        ({"markets": ""}, "markets"),
        ({"name_zh": "x"}, "name_zh"),
    ],
)
def test_bad_factories_name_the_field(
    session: Session, zone: Principal, changes: dict[str, str], field: str
) -> None:
    service.create_belt(
        session, principal=zone, code="lifting", name_zh="起重装备", name_en="Lifting equipment"
    )
    with pytest.raises(InvalidInput) as exc:
        service.register_factory(session, principal=zone, data=_factory(**changes))
    assert field in [e.field for e in exc.value.errors]


def test_only_the_zone_manages_and_codes_are_unique(session: Session, zone: Principal) -> None:
    seller = principal_of(session, make_user(session, make_org(session)))
    with pytest.raises(Forbidden):
        service.create_belt(session, principal=seller, code="x1", name_zh="某某", name_en="Some")
    service.create_belt(session, principal=zone, code="food", name_zh="食品", name_en="Food")
    with pytest.raises(Conflict):
        service.create_belt(session, principal=zone, code="food", name_zh="食品", name_en="Food")
    with pytest.raises(InvalidInput):
        service.create_belt(session, principal=zone, code="Bad Code", name_zh="食", name_en="F")
    park = {
        "code": "p1",
        "name_zh": "园区一",
        "name_en": "Park one",
        "district": "红旗区",
        "focus_zh": "培训",
        "focus_en": "Training",
    }
    service.create_park(session, principal=zone, data=park)
    with pytest.raises(Conflict):
        service.create_park(session, principal=zone, data=park)
    with pytest.raises(InvalidInput):
        service.create_park(session, principal=zone, data={**park, "code": "BAD", "district": ""})


def test_public_list_pages_and_exports(
    client: TestClient, session: Session, tmp_path: Path
) -> None:
    demo_service.load(session, var_dir=tmp_path)
    session.flush()
    page = client.get("/source-factories?q=起重", headers={"accept-language": "zh-CN"})
    assert page.status_code == 200
    assert "长垣桥式起重机厂（示范）" in page.text
    english = client.get(
        "/source-factories?belt=batteries&market=DE", headers={"accept-language": "en"}
    )
    assert "Xinxiang Lithium Battery (Demo)" in english.text
    assert "Xinxiang Battery Materials" not in english.text
    exported = client.get("/source-factories/export.csv?belt=lifting")
    assert exported.headers["content-type"].startswith("text/csv")
    text = exported.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("name_zh,name_en")
    assert "长垣桥式起重机厂（示范）" in text
    xlsx = client.get("/source-factories/export.xlsx?q=battery")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "Xinxiang Lithium Battery (Demo)" in names
    assert client.get("/source-factories/export.pdf").status_code == 404


def test_zone_registers_and_publishes_in_pages(
    client: TestClient, session: Session, tmp_path: Path
) -> None:
    demo_service.load(session, var_dir=tmp_path)
    session.flush()
    log_in(client, "zone", demo_service.DEMO_PASSWORD)
    page = client.get("/parks", headers={"accept-language": "en"})
    assert "Changyuan Intelligent-Manufacturing CBEC Park" in page.text
    token = csrf_from(page.text)
    bad = client.post("/parks/factories", data={**_factory(markets="nowhere"), "csrf_token": token})
    assert bad.status_code == 422
    ok = client.post(
        "/parks/factories",
        data={**_factory(name_zh="新登记起重厂"), "csrf_token": token},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    rows, _ = service.search_factories(session, query="新登记起重厂", listed_only=False)
    published = client.post(
        "/parks/publish",
        data={"csrf_token": token, "factory_ids": [str(rows[0].factory.id)]},
        follow_redirects=False,
    )
    assert published.status_code == 303
    assert (
        "新登记起重厂"
        in client.get("/source-factories?q=新登记", headers={"accept-language": "zh-CN"}).text
    )
    log_in(client, "seller", demo_service.DEMO_PASSWORD)
    token = csrf_from(client.get("/parks").text)
    assert (
        client.post("/parks/factories", data={**_factory(), "csrf_token": token}).status_code == 403
    )


def test_factories_from_a_file(session: Session, zone: Principal) -> None:
    from tests.kit.test_tables import xlsx

    service.create_belt(
        session, principal=zone, code="lifting", name_zh="起重装备", name_en="Lifting equipment"
    )
    header = list(service.FACTORY_COLUMNS)
    rows = [
        header,
        [_factory(name_zh="批量起重厂一")[c] for c in header],
        [_factory(name_zh="批量起重厂二", markets="??")[c] for c in header],
    ]
    report = service.register_factories_bulk(
        session, principal=zone, content=xlsx(rows), import_valid_rows=True
    )
    assert (report.rows, report.registered, len(report.errors)) == (2, 1, 1)
    assert report.errors[0].field == "row 3/markets"
    assert service.search_factories(session, query="批量起重厂", listed_only=False)[1] == 1
    # Without "import the valid rows" the upload is refused as a whole (the request then rolls back).
    with pytest.raises(InvalidInput) as exc:
        service.register_factories_bulk(session, principal=zone, content=xlsx(rows))
    assert exc.value.errors[0].field == "row 3/markets"
    wrong = service.register_factories_bulk(session, principal=zone, content=b"name\nx\n")
    assert wrong.errors[0].field == "header"
    empty = service.register_factories_bulk(
        session, principal=zone, content=(",".join(header) + "\n").encode()
    )
    assert empty.errors[0].field == "file"
    broken = service.register_factories_bulk(session, principal=zone, content=b"\xff\xfe")
    assert broken.errors[0].field == "file"


def test_factory_upload_page_writes_nothing_on_a_bad_row(
    client: TestClient, session: Session, tmp_path: Path
) -> None:
    demo_service.load(session, var_dir=tmp_path)
    session.flush()
    log_in(client, "zone", demo_service.DEMO_PASSWORD)
    token = csrf_from(client.get("/parks").text)
    header = ",".join(service.FACTORY_COLUMNS)
    good = ",".join(
        _factory(name_zh="上传起重厂", markets="KZ")[c] for c in service.FACTORY_COLUMNS
    )
    bad = ",".join(
        _factory(name_zh="坏行起重厂", belt="nowhere", markets="KZ")[c]
        for c in service.FACTORY_COLUMNS
    )
    content = f"{header}\n{good}\n{bad}\n".encode()
    refused = client.post(
        "/parks/factories/upload",
        data={"csrf_token": token},
        files={"file": ("f.csv", content, "text/csv")},
    )
    assert refused.status_code == 422
    assert "row 3/belt" in refused.text
    assert service.search_factories(session, query="上传起重厂", listed_only=False)[1] == 0
    accepted = client.post(
        "/parks/factories/upload",
        data={"csrf_token": token, "import_valid_rows": "on"},
        files={"file": ("f.csv", content, "text/csv")},
        follow_redirects=False,
    )
    assert accepted.status_code == 303
    assert service.search_factories(session, query="上传起重厂", listed_only=False)[1] == 1


def test_source_factories_api(client: TestClient, session: Session, tmp_path: Path) -> None:
    from opencbec.identity.service import get_organisation_by_code
    from tests.factories.identity import make_key

    demo_service.load(session, var_dir=tmp_path)
    bank = get_organisation_by_code(session, "zyb-bank")
    assert bank is not None
    key = make_key(session, bank, scopes=("enterprise:read",))
    found = client.get(
        "/api/v1/source-factories?q=battery&market=DE", headers={"authorization": f"Bearer {key}"}
    ).json()
    assert [f["name_en"] for f in found] == ["Xinxiang Lithium Battery (Demo)"]
    assert found[0]["belt"] == "batteries"
    assert (
        client.get(
            "/api/v1/source-factories?market=DEU", headers={"authorization": f"Bearer {key}"}
        ).status_code
        == 422
    )
