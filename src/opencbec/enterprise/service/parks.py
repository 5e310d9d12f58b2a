"""Parks, industrial belts and source factories (线下产业园区、产业带、源头工厂): the zone's offline
platform, and the published source-factory list with search and export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opencbec.audit import service as audit_service
from opencbec.enterprise.models import Factory, IndustrialBelt, Park
from opencbec.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from opencbec.identity.rules import Principal
from opencbec.kit.i18n import N_, Bilingual
from opencbec.kit.tables import TableError, read_table
from opencbec.kit.time import CHINA_STANDARD_TIME, utcnow

audit_service.describe_actions(
    {
        "enterprise.park.create": N_("Park registered"),
        "enterprise.belt.create": N_("Industrial belt registered"),
        "enterprise.factory.create": N_("Source factory registered"),
        "enterprise.factory.publish": N_("Source factories published"),
    }
)
_CODE: Final = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
_MARKET: Final = re.compile(r"^[A-Z]{2}$")
EXPORT_COLUMNS: Final = (
    "name_zh",
    "name_en",
    "belt",
    "park",
    "county",
    "products_zh",
    "products_en",
    "markets",
    "listed_at",
)


def _require_zone(principal: Principal) -> None:
    if not principal.is_zone_admin:
        raise Forbidden(
            Bilingual(
                "Only the zone administration manages parks and factories.",
                "只有综试区管理机构可以管理园区和工厂。",
            )
        )


def normalise_text(text: str) -> str:
    """Return text folded for search: full-width to half-width, case-folded, spaces removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).casefold())


def _length(
    errors: list[FieldError], data: Mapping[str, Any], name: str, low: int, high: int
) -> str:
    value = str(data.get(name) or "").strip()
    if not low <= len(value) <= high:
        errors.append(
            FieldError(
                name,
                Bilingual(f"{low} to {high} characters required", f"需要 {low} 至 {high} 个字符"),
            )
        )
    return value


def _create_coded(
    session: Session,
    principal: Principal,
    model: type[Park] | type[IndustrialBelt],
    kind: tuple[str, str],
    data: Mapping[str, Any],
    lengths: tuple[tuple[str, int, int], ...],
) -> Park | IndustrialBelt:
    """Check and create a park or a belt: a unique code and its text fields."""
    _require_zone(principal)
    errors: list[FieldError] = []
    code = str(data.get("code") or "").strip()
    if not _CODE.match(code):
        errors.append(
            FieldError(
                "code",
                Bilingual(
                    "use 2-40 lower-case letters, digits and hyphens",
                    "请使用 2-40 位小写字母、数字或连字符",
                ),
            )
        )
    values = {name: _length(errors, data, name, low, high) for name, low, high in lengths}
    if errors:
        raise InvalidInput(errors)
    if session.scalar(select(model.id).where(model.code == code)) is not None:
        raise Conflict(
            Bilingual(f"{kind[0]} code {code!r} is taken", f"{kind[1]}代码 {code!r} 已被使用")
        )
    record = model(code=code, **values)
    session.add(record)
    session.flush()
    object_type = f"enterprise.{kind[0]}"
    audit_service.record(
        session,
        actor=principal.actor,
        action=f"{object_type}.create",
        object_type=object_type,
        object_id=record.id,
        organisation_id=principal.organisation_id,
        after={"code": code, **values},
    )
    return record


def create_park(session: Session, *, principal: Principal, data: Mapping[str, Any]) -> Park:
    """Register a park (zone administration)."""
    lengths = (
        ("name_zh", 2, 200),
        ("name_en", 2, 200),
        ("district", 2, 100),
        ("focus_zh", 2, 500),
        ("focus_en", 2, 500),
    )
    park = _create_coded(session, principal, Park, ("park", "园区"), data, lengths)
    assert isinstance(park, Park)
    return park


def create_belt(
    session: Session, *, principal: Principal, code: str, name_zh: str, name_en: str
) -> IndustrialBelt:
    """Register an industrial belt (zone administration)."""
    data = {"code": code, "name_zh": name_zh, "name_en": name_en}
    belt = _create_coded(
        session,
        principal,
        IndustrialBelt,
        ("belt", "产业带"),
        data,
        (("name_zh", 2, 200), ("name_en", 2, 200)),
    )
    assert isinstance(belt, IndustrialBelt)
    return belt


def register_factory(session: Session, *, principal: Principal, data: Mapping[str, Any]) -> Factory:
    """Register a source factory under a belt (and a park, if it is in one)."""
    _require_zone(principal)
    errors: list[FieldError] = []
    values = {
        name: _length(errors, data, name, low, high)
        for name, low, high in (
            ("name_zh", 2, 200),
            ("name_en", 2, 200),
            ("products_zh", 2, 500),
            ("products_en", 2, 500),
            ("county", 2, 60),
        )
    }
    belt = session.scalar(
        select(IndustrialBelt).where(IndustrialBelt.code == str(data.get("belt") or ""))
    )
    if belt is None:
        errors.append(
            FieldError(
                "belt", Bilingual("choose a registered industrial belt", "请选择已登记的产业带")
            )
        )
    park_code = str(data.get("park") or "").strip()
    park = session.scalar(select(Park).where(Park.code == park_code)) if park_code else None
    if park_code and park is None:
        errors.append(FieldError("park", Bilingual("no such park", "园区不存在")))
    raw_markets = data.get("markets") or []
    markets = sorted(
        {
            m.strip().upper()
            for m in (raw_markets.split(",") if isinstance(raw_markets, str) else raw_markets)
            if m.strip()
        }
    )
    if not markets or any(not _MARKET.match(m) for m in markets):
        errors.append(
            FieldError(
                "markets",
                Bilingual(
                    "give ISO 3166 two-letter codes, e.g. DE, KZ, US",
                    "请填写 ISO 3166 两位字母代码，如 DE、KZ、US",
                ),
            )
        )
    if errors:
        raise InvalidInput(errors)
    assert belt is not None
    factory = Factory(
        **values,
        uscc=str(data.get("uscc") or "").strip() or None,
        belt_id=belt.id,
        park_id=park.id if park else None,
        markets=markets,
        is_listed=False,
        search_text=normalise_text(
            " ".join([*values.values(), belt.name_zh, belt.name_en, *markets])
        )[:2000],
    )
    session.add(factory)
    session.flush()
    audit_service.record(
        session,
        actor=principal.actor,
        action="enterprise.factory.create",
        object_type="enterprise.factory",
        object_id=factory.id,
        organisation_id=principal.organisation_id,
        after={**values, "markets": markets},
    )
    return factory


def publish_factories(session: Session, *, principal: Principal, factory_ids: Sequence[int]) -> int:
    """Put factories on the published source-factory list from today; return how many were added."""
    _require_zone(principal)
    today = utcnow().astimezone(CHINA_STANDARD_TIME).date()
    factories = list(session.scalars(select(Factory).where(Factory.id.in_(list(factory_ids)))))
    if len(factories) != len(set(factory_ids)):
        raise NotFound(Bilingual("Some of these factories do not exist.", "部分工厂不存在。"))
    added = 0
    for factory in factories:
        if not factory.is_listed:
            factory.is_listed = True
            factory.listed_at = today
            added += 1
    session.flush()
    audit_service.record(
        session,
        actor=principal.actor,
        action="enterprise.factory.publish",
        object_type="enterprise.factory",
        object_id="list",
        organisation_id=principal.organisation_id,
        details={"ids": sorted(set(factory_ids)), "added": added},
    )
    return added


@dataclass(frozen=True, slots=True)
class FactoryRow:
    """A factory with its belt and park, as shown and exported."""

    factory: Factory
    belt: IndustrialBelt
    park: Park | None


def search_factories(
    session: Session,
    *,
    query: str = "",
    belt: str = "",
    park: str = "",
    market: str = "",
    listed_only: bool = True,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[FactoryRow], int]:
    """Search factories in both languages, filtered by belt, park and export market."""
    stmt = (
        select(Factory, IndustrialBelt, Park)
        .join(IndustrialBelt, IndustrialBelt.id == Factory.belt_id)
        .outerjoin(Park, Park.id == Factory.park_id)
    )
    if listed_only:
        stmt = stmt.where(Factory.is_listed.is_(True))
    words = (
        [w for w in normalise_text(query[:100]).replace("%", "").replace("_", "").split(",") if w]
        if query.strip()
        else []
    )
    for word in words:
        stmt = stmt.where(Factory.search_text.contains(word))
    if belt:
        stmt = stmt.where(IndustrialBelt.code == belt)
    if park:
        stmt = stmt.where(Park.code == park)
    rows = [FactoryRow(f, b, p) for f, b, p in session.execute(stmt.order_by(Factory.id)).all()]
    if market:
        rows = [r for r in rows if market.upper() in r.factory.markets]
    return rows[offset : offset + limit], len(rows)


def parks(session: Session) -> list[Park]:
    """Return every park."""
    return list(session.scalars(select(Park).order_by(Park.id)))


def belts(session: Session) -> list[IndustrialBelt]:
    """Return every industrial belt."""
    return list(session.scalars(select(IndustrialBelt).order_by(IndustrialBelt.id)))


def listed_by_belt(session: Session) -> list[tuple[IndustrialBelt, int]]:
    """Return how many listed factories each belt has."""
    counts = dict(
        session.execute(
            select(Factory.belt_id, func.count())
            .where(Factory.is_listed.is_(True))
            .group_by(Factory.belt_id)
        ).all()
    )
    return [(b, int(counts.get(b.id, 0))) for b in belts(session)]


def _export_rows(rows: Sequence[FactoryRow]) -> list[list[str]]:
    return [
        [
            r.factory.name_zh,
            r.factory.name_en,
            f"{r.belt.name_zh} / {r.belt.name_en}",
            f"{r.park.name_zh} / {r.park.name_en}" if r.park else "",
            r.factory.county,
            r.factory.products_zh,
            r.factory.products_en,
            " ".join(r.factory.markets),
            r.factory.listed_at.isoformat() if r.factory.listed_at else "",
        ]
        for r in rows
    ]


def export_csv(rows: Sequence[FactoryRow]) -> bytes:
    """Return the rows as UTF-8 CSV with a BOM (so spreadsheet programs read the Chinese right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows(_export_rows(rows))
    return ("\ufeff" + buffer.getvalue()).encode()


def export_xlsx(rows: Sequence[FactoryRow], *, generated: dt.datetime | None = None) -> bytes:
    """Return the rows as an XLSX workbook."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "source factories"
    sheet.append(list(EXPORT_COLUMNS))
    for row in _export_rows(rows):
        sheet.append(row)
    workbook.properties.created = (generated or utcnow()).replace(tzinfo=None)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


FACTORY_COLUMNS: Final = (
    "name_zh",
    "name_en",
    "belt",
    "park",
    "county",
    "products_zh",
    "products_en",
    "markets",
)


@dataclass
class FactoryUpload:
    """The row-by-row result of a factory upload."""

    rows: int = 0
    registered: int = 0
    errors: list[FieldError] = field(default_factory=list)


def register_factories_bulk(
    session: Session, *, principal: Principal, content: bytes, import_valid_rows: bool = False
) -> FactoryUpload:
    """Register factories from CSV or XLSX: all rows or none, unless asked for the valid rows."""
    _require_zone(principal)
    report = FactoryUpload()
    try:
        table = read_table(content)
        if sorted(table.header) != sorted(FACTORY_COLUMNS):
            report.errors.append(
                FieldError(
                    "header",
                    Bilingual(
                        f"columns must be {', '.join(FACTORY_COLUMNS)}",
                        f"列应为 {', '.join(FACTORY_COLUMNS)}",
                    ),
                )
            )
            return report
        rows = list(table.rows)
    except TableError as exc:
        report.errors.append(FieldError("file", exc.reason))
        return report
    report.rows = len(rows)
    if not rows:
        report.errors.append(
            FieldError("file", Bilingual("the file has no rows", "文件没有数据行"))
        )
        return report
    for line, record in rows:
        savepoint = session.begin_nested()
        try:
            register_factory(session, principal=principal, data=record)
        except InvalidInput as exc:
            savepoint.rollback()
            report.errors.extend(
                FieldError(f"row {line}/{e.field}", e.reason, e.code) for e in exc.errors
            )
        else:
            savepoint.commit()
            report.registered += 1
    if report.errors and not import_valid_rows:
        raise InvalidInput(
            report.errors[:200],
            Bilingual(
                f"{len(report.errors)} problem(s) in the upload; nothing was registered.",
                f"上传文件有 {len(report.errors)} 处问题，未登记任何工厂。",
            ),
        )
    return report
