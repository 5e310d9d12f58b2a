"""The indexed numbers other documents find a document by: written at ingest and by receipts,
and filled by migration 0015 from what was stored before it, the same either way."""

from __future__ import annotations

from alembic import command
from sqlalchemy import select

from opencbec.clearance import service as clearance_service
from opencbec.clearance.models import ClearanceDocument
from opencbec.db import Database, build_engine
from opencbec.demo import service as demo_service
from opencbec.identity import service as identity_service
from opencbec.identity.models import User
from opencbec.migrate import alembic_config, upgrade_engine
from tests.conftest import FreshDatabases


def _numbers(database: Database) -> dict[int, tuple[str, str | None, str | None]]:
    with database.session(write=False) as session:
        rows = session.execute(
            select(
                ClearanceDocument.id,
                ClearanceDocument.kind,
                ClearanceDocument.logistics_no,
                ClearanceDocument.invt_no,
            )
        )
        return {row.id: (row.kind, row.logistics_no, row.invt_no) for row in rows}


def test_ingest_and_the_migration_give_each_document_the_same_numbers(
    fresh_databases: FreshDatabases, tmp_path: object
) -> None:
    database = Database(build_engine(fresh_databases.new_url()))
    try:
        upgrade_engine(database.engine)
        with database.session() as session:
            demo_service.load(session, var_dir=tmp_path)  # type: ignore[arg-type]
            inventory = session.scalars(
                select(ClearanceDocument)
                .where(ClearanceDocument.kind == "inventory")
                .order_by(ClearanceDocument.id)
            ).first()
            assert inventory is not None
            owner = session.scalars(
                select(User).where(User.organisation_id == inventory.organisation_id)
            ).first()
            assert owner is not None
            clearance_service.apply_receipt(  # customs assigns the inventory its number
                session,
                principal=identity_service.principal_for_user(session, owner),
                kind="inventory",
                business_key=inventory.business_key,
                guid="6F1C1A4E-2B7D-4C55-9D8E-3A1B2C3D4E5F",
                status="120",
                return_time="20261127100000000",
                info="新增申报成功",
                numbers={"invtNo": "41072026I000000001", "preNo": "B20261127000000001"},
            )
            invt_no = inventory.invt_no
        assert invt_no == "41072026I000000001"
        written = _numbers(database)
        by_kind = {kind for kind, logistics_no, _ in written.values() if logistics_no}
        assert {"inventory", "waybill", "export_inventory", "export_waybill"} <= by_kind
        assert [n for kind, _, n in written.values() if kind == "inventory" and n] == [invt_no]
        assert all(invt_no is None for kind, _, invt_no in written.values() if kind == "order")

        with database.engine.begin() as conn:  # back to before the columns, then forward again
            command.downgrade(alembic_config(conn), "0014")
        upgrade_engine(database.engine)
        assert _numbers(database) == written
    finally:
        database.dispose()
