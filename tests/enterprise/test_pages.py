"""Enterprise filing in the browser-facing pages: file, upload, submit; review, return, approve."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from opencbec.enterprise import service
from opencbec.identity.models import Department, OrgRole
from tests.factories.enterprise import PDF, filing_data, filing_form
from tests.factories.identity import csrf_from, log_in, make_org, make_user


def test_file_review_return_and_approve(app: FastAPI, client: TestClient, session: Session) -> None:
    seller = make_user(session, make_org(session))
    officer = make_user(
        session, make_org(session, roles=(OrgRole.REGULATOR,), department=Department.CUSTOMS)
    )
    log_in(client, seller.username)
    page = client.get("/filing", headers={"accept-language": "en"})
    assert page.status_code == 200
    token = csrf_from(page.text)
    data = filing_data()
    bad = client.post(
        "/filing",
        data={**data, "uscc": data["uscc"][:17] + "?", "csrf_token": token},
        headers={"accept-language": "en"},
    )
    assert bad.status_code == 422
    assert "uscc" in bad.text
    saved = client.post(
        "/filing", data={**filing_form(data), "csrf_token": token}, follow_redirects=False
    )
    assert saved.status_code == 303
    wrong_type = client.post(
        "/filing/documents",
        data={"csrf_token": token, "kind": "business_licence"},
        files={"file": ("licence.exe", b"MZ\x90", "application/octet-stream")},
        headers={"accept-language": "en"},
    )
    assert wrong_type.status_code == 422
    assert "PDF, PNG or JPEG" in wrong_type.text
    uploaded = client.post(
        "/filing/documents",
        data={"csrf_token": token, "kind": "business_licence"},
        files={"file": ("licence.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )
    assert uploaded.status_code == 303
    filing = service.own_filing(session, principal=service_principal(session, seller))
    assert filing is not None
    version = service.open_version(session, filing_id=filing.id)
    assert version is not None
    document = service.documents(session, filing_id=filing.id)[0]
    assert client.get(f"/filing/documents/{document.id}").content == PDF
    assert (
        client.post(
            f"/filing/versions/{version.id}/submit",
            data={"csrf_token": token},
            follow_redirects=False,
        ).status_code
        == 303
    )

    with TestClient(app, base_url="https://testserver") as regulator:
        log_in(regulator, officer.username)
        queue = regulator.get("/filings", headers={"accept-language": "zh-CN"})
        assert data["name_zh"] in queue.text
        rtoken = csrf_from(queue.text)
        base = f"/filings/{filing.id}/versions/{version.id}"
        too_early = regulator.post(
            f"{base}/approve", data={"csrf_token": rtoken}, headers={"accept-language": "en"}
        )
        assert too_early.status_code == 409
        assert "not possible" in too_early.text
        assert (
            regulator.post(
                f"{base}/start_review", data={"csrf_token": rtoken}, follow_redirects=False
            ).status_code
            == 303
        )
        assert (
            regulator.post(f"{base}/return", data={"csrf_token": rtoken, "reasons": ""}).status_code
            == 422
        )
        returned = regulator.post(
            f"{base}/return",
            data={"csrf_token": rtoken, "reasons": "请上传清晰的营业执照\n联系电话有误"},
            follow_redirects=False,
        )
        assert returned.status_code == 303
        assert regulator.get(f"/filing/documents/{document.id}").status_code == 200

    own = client.get("/filing", headers={"accept-language": "zh-CN"})
    assert "请上传清晰的营业执照" in own.text
    assert "联系电话有误" in own.text
    two_contacts = {
        **data,
        "contacts": [
            *data["contacts"],
            {"name": "赵六", "phone": "13900139000", "email": "z@example.cn"},
        ],
    }
    client.post("/filing", data={**filing_form(two_contacts), "csrf_token": token})
    client.post(f"/filing/versions/{version.id}/submit", data={"csrf_token": token})

    with TestClient(app, base_url="https://testserver") as regulator:
        log_in(regulator, officer.username)
        rtoken = csrf_from(regulator.get(f"/filings/{filing.id}").text)
        regulator.post(f"{base}/start_review", data={"csrf_token": rtoken})
        assert (
            regulator.post(
                f"{base}/approve", data={"csrf_token": rtoken}, follow_redirects=False
            ).status_code
            == 303
        )
        assert regulator.post(f"{base}/nonsense", data={"csrf_token": rtoken}).status_code == 404
        assert (
            regulator.post(
                f"/filings/{filing.id}/status/suspend", data={"csrf_token": rtoken, "reason": ""}
            ).status_code
            == 422
        )
        assert (
            regulator.post(
                f"/filings/{filing.id}/status/explode", data={"csrf_token": rtoken}
            ).status_code
            == 404
        )

    certificate = client.get(f"/filings/{filing.id}/certificate", headers={"accept-language": "en"})
    assert certificate.status_code == 200
    assert "Filing certificate" in certificate.text
    session.refresh(filing)
    assert filing.certificate_no is not None
    assert filing.certificate_no in certificate.text


def service_principal(session: Session, user: object) -> object:
    from opencbec.identity import service as identity_service

    return identity_service.principal_for_user(session, user)  # type: ignore[arg-type]


def test_others_cannot_see_or_review(
    app: FastAPI, client: TestClient, session: Session, settings: object
) -> None:
    seller = make_user(session, make_org(session))
    principal = service_principal(session, seller)
    version = service.save_filing(session, principal=principal, data=filing_data())  # type: ignore[arg-type]
    filing = service.own_filing(session, principal=principal)  # type: ignore[arg-type]
    assert filing is not None
    stranger = make_user(session, make_org(session))
    log_in(client, stranger.username)
    token = csrf_from(client.get("/filing").text)
    assert client.get(f"/filings/{filing.id}").status_code == 404
    assert client.get("/filings").status_code == 403
    assert (
        client.post(
            f"/filings/{filing.id}/versions/{version.id}/start_review", data={"csrf_token": token}
        ).status_code
        == 403
    )
    assert (
        client.post(f"/filing/versions/{version.id}/submit", data={"csrf_token": token}).status_code
        == 404
    )
    tax = make_user(
        session, make_org(session, roles=(OrgRole.REGULATOR,), department=Department.TAX)
    )
    with TestClient(app, base_url="https://testserver") as reader:
        log_in(reader, tax.username)
        assert reader.get(f"/filings/{filing.id}").status_code == 200
        rtoken = csrf_from(reader.get("/filings").text)
        assert (
            reader.post(
                f"/filings/{filing.id}/versions/{version.id}/start_review",
                data={"csrf_token": rtoken},
            ).status_code
            == 403
        )


def test_filing_form_keeps_every_contact(client: TestClient, session: Session) -> None:
    from opencbec.identity import service as identity_service

    user = make_user(session, make_org(session))
    principal = identity_service.principal_for_user(session, user)
    contacts = [
        {"name": f"联系人{i}", "phone": f"1380013800{i}", "email": f"c{i}@example.cn"}
        for i in range(4)
    ]
    service.save_filing(session, principal=principal, data=filing_data(contacts=contacts))
    log_in(client, user.username)
    page = client.get("/filing")
    for contact in contacts:
        assert f'value="{contact["phone"]}"' in page.text
    assert 'id="f-contact-4"' in page.text  # one empty row to add a fifth
