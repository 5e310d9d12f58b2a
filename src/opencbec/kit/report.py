"""The table of a work-list page (templates/report/report.html): columns, formatted cells, links.

Pure data, no web: a domain's page builds tables from its service's rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Table:
    """A titled table: columns as (message id, numeric), rows of shown cells, a link per row."""

    id: str
    title: str
    columns: tuple[tuple[str, bool], ...]
    rows: list[list[str]]
    empty: str
    links: list[str | None] = field(default_factory=list)
