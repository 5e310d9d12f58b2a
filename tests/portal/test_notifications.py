"""Notifications: published to an organisation's active users, read one by one or all."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from opencbec import webkit
from opencbec.db import Database, build_engine
from opencbec.errors import NotFound
from opencbec.identity import service as identity_service
from opencbec.identity.models import Department, OrgRole
from opencbec.identity.rules import Principal
from opencbec.kit.i18n import N_
from opencbec.notifications import service
from tests.factories.identity import (
    csrf_from,
    log_in,
    make_key,
    make_org,
    make_user,
    principal_of,
)

TEXT = N_("Customs released %(no)s (%(message)s).")


def test_notify_reaches_each_active_user_of_the_organisation(session: Session) -> None:
    org, other = make_org(session), make_org(session)
    first, second = make_user(session, org), make_user(session, org)
    gone = make_user(session, org)
    identity_service.set_user_active(
        session, principal=principal_of(session, first), user_id=gone.id, active=False
    )
    stranger = make_user(session, other)
    told = service.notify(
        session,
        organisation_id=org.id,
        event="test.event",
        text=TEXT,
        href="/clearance",
        values={"no": "A1", "message": "CEB621", "long": "x" * 999},
    )
    assert told == 2
    assert service.unread_count(session, user_id=first.id) == 1
    assert service.unread_count(session, user_id=second.id) == 1
    assert service.unread_count(session, user_id=gone.id) == 0
    assert service.unread_count(session, user_id=stranger.id) == 0
    [row] = service.list_notifications(session, user_id=first.id)
    assert row.values["no"] == "A1"
    assert len(row.values["long"]) == service.MAX_VALUE_LENGTH


def test_mark_read_is_per_user_and_only_ones_own(session: Session) -> None:
    org = make_org(session)
    me, colleague = make_user(session, org), make_user(session, org)
    for n in range(3):
        service.notify(
            session, organisation_id=org.id, event="e", text=TEXT, href="/", values={"no": n}
        )
    mine = service.list_notifications(session, user_id=me.id)
    assert [r.values["no"] for r in mine] == ["2", "1", "0"]  # newest first
    theirs = service.list_notifications(session, user_id=colleague.id)[0]
    with pytest.raises(NotFound):
        service.mark_read(session, user_id=me.id, notification_id=theirs.id)
    read = service.mark_read(session, user_id=me.id, notification_id=mine[0].id)
    first_read_at = read.read_at
    assert first_read_at is not None
    assert service.mark_read(session, user_id=me.id, notification_id=mine[0].id).read_at == (
        first_read_at
    )
    assert service.unread_count(session, user_id=me.id) == 2
    assert len(service.list_notifications(session, user_id=me.id, unread_only=True)) == 2
    assert service.mark_all_read(session, user_id=me.id) == 2
    assert service.unread_count(session, user_id=me.id) == 0
    assert service.unread_count(session, user_id=colleague.id) == 3


def test_notify_department_reaches_its_organisations_only(session: Session) -> None:
    customs = make_org(session, roles=(OrgRole.REGULATOR,), department=Department.CUSTOMS)
    tax = make_org(session, roles=(OrgRole.REGULATOR,), department=Department.TAX)
    officer, tax_officer = make_user(session, customs), make_user(session, tax)
    told = service.notify_department(
        session, department=Department.CUSTOMS, event="e", text=TEXT, href="/appointments"
    )
    assert told >= 1
    assert service.unread_count(session, user_id=officer.id) == 1
    assert service.unread_count(session, user_id=tax_officer.id) == 0


def test_notifications_page_bell_open_and_read_all(client: TestClient, session: Session) -> None:
    org = make_org(session)
    user = make_user(session, org)
    other = make_user(session, make_org(session))
    for n in range(2):
        service.notify(
            session,
            organisation_id=org.id,
            event="e",
            text=TEXT,
            href=f"/clearance?n={n}",
            values={"no": f"NO{n}", "message": "CEB621"},
        )
    # A row whose values lack a placeholder still shows (its text, not an error).
    service.notify(session, organisation_id=org.id, event="e", text=TEXT, href="//evil.example")
    log_in(client, user.username)
    home = client.get("/home", headers={"accept-language": "en"})
    assert 'class="bell"' in home.text
    assert "Notifications: 3 unread" in home.text
    page = client.get("/notifications", headers={"accept-language": "en"})
    assert "Customs released NO1 (CEB621)." in page.text
    assert "Customs released %(no)s (%(message)s)." in page.text
    zh = client.get("/notifications", headers={"accept-language": "zh-CN"})
    assert zh.status_code == 200
    assert 'lang="zh-CN"' in zh.text
    token = csrf_from(page.text)
    [newest, *_] = service.list_notifications(session, user_id=user.id)
    refused = client.post(f"/notifications/{newest.id}/open", follow_redirects=False)
    assert refused.status_code == 403  # no CSRF token
    opened = client.post(
        f"/notifications/{newest.id}/open", data={"csrf_token": token}, follow_redirects=False
    )
    assert opened.status_code == 303
    assert opened.headers["location"] == "/home"
    second = service.list_notifications(session, user_id=user.id)[1]
    opened = client.post(
        f"/notifications/{second.id}/open", data={"csrf_token": token}, follow_redirects=False
    )
    assert opened.headers["location"] == "/clearance?n=1"
    unread = client.get("/notifications?unread=1", headers={"accept-language": "en"})
    assert "NO0" in unread.text
    assert "NO1" not in unread.text
    client.post("/notifications/read", data={"csrf_token": token})
    assert service.unread_count(session, user_id=user.id) == 0
    assert "Mark all read" not in client.get("/notifications").text
    log_in(client, other.username)
    stranger = client.post(
        f"/notifications/{second.id}/open",
        data={"csrf_token": csrf_from(client.get("/notifications").text)},
    )
    assert stranger.status_code == 404


def test_an_error_page_still_shows_the_bell_read_in_its_own_session(
    client: TestClient, session: Session
) -> None:
    org = make_org(session)
    user = make_user(session, org)
    service.notify(session, organisation_id=org.id, event="e", text=TEXT, href="/")
    log_in(client, user.username)
    missing = client.get("/clearance/999999", headers={"accept-language": "en"})
    assert missing.status_code == 404
    assert "Notifications: 1 unread" in missing.text


def test_the_bell_is_left_out_when_the_database_cannot_say(tmp_path: Path) -> None:
    from starlette.requests import Request

    broken = Database(build_engine(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}"))
    app = FastAPI()
    app.state.db = broken
    request = Request({"type": "http", "app": app, "headers": [], "method": "GET"})
    principal = Principal(
        organisation_id=1,
        organisation_code="x",
        organisation_name_zh="x",
        organisation_name_en="x",
        roles=frozenset(),
        department=None,
        label="x",
        user_id=1,
    )
    assert webkit._unread(request, principal) is None
    assert webkit._unread(request, None) is None
    broken.dispose()


def test_api_keys_have_no_notifications(client: TestClient, session: Session) -> None:
    org = make_org(session)
    key = make_key(session, org)
    headers = {"authorization": f"Bearer {key}"}
    assert client.get("/notifications", headers=headers).status_code == 200
    done = client.post("/notifications/read", headers=headers, follow_redirects=False)
    assert done.status_code == 303
