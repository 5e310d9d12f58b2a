"""Enterprise filing: content checks, documents, the review workflow, change requests."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opencbec.audit.models import AuditEntry
from opencbec.enterprise import service
from opencbec.enterprise.models import EnterpriseFiling, FilingDocument, FilingVersion
from opencbec.enterprise.rules import check_content, check_uscc
from opencbec.errors import Conflict, Forbidden, InvalidInput, NotFound
from opencbec.identity.models import Department, OrgRole
from opencbec.identity.rules import Principal
from tests.factories.enterprise import PDF, filing_data, new_uscc, submitted_filing
from tests.factories.identity import make_org, make_user, principal_of


@pytest.fixture
def seller(session: Session) -> Principal:
    return principal_of(session, make_user(session, make_org(session)))


@pytest.fixture
def customs(session: Session) -> Principal:
    org = make_org(session, roles=(OrgRole.REGULATOR,), department=Department.CUSTOMS)
    return principal_of(session, make_user(session, org))


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_uscc_check_character_is_named() -> None:
    good = new_uscc()
    assert check_uscc(good) is None
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    problem = check_uscc(wrong)
    assert problem is not None
    assert "check character" in problem.en
    assert f"{good[17]!r} expected" in problem.en
    assert "校验码" in problem.zh
    assert "18 characters" in (check_uscc("123") or problem).en
    assert check_uscc("91110000600037341!") is not None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("uscc", "91110000600037341M"),
        ("customs_code", "abc"),
        ("name_zh", "X"),
        ("roles", []),
        ("roles", ["regulator"]),
        ("contacts", [{"name": "李四", "phone": "12345", "email": "a@b.cn"}]),
        ("contacts", [{"name": "李四", "phone": "13800138000", "email": "nobody"}]),
        ("contacts", []),
        ("contacts", [{"name": "李四", "phone": "13800138000", "email": "a@b.cn", "age": "40"}]),
        ("contacts", "李四"),
        ("bank_accounts", [{"bank_name": "中原银行", "account": "12ab"}]),
        ("bank_accounts", [{"bank_name": "x", "account": "62220200000001"}]),
        ("fx_accounts", [{"bank_name": "中国银行", "account": "1"}]),
        ("legal_representative", ""),
    ],
)
def test_bad_content_names_the_field_and_writes_nothing(
    session: Session, seller: Principal, field: str, value: object
) -> None:
    before = (
        _count(session, EnterpriseFiling),
        _count(session, FilingVersion),
        _count(session, AuditEntry),
    )
    with pytest.raises(InvalidInput) as exc:
        service.save_filing(session, principal=seller, data=filing_data(**{field: value}))
    assert any(e.field.split("[")[0] == field for e in exc.value.errors), exc.value.errors
    assert all(e.reason.zh and e.reason.en for e in exc.value.errors)
    assert (
        _count(session, EnterpriseFiling),
        _count(session, FilingVersion),
        _count(session, AuditEntry),
    ) == before


def test_unknown_field_is_refused() -> None:
    errors = check_content({**filing_data(), "favourite_colour": "red"})
    assert [e.field for e in errors] == ["favourite_colour"]
    assert check_content(filing_data()) == []


def test_duplicate_filing_is_refused(session: Session, seller: Principal) -> None:
    data = filing_data()
    service.save_filing(session, principal=seller, data=data)
    other = principal_of(session, make_user(session, make_org(session)))
    with pytest.raises(Conflict, match="already filed"):
        service.save_filing(session, principal=other, data=filing_data(uscc=data["uscc"]))


def test_documents_type_and_size(session: Session, seller: Principal, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="not valid") as before_filing:
        service.add_document(
            session, principal=seller, kind="other", filename="a.pdf", content=PDF, var_dir=tmp_path
        )
    assert before_filing.value.errors[0].field == "file"
    service.save_filing(session, principal=seller, data=filing_data())
    for kind, content, code in (
        ("other", b"MZ\x90\x00 not a document", "wrong_type"),
        ("other", b"%PDF-" + b"x" * (service.MAX_DOCUMENT_BYTES), "too_large"),
        ("passport", PDF, "invalid"),
    ):
        with pytest.raises(InvalidInput) as exc:
            service.add_document(
                session,
                principal=seller,
                kind=kind,
                filename="x",
                content=content,
                var_dir=tmp_path,
            )
        assert exc.value.errors[0].code == code
    assert _count(session, FilingDocument) == 0
    document = service.add_document(
        session,
        principal=seller,
        kind="business_licence",
        filename="../../etc/licence.pdf",
        content=PDF,
        var_dir=tmp_path,
    )
    assert document.filename == "licence.pdf"
    assert document.content_type == "application/pdf"
    assert service.document_path(tmp_path, document.sha256).read_bytes() == PDF


def test_submit_needs_the_business_licence(session: Session, seller: Principal) -> None:
    version = service.save_filing(session, principal=seller, data=filing_data())
    with pytest.raises(InvalidInput) as exc:
        service.submit(session, principal=seller, version_id=version.id)
    assert exc.value.errors[0].field == "documents"


def test_review_return_resubmit_approve(
    session: Session, seller: Principal, customs: Principal, tmp_path: Path
) -> None:
    version = submitted_filing(session, seller, tmp_path)
    with pytest.raises(Conflict, match="not possible"):
        service.approve(session, principal=customs, version_id=version.id)
    with pytest.raises(Forbidden):
        service.start_review(session, principal=seller, version_id=version.id)
    with pytest.raises(Conflict):
        service.save_filing(session, principal=seller, data=filing_data())
    service.start_review(session, principal=customs, version_id=version.id)
    with pytest.raises(InvalidInput):
        service.return_version(session, principal=customs, version_id=version.id, reasons=["  "])
    service.return_version(
        session, principal=customs, version_id=version.id, reasons=["营业执照不清晰", ""]
    )
    assert version.state == "returned"
    assert version.reasons == ["营业执照不清晰"]
    fixed = service.save_filing(
        session, principal=seller, data={**version.data, "address": "河南省新乡市红旗区示范路 2 号"}
    )
    assert fixed.id == version.id
    service.submit(session, principal=seller, version_id=version.id)
    service.start_review(session, principal=customs, version_id=version.id)
    service.approve(session, principal=customs, version_id=version.id)
    filing = service.own_filing(session, principal=seller)
    assert filing is not None
    assert filing.status == "approved"
    assert filing.certificate_no is not None
    assert service.is_approved(session, organisation_id=seller.organisation_id)
    actions = session.scalars(
        select(AuditEntry.action)
        .where(
            AuditEntry.object_type == "enterprise.filing", AuditEntry.object_id == str(filing.id)
        )
        .order_by(AuditEntry.seq)
    ).all()
    assert actions == [
        "enterprise.filing.save",
        "enterprise.filing.document",
        "enterprise.filing.submit",
        "enterprise.filing.start_review",
        "enterprise.filing.return",
        "enterprise.filing.save",
        "enterprise.filing.submit",
        "enterprise.filing.start_review",
        "enterprise.filing.approve",
    ]


def test_change_request_keeps_the_previous_version(
    session: Session, seller: Principal, customs: Principal, tmp_path: Path
) -> None:
    first = submitted_filing(session, seller, tmp_path)
    service.start_review(session, principal=customs, version_id=first.id)
    service.approve(session, principal=customs, version_id=first.id)
    with pytest.raises(InvalidInput) as keep_uscc:
        service.save_filing(session, principal=seller, data={**first.data, "uscc": new_uscc()})
    assert keep_uscc.value.errors[0].field == "uscc"
    change = service.save_filing(
        session,
        principal=seller,
        data={
            **first.data,
            "contacts": [{"name": "王五", "phone": "0373-5551234", "email": "w@example.cn"}],
        },
    )
    assert change.number == 2
    assert change.state == "draft"
    filing = service.own_filing(session, principal=seller)
    assert filing is not None
    assert service.current_version(session, filing) == first
    service.submit(session, principal=seller, version_id=change.id)
    service.start_review(session, principal=customs, version_id=change.id)
    service.approve(session, principal=customs, version_id=change.id)
    assert service.current_version(session, filing) == change
    assert first.effective_to == change.effective_from
    assert [v.number for v in service.versions(session, filing_id=filing.id)] == [2, 1]


def test_suspend_reinstate_revoke(
    session: Session, seller: Principal, customs: Principal, tmp_path: Path
) -> None:
    version = submitted_filing(session, seller, tmp_path)
    filing = service.own_filing(session, principal=seller)
    assert filing is not None
    with pytest.raises(Conflict):
        service.change_status(
            session, principal=customs, filing_id=filing.id, action="suspend", reason="x"
        )
    service.start_review(session, principal=customs, version_id=version.id)
    service.approve(session, principal=customs, version_id=version.id)
    with pytest.raises(InvalidInput):
        service.change_status(
            session, principal=customs, filing_id=filing.id, action="suspend", reason=" "
        )
    service.change_status(
        session, principal=customs, filing_id=filing.id, action="suspend", reason="信用核查"
    )
    assert not service.is_approved(session, organisation_id=seller.organisation_id)
    service.change_status(
        session, principal=customs, filing_id=filing.id, action="reinstate", reason="核查完毕"
    )
    service.change_status(
        session, principal=customs, filing_id=filing.id, action="revoke", reason="企业注销"
    )
    with pytest.raises(Conflict):
        service.change_status(
            session, principal=customs, filing_id=filing.id, action="reinstate", reason="x"
        )
    with pytest.raises(Conflict, match="revoked"):
        service.save_filing(session, principal=seller, data=filing_data(uscc=filing.uscc))
    with pytest.raises(NotFound):
        service.change_status(
            session, principal=customs, filing_id=999_999, action="suspend", reason="x"
        )


def test_reading_rules(
    session: Session, seller: Principal, customs: Principal, tmp_path: Path
) -> None:
    submitted_filing(session, seller, tmp_path)
    filing = service.own_filing(session, principal=seller)
    assert filing is not None
    stranger = principal_of(session, make_user(session, make_org(session)))
    with pytest.raises(NotFound):
        service.get_filing(session, principal=stranger, filing_id=filing.id)
    assert service.get_filing(session, principal=customs, filing_id=filing.id) == filing
    with pytest.raises(Forbidden):
        service.review_queue(session, principal=stranger)
    assert [f.id for f, _ in service.review_queue(session, principal=customs)] == [filing.id]
    document = service.documents(session, filing_id=filing.id)[0]
    with pytest.raises(NotFound):
        service.get_document(session, principal=stranger, document_id=document.id)
    with pytest.raises(NotFound):
        service.submit(session, principal=stranger, version_id=1)


def _approved(session: Session, seller: Principal, customs: Principal, version_id: int) -> None:
    service.start_review(session, principal=customs, version_id=version_id)
    service.approve(session, principal=customs, version_id=version_id)


def test_approved_roles_follow_approval_change_and_suspension(
    session: Session, seller: Principal, customs: Principal, tmp_path: Path
) -> None:
    from tests.statements import statements_run

    first = submitted_filing(session, seller, tmp_path, customs_code="4107960RL1")
    assert "4107960RL1" not in service.approved_roles_by_code(session)  # submitted, not approved
    _approved(session, seller, customs, first.id)
    roles = service.approved_roles_by_code(session)
    assert roles["4107960RL1"] == roles[first.data["uscc"]] == frozenset({"ecommerce_enterprise"})
    with statements_run(session) as seen:
        assert service.approved_roles_by_code(session) == roles
    assert len(seen) == 1  # which versions are in force; their content is not read again
    assert "filing_versions.data" not in seen[0]
    change = service.save_filing(
        session,
        principal=seller,
        data={**first.data, "customs_code": "4107960RL2", "roles": ["logistics"]},
    )
    service.submit(session, principal=seller, version_id=change.id)
    assert service.approved_roles_by_code(session)["4107960RL1"] == {"ecommerce_enterprise"}
    _approved(session, seller, customs, change.id)
    roles = service.approved_roles_by_code(session)
    assert "4107960RL1" not in roles
    assert roles["4107960RL2"] == roles[first.data["uscc"]] == {"logistics"}
    filing = service.own_filing(session, principal=seller)
    assert filing is not None
    service.change_status(
        session, principal=customs, filing_id=filing.id, action="suspend", reason="信用核查"
    )
    assert "4107960RL2" not in service.approved_roles_by_code(session)
    service.change_status(
        session, principal=customs, filing_id=filing.id, action="reinstate", reason="核查完毕"
    )
    assert service.approved_roles_by_code(session)["4107960RL2"] == {"logistics"}


def test_approved_roles_forget_a_rolled_back_approval(
    session: Session, seller: Principal, customs: Principal, tmp_path: Path
) -> None:
    savepoint = session.begin_nested()
    version = submitted_filing(session, seller, tmp_path, customs_code="4107960RB1")
    _approved(session, seller, customs, version.id)
    assert service.approved_roles_by_code(session)["4107960RB1"] == {"ecommerce_enterprise"}
    savepoint.rollback()
    # SQLite may number the next version as the rolled-back one: its own content counts (asked
    # before anything else, so the rolled-back version's content is still kept).
    again = submitted_filing(
        session, seller, tmp_path, customs_code="4107960RB2", roles=["payment"]
    )
    _approved(session, seller, customs, again.id)
    roles = service.approved_roles_by_code(session)
    assert "4107960RB1" not in roles
    assert roles["4107960RB2"] == {"payment"}
