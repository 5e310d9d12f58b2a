"""Identity pages: login, language, home, users, API keys, organisations, account."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from opencbec.audit import service as audit_service
from opencbec.errors import DomainError, NotFound, invalid
from opencbec.identity import service
from opencbec.identity.models import Department, OrgRole
from opencbec.identity.rules import DEPARTMENT_DOMAINS, ROLE_LABELS, SCOPES, Principal
from opencbec.kit.charts import BarChart, bar_chart
from opencbec.kit.i18n import N_, parse_locale
from opencbec.kit.time import utcnow
from opencbec.webkit import (
    LANG_COOKIE,
    SESSION_COOKIE,
    CurrentPrincipal,
    DbSession,
    OptionalPrincipal,
    locale_of,
    panels_for,
    render,
    safe_next,
    set_cookie,
    settings_of,
    todos_for,
)

router = APIRouter(include_in_schema=False)
FormStr = Annotated[str, Form()]

ROLE_DUTIES = {
    OrgRole.ECOMMERCE_ENTERPRISE: N_(
        "File your enterprise and goods once; declare orders and inventory lists; follow clearance, tax, refunds and FX settlement."
    ),
    OrgRole.ECOMMERCE_PLATFORM: N_(
        "Send orders for your sellers and follow the three-order match of every order."
    ),
    OrgRole.LOGISTICS: N_(
        "Send waybills, arrival and departure reports and status events; publish routes and capacity."
    ),
    OrgRole.PAYMENT: N_(
        "Send payment slips and collections; settle foreign exchange on electronic transaction data."
    ),
    OrgRole.CUSTOMS_BROKER: N_(
        "Declare inventory lists and summary declarations for the sellers you represent."
    ),
    OrgRole.WAREHOUSE_OPERATOR: N_(
        "Record warehouse entries, stock and returns; publish capacity, prices and services."
    ),
    OrgRole.FINANCIAL_INSTITUTION: N_(
        "See consented trade data; offer financing and export credit insurance."
    ),
    OrgRole.REGULATOR: N_(
        "Supervise and analyse the zone's trade, share data, run the government tier of risk control and keep credit lists."
    ),
    OrgRole.ZONE_ADMINISTRATION: N_(
        "Monitor the zone's statistics against the plan's targets; manage parks, industrial belts and source-factory lists."
    ),
}

DOMAIN_LABELS = {
    "enterprise": N_("Enterprise filings"),
    "goods": N_("Goods filings"),
    "clearance": N_("Clearance documents"),
    "tax": N_("Tax"),
    "risk": N_("Risk control"),
    "credit": N_("Credit records"),
    "finance": N_("Finance"),
    "logistics": N_("Logistics"),
    "warehousing": N_("Warehousing"),
    "trace": N_("Traceability"),
    "ipr": N_("IP protection"),
}


# --- login, logout, language ---------------------------------------------------------------


@router.get("/")
def root(principal: OptionalPrincipal) -> RedirectResponse:
    """Send people to their home page, or to the login page."""
    return RedirectResponse("/home" if principal else "/login", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, principal: OptionalPrincipal, next: str = "/home") -> Response:
    """Show the login form."""
    if principal is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "identity/login.html", {"next": safe_next(next)})


@router.post("/login", response_class=HTMLResponse)
def login_submit(
    request: Request,
    session: DbSession,
    username: FormStr = "",
    password: FormStr = "",
    next: FormStr = "/home",
) -> Response:
    """Check the password; start a session or say why not."""
    settings = settings_of(request)
    outcome = service.login(
        session,
        username=username,
        password=password,
        max_failures=settings.login_max_failures,
        lockout=dt.timedelta(minutes=settings.login_lockout_minutes),
        session_lifetime=dt.timedelta(hours=settings.session_absolute_hours),
        client_ip=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
    )
    if outcome.token is None:
        status = 423 if outcome.failure is service.LoginFailure.LOCKED else 401
        return render(
            request,
            "identity/login.html",
            {
                "next": safe_next(next),
                "username": username,
                "failure": outcome.failure,
                "locked_until": outcome.locked_until,
            },
            status_code=status,
        )
    response = RedirectResponse(safe_next(next), status_code=303)
    set_cookie(
        request,
        response,
        SESSION_COOKIE,
        outcome.token,
        max_age=settings.session_absolute_hours * 3600,
    )
    return response


@router.post("/logout")
def logout(request: Request, session: DbSession) -> RedirectResponse:
    """End the session and forget the cookie."""
    if token := request.cookies.get(SESSION_COOKIE):
        service.logout(session, token=token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/lang")
def switch_language(
    request: Request,
    session: DbSession,
    principal: OptionalPrincipal,
    lang: FormStr = "",
    next: FormStr = "/home",
) -> RedirectResponse:
    """Switch the interface language and remember it."""
    locale = parse_locale(lang) or locale_of(request)
    if principal is not None:
        service.set_user_locale(session, principal=principal, locale=locale)
    response = RedirectResponse(safe_next(next), status_code=303)
    set_cookie(request, response, LANG_COOKIE, locale, max_age=365 * 86400, httponly=False)
    return response


# --- home ----------------------------------------------------------------------------------


def _entitled_domains(principal: Principal) -> list[str]:
    if principal.department is None:
        return []
    return sorted(DEPARTMENT_DOMAINS[Department(principal.department)])


def _role_chart(role_counts: list[tuple[OrgRole, int]]) -> BarChart | None:
    if not role_counts:
        return None
    return bar_chart(
        N_("Organisations in the zone by role"),
        [(ROLE_LABELS[role], n) for role, n in role_counts],
        translate=True,
    )


@router.get("/home", response_class=HTMLResponse)
def home(request: Request, principal: CurrentPrincipal, session: DbSession) -> Response:
    """Show the role's home page: duties, key figures and recent activity."""
    users = service.list_users(session, principal=principal)
    keys = [
        k
        for k in service.list_api_keys(session, principal=principal)
        if k.revoked_at is None and k.expires_at > utcnow()
    ]
    role_counts = service.count_by_role(session) if principal.is_zone_admin else []
    context = {
        "duties": [ROLE_DUTIES[r] for r in sorted(principal.roles)],
        "user_count": len(users),
        "locked_users": [u for u in users if u.locked_until and u.locked_until > utcnow()],
        "active_key_count": len(keys),
        "expiring_keys": [k for k in keys if k.expires_at - utcnow() < dt.timedelta(days=14)],
        "recent": audit_service.list_entries(
            session, organisation_id=principal.organisation_id, limit=8
        ),
        "entitled_domains": _entitled_domains(principal),
        "domain_labels": DOMAIN_LABELS,
        "role_counts": role_counts,
        "role_chart": _role_chart(role_counts),
        "todos": todos_for(session, principal),
        "panels": panels_for(session, principal),
    }
    return render(request, "identity/home.html", context)


# --- users ---------------------------------------------------------------------------------


def _users_page(
    request: Request,
    principal: Principal,
    session: DbSession,
    *,
    error: DomainError | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "identity/users.html",
        {
            "users": service.list_users(session, principal=principal),
            "error": error,
            "form": form or {},
            "now": utcnow(),
        },
        status_code=status_code,
    )


@router.get("/org/users", response_class=HTMLResponse)
def users_page(request: Request, principal: CurrentPrincipal, session: DbSession) -> Response:
    """List the organisation's users, with a form to add one for administrators."""
    return _users_page(request, principal, session)


@router.post("/org/users", response_class=HTMLResponse)
def users_create(
    request: Request,
    principal: CurrentPrincipal,
    session: DbSession,
    username: FormStr = "",
    display_name: FormStr = "",
    password: FormStr = "",
    is_org_admin: FormStr = "",
) -> Response:
    """Add a user; on a mistake show the form again with the reason by the field."""
    try:
        service.add_user(
            session,
            principal=principal,
            username=username,
            display_name=display_name,
            password=password,
            is_org_admin=is_org_admin == "on",
        )
    except DomainError as exc:
        session.rollback()
        return _users_page(
            request,
            principal,
            session,
            error=exc,
            form={"username": username, "display_name": display_name},
            status_code=exc.status,
        )
    return RedirectResponse("/org/users", status_code=303)


@router.post("/org/users/{user_id}/{action}")
def users_toggle(
    user_id: int, action: str, principal: CurrentPrincipal, session: DbSession
) -> Response:
    """Disable or enable a user of the organisation."""
    if action not in {"disable", "enable"}:
        raise NotFound()
    service.set_user_active(
        session, principal=principal, user_id=user_id, active=action == "enable"
    )
    return RedirectResponse("/org/users", status_code=303)


# --- API keys ------------------------------------------------------------------------------


def _keys_page(
    request: Request,
    principal: Principal,
    session: DbSession,
    *,
    created: str | None = None,
    error: DomainError | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "identity/api_keys.html",
        {
            "keys": service.list_api_keys(session, principal=principal),
            "scopes": SCOPES,
            "created": created,
            "error": error,
            "now": utcnow(),
            "max_days": settings_of(request).api_key_max_days,
        },
        status_code=status_code,
    )


@router.get("/org/api-keys", response_class=HTMLResponse)
def keys_page(request: Request, principal: CurrentPrincipal, session: DbSession) -> Response:
    """List the organisation's API keys with a form to create one."""
    return _keys_page(request, principal, session)


@router.post("/org/api-keys", response_class=HTMLResponse)
def keys_create(
    request: Request,
    principal: CurrentPrincipal,
    session: DbSession,
    name: FormStr = "",
    valid_days: FormStr = "90",
    scopes: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Create a key and show its secret once."""
    try:
        if not valid_days.strip().isdigit():
            raise invalid("valid_days", "give a whole number of days", "请填写整数天数")
        _, secret = service.create_api_key(
            session,
            principal=principal,
            name=name,
            scopes=scopes or [],
            valid_days=int(valid_days),
            max_days=settings_of(request).api_key_max_days,
        )
    except DomainError as exc:
        session.rollback()
        return _keys_page(request, principal, session, error=exc, status_code=exc.status)
    return _keys_page(request, principal, session, created=secret)


@router.post("/org/api-keys/{key_id}/revoke")
def keys_revoke(key_id: int, principal: CurrentPrincipal, session: DbSession) -> Response:
    """Revoke a key."""
    service.revoke_own_api_key(session, principal=principal, key_id=key_id)
    return RedirectResponse("/org/api-keys", status_code=303)


# --- organisations (zone administration, regulators) ---------------------------------------


def _organisations_page(
    request: Request,
    principal: Principal,
    session: DbSession,
    *,
    error: DomainError | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "identity/organisations.html",
        {
            "orgs": service.list_organisations(session, principal=principal),
            "roles_of": service.roles_of,
            "all_roles": list(OrgRole),
            "departments": list(Department),
            "error": error,
            "form": form or {},
        },
        status_code=status_code,
    )


@router.get("/organisations", response_class=HTMLResponse)
def organisations_page(
    request: Request, principal: CurrentPrincipal, session: DbSession
) -> Response:
    """Show the directory of the zone's organisations (and, for the zone, the form to add one)."""
    return _organisations_page(request, principal, session)


@router.post("/organisations", response_class=HTMLResponse)
def organisations_create(
    request: Request,
    principal: CurrentPrincipal,
    session: DbSession,
    code: FormStr = "",
    name_zh: FormStr = "",
    name_en: FormStr = "",
    department: FormStr = "",
    admin_username: FormStr = "",
    admin_display_name: FormStr = "",
    admin_password: FormStr = "",
    roles: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Register an organisation with its first administrator; mistakes are shown by the form."""
    form = {
        "code": code,
        "name_zh": name_zh,
        "name_en": name_en,
        "department": department,
        "admin_username": admin_username,
        "admin_display_name": admin_display_name,
        "roles": roles or [],
    }
    try:
        known_roles = {r.value for r in OrgRole}
        if any(r not in known_roles for r in roles or []):
            raise invalid("roles", "unknown role", "未知角色")
        if department and department not in {d.value for d in Department}:
            raise invalid("department", "unknown department", "未知部门")
        service.onboard_organisation(
            session,
            principal=principal,
            code=code,
            name_zh=name_zh,
            name_en=name_en,
            roles=[OrgRole(r) for r in roles or []],
            department=Department(department) if department else None,
            admin_username=admin_username,
            admin_display_name=admin_display_name,
            admin_password=admin_password,
        )
    except DomainError as exc:
        session.rollback()
        return _organisations_page(
            request, principal, session, error=exc, form=form, status_code=exc.status
        )
    return RedirectResponse("/organisations", status_code=303)


# --- account -------------------------------------------------------------------------------


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request, principal: CurrentPrincipal) -> Response:
    """Show the caller's account with the password form."""
    return render(request, "identity/account.html")


@router.post("/account/password", response_class=HTMLResponse)
def account_password(
    request: Request,
    principal: CurrentPrincipal,
    session: DbSession,
    current_password: FormStr = "",
    new_password: FormStr = "",
) -> Response:
    """Change the caller's password; they log in again afterwards."""
    try:
        service.change_password(
            session, principal=principal, current=current_password, new=new_password
        )
    except DomainError as exc:
        session.rollback()
        return render(request, "identity/account.html", {"error": exc}, status_code=exc.status)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
