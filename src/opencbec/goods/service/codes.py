"""Reference-code use cases: preview and apply a new edition, look codes up on a day, search.

An edition is applied in one transaction: rows that disappear or change are closed the day the
edition applies from, the new content starts that day, and the previous content stays readable.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Final

from sqlalchemy import and_, bindparam, func, insert, or_, select, update
from sqlalchemy.orm import Session

from opencbec.audit import service as audit_service
from opencbec.audit.service import Actor
from opencbec.errors import InvalidInput, invalid
from opencbec.goods.models import CodeEdition, ReferenceCode
from opencbec.goods.rules import (
    TABLES,
    EditionDiff,
    ParsedEdition,
    TableSpec,
    diff_editions,
    parse_edition,
)
from opencbec.kit.i18n import N_, Bilingual
from opencbec.kit.time import utcnow

audit_service.describe_actions({"goods.code_edition.apply": N_("Code table edition applied")})


@dataclass(frozen=True, slots=True)
class Bundled:
    """A code table shipped with the package, compiled by us from a named publication."""

    table: str
    version: str
    source: str
    effective_from: dt.date


BUNDLED: Final[tuple[Bundled, ...]] = (
    Bundled(
        "country",
        "JGS-20 excerpt 2026-11",
        "China Customs JGS-20 country (region) code table, frequently used codes as listed in the CEB message reference §9.5; ISO 3166-1 mapping by OpenCBEC",
        dt.date(2018, 1, 1),
    ),
    Bundled(
        "currency",
        "JGS-20 excerpt 2026-11",
        "China Customs JGS-20 currency code table as listed in the CEB message reference §9.4; ISO 4217 mapping by OpenCBEC",
        dt.date(2018, 1, 1),
    ),
    Bundled(
        "unit",
        "JGS-20 2026-11",
        "China Customs JGS-20 unit of measure code table as listed in the CEB message reference §9.6",
        dt.date(2018, 1, 1),
    ),
    Bundled(
        "transport_mode",
        "JGS-20 2026-11",
        "China Customs JGS-20 transport mode codes as listed in the CEB message reference §9.3",
        dt.date(2018, 1, 1),
    ),
    Bundled(
        "supervision_mode",
        "2026-11",
        "GACC announcements 2014 No. 12 (9610), 2016 No. 75 (1239), 2020 No. 75 and 2021 No. 47 (9710, 9810); CEB message reference §9.2",
        dt.date(2021, 7, 1),
    ),
    Bundled(
        "customs_office",
        "excerpt 2026-11",
        "China Customs customs-district code table (关区代码表), codes quoted in the CEB message reference §9.8; Zhengzhou district 4600. Import the full table for the zone's subordinate offices",
        dt.date(2018, 1, 1),
    ),
    Bundled(
        "cn_code",
        "demo 2026-11",
        "DEMO, illustrative: lines the demo goods use, written by OpenCBEC after the Customs Tariff of the PRC; not an official edition: import the official 10-digit table before production use",
        dt.date(2026, 1, 1),
    ),
    Bundled(
        "positive_list",
        "2022 edition excerpt",
        "DEMO, illustrative: lines shaped like the CBEC retail import positive list (2022 edition, from 2022-03-01); not the official text: import the official list before production use",
        dt.date(2022, 3, 1),
    ),
    Bundled(
        "tax_rate",
        "demo 2026-11",
        "DEMO, illustrative: VAT, consumption tax and MFN tariff rates (in %) for the demo's import goods; not an official edition: import the official rates before production use",
        dt.date(2026, 1, 1),
    ),
    Bundled(
        "refund_rate",
        "demo 2026-11",
        "DEMO, illustrative: rates for the demo goods, written by OpenCBEC after the STA export refund rate library; not an official edition: import the official library before production use",
        dt.date(2026, 1, 1),
    ),
)
HS_SOURCE: Final = (
    "HS 2022 six-digit nomenclature, UN Comtrade via datasets/harmonized-system (ODC-PDDL)"
)


def spec_or_error(table: str) -> TableSpec:
    """Return the spec of `table`, or an error naming the known tables."""
    spec = TABLES.get(table)
    if spec is None:
        raise invalid(
            "table",
            f"unknown table {table!r}; known: {', '.join(TABLES)}",
            f"未知代码表 {table!r}；可用：{', '.join(TABLES)}",
        )
    return spec


def _in_force(on: dt.date) -> Any:
    return and_(
        ReferenceCode.valid_from <= on,
        or_(ReferenceCode.valid_to.is_(None), ReferenceCode.valid_to > on),
    )


def rows_in_force(session: Session, *, table: str, on: dt.date) -> dict[str, dict[str, Any]]:
    """Return the content of every code of `table` in force on `on`, by code."""
    rows = session.execute(
        select(ReferenceCode.code, ReferenceCode.data).where(
            ReferenceCode.table_name == table, _in_force(on)
        )
    ).all()
    return {str(code): dict(data) for code, data in rows}


def latest_edition(session: Session, *, table: str) -> CodeEdition | None:
    """Return the newest edition of `table`."""
    return session.scalar(
        select(CodeEdition)
        .where(CodeEdition.table_name == table)
        .order_by(CodeEdition.effective_from.desc())
        .limit(1)
    )


def editions(session: Session, *, table: str) -> list[CodeEdition]:
    """Return every edition of `table`, newest first."""
    return list(
        session.scalars(
            select(CodeEdition)
            .where(CodeEdition.table_name == table)
            .order_by(CodeEdition.effective_from.desc())
        )
    )


@dataclass
class Preview:
    """What applying an edition would do, or why it cannot be applied."""

    spec: TableSpec
    parsed: ParsedEdition
    diff: EditionDiff
    sha256: str

    @property
    def ok(self) -> bool:
        """True when the edition can be applied."""
        return not self.parsed.errors


def preview_edition(
    session: Session, *, table: str, content: bytes, effective_from: dt.date
) -> Preview:
    """Check an edition and compare it with the rows in force; nothing is written."""
    spec = spec_or_error(table)
    parsed = parse_edition(spec, content)
    latest = latest_edition(session, table=table)
    if latest is not None and effective_from <= latest.effective_from:
        parsed.errors.insert(
            0,
            invalid(
                "effective_from",
                f"must be after {latest.effective_from.isoformat()}, the day the edition in force applies from",
                f"必须晚于现行版本的生效日 {latest.effective_from.isoformat()}",
            ).errors[0],
        )
    current = rows_in_force(session, table=table, on=effective_from)
    return Preview(
        spec, parsed, diff_editions(current, parsed.rows), hashlib.sha256(content).hexdigest()
    )


def apply_edition(
    session: Session,
    *,
    actor: Actor,
    table: str,
    content: bytes,
    version: str,
    source: str,
    effective_from: dt.date,
) -> tuple[CodeEdition, EditionDiff]:
    """Apply a checked edition in the caller's transaction; any problem and nothing is written."""
    if not version.strip():
        raise invalid("version", "give the edition's version", "请填写版本")
    if not source.strip():
        raise invalid("source", "name the publication the table comes from", "请注明代码表的出处")
    preview = preview_edition(session, table=table, content=content, effective_from=effective_from)
    if not preview.ok:
        raise InvalidInput(
            preview.parsed.errors,
            Bilingual(
                f"The {table} edition has {len(preview.parsed.errors)} problem(s); nothing was applied.",
                f"{table} 代码表有 {len(preview.parsed.errors)} 处问题，未做任何更改。",
            ),
        )
    spec, diff, rows = preview.spec, preview.diff, preview.parsed.rows
    edition = CodeEdition(
        table_name=table,
        version=version.strip()[:60],
        source=source.strip()[:500],
        effective_from=effective_from,
        imported_at=utcnow(),
        imported_by=actor.label,
        row_count=len(rows),
        added=len(diff.added),
        removed=len(diff.removed),
        changed=len(diff.changed),
        sha256=preview.sha256,
    )
    session.add(edition)
    session.flush()
    closing = diff.removed + [c.code for c in diff.changed]
    for start in range(0, len(closing), 500):
        session.execute(
            update(ReferenceCode)
            .where(
                ReferenceCode.table_name == table,
                ReferenceCode.code.in_(closing[start : start + 500]),
                _in_force(effective_from),
            )
            .values(valid_to=effective_from)
        )
    opening = diff.added + [c.code for c in diff.changed]
    values = [_row_values(spec, code, rows[code], edition) for code in opening]
    for start in range(0, len(values), 2000):
        session.execute(insert(ReferenceCode), values[start : start + 2000])
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action="goods.code_edition.apply",
        object_type="goods.code_edition",
        object_id=edition.id,
        organisation_id=actor.organisation_id,
        details={
            "table": table,
            "version": edition.version,
            "effective_from": effective_from.isoformat(),
            "added": edition.added,
            "removed": edition.removed,
            "changed": edition.changed,
            "sha256": edition.sha256,
        },
    )
    return edition, diff


def _row_values(
    spec: TableSpec, code: str, row: Mapping[str, Any], edition: CodeEdition
) -> dict[str, Any]:
    return {
        "table_name": spec.name,
        "code": code,
        "name_zh": str(row.get(spec.name_zh, ""))[:500],
        "name_en": str(row.get(spec.name_en, ""))[:500],
        "data": dict(row),
        "valid_from": edition.effective_from,
        "valid_to": None,
        "edition_id": edition.id,
    }


# Built once: the pre-flight check looks codes up for every goods line, and building the
# statement costs more than running it.
_LOOKUP: Final = select(ReferenceCode).where(
    ReferenceCode.table_name == bindparam("table"),
    ReferenceCode.code == bindparam("code"),
    ReferenceCode.valid_from <= bindparam("on"),
    or_(ReferenceCode.valid_to.is_(None), ReferenceCode.valid_to > bindparam("on")),
)


def lookup(session: Session, *, table: str, code: str, on: dt.date) -> ReferenceCode | None:
    """Return the row of `code` in `table` in force on `on`."""
    return session.scalar(_LOOKUP, {"table": table, "code": code, "on": on})


def history(session: Session, *, table: str, code: str) -> list[ReferenceCode]:
    """Return every version of one code, newest first."""
    return list(
        session.scalars(
            select(ReferenceCode)
            .where(ReferenceCode.table_name == table, ReferenceCode.code == code)
            .order_by(ReferenceCode.valid_from.desc())
        )
    )


def search(
    session: Session, *, table: str, query: str, on: dt.date, limit: int = 50, offset: int = 0
) -> tuple[list[ReferenceCode], int]:
    """Return the codes in force whose code starts with, or whose names contain, `query`."""
    stmt = select(ReferenceCode).where(ReferenceCode.table_name == table, _in_force(on))
    text = query.strip()
    if text:
        like = f"%{text.replace('%', '').replace('_', '')}%"
        stmt = stmt.where(
            or_(
                ReferenceCode.code.startswith(text, autoescape=True),
                ReferenceCode.name_zh.ilike(like),
                ReferenceCode.name_en.ilike(like),
            )
        )
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(ReferenceCode.code).limit(min(max(limit, 1), 500)).offset(max(offset, 0))
    )
    return list(rows), total


def bundled_content(table: str) -> bytes:
    """Return the CSV shipped with the package for `table`."""
    return resources.files("opencbec.goods").joinpath("data", f"{table}.csv").read_bytes()


def load_bundled(
    session: Session, *, actor: Actor, hs_file: Path | None = None
) -> list[CodeEdition]:
    """Load every shipped table that has no edition yet, and the HS table from `hs_file` if given."""
    loaded = []
    for item in BUNDLED:
        if latest_edition(session, table=item.table) is None:
            edition, _ = apply_edition(
                session,
                actor=actor,
                table=item.table,
                content=bundled_content(item.table),
                version=item.version,
                source=item.source,
                effective_from=item.effective_from,
            )
            loaded.append(edition)
    if latest_edition(session, table="hs") is None:
        content = (
            hs_file.read_bytes()
            if hs_file is not None and hs_file.is_file()
            else bundled_content("hs")
        )
        version = (
            "2022 (full)" if hs_file is not None and hs_file.is_file() else "2022 (demo subset)"
        )
        edition, _ = apply_edition(
            session,
            actor=actor,
            table="hs",
            content=content,
            version=version,
            source=HS_SOURCE,
            effective_from=dt.date(2022, 1, 1),
        )
        loaded.append(edition)
    return loaded
