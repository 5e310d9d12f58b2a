"""Code-table editions applied, looked up by day, searched; bad editions write nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opencbec.audit.models import AuditEntry
from opencbec.audit.service import Actor
from opencbec.errors import InvalidInput
from opencbec.goods import service
from opencbec.goods.models import CodeEdition, ReferenceCode
from tests.conftest import SHARED

ACTOR = Actor(label="test")
HEADER = "code,iso2,iso3,name_zh,name_en\n"


def _apply(session: Session, body: str, day: dt.date, table: str = "country") -> CodeEdition:
    edition, _ = service.apply_edition(
        session,
        actor=ACTOR,
        table=table,
        content=(HEADER + body).encode(),
        version=day.isoformat(),
        source="test",
        effective_from=day,
    )
    return edition


def test_bundled_tables_load_once(session: Session) -> None:
    loaded = service.load_bundled(session, actor=ACTOR)
    assert {e.table_name for e in loaded} == {b.table for b in service.BUNDLED} | {"hs"}
    assert service.load_bundled(session, actor=ACTOR) == []
    today = dt.date.today()
    assert service.lookup(session, table="currency", code="142", on=today).data["iso4217"] == "CNY"  # type: ignore[union-attr]
    assert service.lookup(session, table="unit", code="035", on=today).name_zh == "千克"  # type: ignore[union-attr]
    assert service.lookup(session, table="hs", code="850760", on=today) is not None
    assert service.lookup(session, table="supervision_mode", code="9610", on=today) is not None


def test_a_new_edition_closes_changed_rows_and_keeps_history(session: Session) -> None:
    first = dt.date(2025, 1, 1)
    second = dt.date(2026, 1, 1)
    _apply(session, "116,JP,JPN,日本,Japan\n303,GB,GBR,英国,UK\n999,XX,XXX,旧,Old\n", first)
    edition = _apply(
        session,
        "116,JP,JPN,日本,Japan\n303,GB,GBR,英国,United Kingdom\n502,US,USA,美国,United States\n",
        second,
    )
    assert (edition.added, edition.removed, edition.changed, edition.row_count) == (1, 1, 1, 3)
    assert (
        service.lookup(session, table="country", code="303", on=dt.date(2025, 6, 1)).name_en == "UK"
    )  # type: ignore[union-attr]
    assert (
        service.lookup(session, table="country", code="303", on=second).name_en == "United Kingdom"
    )  # type: ignore[union-attr]
    assert (
        service.lookup(session, table="country", code="999", on=dt.date(2025, 12, 31)) is not None
    )
    assert service.lookup(session, table="country", code="999", on=second) is None
    assert service.lookup(session, table="country", code="502", on=dt.date(2025, 12, 31)) is None
    assert [v.name_en for v in service.history(session, table="country", code="303")] == [
        "United Kingdom",
        "UK",
    ]
    assert [e.version for e in service.editions(session, table="country")] == [
        "2026-01-01",
        "2025-01-01",
    ]
    rows, total = service.search(session, table="country", query="unit", on=second)
    assert total == 2
    assert [r.code for r in rows] == ["303", "502"]
    rows, total = service.search(session, table="country", query="11", on=second)
    assert [r.code for r in rows] == ["116"]
    assert (
        session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "goods.code_edition.apply")
        )
        == 2
    )


def test_bad_edition_writes_nothing(session: Session) -> None:
    _apply(session, "116,JP,JPN,日本,Japan\n", dt.date(2025, 1, 1))
    before = (
        session.scalar(select(func.count()).select_from(ReferenceCode)),
        session.scalar(select(func.count()).select_from(CodeEdition)),
    )
    with pytest.raises(InvalidInput) as bad_row:
        _apply(session, "116,JP,JPN,日本,Japan\n12,GB,GBR,英国,UK\n", dt.date(2026, 1, 1))
    assert bad_row.value.errors[0].field == "row 3/code"
    assert "3 位数字" in bad_row.value.errors[0].reason.zh
    with pytest.raises(InvalidInput) as not_later:
        _apply(session, "116,JP,JPN,日本,Japan\n", dt.date(2024, 1, 1))
    assert not_later.value.errors[0].field == "effective_from"
    with pytest.raises(InvalidInput) as unknown:
        service.apply_edition(
            session,
            actor=ACTOR,
            table="planets",
            content=b"",
            version="1",
            source="x",
            effective_from=dt.date.today(),
        )
    assert unknown.value.errors[0].field == "table"
    for version, source, field in (("", "x", "version"), ("1", " ", "source")):
        with pytest.raises(InvalidInput) as missing:
            service.apply_edition(
                session,
                actor=ACTOR,
                table="country",
                content=(HEADER + "116,JP,JPN,日本,Japan\n").encode(),
                version=version,
                source=source,
                effective_from=dt.date(2027, 1, 1),
            )
        assert missing.value.errors[0].field == field
    after = (
        session.scalar(select(func.count()).select_from(ReferenceCode)),
        session.scalar(select(func.count()).select_from(CodeEdition)),
    )
    assert after == before


def test_full_hs_table_from_shared(session: Session) -> None:
    hs_file = SHARED / "data" / "hs2022" / "harmonized-system.csv"
    if not hs_file.is_file():
        pytest.skip(
            f"the HS 2022 data set is not at {hs_file} (it lives in ../shared, present in CI)"
        )
    loaded = service.load_bundled(session, actor=ACTOR, hs_file=hs_file)
    hs = next(e for e in loaded if e.table_name == "hs")
    assert hs.row_count == 6940
    assert hs.version == "2022 (full)"
    row = service.lookup(session, table="hs", code="842619", on=dt.date.today())
    assert row is not None
    assert row.data["parent"] == "8426"
