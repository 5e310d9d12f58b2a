"""bench.clearance end to end on two sets, so the benchmark cannot rot (no timing is asserted)."""

from __future__ import annotations

import datetime as dt

import pytest
from bench import clearance
from sqlalchemy import func, select, text

from opencbec.audit import service as audit_service
from opencbec.clearance.models import ClearanceDocument
from opencbec.db import Database, build_engine
from tests.conftest import FreshDatabases


def test_sets_are_ingested_checked_and_sent_through_the_api(
    fresh_databases: FreshDatabases,
) -> None:
    url = fresh_databases.new_url()
    day = dt.date.today()
    # measure() refuses to report when a set is not ready to declare or the API answers otherwise.
    figures = clearance.measure(url, 2, api_sets=2)
    assert (figures.sets, len(figures.api_seconds)) == (2, 2)
    assert figures.set_bytes > 8000  # four messages with every head field and three goods lines
    database = Database(build_engine(url))
    with database.session(write=False) as session:
        by_kind = dict(
            session.execute(
                select(ClearanceDocument.kind, func.count())
                .where(
                    ClearanceDocument.order_no.in_([clearance.order_no(i, day) for i in range(4)])
                )
                .group_by(ClearanceDocument.kind)
            ).all()
        )
        # the two measured sets and the two sent through the API
        assert by_kind == {"order": 4, "payment": 4, "waybill": 4, "inventory": 4}
        # the baseline inserted the rows ingest wrote for the two measured sets, table by table
        plain = {
            table.name: session.scalar(text(f"SELECT count(*) FROM {table.name}"))
            for table in clearance.PLAIN
        }
        assert plain == {
            "bench_plain_quota_accounts": 2,
            "bench_plain_clearance_documents": 8,
            "bench_plain_clearance_document_versions": 8,
            "bench_plain_clearance_set_checks": 2,
            "bench_plain_quota_entries": 2,
            "bench_plain_audit_entries": 10,
        }
        assert audit_service.verify(session).ok
    database.dispose()


def test_report_prints_name_value_lines(capsys: pytest.CaptureFixture[str]) -> None:
    figures = clearance.Figures("sqlite", 10, 9000, 2.0, 0.5, (0.010, 0.020, 0.030))
    clearance.report(figures, "sqlite_")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "sqlite_sets: 10"
    assert "sqlite_sets_per_s: 5.0" in lines
    assert "sqlite_baseline_sets_per_s: 20.0" in lines
    assert "sqlite_api_set_p50_ms: 20.0" in lines
    assert lines[-1] == "sqlite_ratio: 0.250"
    assert all(": " in line for line in lines)
    assert clearance.Figures("sqlite", 1, 1, 1.0, 1.0, (0.5,)).latency_ms(99) == 500.0


def test_an_unreachable_postgresql_is_skipped_with_a_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with clearance.postgres_database("postgresql+psycopg://postgres@127.0.0.1:1/postgres") as url:
        assert url is None
    assert capsys.readouterr().out.startswith("postgresql: skipped (")
