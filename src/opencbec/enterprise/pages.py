"""Enterprise filing pages: the enterprise files and follows its review; regulators review."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from opencbec.enterprise import portal as _portal  # noqa: F401 - registers search and figures
from opencbec.enterprise import service
from opencbec.enterprise.models import EnterpriseFiling
from opencbec.enterprise.rules import (
    EDITABLE,
    FIELDS,
    FILING_ROLES,
    STATE_LABELS,
    VersionState,
    changed_fields,
)
from opencbec.errors import DomainError, InvalidInput, NotFound
from opencbec.identity.rules import Principal
from opencbec.kit.i18n import N_, Bilingual
from opencbec.kit.tables import MAX_TABLE_BYTES
from opencbec.webkit import (
    CurrentPrincipal,
    DbSession,
    OptionalPrincipal,
    TodoItem,
    register_todos,
    render,
    settings_of,
)

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50


@register_todos
def filing_todos(session: Session, principal: Principal) -> list[TodoItem]:
    """The filing work waiting for an enterprise or a reviewer."""
    items: list[TodoItem] = []
    if principal.roles & set(FILING_ROLES):
        filing = service.own_filing(session, principal=principal)
        open_version = service.open_version(session, filing_id=filing.id) if filing else None
        if filing is None:
            items.append(
                TodoItem(N_("File your enterprise to use the zone's services."), "/filing")
            )
        elif open_version is not None and open_version.state == VersionState.RETURNED:
            items.append(
                TodoItem(N_("Your filing was returned: fix it and submit again."), "/filing")
            )
        elif open_version is not None and open_version.state == VersionState.DRAFT:
            items.append(TodoItem(N_("Your filing is a draft: submit it for review."), "/filing"))
    if service.is_reviewer(principal):
        waiting = len(service.review_queue(session, principal=principal))
        if waiting:
            items.append(
                TodoItem(N_("%(n)s filing(s) wait for review."), "/filings", {"n": waiting})
            )
    return items


FormStr = Annotated[str, Form()]
FormList = Annotated[list[str] | None, Form()]


def _rows(**columns: list[str] | None) -> list[dict[str, str]]:
    """Turn repeated form fields (one list per column) into entries; blank rows are dropped later."""
    length = max((len(v or []) for v in columns.values()), default=0)
    return [
        {
            name: (values or [])[i] if i < len(values or []) else ""
            for name, values in columns.items()
        }
        for i in range(length)
    ]


def _filing_context(session: DbSession, filing: EnterpriseFiling | None) -> dict[str, Any]:
    if filing is None:
        return {"filing": None, "versions": [], "documents": [], "open": None, "current": None}
    versions = service.versions(session, filing_id=filing.id)
    current = service.current_version(session, filing)
    open_version = service.open_version(session, filing_id=filing.id)
    return {
        "filing": filing,
        "versions": versions,
        "documents": service.documents(session, filing_id=filing.id),
        "open": open_version,
        "current": current,
        "changes": changed_fields(current.data, open_version.data)
        if current and open_version
        else [],
    }


def _own_page(
    request: Request,
    principal: Principal,
    session: DbSession,
    *,
    error: DomainError | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    context = _filing_context(session, service.own_filing(session, principal=principal))
    editable = context["open"] is None or VersionState(context["open"].state) in EDITABLE
    if form is None:
        source = context["open"] or context["current"]
        form = (
            dict(source.data)
            if source
            else {
                "name_zh": principal.organisation_name_zh,
                "name_en": principal.organisation_name_en,
            }
        )
    return render(
        request,
        "enterprise/own.html",
        {
            **context,
            "form": form,
            "error": error,
            "editable": editable
            and (context["filing"] is None or context["filing"].status != "revoked"),
            "filing_roles": FILING_ROLES,
            "kinds": service.DOCUMENT_KINDS,
            "state_labels": STATE_LABELS,
        },
        status_code=status_code,
    )


@router.get("/filing", response_class=HTMLResponse)
def own_filing(request: Request, principal: CurrentPrincipal, session: DbSession) -> Response:
    """Show the caller's filing, its review and its history, with the form to file or change."""
    return _own_page(request, principal, session)


@router.post("/filing", response_class=HTMLResponse)
def save_filing(
    request: Request,
    principal: CurrentPrincipal,
    session: DbSession,
    uscc: FormStr = "",
    customs_code: FormStr = "",
    name_zh: FormStr = "",
    name_en: FormStr = "",
    legal_representative: FormStr = "",
    address: FormStr = "",
    contact_name: FormList = None,
    contact_phone: FormList = None,
    contact_email: FormList = None,
    bank_name: FormList = None,
    bank_account: FormList = None,
    fx_bank_name: FormList = None,
    fx_account: FormList = None,
    roles: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Save the filing form (a new filing, an edit, or a change request)."""
    data: dict[str, Any] = {
        "uscc": uscc,
        "customs_code": customs_code,
        "name_zh": name_zh,
        "name_en": name_en,
        "legal_representative": legal_representative,
        "address": address,
        "contacts": _rows(name=contact_name, phone=contact_phone, email=contact_email),
        "bank_accounts": _rows(bank_name=bank_name, account=bank_account),
        "fx_accounts": _rows(bank_name=fx_bank_name, account=fx_account),
        "roles": roles or [],
    }
    try:
        service.save_filing(session, principal=principal, data=data)
    except DomainError as exc:
        session.rollback()
        return _own_page(request, principal, session, error=exc, form=data, status_code=exc.status)
    return RedirectResponse("/filing", status_code=303)


@router.post("/filing/documents", response_class=HTMLResponse)
def upload_document(
    request: Request,
    principal: CurrentPrincipal,
    session: DbSession,
    file: Annotated[UploadFile, File()],
    kind: FormStr = "",
) -> Response:
    """Attach a qualification document (PDF, PNG or JPEG, at most 5 MiB)."""
    content = file.file.read(service.MAX_DOCUMENT_BYTES + 1)
    try:
        service.add_document(
            session,
            principal=principal,
            kind=kind,
            filename=file.filename or "",
            content=content,
            var_dir=settings_of(request).var_dir,
        )
    except DomainError as exc:
        session.rollback()
        return _own_page(request, principal, session, error=exc, status_code=exc.status)
    return RedirectResponse("/filing", status_code=303)


@router.post("/filing/versions/{version_id}/submit", response_class=HTMLResponse)
def submit_version(
    request: Request, version_id: int, principal: CurrentPrincipal, session: DbSession
) -> Response:
    """Submit the draft or returned version for review."""
    try:
        service.submit(session, principal=principal, version_id=version_id)
    except DomainError as exc:
        if exc.status == 404:
            raise
        session.rollback()
        return _own_page(request, principal, session, error=exc, status_code=exc.status)
    return RedirectResponse("/filing", status_code=303)


@router.get("/filing/documents/{document_id}")
def download_document(
    request: Request, document_id: int, principal: CurrentPrincipal, session: DbSession
) -> Response:
    """Send a document to its enterprise or to a regulator."""
    document = service.get_document(session, principal=principal, document_id=document_id)
    path = service.document_path(settings_of(request).var_dir, document.sha256)
    if not path.is_file():
        raise NotFound()
    return FileResponse(path, media_type=document.content_type, filename=document.filename)


# --- reviewers -------------------------------------------------------------------------------


@router.get("/filings", response_class=HTMLResponse)
def review_list(request: Request, principal: CurrentPrincipal, session: DbSession) -> Response:
    """Show regulators the versions waiting for review and every filing."""
    return render(
        request,
        "enterprise/review_list.html",
        {
            "queue": service.review_queue(session, principal=principal),
            "filings": service.all_filings(session, principal=principal),
            "state_labels": STATE_LABELS,
            "reviewer": service.is_reviewer(principal),
        },
    )


def _review_page(
    request: Request,
    principal: Principal,
    session: DbSession,
    filing_id: int,
    *,
    error: DomainError | None = None,
    status_code: int = 200,
) -> Response:
    filing = service.get_filing(session, principal=principal, filing_id=filing_id)
    return render(
        request,
        "enterprise/review.html",
        {
            **_filing_context(session, filing),
            "error": error,
            "state_labels": STATE_LABELS,
            "kinds": service.DOCUMENT_KINDS,
            "reviewer": service.is_reviewer(principal),
            "fields": FIELDS,
        },
        status_code=status_code,
    )


@router.get("/filings/{filing_id}", response_class=HTMLResponse)
def review_page(
    request: Request, filing_id: int, principal: CurrentPrincipal, session: DbSession
) -> Response:
    """Show one filing with its versions, documents and the review actions."""
    return _review_page(request, principal, session, filing_id)


@router.post("/filings/{filing_id}/versions/{version_id}/{action}", response_class=HTMLResponse)
def review_action(
    request: Request,
    filing_id: int,
    version_id: int,
    action: str,
    principal: CurrentPrincipal,
    session: DbSession,
    reasons: FormStr = "",
) -> Response:
    """Start the review of, approve, or return a version."""
    try:
        if action == "start_review":
            service.start_review(session, principal=principal, version_id=version_id)
        elif action == "approve":
            service.approve(session, principal=principal, version_id=version_id)
        elif action == "return":
            service.return_version(
                session, principal=principal, version_id=version_id, reasons=reasons.splitlines()
            )
        else:
            raise NotFound()
    except DomainError as exc:
        if exc.status in {403, 404}:
            raise
        session.rollback()
        return _review_page(
            request, principal, session, filing_id, error=exc, status_code=exc.status
        )
    return RedirectResponse(f"/filings/{filing_id}", status_code=303)


@router.post("/filings/{filing_id}/status/{action}", response_class=HTMLResponse)
def status_action(
    request: Request,
    filing_id: int,
    action: str,
    principal: CurrentPrincipal,
    session: DbSession,
    reason: FormStr = "",
) -> Response:
    """Suspend, reinstate or revoke a filing."""
    if action not in {"suspend", "reinstate", "revoke"}:
        raise NotFound()
    try:
        service.change_status(
            session, principal=principal, filing_id=filing_id, action=action, reason=reason
        )
    except DomainError as exc:
        if exc.status in {403, 404}:
            raise
        session.rollback()
        return _review_page(
            request, principal, session, filing_id, error=exc, status_code=exc.status
        )
    return RedirectResponse(f"/filings/{filing_id}", status_code=303)


@router.get("/filings/{filing_id}/certificate", response_class=HTMLResponse)
def certificate(
    request: Request, filing_id: int, principal: CurrentPrincipal, session: DbSession
) -> Response:
    """Show the filing certificate of an approved filing."""
    filing = service.get_filing(session, principal=principal, filing_id=filing_id)
    current = service.current_version(session, filing)
    if current is None or filing.certificate_no is None:
        raise NotFound()
    return render(
        request,
        "enterprise/certificate.html",
        {"filing": filing, "current": current, "state_labels": STATE_LABELS},
    )


# --- parks, belts and the published source-factory list ----------------------------------


@router.get("/source-factories", response_class=HTMLResponse)
def source_factories(
    request: Request,
    principal: OptionalPrincipal,
    session: DbSession,
    q: str = "",
    belt: str = "",
    park: str = "",
    market: str = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    """The published source-factory list: public, searchable in zh and en, filtered, exportable."""
    rows, total = service.search_factories(
        session,
        query=q,
        belt=belt,
        park=park,
        market=market[:2],
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    by_belt = service.listed_by_belt(session)
    return render(
        request,
        "enterprise/source_factories.html",
        {
            "rows": rows,
            "total": total,
            "q": q,
            "belt": belt,
            "park": park,
            "market": market,
            "page": page,
            "pages": max(1, -(-total // PAGE_SIZE)),
            "belts": service.belts(session),
            "parks": service.parks(session),
            "by_belt": by_belt,
            "max_count": max((n for _, n in by_belt), default=1) or 1,
            "query": urlencode({"q": q, "belt": belt, "park": park, "market": market}),
        },
    )


@router.get("/source-factories/export.{fmt}")
def source_factories_export(
    session: DbSession, fmt: str, q: str = "", belt: str = "", park: str = "", market: str = ""
) -> Response:
    """Export the published list as filtered, as CSV or XLSX."""
    if fmt not in {"csv", "xlsx"}:
        raise NotFound()
    rows, _ = service.search_factories(
        session, query=q, belt=belt, park=park, market=market[:2], limit=100_000
    )
    if fmt == "csv":
        return Response(
            service.export_csv(rows),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": 'attachment; filename="source-factories.csv"'},
        )
    return Response(
        service.export_xlsx(rows),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"content-disposition": 'attachment; filename="source-factories.xlsx"'},
    )


def _parks_page(
    request: Request,
    principal: Principal,
    session: DbSession,
    *,
    error: DomainError | None = None,
    status_code: int = 200,
) -> Response:
    rows, _ = service.search_factories(session, listed_only=False, limit=1000)
    return render(
        request,
        "enterprise/parks.html",
        {
            "parks": service.parks(session),
            "belts": service.belts(session),
            "factories": rows,
            "error": error,
        },
        status_code=status_code,
    )


@router.get("/parks", response_class=HTMLResponse)
def parks_page(request: Request, principal: CurrentPrincipal, session: DbSession) -> Response:
    """Parks, industrial belts and every factory; the zone administration registers and publishes."""
    return _parks_page(request, principal, session)


@router.post("/parks/factories", response_class=HTMLResponse)
def parks_add_factory(
    request: Request,
    principal: CurrentPrincipal,
    session: DbSession,
    name_zh: FormStr = "",
    name_en: FormStr = "",
    belt: FormStr = "",
    park: FormStr = "",
    county: FormStr = "",
    products_zh: FormStr = "",
    products_en: FormStr = "",
    markets: FormStr = "",
) -> Response:
    """Register a source factory."""
    data = {
        "name_zh": name_zh,
        "name_en": name_en,
        "belt": belt,
        "park": park,
        "county": county,
        "products_zh": products_zh,
        "products_en": products_en,
        "markets": markets,
    }
    try:
        service.register_factory(session, principal=principal, data=data)
    except DomainError as exc:
        if exc.status == 403:
            raise
        session.rollback()
        return _parks_page(request, principal, session, error=exc, status_code=exc.status)
    return RedirectResponse("/parks", status_code=303)


@router.post("/parks/factories/upload", response_class=HTMLResponse)
def parks_upload(
    request: Request,
    principal: CurrentPrincipal,
    session: DbSession,
    file: Annotated[UploadFile, File()],
    import_valid_rows: FormStr = "",
) -> Response:
    """Register factories from a CSV or XLSX file; every bad row is reported."""
    content = file.file.read(MAX_TABLE_BYTES + 1)
    try:
        report = service.register_factories_bulk(
            session,
            principal=principal,
            content=content,
            import_valid_rows=import_valid_rows == "on",
        )
    except DomainError as exc:
        if exc.status == 403:
            raise
        session.rollback()
        return _parks_page(request, principal, session, error=exc, status_code=exc.status)
    if report.errors and not report.registered:
        error = InvalidInput(
            report.errors, Bilingual("Nothing was registered.", "未登记任何工厂。")
        )
        return _parks_page(request, principal, session, error=error, status_code=422)
    return RedirectResponse("/parks", status_code=303)


@router.post("/parks/publish", response_class=HTMLResponse)
def parks_publish(
    principal: CurrentPrincipal,
    session: DbSession,
    factory_ids: Annotated[list[int] | None, Form()] = None,
) -> Response:
    """Publish the chosen factories on the source-factory list."""
    service.publish_factories(session, principal=principal, factory_ids=factory_ids or [])
    return RedirectResponse("/source-factories", status_code=303)
