"""Goods filing: codes in force, positive list, brand recordals, duplicates, bulk upload."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opencbec.audit.service import Actor
from opencbec.enterprise import service as enterprise_service
from opencbec.errors import Forbidden, InvalidInput, NotFound
from opencbec.goods import service
from opencbec.goods.models import Product
from opencbec.goods.rules import PRODUCT_FIELDS
from opencbec.identity.models import Department, OrgRole
from opencbec.identity.rules import Principal
from tests.factories.enterprise import submitted_filing
from tests.factories.identity import csrf_from, log_in, make_org, make_user, principal_of

ACTOR = Actor(label="test")


def approved_seller(session: Session, var_dir: Path) -> Principal:
    """A seller whose filing customs approved, with the code tables loaded."""
    service.load_bundled(session, actor=ACTOR)
    seller = principal_of(session, make_user(session, make_org(session)))
    customs = principal_of(
        session,
        make_user(
            session, make_org(session, roles=(OrgRole.REGULATOR,), department=Department.CUSTOMS)
        ),
    )
    version = submitted_filing(session, seller, var_dir)
    enterprise_service.start_review(session, principal=customs, version_id=version.id)
    enterprise_service.approve(session, principal=customs, version_id=version.id)
    return seller


def product(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "item_no": "CY-QZ-001",
        "direction": "export",
        "supervision_mode": "9610",
        "name_zh": "通用桥式起重机",
        "name_en": "Overhead travelling crane",
        "brand": "长起",
        "model_spec": "QD 10t-22.5m",
        "declared_elements": "用途：起重|品牌：长起",
        "hs_code": "8426112000",
        "unit": "001",
        "origin_country": "142",
        "price": "186000.00",
        "currency": "142",
        "barcode": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def seller(session: Session, tmp_path: Path) -> Principal:
    return approved_seller(session, tmp_path)


def test_file_a_product(session: Session, seller: Principal) -> None:
    filed = service.file_product(session, principal=seller, data=product(barcode="6901234567892"))
    assert filed.status == "filed"
    assert filed.price == Decimal("186000.00")
    assert service.get_product(session, principal=seller, product_id=filed.id) == filed
    assert service.list_products(session, principal=seller) == [filed]
    stranger = principal_of(session, make_user(session, make_org(session)))
    with pytest.raises(NotFound):
        service.get_product(session, principal=stranger, product_id=filed.id)


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"hs_code": "8426112099"}, "hs_code", "unknown_code"),
        ({"hs_code": "84261120"}, "hs_code", "invalid"),
        ({"unit": "999"}, "unit", "unknown_code"),
        ({"origin_country": "998"}, "origin_country", "unknown_code"),
        ({"currency": "999"}, "currency", "unknown_code"),
        ({"direction": "import", "supervision_mode": "1210"}, "hs_code", "not_on_positive_list"),
        (
            {"direction": "import", "supervision_mode": "9610", "hs_code": "0302130000"},
            "supervision_mode",
            "bonded_only",
        ),
        ({"direction": "export", "supervision_mode": "1239"}, "supervision_mode", "invalid"),
        ({"direction": "sideways"}, "direction", "invalid"),
        ({"price": "0"}, "price", "invalid"),
        ({"price": "1.1234567"}, "price", "invalid"),
        ({"barcode": "6901234567890"}, "barcode", "invalid"),
        ({"item_no": "bad item no!"}, "item_no", "invalid"),
        ({"name_zh": ""}, "name_zh", "invalid"),
    ],
)
def test_bad_products_are_refused_and_nothing_is_written(
    session: Session, seller: Principal, changes: dict[str, Any], field: str, code: str
) -> None:
    with pytest.raises(InvalidInput) as exc:
        service.file_product(session, principal=seller, data=product(**changes))
    found = {(e.field, e.code) for e in exc.value.errors}
    assert (field, code) in found
    assert all(e.reason.zh for e in exc.value.errors)
    assert session.scalar(select(func.count()).select_from(Product)) == 0


def test_positive_list_notes_and_ip_flag(session: Session, seller: Principal) -> None:
    service.record_brand(
        session,
        actor=ACTOR,
        brand="Fresh Salmon",
        owner="Nordic Seafood AS",
        recordal_no="T2024-00001",
    )
    salmon = service.file_product(
        session,
        principal=seller,
        data=product(
            item_no="IMP-1",
            direction="import",
            supervision_mode="1210",
            hs_code="0302130000",
            brand="FRESH-salmon",
            name_zh="大西洋鲑",
            name_en="Atlantic salmon",
            origin_country="326",
            unit="035",
        ),
    )
    assert salmon.status == "ip_review"
    assert salmon.ip_owner == "Nordic Seafood AS (T2024-00001)"
    assert salmon.positive_list_notes is not None
    assert "bonded" in salmon.positive_list_notes


def test_duplicate_item_number(session: Session, seller: Principal) -> None:
    service.file_product(session, principal=seller, data=product())
    with pytest.raises(InvalidInput) as exc:
        service.file_product(session, principal=seller, data=product())
    assert exc.value.errors[0].code == "duplicate"


def test_only_approved_enterprises_file_goods(session: Session) -> None:
    unfiled = principal_of(session, make_user(session, make_org(session)))
    with pytest.raises(Forbidden):
        service.file_product(session, principal=unfiled, data=product())


def _csv(rows: list[dict[str, Any]]) -> bytes:
    lines = [",".join(PRODUCT_FIELDS)]
    lines += [",".join(str(r.get(f, "")) for f in PRODUCT_FIELDS) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def test_bulk_upload_all_or_nothing(session: Session, seller: Principal) -> None:
    rows = [product(item_no=f"A-{i}") for i in range(5)] + [
        product(item_no="BAD", hs_code="123"),
        product(item_no="A-0"),
    ]
    report = service.file_products_bulk(session, principal=seller, content=_csv(rows))
    assert report.rows == 7
    assert report.filed == 0
    assert report.bad_rows == 2
    assert {e.field for e in report.errors} == {"row 7/hs_code", "row 8/item_no"}
    assert session.scalar(select(func.count()).select_from(Product)) == 0
    partial = service.file_products_bulk(
        session, principal=seller, content=_csv(rows), import_valid_rows=True
    )
    assert partial.filed == 5
    assert session.scalar(select(func.count()).select_from(Product)) == 5


@pytest.mark.parametrize(
    ("content", "field"),
    [
        (b"item_no,name_zh\nx,y\n", "header"),
        (b"\xff\xfe", "file"),
        ((",".join(PRODUCT_FIELDS) + "\n").encode(), "file"),
    ],
)
def test_bulk_upload_bad_files(
    session: Session, seller: Principal, content: bytes, field: str
) -> None:
    report = service.file_products_bulk(session, principal=seller, content=content)
    assert report.errors[0].field == field
    assert report.filed == 0


def test_goods_pages(client: TestClient, session: Session, tmp_path: Path) -> None:
    seller = approved_seller(session, tmp_path)
    from opencbec.identity.models import User

    user = session.get(User, seller.user_id)
    assert user is not None
    log_in(client, user.username)
    page = client.get("/goods", headers={"accept-language": "zh-CN"})
    assert page.status_code == 200
    token = csrf_from(page.text)
    bad = client.post(
        "/goods",
        data={**product(hs_code="0000000000"), "csrf_token": token},
        headers={"accept-language": "en"},
    )
    assert bad.status_code == 422
    assert "not a commodity code in force" in bad.text
    assert (
        client.post(
            "/goods", data={**product(), "csrf_token": token}, follow_redirects=False
        ).status_code
        == 303
    )
    assert "CY-QZ-001" in client.get("/goods").text
    template = client.get("/goods/template.csv")
    assert template.text.startswith("item_no,direction")
    bulk = client.post(
        "/goods/bulk",
        data={"csrf_token": token},
        files={
            "file": (
                "goods.csv",
                _csv([product(item_no="B-1"), product(item_no="B-2", unit="9")]),
                "text/csv",
            )
        },
        headers={"accept-language": "en"},
    )
    assert bulk.status_code == 422
    assert "row 3/unit" in bulk.text
    ok = client.post(
        "/goods/bulk",
        data={"csrf_token": token, "import_valid_rows": "on"},
        files={
            "file": (
                "goods.csv",
                _csv([product(item_no="B-1"), product(item_no="B-2", unit="9")]),
                "text/csv",
            )
        },
    )
    assert ok.status_code == 200
    assert "B-1" in ok.text


def test_bulk_upload_from_xlsx(session: Session, seller: Principal) -> None:
    from tests.kit.test_tables import xlsx

    rows = [list(PRODUCT_FIELDS)] + [
        [str(product(item_no=f"X-{i}")[f]) for f in PRODUCT_FIELDS] for i in range(3)
    ]
    report = service.file_products_bulk(session, principal=seller, content=xlsx(rows))
    assert (report.rows, report.filed, report.errors) == (3, 3, [])
    broken = service.file_products_bulk(session, principal=seller, content=b"PK\x03\x04broken")
    assert broken.errors[0].field == "file"


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_product_pictures(session: Session, seller: Principal, tmp_path: Path) -> None:
    filed = service.file_product(session, principal=seller, data=product())
    for content, code in (
        (b"GIF89a...", "wrong_type"),
        (PNG + b"\x00" * service.MAX_IMAGE_BYTES, "too_large"),
    ):
        with pytest.raises(InvalidInput) as exc:
            service.add_image(
                session, principal=seller, product_id=filed.id, content=content, var_dir=tmp_path
            )
        assert exc.value.errors[0].code == code
    image = service.add_image(
        session, principal=seller, product_id=filed.id, content=PNG, var_dir=tmp_path
    )
    assert service.image_path(tmp_path, image.sha256).read_bytes() == PNG
    assert service.images_of(session, product_ids=[filed.id]) == {filed.id: [image]}
    stranger = principal_of(session, make_user(session, make_org(session)))
    with pytest.raises(NotFound):
        service.add_image(
            session, principal=stranger, product_id=filed.id, content=PNG, var_dir=tmp_path
        )
    with pytest.raises(NotFound):
        service.get_image(session, principal=stranger, image_id=image.id)
    assert service.get_image(session, principal=seller, image_id=image.id) == image


def test_picture_pages(
    client: TestClient, session: Session, tmp_path: Path, settings: object
) -> None:
    from opencbec.identity.models import User

    seller = approved_seller(session, tmp_path)
    filed = service.file_product(session, principal=seller, data=product())
    user = session.get(User, seller.user_id)
    assert user is not None
    log_in(client, user.username)
    token = csrf_from(client.get("/goods").text)
    wrong = client.post(
        f"/goods/{filed.id}/images",
        data={"csrf_token": token},
        files={"file": ("x.gif", b"GIF89a", "image/gif")},
    )
    assert wrong.status_code == 422
    ok = client.post(
        f"/goods/{filed.id}/images",
        data={"csrf_token": token},
        files={"file": ("x.png", PNG, "image/png")},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    page = client.get("/goods")
    image_id = int(page.text.split('src="/goods/images/')[1].split('"')[0])
    picture = client.get(f"/goods/images/{image_id}")
    assert picture.content == PNG
    assert picture.headers["content-type"] == "image/png"
    assert (
        client.post(
            "/goods/999999/images",
            data={"csrf_token": token},
            files={"file": ("x.png", PNG, "image/png")},
        ).status_code
        == 404
    )


def test_a_code_closed_by_a_later_edition_is_refused(session: Session, seller: Principal) -> None:
    import datetime as dt

    content = service.bundled_content("cn_code").decode()
    without = (
        "\n".join(line for line in content.splitlines() if not line.startswith("8426112000")) + "\n"
    )
    service.apply_edition(
        session,
        actor=ACTOR,
        table="cn_code",
        content=without.encode(),
        version="2026-12 test",
        source="test: the crane code withdrawn",
        effective_from=dt.date.today() - dt.timedelta(days=1),
    )
    with pytest.raises(InvalidInput) as exc:
        service.file_product(session, principal=seller, data=product())
    assert exc.value.errors[0].code == "unknown_code"
    assert "not a commodity code in force" in exc.value.errors[0].reason.en
