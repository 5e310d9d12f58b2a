"""Appointment pages (en, zh-CN) and the JSON API (problem details, OpenAPI)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from opencbec.appointments import service
from opencbec.kit.time import utcnow
from tests.appointments.conftest import Cast
from tests.factories import appointments as f
from tests.factories.identity import csrf_from, log_in, make_key

WRITE = ("clearance:read", "clearance:write")


def _next_slot(session: Session, cast: Cast, skip: int = 0) -> dt.datetime:
    """A bookable slot at least a day ahead (clear of the cut-off)."""
    now = utcnow()
    days = service.calendar(
        session,
        site=cast.site,
        first_day=service.local_day(now) + dt.timedelta(days=1),
        days=14,
        now=now,
    )
    return [v.slot.starts_at for d in days for v in d.slots if v.bookable][skip]


def test_calendar_booking_move_and_cancel_pages(
    client: TestClient, session: Session, cast: Cast
) -> None:
    log_in(client, cast.seller_user.username)
    client.headers["accept-language"] = "en"
    # Next week: this week's weekday hours may all be past (a Friday evening, a weekend).
    today = service.local_day(utcnow())
    next_week = today + dt.timedelta(days=7 - today.weekday())
    page = client.get(f"/appointments?site={cast.site.id}&service=inspection&week={next_week}")
    assert page.status_code == 200
    assert "Customs appointment calendar" in page.text
    links = re.findall(r'href="(/appointments/book\?[^"]+)"', page.text)
    assert links
    start = _next_slot(session, cast)
    form = client.get(
        "/appointments/book",
        params={"site": cast.site.id, "service": "inspection", "starts_at": start.isoformat()},
    )
    assert form.status_code == 200
    data = {
        "csrf_token": csrf_from(form.text),
        "site_id": str(cast.site.id),
        "service": "inspection",
        "starts_at": start.isoformat(),
        **{k: (", ".join(v) if isinstance(v, list) else v) for k, v in f.details().items()},
    }
    bad = client.post("/appointments/book", data={**data, "transport_no": "XYZ"})
    assert bad.status_code == 422
    assert 'aria-invalid="true"' in bad.text
    done = client.post("/appointments/book", data=data, follow_redirects=False)
    assert done.status_code == 303
    booking_url = done.headers["location"].split("?")[0]
    booking_id = int(booking_url.rsplit("/", 1)[1])
    shown = client.get(booking_url + "?done=booked")
    assert "The slot is booked." in shown.text
    move_page = client.get(f"/appointments?move={booking_id}")  # opens on the booking's week
    assert "Move here" in move_page.text
    target = _next_slot(session, cast, skip=1)
    moved = client.post(
        f"/appointments/bookings/{booking_id}/move",
        data={"csrf_token": csrf_from(shown.text), "starts_at": target.isoformat()},
        follow_redirects=False,
    )
    assert moved.status_code == 303
    again = client.post(
        f"/appointments/bookings/{booking_id}/move",
        data={"csrf_token": csrf_from(shown.text), "starts_at": target.isoformat()},
    )
    assert again.status_code == 422
    assert "already in this slot" in again.text
    assert (
        client.post(
            f"/appointments/bookings/{booking_id}/fly", data={"csrf_token": csrf_from(shown.text)}
        ).status_code
        == 404
    )
    cancelled = client.post(
        f"/appointments/bookings/{booking_id}/cancel",
        data={"csrf_token": csrf_from(shown.text), "reason": "改期"},
        follow_redirects=True,
    )
    assert "The booking is cancelled." in cancelled.text
    mine = client.get("/appointments/mine?lang=zh_CN")
    assert 'lang="zh-CN"' in mine.text
    assert re.search(r"AP\d{14}", mine.text)


def test_unapproved_enterprises_see_but_cannot_book(
    client: TestClient, session: Session, cast: Cast, tmp_path: Path
) -> None:
    _, user, _ = f.enterprise(session, tmp_path, cast.officer, approved=False)
    log_in(client, user.username)
    client.headers["accept-language"] = "en"
    page = client.get(f"/appointments?site={cast.site.id}")
    assert "approved filing" in page.text
    assert "/appointments/book?" not in page.text


def test_officer_day_view_records_a_result_and_manages_the_site(
    client: TestClient, session: Session, cast: Cast
) -> None:
    start = _next_slot(session, cast)
    booking = service.book(
        session, principal=cast.seller, site_id=cast.site.id, service="inspection",
        starts_at=start, data=f.details(),
    )  # fmt: skip
    log_in(client, cast.officer_user.username)
    client.headers["accept-language"] = "en"
    day = service.local_day(start).isoformat()
    view = client.get(f"/appointments/sites/{cast.site.id}/day?date={day}")
    assert view.status_code == 200
    assert booking.reference in view.text
    early = client.post(
        f"/appointments/bookings/{booking.id}/result",
        data={"csrf_token": csrf_from(view.text), "status": "arrived"},
    )
    assert early.status_code == 422  # the slot's day has not come
    sites = client.get("/appointments/sites")
    assert "Register a customs site" in sites.text
    token = csrf_from(sites.text)
    created = client.post(
        "/appointments/sites",
        data={
            "csrf_token": token, "code": "web-site", "name_zh": "网页场地", "name_en": "Web site",
            "customs_office_code": "4600", "address": "新乡", "services": ["clearance_7x24"],
            "days": ["24h"] * 7, "slot_minutes": "60", "capacity": "3", "cutoff_minutes": "120",
            "horizon_days": "14",
        },
        follow_redirects=False,
    )  # fmt: skip
    assert created.status_code == 303
    bad = client.post(
        "/appointments/sites",
        data={"csrf_token": token, "code": "x", "days": ["bad"]},
    )
    assert bad.status_code == 422
    site_url = created.headers["location"].split("?")[0]
    closed = client.post(
        site_url + "/closures",
        data={
            "csrf_token": token,
            "first_day": "2027-02-06",
            "last_day": "2027-02-12",
            "reason_zh": "春节",
            "reason_en": "Spring Festival",
        },
        follow_redirects=True,
    )
    assert "Spring Festival" in closed.text
    assert (
        client.post(
            site_url + "/closures", data={"csrf_token": token, "first_day": "soon"}
        ).status_code
        == 422
    )
    site_id = int(site_url.rsplit("/", 1)[1])
    closure = service.closures(session, site_id=site_id)[0]
    removed = client.post(
        f"{site_url}/closures/{closure.id}/delete",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert removed.status_code == 303
    assert (
        client.post(
            f"{site_url}/closures/{closure.id}/delete", data={"csrf_token": token}
        ).status_code
        == 404
    )
    saved = client.post(
        site_url,
        data={"csrf_token": token, "name_zh": "网页场地", "name_en": "Web site", "customs_office_code": "4600",
              "address": "新乡", "services": ["inspection"], "days": ["08:00-12:00"] * 5, "slot_minutes": "30",
              "capacity": "1", "cutoff_minutes": "60", "horizon_days": "7", "active": "on"},
        follow_redirects=False,
    )  # fmt: skip
    assert saved.status_code == 303
    assert client.post(site_url, data={"csrf_token": token, "days": ["?"]}).status_code == 422
    home = client.get("/home")
    assert home.status_code == 200


def test_pages_speak_both_languages(client: TestClient, cast: Cast) -> None:
    log_in(client, cast.seller_user.username)
    for path in ("/appointments", "/appointments/mine", "/appointments/sites"):
        en = client.get(path + "?lang=en")
        zh = client.get(path + "?lang=zh_CN")
        assert en.status_code == zh.status_code == 200
        assert 'lang="en"' in en.text
        assert 'lang="zh-CN"' in zh.text
    assert client.get(f"/appointments/sites/{cast.site.id}/day").status_code == 403


def test_json_api(client: TestClient, session: Session, cast: Cast) -> None:
    seller_key = make_key(session, f.enterprise_org(session, cast), scopes=WRITE)
    officer_key = make_key(session, f.org_of(session, cast.officer), scopes=WRITE)
    seller = {"Authorization": f"Bearer {seller_key}"}
    officer = {"Authorization": f"Bearer {officer_key}"}
    sites = client.get("/api/v1/appointments/sites", headers=seller).json()
    assert [s["code"] for s in sites] == ["test-site"]
    tomorrow = service.local_day(utcnow()) + dt.timedelta(days=1)
    slots = client.get(
        f"/api/v1/appointments/sites/{cast.site.id}/slots?days=14&from_day={tomorrow}",
        headers=seller,
    ).json()
    start = next(s["starts_at"] for s in slots if s["bookable"])
    body = {
        "site_id": cast.site.id,
        "service": "inspection",
        "starts_at": start,
        **f.details(packages=4),
    }
    made = client.post("/api/v1/appointments/bookings", json=body, headers=seller)
    assert made.status_code == 201, made.text
    booking = made.json()
    assert booking["gross_weight_kg"] == "120.5"
    second = client.post(
        "/api/v1/appointments/bookings", json={**body, "transport_no": "豫G12345"}, headers=seller
    )
    assert second.status_code == 201
    full = client.post(
        "/api/v1/appointments/bookings",
        json={**body, "transport_no": "MSKU1234565"},
        headers=seller,
    )
    assert full.status_code == 409
    assert full.headers["content-type"].startswith("application/problem+json")
    assert full.json()["code"] == "slot_full"
    naive = client.post(
        "/api/v1/appointments/bookings", json={**body, "starts_at": start[:19]}, headers=seller
    )
    assert naive.status_code == 422
    assert (
        client.get("/api/v1/appointments/bookings", headers=seller).json()[0]["site_id"]
        == cast.site.id
    )
    assert (
        client.get(f"/api/v1/appointments/bookings/{booking['id']}", headers=officer).status_code
        == 200
    )
    day = client.get(
        f"/api/v1/appointments/sites/{cast.site.id}/day?date={start[:10]}", headers=officer
    )
    assert day.status_code == 200
    assert (
        client.get(f"/api/v1/appointments/sites/{cast.site.id}/day", headers=seller).status_code
        == 403
    )
    result = client.post(
        f"/api/v1/appointments/bookings/{booking['id']}/result",
        json={"status": "arrived"},
        headers=officer,
    )
    assert result.status_code == 422  # not before the slot's day
    moved = client.post(
        f"/api/v1/appointments/bookings/{booking['id']}/move",
        json={
            "starts_at": next(
                s["starts_at"] for s in slots if s["bookable"] and s["starts_at"] != start
            )
        },
        headers=seller,
    )
    assert moved.status_code == 200
    assert (
        client.post(
            f"/api/v1/appointments/bookings/{booking['id']}/acknowledge", headers=seller
        ).status_code
        == 409
    )
    cancelled = client.post(
        f"/api/v1/appointments/bookings/{booking['id']}/cancel", json={}, headers=seller
    )
    assert cancelled.json()["status"] == "cancelled"
    site = f.site_data(code="api-site")
    created = client.post("/api/v1/appointments/sites", json=site, headers=officer)
    assert created.status_code == 201, created.text
    site_id = created.json()["id"]
    assert client.post("/api/v1/appointments/sites", json=site, headers=seller).status_code == 403
    assert (
        client.put(
            f"/api/v1/appointments/sites/{site_id}", json={**site, "capacity": 4}, headers=officer
        ).json()["capacity"]
        == 4
    )
    closure = client.post(
        f"/api/v1/appointments/sites/{site_id}/closures",
        json={
            "first_day": "2027-01-01",
            "last_day": "2027-01-01",
            "reason_zh": "元旦",
            "reason_en": "New Year",
        },
        headers=officer,
    )
    assert closure.status_code == 201
    assert (
        len(client.get(f"/api/v1/appointments/sites/{site_id}/closures", headers=seller).json())
        == 1
    )
    gone = client.delete(
        f"/api/v1/appointments/sites/{site_id}/closures/{closure.json()['id']}", headers=officer
    )
    assert gone.status_code == 204
    reader = make_key(session, f.enterprise_org(session, cast), scopes=("clearance:read",))
    assert (
        client.post(
            "/api/v1/appointments/bookings",
            json=body,
            headers={"Authorization": f"Bearer {reader}"},
        ).status_code
        == 403
    )
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/v1/appointments/bookings/{booking_id}/move" in paths
    assert "409" in paths["/api/v1/appointments/bookings"]["post"]["responses"]
