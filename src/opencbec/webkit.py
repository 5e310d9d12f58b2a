"""Request glue shared by every domain's routes and pages: database session, language,
the caller (principal), CSRF, templates and navigation.

Routes and pages import this module; services never do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Final, TypeVar, cast
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, SessionTransaction, UOWTransaction

from opencbec.audit import service as audit_service
from opencbec.db import Database
from opencbec.errors import DomainError, Forbidden, Unauthenticated, invalid
from opencbec.identity import service as identity_service
from opencbec.identity.models import OrgRole
from opencbec.identity.rules import DEPARTMENT_LABELS, ROLE_LABELS, Principal, has_scope
from opencbec.kit.charts import BarChart
from opencbec.kit.i18n import (
    HTML_LANG,
    LOCALE_LABELS,
    LOCALES,
    N_,
    Bilingual,
    Locale,
    negotiate,
    parse_locale,
    translator,
)
from opencbec.kit.ids import keyed_digest, new_token, same, sha256_hex
from opencbec.kit.mask import is_personal_number
from opencbec.kit.time import CHINA_STANDARD_TIME
from opencbec.notifications import service as notifications_service
from opencbec.settings import Settings

SESSION_COOKIE: Final = "opencbec_session"
LANG_COOKIE: Final = "opencbec_lang"
ANON_CSRF_COOKIE: Final = "opencbec_csrf"
CSRF_FIELD: Final = "csrf_token"
CSRF_HEADER: Final = "x-csrf-token"
SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})
TEMPLATE_DIR: Final = Path(__file__).resolve().parent / "templates"

_PROBLEM_SCHEMA: Final[dict[str, Any]] = {
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
}
PROBLEM_RESPONSES: Final[dict[int | str, dict[str, Any]]] = {
    400: {"description": "Malformed JSON (problem details)", **_PROBLEM_SCHEMA},
    401: {"description": "No valid login or API key (problem details)", **_PROBLEM_SCHEMA},
    403: {"description": "Not allowed, or CSRF token missing (problem details)", **_PROBLEM_SCHEMA},
    404: {"description": "Not found, or not yours (problem details)", **_PROBLEM_SCHEMA},
    409: {"description": "Conflicts with the current state (problem details)", **_PROBLEM_SCHEMA},
    413: {"description": "Body too large (problem details)", **_PROBLEM_SCHEMA},
    422: {"description": "Invalid fields, each named (problem details)", **_PROBLEM_SCHEMA},
}
"""Error answers every API route may give, documented in OpenAPI."""


def settings_of(request: Request) -> Settings:
    """Return the settings of the running app."""
    settings: Settings = request.app.state.settings
    return settings


def database_of(request: Request) -> Database:
    """Return the database of the running app."""
    db: Database = request.app.state.db
    return db


def db_session(request: Request) -> Iterator[Session]:
    """Yield the request's session; it commits once after the endpoint, or rolls back.

    Its scope is the endpoint function, not the request: the commit happens before the response
    is sent, so a failed commit is an error answer (never a success the caller acts on) and a
    redirect never reaches the browser before the rows it leads to.
    """
    with database_of(request).session(write=request.method not in SAFE_METHODS) as session:
        request.state.db_session = session  # the page shell reads the unread count with it
        try:
            yield session
        finally:  # an error page rendered after this session ended reads with its own
            request.state.db_session = None


DbSession = Annotated[Session, Depends(db_session, scope="function")]


# --- language ------------------------------------------------------------------------------


def locale_of(request: Request) -> Locale:
    """Return the request's language: ?lang=, the language cookie, the user's, the browser's."""
    cached: Locale | None = getattr(request.state, "locale", None)
    if cached:
        return cached
    chosen = (
        parse_locale(request.query_params.get("lang"))
        or parse_locale(request.cookies.get(LANG_COOKIE))
        or parse_locale(getattr(request.state, "user_locale", None))
        or negotiate(request.headers.get("accept-language"), settings_of(request).default_locale)
    )
    request.state.locale = chosen
    return chosen


# --- the caller ----------------------------------------------------------------------------


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


@contextmanager
def _touching(request: Request, session: Session) -> Iterator[Session]:
    # On SQLite a write request's session holds the database's write lock from its first statement
    # (BEGIN IMMEDIATE): a second writer would wait on it until busy_timeout and fail, so the touch
    # joins the request's transaction. Elsewhere (PostgreSQL, row locks) the touch commits on its
    # own at once: held until the request ends, the row lock made concurrent requests of the same
    # session wait on each other. A read request's session cannot write: the touch gets its own.
    if request.method not in SAFE_METHODS and session.get_bind().dialect.name == "sqlite":
        yield session
        return
    with database_of(request).session(write=True) as touch:
        yield touch


def current_principal(request: Request, session: DbSession) -> Principal | None:
    """Return the caller from an API key (Authorization: Bearer) or the session cookie."""
    if hasattr(request.state, "principal"):
        found: Principal | None = request.state.principal
        return found
    principal: Principal | None = None
    token = _bearer(request)
    if token is not None:
        principal = identity_service.resolve_api_key(session, token=token)
        if principal is None:
            raise Unauthenticated()
        if principal.api_key_id is not None:
            with _touching(request, session) as touch:
                identity_service.touch_api_key(touch, key_id=principal.api_key_id)
    elif cookie := request.cookies.get(SESSION_COOKIE):
        settings = settings_of(request)
        resolved = identity_service.resolve_session(
            session, token=cookie, idle=timedelta(minutes=settings.session_idle_minutes)
        )
        if resolved is not None:
            principal = resolved.principal
            request.state.session_token_hash = resolved.token_hash
            request.state.user_locale = resolved.locale
            if resolved.needs_touch:
                with _touching(request, session) as touch:
                    identity_service.touch_session(touch, session_id=resolved.session_id)
    request.state.principal = principal
    return principal


OptionalPrincipal = Annotated[Principal | None, Depends(current_principal)]


def require_principal(principal: OptionalPrincipal) -> Principal:
    """Return the caller, or refuse with 401 (the page handler turns it into a login redirect)."""
    if principal is None:
        raise Unauthenticated()
    return principal


CurrentPrincipal = Annotated[Principal, Depends(require_principal)]


def require_scope(principal: Principal, scope: str) -> None:
    """Refuse with 403 unless the caller may use `scope`."""
    if not has_scope(principal, scope):
        raise Forbidden()


# --- CSRF ----------------------------------------------------------------------------------


class CsrfFailed(DomainError):
    """A state-changing browser request without a valid CSRF token."""

    def __init__(self) -> None:
        super().__init__(
            Bilingual(
                "The form has expired or did not come from this site; reload the page and try again.",
                "表单已过期或并非来自本站，请刷新页面后重试。",
            ),
            [],
            "csrf_failed",
            403,
        )


def csrf_token(request: Request) -> str:
    """Return the CSRF token for forms of this request (bound to the session, or to a nonce)."""
    secret = settings_of(request).secret_key
    token_hash: str | None = getattr(request.state, "session_token_hash", None)
    if token_hash is None and (cookie := request.cookies.get(SESSION_COOKIE)):
        token_hash = sha256_hex(cookie)
    if token_hash is not None:
        return keyed_digest(secret, "session:" + token_hash)
    nonce: str | None = request.cookies.get(ANON_CSRF_COOKIE) or getattr(
        request.state, "new_csrf_nonce", None
    )
    if nonce is None:
        nonce = new_token(16)
        request.state.new_csrf_nonce = nonce
    return keyed_digest(secret, "anon:" + nonce)


async def csrf_protect(request: Request) -> None:
    """Refuse a state-changing request carrying cookies unless it presents the CSRF token.

    Requests authenticated by an API key carry no ambient credentials and need no token.
    """
    if request.method in SAFE_METHODS or _bearer(request) is not None:
        return
    presented = request.headers.get(CSRF_HEADER)
    if presented is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            presented = value if isinstance(value, str) else None
    if not presented or not same(presented, csrf_token(request)):
        raise CsrfFailed()


# --- to-do items on the home page ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TodoItem:
    """One thing waiting for the caller: a message id (N_-marked) with its values, and a link."""

    text: str
    href: str
    values: Mapping[str, Any] | None = None


TodoProvider = Callable[[Session, Principal], list[TodoItem]]
_TODO_PROVIDERS: list[TodoProvider] = []


def register_todos(provider: TodoProvider) -> TodoProvider:
    """Let a domain add its to-do items to every home page (used as a decorator)."""
    _TODO_PROVIDERS.append(provider)
    return provider


def todos_for(session: Session, principal: Principal) -> list[TodoItem]:
    """Return every registered domain's to-do items for the caller."""
    return [item for provider in _TODO_PROVIDERS for item in provider(session, principal)]


# --- key figures and charts on the home page ----------------------------------------------


@dataclass(frozen=True, slots=True)
class Figure:
    """One key figure: a label (N_-marked), its value as shown, and where it leads."""

    label: str
    value: str
    href: str | None = None


@dataclass(frozen=True, slots=True)
class Panel:
    """A home-page section of one domain: a title (N_-marked), key figures, maybe a chart."""

    title: str
    figures: tuple[Figure, ...] = ()
    chart: BarChart | None = None


PanelProvider = Callable[[Session, Principal], list[Panel]]
_PANEL_PROVIDERS: list[PanelProvider] = []


def register_panels(provider: PanelProvider) -> PanelProvider:
    """Let a domain add key figures and charts to the home page (used as a decorator)."""
    _PANEL_PROVIDERS.append(provider)
    return provider


def panels_for(session: Session, principal: Principal) -> list[Panel]:
    """Return every registered domain's panels for the caller."""
    return [panel for provider in _PANEL_PROVIDERS for panel in provider(session, principal)]


# --- global search -------------------------------------------------------------------------

SEARCH_MIN: Final = 2
SEARCH_MAX: Final = 100
SEARCH_LIMIT: Final = 20  # hits per provider


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One thing found: what it is (N_-marked), its title and detail as shown, and its page.

    Personal data is never put in a hit unmasked (see kit.mask).
    """

    kind: str
    title: str
    href: str
    detail: str = ""


SearchProvider = Callable[[Session, Principal, str], list[SearchHit]]
_SEARCH_PROVIDERS: list[SearchProvider] = []


def register_search(provider: SearchProvider) -> SearchProvider:
    """Let a domain answer the global search with what the caller may see (a decorator).

    A provider gets the checked query and returns at most SEARCH_LIMIT hits, filtered by the
    same visibility rules as its domain's own pages.
    """
    _SEARCH_PROVIDERS.append(provider)
    return provider


def search_query(raw: str | None) -> str:
    """Return the trimmed query, or refuse one too short or too long, naming the field `q`."""
    query = " ".join((raw or "").split())
    if len(query) < SEARCH_MIN:
        raise invalid(
            "q",
            f"type at least {SEARCH_MIN} characters to search",
            f"请至少输入 {SEARCH_MIN} 个字符再搜索",
            "too_short",
        )
    if len(query) > SEARCH_MAX:
        raise invalid(
            "q",
            f"a search is at most {SEARCH_MAX} characters",
            f"搜索内容不能超过 {SEARCH_MAX} 个字符",
            "too_long",
        )
    return query


def search_query_in_url(raw: str | None) -> str:
    """Return the checked query of a GET search; a buyer's ID number or phone is refused there.

    A URL ends up in access logs, proxies and the browser's history: personal numbers are
    searched with POST (the search forms do), where they stay in the request body.
    """
    query = search_query(raw)
    if is_personal_number(query):
        raise invalid(
            "q",
            "an ID number or phone is searched with POST (the search form), never in a URL",
            "身份证号或电话须通过 POST（搜索表单）查询，不得放在网址中",
            "personal_number_in_url",
        )
    return query


LIKE_ESCAPE: Final = "\\"


def like_text(text: str) -> str:
    """Return `text` for a LIKE pattern (escape LIKE_ESCAPE): its wildcards match themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_for(session: Session, principal: Principal, query: str) -> list[SearchHit]:
    """Return every registered domain's hits for a checked query."""
    return [
        hit
        for provider in _SEARCH_PROVIDERS
        for hit in provider(session, principal, query)[:SEARCH_LIMIT]
    ]


# --- notifications in the page shell ------------------------------------------------------


def notice_text(request: Request, text: str, values: Mapping[str, Any] | None) -> str:
    """Return a notification's message id translated for the request, its values filled in."""
    translated = translator(locale_of(request)).gettext(text)
    try:
        return translated % dict(values or {})
    except (KeyError, TypeError, ValueError):
        return translated  # a value missing from an old row: show the text, not an error


def _unread(request: Request, principal: Principal | None) -> int | None:
    if principal is None or principal.user_id is None:
        return None
    session: Session | None = getattr(request.state, "db_session", None)
    try:
        if session is not None:
            return notifications_service.unread_count(session, user_id=principal.user_id)
        with database_of(request).session(write=False) as own:
            return notifications_service.unread_count(own, user_id=principal.user_id)
    except SQLAlchemyError:  # an error page after a failed transaction still renders
        return None


# --- templates and navigation --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NavItem:
    """One entry of the navigation, shown to the roles that use it."""

    path: str
    label: str
    roles: frozenset[OrgRole] | None = None  # None: everyone logged in
    org_admin_only: bool = False
    visible: Callable[[Principal], bool] | None = None  # a domain's own rule, instead of roles

    def shown_to(self, principal: Principal) -> bool:
        """True when `principal` should see this entry."""
        if self.org_admin_only and not principal.is_org_admin:
            return False
        if self.visible is not None:
            return self.visible(principal)
        return self.roles is None or bool(self.roles & principal.roles)


NAV: Final[tuple[NavItem, ...]] = (
    NavItem("/home", N_("Home")),
    NavItem(
        "/organisations",
        N_("Organisations"),
        frozenset({OrgRole.ZONE_ADMINISTRATION, OrgRole.REGULATOR}),
    ),
    NavItem("/org/users", N_("Users")),
    NavItem("/org/api-keys", N_("API keys"), org_admin_only=True),
    NavItem(
        "/filing",
        N_("Enterprise filing"),
        frozenset(
            {
                OrgRole.ECOMMERCE_ENTERPRISE,
                OrgRole.ECOMMERCE_PLATFORM,
                OrgRole.LOGISTICS,
                OrgRole.PAYMENT,
                OrgRole.CUSTOMS_BROKER,
                OrgRole.WAREHOUSE_OPERATOR,
            }
        ),
    ),
    NavItem("/filings", N_("Filing review"), frozenset({OrgRole.REGULATOR})),
    NavItem("/goods", N_("Goods filing"), frozenset({OrgRole.ECOMMERCE_ENTERPRISE})),
    NavItem(
        "/clearance",
        N_("Declarations"),
        frozenset(
            {
                OrgRole.ECOMMERCE_ENTERPRISE,
                OrgRole.ECOMMERCE_PLATFORM,
                OrgRole.LOGISTICS,
                OrgRole.PAYMENT,
                OrgRole.CUSTOMS_BROKER,
            }
        ),
    ),
    NavItem("/appointments", N_("Customs appointments")),
    NavItem(
        "/customs",
        N_("Customs link"),
        frozenset(
            {
                OrgRole.ECOMMERCE_ENTERPRISE,
                OrgRole.ECOMMERCE_PLATFORM,
                OrgRole.LOGISTICS,
                OrgRole.PAYMENT,
                OrgRole.CUSTOMS_BROKER,
                OrgRole.ZONE_ADMINISTRATION,
                OrgRole.REGULATOR,
            }
        ),
    ),
    NavItem("/parks", N_("Parks and belts")),
    NavItem("/source-factories", N_("Source factories")),
    NavItem("/codes", N_("Code tables")),
    NavItem("/simulator", N_("Customs simulator"), frozenset({OrgRole.ZONE_ADMINISTRATION})),
    NavItem("/audit", N_("Activity log")),
    NavItem("/account", N_("My account")),
)

_DOMAIN_NAV: list[NavItem] = []


def register_nav(item: NavItem) -> NavItem:
    """Let a domain add an entry to the navigation (before the activity log), shown by its rule."""
    _DOMAIN_NAV.append(item)
    return item


def navigation(principal: Principal) -> list[NavItem]:
    """Return the entries `principal` sees: the platform's, then the domains' before the log."""
    cut = next(i for i, item in enumerate(NAV) if item.path == "/audit")
    items = (*NAV[:cut], *_DOMAIN_NAV, *NAV[cut:])
    return [item for item in items if item.shown_to(principal)]


_env = Environment(
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,
)


def _format_time(value: Any) -> str:
    if value is None:
        return "—"
    return str(value.astimezone(CHINA_STANDARD_TIME).strftime("%Y-%m-%d %H:%M"))


_env.filters["cst"] = _format_time


def format_amount(value: Any) -> str:
    """Return a stored amount for reading: two decimals at least, no trailing zeros past them
    (NUMERIC(19,5) gives 320.00000; people read 320.00, and 1.23456 stays whole)."""
    if value is None:
        return "—"
    text = f"{Decimal(value):f}"
    whole, _, fraction = text.partition(".")
    return f"{whole}.{fraction.rstrip('0').ljust(2, '0')}"


_env.filters["amount"] = format_amount


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """Render a page in the request's language with the shell's common context."""
    locale = locale_of(request)
    tr = translator(locale)
    principal: Principal | None = getattr(request.state, "principal", None)
    base: dict[str, Any] = {
        "request": request,
        "_": tr.gettext,
        "gettext": tr.gettext,
        "ngettext": tr.ngettext,
        "locale": locale,
        "html_lang": HTML_LANG[locale],
        "locales": [(loc, LOCALE_LABELS[loc]) for loc in LOCALES],
        "principal": principal,
        "csrf_token": csrf_token(request),
        "csrf_field": CSRF_FIELD,
        "nav": navigation(principal) if principal else [],
        "current_path": request.url.path,
        "role_labels": ROLE_LABELS,
        "action_label": audit_service.action_label,
        "department_labels": DEPARTMENT_LABELS,
        "unread_notifications": _unread(request, principal),
        "org_name": (
            (
                principal.organisation_name_zh
                if locale == "zh_CN"
                else principal.organisation_name_en
            )
            if principal
            else ""
        ),
    }
    base.update(context or {})
    html = _env.get_template(template).render(base)
    response = HTMLResponse(html, status_code=status_code)
    nonce: str | None = getattr(request.state, "new_csrf_nonce", None)
    if nonce is not None:
        set_cookie(request, response, ANON_CSRF_COOKIE, nonce, max_age=None, samesite="strict")
    return response


def set_cookie(
    request: Request,
    response: Any,
    name: str,
    value: str,
    *,
    max_age: int | None,
    samesite: str = "lax",
    httponly: bool = True,
) -> None:
    """Set a cookie with the platform's security attributes."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=httponly,
        secure=settings_of(request).cookie_secure,
        samesite=samesite,
        path="/",
    )


def login_redirect_target(request: Request) -> str:
    """Return the login URL that comes back to the current page."""
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    return "/login?next=" + quote(target, safe="")


def safe_next(value: str | None) -> str:
    """Return `value` when it is a local path, else /home (no open redirects)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/home"


# --- figures read once per request -------------------------------------------------------
# A home page's to-do and panel of one domain often need the same figures: the first provider
# asks the database, the second reuses the answer. Kept in `session.info` and dropped whenever
# the session may have changed what they were read from: a flush, the end of a transaction or
# savepoint, or pending changes not flushed yet. For reading pages: a statement that writes
# without the unit of work (an insert() run directly) is not seen.

T = TypeVar("T")
_KEPT: Final = "opencbec.webkit.read_once"


def read_once(session: Session, key: str, read: Callable[[Session], T]) -> T:
    """Return `read(session)`, read again only when the session may have changed since."""
    kept: dict[str, Any] = session.info.setdefault(_KEPT, {})
    if key in kept and not (session.new or session.dirty or session.deleted):
        return cast(T, kept[key])
    value = read(session)
    session.info.setdefault(_KEPT, {})[key] = value
    return value


def forget_read_once(session: Session) -> None:
    """Drop every figure `read_once` kept for `session`."""
    session.info.pop(_KEPT, None)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    forget_read_once(session)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, _transaction: SessionTransaction) -> None:
    forget_read_once(session)
