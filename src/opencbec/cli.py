"""The `opencbec` command: serve, database, users, organisations, API keys, audit, demo."""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from opencbec.audit import service as audit_service
from opencbec.clikit import cli_actor, console, fail, load_settings, open_database, open_session
from opencbec.customs import cli as customs_cli
from opencbec.db import Database
from opencbec.demo import loader as demo_loader
from opencbec.demo import plan as demo_plan
from opencbec.demo import service as demo_service
from opencbec.demo.progress import LoadProgress
from opencbec.demo.progress import label as progress_label
from opencbec.errors import DomainError
from opencbec.goods import cli as goods_cli
from opencbec.identity import service as identity_service
from opencbec.identity.models import Department, Organisation, OrgRole
from opencbec.messages.ceb import cli as ceb_cli
from opencbec.settings import Settings
from opencbec.simulator import cli as simulator_cli

app = typer.Typer(
    help="OpenCBEC — CBEC pilot-zone service platform / 跨境电商综试区线上综合服务平台",
    no_args_is_help=True,
)
db_app = typer.Typer(help="Database schema / 数据库结构", no_args_is_help=True)
users_app = typer.Typer(help="Users / 用户", no_args_is_help=True)
orgs_app = typer.Typer(help="Organisations / 单位", no_args_is_help=True)
keys_app = typer.Typer(help="API keys / API 密钥", no_args_is_help=True)
audit_app = typer.Typer(help="Audit log / 审计日志", no_args_is_help=True)
demo_app = typer.Typer(help="Demo zone / 演示数据", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(orgs_app, name="orgs")
app.add_typer(keys_app, name="apikeys")
app.add_typer(audit_app, name="audit")
app.add_typer(demo_app, name="demo")
app.add_typer(goods_cli.app, name="codes")
app.add_typer(ceb_cli.app, name="ceb")
app.add_typer(simulator_cli.app, name="customs-sim")
app.add_typer(customs_cli.app, name="link")


# --- database ------------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply migrations up to REVISION (default: head)."""
    from opencbec.migrate import upgrade_engine  # noqa: PLC0415 - alembic loads lazily

    with open_database() as database:
        upgrade_engine(database.engine, revision)
        url = database.engine.url.render_as_string(hide_password=True)
    console.print(f"database at {revision} ({url})")


@db_app.command("check")
def db_check() -> None:
    """Fail unless the database is at head and the models agree with the migrations."""
    from opencbec.migrate import current_revision, differences, head_revision  # noqa: PLC0415

    with open_database() as database, database.engine.connect() as connection:
        current, head = current_revision(connection), head_revision()
        if current != head:
            console.print(
                f"[red]database at {current}, migrations at {head}: run `opencbec db upgrade`[/red]"
            )
            raise typer.Exit(code=1)
        diff = differences(connection)
    if diff:
        console.print("[red]models and migrations disagree:[/red]")
        for item in diff:
            console.print(f"  {item}")
        raise typer.Exit(code=1)
    console.print(f"database at head {head}; models and migrations agree")


# --- organisations, users, API keys --------------------------------------------------------


@orgs_app.command("create")
def orgs_create(
    code: Annotated[str, typer.Option(help="Short code, e.g. xx-customs")],
    name_zh: Annotated[str, typer.Option(help="Chinese name")],
    name_en: Annotated[str, typer.Option(help="English name")],
    role: Annotated[list[OrgRole], typer.Option(help="Role (repeat for several)")],
    department: Annotated[Department | None, typer.Option(help="Regulator's department")] = None,
) -> None:
    """Create an organisation."""
    with open_session() as session:
        try:
            org = identity_service.create_organisation(
                session,
                actor=cli_actor(),
                code=code,
                name_zh=name_zh,
                name_en=name_en,
                roles=role,
                department=department,
            )
        except DomainError as exc:
            raise fail(exc) from None
        console.print(f"organisation {org.code} created (id {org.id})")


@orgs_app.command("list")
def orgs_list() -> None:
    """List organisations and their roles."""
    table = Table("id", "code", "name", "roles", "department")
    with open_session(write=False) as session:
        for org in session.scalars(
            select(Organisation).options(selectinload(Organisation.roles)).order_by(Organisation.id)
        ):
            table.add_row(
                str(org.id),
                org.code,
                f"{org.name_zh} / {org.name_en}",
                ", ".join(r.role for r in org.roles),
                org.department or "",
            )
    console.print(table)


@users_app.command("create")
def users_create(
    org: Annotated[str, typer.Option(help="Organisation code")],
    username: Annotated[str, typer.Option(help="Login name")],
    display_name: Annotated[str, typer.Option(help="Name shown in the interface")] = "",
    admin: Annotated[bool, typer.Option(help="Administrator of the organisation")] = False,
    password: Annotated[str | None, typer.Option(help="Password (asked for when omitted)")] = None,
) -> None:
    """Create a user of an organisation."""
    secret = password or typer.prompt("Password / 密码", hide_input=True, confirmation_prompt=True)
    with open_session() as session:
        organisation = identity_service.get_organisation_by_code(session, org)
        if organisation is None:
            console.print(f"[red]no organisation {org!r} / 单位 {org!r} 不存在[/red]")
            raise typer.Exit(code=2)
        try:
            user = identity_service.create_user(
                session,
                actor=cli_actor(),
                organisation_id=organisation.id,
                username=username,
                display_name=display_name or username,
                password=secret,
                is_org_admin=admin,
            )
        except DomainError as exc:
            raise fail(exc) from None
        console.print(f"user {user.username} created (id {user.id})")


@keys_app.command("create")
def apikeys_create(
    org: Annotated[str, typer.Option(help="Organisation code")],
    name: Annotated[str, typer.Option(help="What the key is for")],
    scope: Annotated[list[str], typer.Option(help="Scope (repeat for several)")],
    days: Annotated[int, typer.Option(help="Validity in days")] = 90,
) -> None:
    """Create an API key; the key is printed once and never again."""
    settings = load_settings()
    with open_session(settings=settings) as session:
        organisation = identity_service.get_organisation_by_code(session, org)
        if organisation is None:
            console.print(f"[red]no organisation {org!r} / 单位 {org!r} 不存在[/red]")
            raise typer.Exit(code=2)
        try:
            key, secret = identity_service.issue_api_key(
                session,
                actor=cli_actor(),
                organisation_id=organisation.id,
                name=name,
                scopes=scope,
                valid_days=days,
                max_days=settings.api_key_max_days,
            )
        except DomainError as exc:
            raise fail(exc) from None
    console.print(
        f"API key {key.id} ({key.prefix}) valid until {key.expires_at:%Y-%m-%d}; store it now:"
    )
    print(secret)


@keys_app.command("revoke")
def apikeys_revoke(
    org: Annotated[str, typer.Option(help="Organisation code")],
    key_id: Annotated[int, typer.Argument(help="Key id")],
) -> None:
    """Revoke an API key of an organisation."""
    with open_session() as session:
        organisation = identity_service.get_organisation_by_code(session, org)
        if organisation is None:
            console.print(f"[red]no organisation {org!r} / 单位 {org!r} 不存在[/red]")
            raise typer.Exit(code=2)
        try:
            identity_service.revoke_api_key(
                session, actor=cli_actor(), organisation_id=organisation.id, key_id=key_id
            )
        except DomainError as exc:
            raise fail(exc) from None
    console.print(f"API key {key_id} revoked")


# --- audit, demo, serve --------------------------------------------------------------------


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the audit chain; exit 1 and list each problem when it does not hold."""
    with open_session(write=False) as session:
        report = audit_service.verify(session)
    if report.ok:
        console.print(
            f"[green]audit chain intact: {report.checked} entries / 审计链完整：{report.checked} 条[/green]"
        )
        return
    console.print(
        f"[red]audit chain broken: {len(report.problems)} problem(s) in {report.checked} entries[/red]"
    )
    for problem in report.problems:
        console.print(
            f"  #{problem.seq} {problem.kind}: {problem.message.en} / {problem.message.zh}"
        )
    raise typer.Exit(code=1)


@demo_app.command("load")
def demo_load(
    scale: Annotated[
        str,
        typer.Option(
            help="small (~200 enterprises, a year), medium, large (benchmarks); tiny: tests"
        ),
    ] = "small",
    seed: Annotated[int, typer.Option(help="Same seed, same zone")] = demo_loader.DEFAULT_SEED,
) -> None:
    """Load the demo zone into an empty database, or continue an interrupted load."""
    settings = load_settings()
    if not settings.load_demo:
        console.print("[red]demo loading is switched off (OPENCBEC_LOAD_DEMO=false)[/red]")
        raise typer.Exit(code=2)
    if scale not in demo_plan.SCALES:
        console.print(f"[red]scale must be one of {', '.join(demo_plan.SCALES)}[/red]")
        raise typer.Exit(code=2)
    with open_database(settings) as database:
        _load_zone(database, settings, scale, seed)
    _print_demo_logins()


def _load_zone(database: Database, settings: Settings, scale: str, seed: int) -> None:
    with LoadProgress(console, progress_label(scale)) as progress:
        try:
            report = demo_loader.load_zone(
                database, settings=settings, scale=scale, seed=seed, progress=progress
            )
        except demo_loader.ZoneRefused as exc:
            console.print(f"[yellow]{exc.message.en}\n{exc.message.zh}[/yellow]")
            raise typer.Exit(code=1) from None
        except DomainError as exc:
            _say_where_the_zone_stopped(database, scale, seed)
            raise fail(exc) from None
        except Exception:
            _say_where_the_zone_stopped(database, scale, seed)
            raise
    console.print(
        f"demo zone {report.scale} (seed {report.seed}): {report.organisations} organisations, "
        f"{report.parcels} order sets ({report.declared} declared, {len(report.held)} held by the "
        f"pre-flight check, {len(report.refused)} messages refused), {report.follow_ups} "
        f"cancellations and returns, {report.summaries} summary applications; planted patterns "
        f"in {report.manifest}"
    )


def _say_where_the_zone_stopped(database: Database, scale: str, seed: int) -> None:
    with database.session(write=False) as session:
        state = demo_loader.zone_state(session)
    if not state.started:
        console.print(
            "[red]demo zone not loaded: nothing was written / 演示综试区未加载，未写入任何数据[/red]"
        )
        return
    where = state.last_day or "the enterprises"
    again = f"opencbec demo load --scale {scale} --seed {seed}"
    console.print(
        f"[red]demo zone stopped after {where}; everything before is complete. Run `{again}` "
        f"again to continue.\n演示综试区停在 {where} 之后，此前数据完整；再次运行 `{again}` 即可继续。[/red]"
    )


def _print_demo_logins() -> None:
    table = Table(
        "login / 用户名",
        "organisation / 单位",
        "role / 角色",
        title=f"Demo logins, password / 演示密码: {demo_service.DEMO_PASSWORD}",
    )
    for demo in demo_service.DEMO_ORGS:
        table.add_row(
            demo.username,
            demo.name_zh,
            ", ".join(r.value for r in demo.roles)
            + (f" ({demo.department.value})" if demo.department else ""),
        )
    console.print(table)


@app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option(help="Address (default OPENCBEC_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default OPENCBEC_PORT)")] = None,
) -> None:
    """Migrate, load the demo zone on first start, and serve the platform."""
    import uvicorn  # noqa: PLC0415

    from opencbec.migrate import upgrade_engine  # noqa: PLC0415
    from opencbec.web import create_app  # noqa: PLC0415

    settings = load_settings()
    if "OPENCBEC_RUN_LINK" not in os.environ:  # the served platform talks to customs by default
        settings = settings.model_copy(update={"run_link": True})
    database = Database.from_settings(settings)
    upgrade_engine(database.engine)
    with database.session() as session:
        state = demo_loader.zone_state(session)
        first_start = not demo_service.is_loaded(session) or (state.started and not state.complete)
    if first_start and settings.load_demo:  # first start, or an interrupted load to continue
        _load_zone(
            database, settings, state.scale or "small", state.seed or demo_loader.DEFAULT_SEED
        )
    if settings.load_demo:
        _print_demo_logins()
    bind_host, bind_port = host or settings.host, port or settings.port
    console.print(f"OpenCBEC on http://{bind_host}:{bind_port}  ({database.engine.dialect.name})")
    uvicorn.run(
        create_app(settings, database=database),
        host=bind_host,
        port=bind_port,
        log_level=settings.log_level,
    )


def main() -> None:
    """Run the command line."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
