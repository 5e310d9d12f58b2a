"""`opencbec codes`: the reference code tables from the command line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from opencbec.clikit import cli_actor, console, fail, open_session
from opencbec.errors import DomainError
from opencbec.goods import service
from opencbec.goods.rules import TABLES

app = typer.Typer(help="Reference code tables / 参数代码表", no_args_is_help=True)


@app.command("tables")
def tables() -> None:
    """List the code tables with the edition in force."""
    table = Table(
        "table / 代码表", "version / 版本", "effective / 生效", "rows / 行数", "source / 出处"
    )
    with open_session(write=False) as session:
        for name in TABLES:
            edition = service.latest_edition(session, table=name)
            if edition is None:
                table.add_row(name, "—", "—", "0", "")
            else:
                table.add_row(
                    name,
                    edition.version,
                    edition.effective_from.isoformat(),
                    str(edition.row_count),
                    edition.source,
                )
    console.print(table)


@app.command("import")
def import_edition(
    table: Annotated[str, typer.Argument(help=f"One of: {', '.join(TABLES)}")],
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="UTF-8 CSV with a header row")
    ],
    version: Annotated[str, typer.Option(help="Edition version, e.g. 2026")] = "",
    source: Annotated[str, typer.Option(help="The publication the table comes from")] = "",
    effective_from: Annotated[
        str, typer.Option(help="First day the edition applies (YYYY-MM-DD)")
    ] = "",
    yes: Annotated[bool, typer.Option("--yes", help="Apply without asking")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only show what would change")] = False,
) -> None:
    """Check a new edition of TABLE, show what it adds, removes and changes, and apply it."""
    try:
        day = dt.date.fromisoformat(effective_from) if effective_from else dt.date.today()
    except ValueError:
        console.print(
            f"[red]--effective-from: {effective_from!r} is not a date YYYY-MM-DD / 不是日期[/red]"
        )
        raise typer.Exit(code=2) from None
    content = file.read_bytes()
    version = version or file.stem
    source = source or f"file {file.name}"
    try:
        with open_session() as session:
            preview = service.preview_edition(
                session,
                table=service.spec_or_error(table).name,
                content=content,
                effective_from=day,
            )
            diff = preview.diff
            console.print(
                f"{table}: {len(preview.parsed.rows)} rows; +{len(diff.added)} added, "
                f"-{len(diff.removed)} removed, ~{len(diff.changed)} changed (from {day.isoformat()})"
            )
            for change in diff.changed[:20]:
                console.print(f"  ~ {change.code}: {', '.join(change.fields)}")
            for code in diff.added[:10]:
                console.print(f"  + {code}")
            for code in diff.removed[:10]:
                console.print(f"  - {code}")
            if preview.ok and (
                dry_run or not (yes or typer.confirm("Apply this edition? / 应用此版本？"))
            ):
                console.print("nothing applied / 未做更改")
                return
            edition, _ = service.apply_edition(
                session,
                actor=cli_actor(),
                table=table,
                content=content,
                version=version,
                source=source,
                effective_from=day,
            )
            console.print(f"[green]edition {edition.id} of {table} applied / 已应用[/green]")
    except DomainError as exc:
        raise fail(exc) from None


@app.command("show")
def show(
    table: Annotated[str, typer.Argument(help="Table")],
    code: Annotated[str, typer.Argument(help="Code")],
) -> None:
    """Show every version of one code."""
    with open_session(write=False) as session:
        versions = service.history(session, table=table, code=code)
    if not versions:
        console.print(f"[red]{table} {code}: no such code / 无此编码[/red]")
        raise typer.Exit(code=1)
    for row in versions:
        until = row.valid_to.isoformat() if row.valid_to else "…"
        console.print(
            f"{row.code} {row.valid_from.isoformat()} → {until}: {row.name_zh} / {row.name_en} {row.data}"
        )


@app.command("seed")
def seed(
    hs: Annotated[
        Path | None, typer.Option(help="Full HS 2022 CSV (harmonized-system.csv format)")
    ] = None,
) -> None:
    """Load the tables shipped with OpenCBEC (and the full HS table, if given) where empty."""
    with open_session() as session:
        loaded = service.load_bundled(session, actor=cli_actor(), hs_file=hs)
    for edition in loaded:
        console.print(f"{edition.table_name}: {edition.row_count} rows ({edition.version})")
    if not loaded:
        console.print("every table already has an edition / 所有代码表均已有版本")
