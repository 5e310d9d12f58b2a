"""Enterprise filing use cases: file, attach documents, submit; review, return, approve;
suspend, reinstate, revoke; change requests after approval with the previous version kept."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from opencbec.audit import service as audit_service
from opencbec.db import Prepared
from opencbec.enterprise.models import EnterpriseFiling, FilingDocument, FilingVersion
from opencbec.enterprise.rules import (
    EDITABLE,
    FilingStatus,
    VersionState,
    allowed_version_actions,
    check_content,
    next_filing_status,
    next_version_state,
    normalise,
)
from opencbec.errors import Conflict, Forbidden, InvalidInput, NotFound, invalid
from opencbec.identity.models import Department, snapshot
from opencbec.identity.rules import Principal
from opencbec.kit.i18n import N_, Bilingual
from opencbec.kit.time import CHINA_STANDARD_TIME, utcnow
from opencbec.notifications import service as notifications_service

MAX_DOCUMENT_BYTES: Final = 5 * 1024 * 1024
DOCUMENT_KINDS: Final = {
    "business_licence": N_("Business licence"),
    "customs_registration": N_("Customs registration certificate"),
    "other": N_("Other qualification document"),
}
_MAGIC: Final = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
REVIEWING_DEPARTMENTS: Final = frozenset({Department.CUSTOMS, Department.COMMERCE})
OPEN_STATES: Final = frozenset(
    {VersionState.DRAFT, VersionState.SUBMITTED, VersionState.UNDER_REVIEW, VersionState.RETURNED}
)

audit_service.describe_actions(
    {
        "enterprise.filing.save": N_("Filing saved"),
        "enterprise.filing.submit": N_("Filing submitted"),
        "enterprise.filing.start_review": N_("Filing review started"),
        "enterprise.filing.approve": N_("Filing approved"),
        "enterprise.filing.return": N_("Filing returned with reasons"),
        "enterprise.filing.suspend": N_("Filing suspended"),
        "enterprise.filing.reinstate": N_("Filing reinstated"),
        "enterprise.filing.revoke": N_("Filing revoked"),
        "enterprise.filing.document": N_("Filing document uploaded"),
    }
)


def _record(
    session: Session, principal: Principal, action: str, filing: EnterpriseFiling, **kw: Any
) -> None:
    audit_service.record(
        session,
        actor=principal.actor,
        action=f"enterprise.filing.{action}",
        object_type="enterprise.filing",
        object_id=filing.id,
        organisation_id=filing.organisation_id,
        **kw,
    )


def is_reviewer(principal: Principal) -> bool:
    """True for the departments that review filings (customs, commerce)."""
    return principal.is_regulator and principal.department in REVIEWING_DEPARTMENTS


def _require_reviewer(principal: Principal) -> None:
    if not is_reviewer(principal):
        raise Forbidden(
            Bilingual(
                "Only customs or commerce reviewers may do this.",
                "只有海关或商务审核人员可以执行此操作。",
            )
        )


# --- reading ---------------------------------------------------------------------------------


def own_filing(session: Session, *, principal: Principal) -> EnterpriseFiling | None:
    """Return the filing of the caller's organisation, if it has one."""
    return session.scalar(
        select(EnterpriseFiling).where(
            EnterpriseFiling.organisation_id == principal.organisation_id
        )
    )


def get_filing(session: Session, *, principal: Principal, filing_id: int) -> EnterpriseFiling:
    """Return a filing the caller may read: its own, or any for a regulator."""
    filing = session.get(EnterpriseFiling, filing_id)
    if filing is None or not (
        filing.organisation_id == principal.organisation_id or principal.is_regulator
    ):
        raise NotFound(Bilingual("No such filing.", "没有该备案。"))
    return filing


def versions(session: Session, *, filing_id: int) -> list[FilingVersion]:
    """Return every version of a filing, newest first."""
    return list(
        session.scalars(
            select(FilingVersion)
            .where(FilingVersion.filing_id == filing_id)
            .order_by(FilingVersion.number.desc())
        )
    )


def open_version(session: Session, *, filing_id: int) -> FilingVersion | None:
    """Return the version still in its review (draft, submitted, under review, returned), if any."""
    return session.scalar(
        select(FilingVersion).where(
            FilingVersion.filing_id == filing_id,
            FilingVersion.state.in_([s.value for s in OPEN_STATES]),
        )
    )


def current_version(session: Session, filing: EnterpriseFiling) -> FilingVersion | None:
    """Return the approved version in force."""
    return (
        session.get(FilingVersion, filing.current_version_id) if filing.current_version_id else None
    )


def documents(session: Session, *, filing_id: int) -> list[FilingDocument]:
    """Return the documents of a filing, newest first."""
    return list(
        session.scalars(
            select(FilingDocument)
            .where(FilingDocument.filing_id == filing_id)
            .order_by(FilingDocument.id.desc())
        )
    )


def review_queue(
    session: Session, *, principal: Principal, state: VersionState | None = None
) -> list[tuple[EnterpriseFiling, FilingVersion]]:
    """Return the versions waiting for review (or in `state`) with their filings, oldest first."""
    if not principal.is_regulator:
        raise Forbidden()
    wanted = (
        [state.value] if state else [VersionState.SUBMITTED.value, VersionState.UNDER_REVIEW.value]
    )
    rows = session.execute(
        select(EnterpriseFiling, FilingVersion)
        .join(FilingVersion, FilingVersion.filing_id == EnterpriseFiling.id)
        .where(FilingVersion.state.in_(wanted))
        .order_by(FilingVersion.submitted_at, FilingVersion.id)
    ).all()
    return [(f, v) for f, v in rows]


def all_filings(session: Session, *, principal: Principal) -> list[EnterpriseFiling]:
    """Return every filing (regulators)."""
    if not principal.is_regulator:
        raise Forbidden()
    return list(session.scalars(select(EnterpriseFiling).order_by(EnterpriseFiling.id)))


# --- the enterprise's side -------------------------------------------------------------------


def save_filing(
    session: Session, *, principal: Principal, data: Mapping[str, Any]
) -> FilingVersion:
    """Save the caller's filing content: a new filing, an edit of the open version, or a change request."""
    if principal.user_id is None and principal.api_key_id is None:
        raise Forbidden()
    content = normalise(data)
    errors = check_content(content)
    if errors:
        raise InvalidInput(
            errors,
            Bilingual("The filing has mistakes; nothing was saved.", "备案信息有误，未保存。"),
        )
    filing = own_filing(session, principal=principal)
    clash = session.scalar(select(EnterpriseFiling).where(EnterpriseFiling.uscc == content["uscc"]))
    if clash is not None and (filing is None or clash.id != filing.id):
        raise Conflict(
            Bilingual(
                f"USCC {content['uscc']} is already filed by another enterprise.",
                f"统一社会信用代码 {content['uscc']} 已由其他企业备案。",
            ),
        )
    now = utcnow()
    if filing is None:
        filing = EnterpriseFiling(
            organisation_id=principal.organisation_id,
            uscc=content["uscc"],
            status=FilingStatus.PENDING.value,
            created_at=now,
        )
        session.add(filing)
        session.flush()
    elif filing.status == FilingStatus.REVOKED:
        raise Conflict(Bilingual("A revoked filing cannot be changed.", "已撤销的备案不能修改。"))
    elif filing.current_version_id is not None and content["uscc"] != filing.uscc:
        raise invalid(
            "uscc",
            "an approved filing keeps its USCC; file a new enterprise instead",
            "已核准备案的统一社会信用代码不能变更",
        )
    version = open_version(session, filing_id=filing.id)
    if version is None:
        number = (
            session.scalar(
                select(FilingVersion.number)
                .where(FilingVersion.filing_id == filing.id)
                .order_by(FilingVersion.number.desc())
                .limit(1)
            )
            or 0
        ) + 1
        version = FilingVersion(
            filing_id=filing.id,
            number=number,
            state=VersionState.DRAFT.value,
            data=content,
            reasons=[],
            created_at=now,
        )
        session.add(version)
    elif VersionState(version.state) not in EDITABLE:
        raise Conflict(
            Bilingual(
                f"Version {version.number} is {version.state} and cannot be edited until the review ends.",
                f"第 {version.number} 版正在审核（{version.state}），审核结束前不能修改。",
            )
        )
    else:
        version.data = content
    if filing.current_version_id is None:
        filing.uscc = content["uscc"]
    session.flush()
    _record(session, principal, "save", filing, after=content, details={"version": version.number})
    return version


def _step_version(version: FilingVersion, action: str) -> VersionState:
    target = next_version_state(VersionState(version.state), action)
    if target is None:
        allowed = allowed_version_actions(VersionState(version.state)) or ["-"]
        raise Conflict(
            Bilingual(
                f"Version {version.number} is {version.state}: '{action}' is not possible now (possible: {', '.join(allowed)}).",
                f"第 {version.number} 版当前为 {version.state}，不能执行“{action}”（可执行：{', '.join(allowed)}）。",
            )
        )
    return target


def submit(session: Session, *, principal: Principal, version_id: int) -> FilingVersion:
    """Submit the caller's draft or returned version for review."""
    filing = own_filing(session, principal=principal)
    version = session.get(FilingVersion, version_id)
    if filing is None or version is None or version.filing_id != filing.id:
        raise NotFound(Bilingual("No such filing version.", "没有该备案版本。"))
    target = _step_version(version, "submit")
    if filing.current_version_id is None and not any(
        d.kind == "business_licence" for d in documents(session, filing_id=filing.id)
    ):
        raise invalid(
            "documents", "attach the business licence before submitting", "提交前请上传营业执照"
        )
    version.state = target.value
    version.submitted_at = utcnow()
    session.flush()
    _record(session, principal, "submit", filing, details={"version": version.number})
    for department in sorted(REVIEWING_DEPARTMENTS):
        notifications_service.notify_department(
            session,
            department=department,
            event="enterprise.filing.submit",
            text=N_("%(name)s submitted version %(version)s of its enterprise filing for review."),
            href=f"/filings/{filing.id}",
            values={"name": version.data.get("name_zh", ""), "version": version.number},
        )
    return version


def add_document(
    session: Session,
    *,
    principal: Principal,
    kind: str,
    filename: str,
    content: bytes,
    var_dir: Path,
) -> FilingDocument:
    """Store a qualification document of the caller's filing under var/, by its SHA-256."""
    filing = own_filing(session, principal=principal)
    if filing is None:
        raise invalid(
            "file", "save the filing before attaching documents", "请先保存备案信息，再上传材料"
        )
    if kind not in DOCUMENT_KINDS:
        raise invalid("kind", f"choose one of: {', '.join(DOCUMENT_KINDS)}", "请选择材料类型")
    if len(content) > MAX_DOCUMENT_BYTES:
        raise invalid(
            "file",
            f"at most {MAX_DOCUMENT_BYTES // (1024 * 1024)} MiB",
            f"文件不能超过 {MAX_DOCUMENT_BYTES // (1024 * 1024)} MiB",
            "too_large",
        )
    content_type = next((ctype for magic, ctype in _MAGIC if content.startswith(magic)), None)
    if content_type is None:
        raise invalid(
            "file",
            "only PDF, PNG or JPEG files are accepted",
            "只接受 PDF、PNG 或 JPEG 文件",
            "wrong_type",
        )
    digest = hashlib.sha256(content).hexdigest()
    path = document_path(var_dir, digest)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
            tmp.write(content)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp.name, path)
    document = FilingDocument(
        filing_id=filing.id,
        kind=kind,
        filename=Path(filename).name[:200] or "document",
        content_type=content_type,
        size=len(content),
        sha256=digest,
        uploaded_at=utcnow(),
    )
    session.add(document)
    session.flush()
    _record(
        session,
        principal,
        "document",
        filing,
        details={"kind": kind, "sha256": digest, "size": len(content)},
    )
    return document


def document_path(var_dir: Path, sha256: str) -> Path:
    """Return where a document with `sha256` is stored."""
    return var_dir / "uploads" / "filings" / sha256[:2] / sha256


def get_document(session: Session, *, principal: Principal, document_id: int) -> FilingDocument:
    """Return a document the caller may read (its own filing's, or any for a regulator)."""
    document = session.get(FilingDocument, document_id)
    if document is None:
        raise NotFound()
    get_filing(session, principal=principal, filing_id=document.filing_id)
    return document


# --- the reviewer's side ---------------------------------------------------------------------


def _reviewed_version(
    session: Session, principal: Principal, version_id: int
) -> tuple[EnterpriseFiling, FilingVersion]:
    _require_reviewer(principal)
    version = session.get(FilingVersion, version_id)
    if version is None:
        raise NotFound(Bilingual("No such filing version.", "没有该备案版本。"))
    filing = session.get(EnterpriseFiling, version.filing_id)
    assert filing is not None
    return filing, version


def start_review(session: Session, *, principal: Principal, version_id: int) -> FilingVersion:
    """Take a submitted version into review."""
    filing, version = _reviewed_version(session, principal, version_id)
    version.state = _step_version(version, "start_review").value
    version.reviewer = principal.label
    session.flush()
    _record(session, principal, "start_review", filing, details={"version": version.number})
    return version


def return_version(
    session: Session, *, principal: Principal, version_id: int, reasons: list[str]
) -> FilingVersion:
    """Return a version to the enterprise with the reasons it must fix."""
    filing, version = _reviewed_version(session, principal, version_id)
    target = _step_version(version, "return")
    clean = [r.strip()[:500] for r in reasons if r.strip()]
    if not clean:
        raise invalid("reasons", "say what the enterprise must fix", "请说明企业需要更正的内容")
    version.state = target.value
    version.reasons = clean
    version.reviewed_at = utcnow()
    version.reviewer = principal.label
    session.flush()
    _record(
        session, principal, "return", filing, details={"version": version.number, "reasons": clean}
    )
    notifications_service.notify(
        session,
        organisation_id=filing.organisation_id,
        event="enterprise.filing.return",
        text=N_("Your enterprise filing (version %(version)s) was returned: %(reasons)s"),
        href="/filing",
        values={"version": version.number, "reasons": "; ".join(clean)},
    )
    return version


def approve(session: Session, *, principal: Principal, version_id: int) -> FilingVersion:
    """Approve a version: it becomes the filing in force from today; the previous one is kept."""
    filing, version = _reviewed_version(session, principal, version_id)
    target = _step_version(version, "approve")
    if filing.status == FilingStatus.REVOKED:
        raise Conflict(Bilingual("The filing is revoked.", "该备案已撤销。"))
    before = snapshot(filing)
    now = utcnow()
    today = now.astimezone(CHINA_STANDARD_TIME).date()
    previous = current_version(session, filing)
    if previous is not None:
        previous.effective_to = today
    version.state = target.value
    version.effective_from = today
    version.reviewed_at = now
    version.reviewer = principal.label
    version.reasons = []
    filing.current_version_id = version.id
    filing.uscc = str(version.data["uscc"])
    if filing.status == FilingStatus.PENDING:
        filing.status = FilingStatus.APPROVED.value
        filing.approved_at = now
        filing.certificate_no = f"CBEC-{today:%Y}-{filing.id:06d}"
    session.flush()
    _record(
        session,
        principal,
        "approve",
        filing,
        before=before,
        after=snapshot(filing),
        details={"version": version.number},
    )
    notifications_service.notify(
        session,
        organisation_id=filing.organisation_id,
        event="enterprise.filing.approve",
        text=N_(
            "Your enterprise filing (version %(version)s) was approved; certificate %(certificate)s."
        ),
        href="/filing",
        values={"version": version.number, "certificate": filing.certificate_no or ""},
    )
    return version


def change_status(
    session: Session, *, principal: Principal, filing_id: int, action: str, reason: str
) -> EnterpriseFiling:
    """Suspend, reinstate or revoke an approved filing, with the reason."""
    _require_reviewer(principal)
    filing = session.get(EnterpriseFiling, filing_id)
    if filing is None:
        raise NotFound(Bilingual("No such filing.", "没有该备案。"))
    target = next_filing_status(FilingStatus(filing.status), action)
    if target is None:
        raise Conflict(
            Bilingual(
                f"The filing is {filing.status}: '{action}' is not possible.",
                f"备案当前为 {filing.status}，不能执行“{action}”。",
            )
        )
    if not reason.strip():
        raise invalid("reason", "give the reason", "请填写原因")
    before = snapshot(filing)
    filing.status = target.value
    filing.status_reason = reason.strip()[:500]
    session.flush()
    _record(
        session,
        principal,
        action,
        filing,
        before=before,
        after=snapshot(filing),
        details={"reason": filing.status_reason},
    )
    return filing


def is_approved(session: Session, *, organisation_id: int) -> bool:
    """True when the organisation holds an approved filing in force (for later domains' checks)."""
    status = session.scalar(
        select(EnterpriseFiling.status).where(EnterpriseFiling.organisation_id == organisation_id)
    )
    return status == FilingStatus.APPROVED.value


# The approved filings in force: which version each holds, and when that version was made (SQLite
# may give a rolled-back version's id to the next one; its creation time tells them apart).
_APPROVED_VERSIONS: Final = Prepared(
    select(FilingVersion.id, FilingVersion.created_at)
    .join(EnterpriseFiling, EnterpriseFiling.current_version_id == FilingVersion.id)
    .where(EnterpriseFiling.status == literal(FilingStatus.APPROVED.value))
)
# What each such version says (a version in force is never edited: changes are new versions), and
# the answer built from the last set of versions seen. Replaced whole, never edited in place.
_version_roles: dict[tuple[int, Any], tuple[tuple[str, ...], frozenset[str]]] = {}
_approved: tuple[frozenset[tuple[int, Any]], dict[str, frozenset[str]]] = (frozenset(), {})


def approved_roles_by_code(session: Session) -> Mapping[str, frozenset[str]]:
    """Return the roles of every approved filing in force, by customs code and by USCC.

    Asks which versions are in force (ids only) and reads the content of versions not seen
    before: the pre-flight asks this on every check.
    """
    global _approved, _version_roles
    in_force = frozenset((int(i), at) for i, at in _APPROVED_VERSIONS.rows(session, {}))
    if _approved[0] == in_force:
        return _approved[1]
    unseen = [i for i, at in in_force if (i, at) not in _version_roles]
    known = {k: v for k, v in _version_roles.items() if k in in_force}
    for version in session.scalars(select(FilingVersion).where(FilingVersion.id.in_(unseen))):
        data = version.data
        codes = tuple(str(data[k]) for k in ("customs_code", "uscc") if data.get(k))
        known[(version.id, version.created_at)] = (
            codes,
            frozenset(str(r) for r in data.get("roles", [])),
        )
    out: dict[str, frozenset[str]] = {}
    # In id order, as before: a code two filings name goes to the later version.
    for key in sorted(k for k in in_force if k in known):
        codes, roles = known[key]
        for code in codes:
            out[code] = roles
    _version_roles, _approved = known, (in_force, out)
    return out
