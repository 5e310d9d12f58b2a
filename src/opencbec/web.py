"""The web application: `create_app(settings)` builds it; nothing happens at import time."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from opencbec import __version__
from opencbec.analytics import pages as analytics_pages
from opencbec.analytics import routes as analytics_routes
from opencbec.appointments import pages as appointments_pages
from opencbec.appointments import routes as appointments_routes
from opencbec.audit import pages as audit_pages
from opencbec.audit import routes as audit_routes
from opencbec.clearance import pages as clearance_pages
from opencbec.clearance import routes as clearance_routes
from opencbec.customs import jobs as customs_jobs
from opencbec.customs import pages as customs_pages
from opencbec.customs import portal as _customs_portal  # noqa: F401 - registers the link's to-dos
from opencbec.customs import routes as customs_routes
from opencbec.db import Database
from opencbec.enterprise import pages as enterprise_pages
from opencbec.enterprise import routes as enterprise_routes
from opencbec.errors import DomainError, Unauthenticated
from opencbec.finance import pages as finance_pages
from opencbec.finance import routes as finance_routes
from opencbec.goods import pages as goods_pages
from opencbec.goods import routes as goods_routes
from opencbec.identity import pages as identity_pages
from opencbec.identity import routes as identity_routes
from opencbec.identity import service as identity_service
from opencbec.kit.i18n import Bilingual
from opencbec.logistics import pages as logistics_pages
from opencbec.logistics import routes as logistics_routes
from opencbec.notifications import pages as notifications_pages
from opencbec.problems import PROBLEM_JSON, field_errors, from_domain_error, problem
from opencbec.search import pages as search_pages
from opencbec.search import routes as search_routes
from opencbec.settings import Settings
from opencbec.simulator import pages as simulator_pages
from opencbec.tax import pages as tax_pages
from opencbec.tax import routes as tax_routes
from opencbec.tax import service as tax_service
from opencbec.warehousing import pages as warehousing_pages
from opencbec.warehousing import routes as warehousing_routes
from opencbec.webkit import csrf_protect, locale_of, login_redirect_target, render

log = logging.getLogger("opencbec.web")
STATIC_DIR = Path(__file__).resolve().parent / "static"


_HTTP_TITLES = {
    404: Bilingual("This page does not exist.", "页面不存在。"),
    405: Bilingual("This method is not allowed here.", "不允许使用此方法。"),
    500: Bilingual(
        "Something went wrong on our side; nothing was saved. Please try again.",
        "服务器内部错误，本次操作未保存，请重试。",
    ),
}


def _wants_json(request: Request) -> bool:
    """API paths answer in JSON; pages answer in HTML unless the client asks for JSON only."""
    if request.url.path.startswith("/api/"):
        return True
    accept = request.headers.get("accept", "")
    return "json" in accept and "text/html" not in accept


def _problem_response(
    request: Request, body: dict[str, Any], headers: dict[str, str] | None = None
) -> Response:
    if _wants_json(request):
        return JSONResponse(
            body, status_code=body["status"], media_type=PROBLEM_JSON, headers=headers
        )
    response = render(request, "errors/error.html", {"problem": body}, status_code=body["status"])
    if headers:
        response.headers.update(headers)
    return response


class BodyLimit:
    """Refuse request bodies over `limit` bytes with a 413 problem, declared or streamed.

    A declared Content-Length is judged before reading; a body without one is read up to the
    limit in memory (at most `limit` bytes) and replayed to the app.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            if not declared.isdigit() or int(declared) > self.limit:
                await self._refuse(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        chunks: list[Message] = []
        size = 0
        while True:
            message = await receive()
            chunks.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.limit:
                await self._refuse(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        replay = iter(chunks)

        async def replayed() -> Message:
            return next(replay, None) or await receive()

        await self.app(scope, replayed, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        body = problem(
            status=413,
            code="body_too_large",
            title=Bilingual(
                f"The request body is larger than {self.limit} bytes.",
                f"请求体超过 {self.limit} 字节。",
            ),
            locale=locale_of(request),
            instance=request.url.path,
        )
        response = JSONResponse(body, status_code=413, media_type=PROBLEM_JSON)
        await response(scope, receive, send)


PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details, with the fields at fault named in zh-CN and en.",
    "required": ["type", "title", "status", "code"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "detail_en": {"type": "string"},
        "detail_zh": {"type": "string"},
        "code": {"type": "string", "description": "Stable machine-readable reason code."},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "code", "reason", "reason_en", "reason_zh"],
                "properties": {
                    "field": {"type": "string", "examples": ["body.username"]},
                    "code": {"type": "string"},
                    "reason": {"type": "string"},
                    "reason_en": {"type": "string"},
                    "reason_zh": {"type": "string"},
                },
            },
        },
    },
}

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'"
    ),
}


def create_app(settings: Settings | None = None, *, database: Database | None = None) -> FastAPI:
    """Build the platform's web application for `settings` (and an optional ready database)."""
    settings = settings or Settings()
    app = FastAPI(
        title="OpenCBEC",
        version=__version__,
        description=(
            "The online integrated service platform of a cross-border e-commerce comprehensive "
            "pilot zone. Authenticate machine clients with `Authorization: Bearer <API key>`. "
            "Amounts are exact decimal strings. Errors are RFC 9457 problem details naming the "
            "field at fault, in zh-CN and en."
        ),
        dependencies=[Depends(csrf_protect)],
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    # Later domains hook their pre-flight checks into clearance when imported; name them here so
    # the web app always runs them.
    app.state.preflight_checks = (tax_service.tax_total_check,)
    default_openapi = app.openapi

    def openapi_with_problem() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = default_openapi()
            schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = (
                PROBLEM_SCHEMA
            )
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi_with_problem  # type: ignore[method-assign]
    identity_service.configure_password_hashing(
        time_cost=settings.password_time_cost, memory_kib=settings.password_memory_kib
    )
    app.state.db = database or Database.from_settings(settings)

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        if isinstance(exc, Unauthenticated) and not _wants_json(request):
            return RedirectResponse(login_redirect_target(request), status_code=303)
        body = from_domain_error(exc, locale=locale_of(request), instance=request.url.path)
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return _problem_response(request, body, headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = field_errors(exc.errors())
        malformed = any(e.code == "json_invalid" for e in errors)
        body = problem(
            status=400 if malformed else 422,
            code="malformed_json" if malformed else "invalid_input",
            title=(
                Bilingual("The body is not valid JSON.", "请求体不是有效的 JSON。")
                if malformed
                else Bilingual("Some fields are not valid.", "部分字段无效。")
            ),
            locale=locale_of(request),
            instance=request.url.path,
            errors=errors,
        )
        return _problem_response(request, body)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        title = _HTTP_TITLES.get(exc.status_code, Bilingual(str(exc.detail), str(exc.detail)))
        body = problem(
            status=exc.status_code,
            code=f"http_{exc.status_code}",
            title=title,
            locale=locale_of(request),
            instance=request.url.path,
        )
        return _problem_response(request, body, dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        body = problem(
            status=500,
            code="internal_error",
            title=_HTTP_TITLES[500],
            locale=locale_of(request),
            instance=request.url.path,
        )
        return _problem_response(request, body)

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.url.path.startswith(("/docs", "/openapi.json")):
            # Swagger UI loads its own scripts and styles inline.
            del response.headers["Content-Security-Policy"]
        return response

    @app.get("/health", tags=["platform"], summary="Liveness and database check")
    def health(request: Request) -> dict[str, str]:
        db: Database = request.app.state.db
        with db.engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        return {"status": "ok", "version": __version__, "database": db.engine.dialect.name}

    for module in (
        identity_pages,
        identity_routes,
        audit_pages,
        audit_routes,
        enterprise_pages,
        goods_pages,
        enterprise_routes,
        goods_routes,
        clearance_pages,
        clearance_routes,
        tax_pages,
        tax_routes,
        simulator_pages,
        appointments_pages,
        appointments_routes,
        customs_pages,
        customs_routes,
        finance_pages,
        finance_routes,
        logistics_pages,
        logistics_routes,
        warehousing_pages,
        warehousing_routes,
        analytics_pages,
        analytics_routes,
        notifications_pages,
        search_pages,
        search_routes,
    ):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    if settings.run_link:  # the customs link's periodic job runs while the app serves
        app.router.lifespan_context = customs_jobs.link_lifespan(app.state.db, settings)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    return app
