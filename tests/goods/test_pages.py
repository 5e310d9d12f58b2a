"""Code-table pages: browse for everyone; checked import for the zone administration."""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from opencbec.goods import service
from opencbec.identity.models import OrgRole
from tests.factories.identity import ACTOR, csrf_from, log_in, make_org, make_user


def test_everyone_browses_tables(client: TestClient, session: Session) -> None:
    service.load_bundled(session, actor=ACTOR)
    user = make_user(session, make_org(session))
    log_in(client, user.username)
    index = client.get("/codes", headers={"accept-language": "zh-CN"})
    assert index.status_code == 200
    assert "计量单位" in index.text
    table = client.get("/codes/unit?q=千克", headers={"accept-language": "zh-CN"})
    assert "035" in table.text
    assert 'action="/codes/unit/preview"' not in table.text
    assert client.get("/codes/unit?on=not-a-date&page=2").status_code == 200
    assert client.get("/codes/planets").status_code == 404
    paged = client.get("/codes/unit?page=2")
    assert "Page 2 of 3" in paged.text or "第 2 页" in paged.text


def test_zone_imports_an_edition_after_checking_it(
    client: TestClient, session: Session, settings: object
) -> None:
    service.load_bundled(session, actor=ACTOR)
    zone = make_user(session, make_org(session, roles=(OrgRole.ZONE_ADMINISTRATION,)))
    log_in(client, zone.username)
    page = client.get("/codes/currency")
    token = csrf_from(page.text)
    assert 'action="/codes/currency/preview"' in page.text
    day = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    bad = client.post(
        "/codes/currency/preview",
        data={"csrf_token": token, "effective_from": day},
        files={
            "file": (
                "currency.csv",
                b"code,iso4217,name_zh,name_en\n142,cny,RMB,Renminbi\n",
                "text/csv",
            )
        },
        headers={"accept-language": "en"},
    )
    assert bad.status_code == 422
    assert "row 2/iso4217" in bad.text
    good_csv = "code,iso4217,name_zh,name_en\n142,CNY,人民币,Chinese yuan renminbi\n502,USD,美元,US dollar\n".encode()
    preview = client.post(
        "/codes/currency/preview",
        data={"csrf_token": token, "effective_from": day},
        files={"file": ("currency.csv", good_csv, "text/csv")},
        headers={"accept-language": "en"},
    )
    assert preview.status_code == 200
    assert "Chinese yuan renminbi" in preview.text
    sha = re.search(r'name="sha256" value="([0-9a-f]{64})"', preview.text)
    assert sha is not None
    expired = client.post(
        "/codes/currency/apply",
        data={
            "csrf_token": token,
            "sha256": "0" * 64,
            "effective_from": day,
            "version": "v2",
            "source": "test",
        },
    )
    assert expired.status_code == 422
    applied = client.post(
        "/codes/currency/apply",
        data={
            "csrf_token": token,
            "sha256": sha.group(1),
            "effective_from": day,
            "version": "v2",
            "source": "test",
        },
        follow_redirects=False,
    )
    assert applied.status_code == 303
    in_force = service.lookup(session, table="currency", code="142", on=dt.date.fromisoformat(day))
    assert in_force is not None
    assert in_force.name_en == "Chinese yuan renminbi"
    assert (
        service.lookup(session, table="currency", code="300", on=dt.date.fromisoformat(day)) is None
    )
    assert service.lookup(session, table="currency", code="300", on=dt.date.today()) is not None


def test_only_the_zone_imports(client: TestClient, session: Session) -> None:
    user = make_user(session, make_org(session))
    log_in(client, user.username)
    token = csrf_from(client.get("/codes").text)
    response = client.post(
        "/codes/unit/preview",
        data={"csrf_token": token},
        files={"file": ("u.csv", b"code,name_zh,name_en\n", "text/csv")},
    )
    assert response.status_code == 403
    applied = client.post("/codes/unit/apply", data={"csrf_token": token, "sha256": "0" * 64})
    assert applied.status_code == 403
