"""Code-table pages: every table with its edition in force, browsing by day, and for the zone
administration a checked import (upload, see what changes, then apply)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from opencbec.errors import DomainError, Forbidden, NotFound, invalid
from opencbec.goods import portal as _portal  # noqa: F401 - registers to-dos, search, figures
from opencbec.goods import service
from opencbec.goods.rules import MAX_BYTES, PRODUCT_FIELDS, TABLES
from opencbec.identity.rules import Principal
from opencbec.kit.i18n import Bilingual
from opencbec.problems import from_domain_error
from opencbec.webkit import CurrentPrincipal, DbSession, locale_of, render, settings_of

router = APIRouter(include_in_schema=False)
PAGE = 50
_SHA = re.compile(r"^[0-9a-f]{64}$")


def _require_zone(principal: Principal) -> None:
    if not principal.is_zone_admin:
        raise Forbidden(
            Bilingual(
                "Only the zone administration imports code table editions.",
                "只有综试区管理机构可以导入代码表版本。",
            )
        )


def _upload_dir(request: Request) -> Path:
    path = settings_of(request).var_dir / "uploads" / "codes"
    path.mkdir(parents=True, exist_ok=True)
    return path


@router.get("/codes", response_class=HTMLResponse)
def codes_index(request: Request, principal: CurrentPrincipal, session: DbSession) -> Response:
    """List the code tables with the edition in force."""
    rows = [(spec, service.latest_edition(session, table=name)) for name, spec in TABLES.items()]
    return render(request, "goods/codes.html", {"tables": rows})


@router.get("/codes/{table}", response_class=HTMLResponse)
def codes_table(
    request: Request,
    table: str,
    principal: CurrentPrincipal,
    session: DbSession,
    q: str = "",
    on: str = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    """Browse one table as it stood on a day, search it, and see its editions."""
    spec = TABLES.get(table)
    if spec is None:
        raise NotFound()
    try:
        day = dt.date.fromisoformat(on) if on else dt.date.today()
    except ValueError:
        day = dt.date.today()
    rows, total = service.search(
        session, table=table, query=q[:50], on=day, limit=PAGE, offset=(page - 1) * PAGE
    )
    return render(
        request,
        "goods/table.html",
        {
            "spec": spec,
            "rows": rows,
            "total": total,
            "q": q,
            "on": day.isoformat(),
            "page": page,
            "pages": max(1, -(-total // PAGE)),
            "editions": service.editions(session, table=table),
            "columns": [c.name for c in spec.columns],
            "max_bytes": MAX_BYTES,
        },
    )


@router.post("/codes/{table}/preview", response_class=HTMLResponse)
def codes_preview(
    request: Request,
    table: str,
    principal: CurrentPrincipal,
    session: DbSession,
    file: Annotated[UploadFile, File()],
    effective_from: Annotated[str, Form()] = "",
) -> Response:
    """Receive an edition file, keep it by its digest, and show what applying it would change."""
    _require_zone(principal)
    spec = service.spec_or_error(table)
    try:
        day = dt.date.fromisoformat(effective_from)
    except ValueError:
        day = dt.date.today() + dt.timedelta(days=1)
    content = file.file.read(MAX_BYTES + 1)
    preview = service.preview_edition(session, table=spec.name, content=content, effective_from=day)
    if preview.ok:
        (_upload_dir(request) / f"{preview.sha256}.csv").write_bytes(content)
    return render(
        request,
        "goods/preview.html",
        {
            "spec": spec,
            "preview": preview,
            "effective_from": day.isoformat(),
            "filename": file.filename or "",
        },
        status_code=200 if preview.ok else 422,
    )


@router.post("/codes/{table}/apply", response_class=HTMLResponse)
def codes_apply(
    request: Request,
    table: str,
    principal: CurrentPrincipal,
    session: DbSession,
    sha256: Annotated[str, Form()] = "",
    version: Annotated[str, Form()] = "",
    source: Annotated[str, Form()] = "",
    effective_from: Annotated[str, Form()] = "",
) -> Response:
    """Apply a previewed edition; its file is found again by its digest, so nothing can be swapped."""
    _require_zone(principal)
    spec = service.spec_or_error(table)
    try:
        if not _SHA.match(sha256) or not (path := _upload_dir(request) / f"{sha256}.csv").is_file():
            raise invalid(
                "file",
                "upload the edition again: its preview has expired",
                "请重新上传：预览已失效",
            )
        try:
            day = dt.date.fromisoformat(effective_from)
        except ValueError:
            raise invalid(
                "effective_from", "give a date YYYY-MM-DD", "请填写日期 YYYY-MM-DD"
            ) from None
        service.apply_edition(
            session,
            actor=principal.actor,
            table=spec.name,
            content=path.read_bytes(),
            version=version,
            source=source,
            effective_from=day,
        )
    except DomainError as exc:
        session.rollback()
        problem = from_domain_error(exc, locale=locale_of(request), instance=request.url.path)
        return render(request, "errors/error.html", {"problem": problem}, status_code=exc.status)
    path.unlink(missing_ok=True)
    return RedirectResponse(f"/codes/{spec.name}", status_code=303)


# --- goods filing ----------------------------------------------------------------------------

PRODUCT_TEMPLATE_CSV = (",".join(PRODUCT_FIELDS) + "\n").encode()
FormStr = Annotated[str, Form()]


def _goods_page(
    request: Request,
    principal: Principal,
    session: DbSession,
    *,
    error: DomainError | None = None,
    form: dict[str, str] | None = None,
    report: service.BulkReport | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "goods/products.html",
        {
            "products": (products := service.list_products(session, principal=principal)),
            "images": service.images_of(session, product_ids=[p.id for p in products]),
            "error": error,
            "form": form
            or {
                "direction": "export",
                "supervision_mode": "9610",
                "currency": "142",
                "origin_country": "142",
            },
            "report": report,
            "fields": PRODUCT_FIELDS,
        },
        status_code=status_code,
    )


@router.get("/goods", response_class=HTMLResponse)
def goods_page(request: Request, principal: CurrentPrincipal, session: DbSession) -> Response:
    """List the caller's filed goods with the forms to file one or many."""
    return _goods_page(request, principal, session)


@router.get("/goods/template.csv")
def goods_template(principal: CurrentPrincipal) -> Response:
    """Send the header row of the bulk-upload CSV."""
    return Response(
        PRODUCT_TEMPLATE_CSV,
        media_type="text/csv",
        headers={"content-disposition": 'attachment; filename="goods.csv"'},
    )


@router.post("/goods", response_class=HTMLResponse)
def goods_file(
    request: Request,
    principal: CurrentPrincipal,
    session: DbSession,
    item_no: FormStr = "",
    direction: FormStr = "",
    supervision_mode: FormStr = "",
    name_zh: FormStr = "",
    name_en: FormStr = "",
    brand: FormStr = "",
    model_spec: FormStr = "",
    declared_elements: FormStr = "",
    hs_code: FormStr = "",
    unit: FormStr = "",
    origin_country: FormStr = "",
    price: FormStr = "",
    currency: FormStr = "",
    barcode: FormStr = "",
) -> Response:
    """File one product from the form."""
    data = {
        "item_no": item_no,
        "direction": direction,
        "supervision_mode": supervision_mode,
        "name_zh": name_zh,
        "name_en": name_en,
        "brand": brand,
        "model_spec": model_spec,
        "declared_elements": declared_elements,
        "hs_code": hs_code,
        "unit": unit,
        "origin_country": origin_country,
        "price": price,
        "currency": currency,
        "barcode": barcode,
    }
    try:
        service.file_product(session, principal=principal, data=data)
    except DomainError as exc:
        session.rollback()
        return _goods_page(
            request, principal, session, error=exc, form=data, status_code=exc.status
        )
    return RedirectResponse("/goods", status_code=303)


@router.post("/goods/bulk", response_class=HTMLResponse)
def goods_bulk(
    request: Request,
    principal: CurrentPrincipal,
    session: DbSession,
    file: Annotated[UploadFile, File()],
    import_valid_rows: Annotated[str, Form()] = "",
) -> Response:
    """File products from a CSV; report every bad row; all or nothing unless asked otherwise."""
    content = file.file.read(MAX_BYTES + 1)
    try:
        report = service.file_products_bulk(
            session,
            principal=principal,
            content=content,
            import_valid_rows=import_valid_rows == "on",
        )
    except DomainError as exc:
        session.rollback()
        return _goods_page(request, principal, session, error=exc, status_code=exc.status)
    return _goods_page(
        request,
        principal,
        session,
        report=report,
        status_code=200 if report.filed or not report.errors else 422,
    )


@router.post("/goods/{product_id}/images", response_class=HTMLResponse)
def goods_add_image(
    request: Request,
    product_id: int,
    principal: CurrentPrincipal,
    session: DbSession,
    file: Annotated[UploadFile, File()],
) -> Response:
    """Attach a picture to a product."""
    content = file.file.read(service.MAX_IMAGE_BYTES + 1)
    try:
        service.add_image(
            session,
            principal=principal,
            product_id=product_id,
            content=content,
            var_dir=settings_of(request).var_dir,
        )
    except DomainError as exc:
        if exc.status == 404:
            raise
        session.rollback()
        return _goods_page(request, principal, session, error=exc, status_code=exc.status)
    return RedirectResponse("/goods", status_code=303)


@router.get("/goods/images/{image_id}")
def goods_image(
    request: Request, image_id: int, principal: CurrentPrincipal, session: DbSession
) -> Response:
    """Send a product picture to its owner or an entitled regulator."""
    image = service.get_image(session, principal=principal, image_id=image_id)
    path = service.image_path(settings_of(request).var_dir, image.sha256)
    if not path.is_file():
        raise NotFound()
    return FileResponse(path, media_type=image.content_type)
