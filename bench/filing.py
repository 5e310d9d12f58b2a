"""Bulk goods filing: rows per second through every check, beside a bare insert of the same rows.

Run: `.venv/bin/python -m bench.filing [ROWS]` (SQLite in a temporary folder).
Prints `name: value` lines; the last is `ratio: <checked rate / bare insert rate>`.
"""

from __future__ import annotations

import csv
import io
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import delete, insert, select

from opencbec.db import Database, build_engine
from opencbec.demo import service as demo_service
from opencbec.goods import service as goods_service
from opencbec.goods.models import Product
from opencbec.goods.rules import PRODUCT_FIELDS
from opencbec.identity import service as identity_service
from opencbec.identity.models import User
from opencbec.kit.time import utcnow
from opencbec.migrate import upgrade_engine


def main(rows: int = 10_000) -> None:
    """Measure and print."""
    identity_service.configure_password_hashing(time_cost=1, memory_kib=64)
    with tempfile.TemporaryDirectory() as tmp:
        database = Database(build_engine(f"sqlite:///{tmp}/bench.sqlite3"))
        upgrade_engine(database.engine)
        with database.session() as session:
            demo_service.load(session, var_dir=Path(tmp))
        with database.session() as session:
            user = session.scalar(select(User).where(User.username == "seller"))
            assert user is not None
            seller = identity_service.principal_for_user(session, user)
        templates = [g for g in demo_service.DEMO_GOODS if g["direction"] == "export"]
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=PRODUCT_FIELDS, lineterminator="\n")
        writer.writeheader()
        for i in range(rows):
            writer.writerow({**templates[i % len(templates)], "item_no": f"B-{i:07d}"})
        content = buffer.getvalue().encode()

        start = time.perf_counter()
        with database.session() as session:
            report = goods_service.file_products_bulk(session, principal=seller, content=content)
        checked = time.perf_counter() - start
        assert report.filed == rows, report.errors[:3]

        with database.session() as session:
            values = [
                {
                    "organisation_id": seller.organisation_id,
                    **{k: v for k, v in r.items() if k != "id"},
                }
                for r in session.execute(
                    select(Product.__table__).where(Product.item_no.like("B-%"))
                ).mappings()
            ]
            session.execute(delete(Product).where(Product.item_no.like("B-%")))
        now = utcnow()
        for value in values:
            value["created_at"] = value["updated_at"] = now
        start = time.perf_counter()
        with database.session() as session:
            for first in range(0, len(values), 2000):
                session.execute(insert(Product), values[first : first + 2000])
        bare = time.perf_counter() - start
        database.dispose()
    print(f"rows: {rows}")
    print(f"csv_bytes: {len(content)}")
    print(f"checked_bulk_rows_per_s: {rows / checked:.0f}")
    print(f"bare_insert_rows_per_s: {rows / bare:.0f}")
    print(f"ratio: {(rows / checked) / (rows / bare):.3f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
