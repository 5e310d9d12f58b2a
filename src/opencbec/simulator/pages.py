"""The customs simulator's page for the zone administration: what it is (a SIMULATOR), its
settings, what it received and answered, and start/stop of its in-process thread."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from opencbec.audit import service as audit_service
from opencbec.errors import Forbidden
from opencbec.identity.rules import Principal
from opencbec.kit.i18n import N_, Bilingual
from opencbec.settings import Settings
from opencbec.simulator.runner import Runner
from opencbec.simulator.service import Config
from opencbec.webkit import CurrentPrincipal, DbSession, render

PATH = "/simulator"
audit_service.describe_actions(
    {
        "simulator.start": N_("Customs simulator started"),
        "simulator.stop": N_("Customs simulator stopped"),
        "simulator.settings": N_("Customs simulator settings changed"),
    }
)
FormStr = Annotated[str, Form()]


def runner_of(app: FastAPI) -> Runner:
    """Return the app's simulator runner over <var_dir>/exchange (made on first use)."""
    runner: Runner | None = getattr(app.state, "simulator", None)
    if runner is None:
        settings: Settings = app.state.settings
        runner = Runner(settings.var_dir / "exchange")
        app.state.simulator = runner
    return runner


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the simulator with the platform when `run_simulator` is set; stop it at shutdown."""
    settings: Settings = app.state.settings
    if settings.run_simulator:
        runner_of(app).start()
    yield
    runner: Runner | None = getattr(app.state, "simulator", None)
    if runner is not None:
        runner.stop()


router = APIRouter(include_in_schema=False, lifespan=lifespan)


def _require_zone(principal: Principal) -> None:
    if not principal.is_zone_admin:
        raise Forbidden(
            Bilingual(
                "Only the zone administration runs the customs simulator.",
                "只有综试区管理机构可以运行海关模拟器。",
            )
        )


def _page(request: Request, **extra: Any) -> Response:
    runner = runner_of(request.app)
    context = {"snap": runner.snapshot(), "errors": {}, "form": None, **extra}
    status = 422 if context["errors"] else 200
    return render(request, "simulator/index.html", context, status_code=status)


@router.get(PATH, response_class=HTMLResponse)
def simulator_page(request: Request, principal: CurrentPrincipal) -> Response:
    """Show the simulator: settings, counts, start and stop."""
    _require_zone(principal)
    return _page(request)


def _audit(session: DbSession, principal: Principal, action: str, details: dict[str, Any]) -> None:
    audit_service.record(
        session,
        actor=principal.actor,
        action=action,
        object_type="simulator",
        object_id="customs-simulator",
        organisation_id=principal.organisation_id,
        details=details,
    )


@router.post(f"{PATH}/start")
def simulator_start(request: Request, principal: CurrentPrincipal, session: DbSession) -> Response:
    """Start the simulator thread."""
    _require_zone(principal)
    runner = runner_of(request.app)
    if runner.start():
        _audit(session, principal, "simulator.start", runner.config().as_strings())
    return RedirectResponse(PATH, status_code=303)


@router.post(f"{PATH}/stop")
def simulator_stop(request: Request, principal: CurrentPrincipal, session: DbSession) -> Response:
    """Stop the simulator thread after its current pass."""
    _require_zone(principal)
    if runner_of(request.app).stop():
        _audit(session, principal, "simulator.stop", {})
    return RedirectResponse(PATH, status_code=303)


_NUMBERS: dict[str, tuple[type, float, float, Bilingual]] = {
    "seed": (int, 0, 2**31 - 1, Bilingual("a whole number from 0", "须为不小于 0 的整数")),
    "delay_seconds": (float, 0, 86400, Bilingual("0 to 86,400 seconds", "须为 0 至 86400 秒")),
    "review_rate": (float, 0, 1, Bilingual("a share from 0 to 1", "须为 0 至 1 之间的比例")),
    "inspection_rate": (float, 0, 1, Bilingual("a share from 0 to 1", "须为 0 至 1 之间的比例")),
}


@router.post(f"{PATH}/settings", response_model=None)
def simulator_settings(
    request: Request,
    principal: CurrentPrincipal,
    session: DbSession,
    seed: FormStr = "",
    delay_seconds: FormStr = "",
    review_rate: FormStr = "",
    inspection_rate: FormStr = "",
) -> Response:
    """Store the settings; a running simulator uses them from its next pass."""
    _require_zone(principal)
    form = {
        "seed": seed,
        "delay_seconds": delay_seconds,
        "review_rate": review_rate,
        "inspection_rate": inspection_rate,
    }
    values: dict[str, Any] = {}
    errors: dict[str, Bilingual] = {}
    for name, (kind, low, high, reason) in _NUMBERS.items():
        try:
            value = kind(form[name].strip())
        except ValueError:
            errors[name] = reason
            continue
        if not low <= value <= high:
            errors[name] = reason
        values[name] = value
    if errors:
        return _page(request, errors=errors, form=form)
    runner = runner_of(request.app)
    before = runner.config().as_strings()
    config = Config(**values)
    runner.save(config)
    _audit(
        session, principal, "simulator.settings", {"before": before, "after": config.as_strings()}
    )
    return RedirectResponse(PATH, status_code=303)
