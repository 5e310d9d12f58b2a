"""Glue shared by every domain's command line: settings, a database that is disposed, a session
that commits once, and bilingual error output."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from sqlalchemy.orm import Session

from opencbec.audit.service import Actor
from opencbec.db import Database
from opencbec.errors import DomainError
from opencbec.identity import service as identity_service
from opencbec.settings import Settings

console = Console()


def cli_actor() -> Actor:
    """Return the audit actor of a command-line user."""
    return Actor(label=f"cli:{getpass.getuser()}")


def load_settings() -> Settings:
    """Return the settings, with password hashing configured from them."""
    settings = Settings()
    identity_service.configure_password_hashing(
        time_cost=settings.password_time_cost, memory_kib=settings.password_memory_kib
    )
    return settings


@contextmanager
def open_database(settings: Settings | None = None) -> Iterator[Database]:
    """Yield the configured database and dispose of its engine afterwards."""
    database = Database.from_settings(settings or load_settings())
    try:
        yield database
    finally:
        database.dispose()


@contextmanager
def open_session(*, write: bool = True, settings: Settings | None = None) -> Iterator[Session]:
    """Yield a session that commits once at the end of the command."""
    with open_database(settings) as database, database.session(write=write) as session:
        yield session


def fail(error: DomainError, *, limit: int = 50) -> typer.Exit:
    """Print a business error in both languages and return the exit to raise (status 2)."""
    console.print(f"[red]{error.message.en} / {error.message.zh}[/red]")
    for field_error in error.errors[:limit]:
        console.print(
            f"  [red]{field_error.field}: {field_error.reason.en} / {field_error.reason.zh}[/red]"
        )
    if len(error.errors) > limit:
        console.print(f"  … {len(error.errors) - limit} more / 另有 {len(error.errors) - limit} 处")
    return typer.Exit(code=2)
