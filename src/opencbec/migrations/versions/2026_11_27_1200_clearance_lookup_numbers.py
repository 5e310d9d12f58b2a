"""Indexed logistics and inventory numbers on clearance documents (filled from what is stored).

An export waybill joins its set through the inventory's logisticsNo, and a tax bill names its
inventory only by the invtNo customs assigned: both were found by reading JSON (the documents'
content, the receipts' numbers), a scan of every row on each arrival.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-27 12:00:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DOCUMENTS = sa.table(
    "clearance_documents",
    sa.column("id", sa.Integer()),
    sa.column("content", sa.JSON()),
    sa.column("logistics_no", sa.String()),
    sa.column("invt_no", sa.String()),
)
_RECEIPTS = sa.table(
    "clearance_receipts",
    sa.column("id", sa.Integer()),
    sa.column("document_id", sa.Integer()),
    sa.column("numbers", sa.JSON()),
)


def _logistics_no(content: Any) -> str | None:
    # The logisticsNo of a document's head, wherever the kind keeps its head.
    if not isinstance(content, dict):
        return None
    heads = [content, *(v for v in content.values() if isinstance(v, dict))]
    for head in heads:
        value = head.get("logisticsNo")
        if isinstance(value, str) and value:
            return value[:60]
    return None


def upgrade() -> None:
    # Plain ALTER TABLE, never a batch copy: other tables' foreign keys point at this one, and
    # SQLite (foreign keys on) refuses to drop the table a copy would replace.
    op.add_column("clearance_documents", sa.Column("logistics_no", sa.String(60), nullable=True))
    op.add_column("clearance_documents", sa.Column("invt_no", sa.String(18), nullable=True))
    op.create_index("ix_clearance_documents_logistics_no", "clearance_documents", ["logistics_no"])
    op.create_index("ix_clearance_documents_invt_no", "clearance_documents", ["invt_no"])
    conn = op.get_bind()
    for document_id, content in conn.execute(sa.select(_DOCUMENTS.c.id, _DOCUMENTS.c.content)):
        number = _logistics_no(content)
        if number:
            conn.execute(
                _DOCUMENTS.update()
                .where(_DOCUMENTS.c.id == document_id)
                .values(logistics_no=number)
            )
    receipts = conn.execute(
        sa.select(_RECEIPTS.c.document_id, _RECEIPTS.c.numbers)
        .where(_RECEIPTS.c.document_id.is_not(None), _RECEIPTS.c.numbers.is_not(None))
        .order_by(_RECEIPTS.c.id)
    )
    for document_id, numbers in receipts:
        invt_no = numbers.get("invtNo") if isinstance(numbers, dict) else None
        if isinstance(invt_no, str) and invt_no:
            conn.execute(
                _DOCUMENTS.update()
                .where(_DOCUMENTS.c.id == document_id)
                .values(invt_no=invt_no[:18])
            )


def downgrade() -> None:
    op.drop_index("ix_clearance_documents_invt_no", "clearance_documents")
    op.drop_index("ix_clearance_documents_logistics_no", "clearance_documents")
    op.drop_column("clearance_documents", "invt_no")  # SQLite 3.35+ drops a column in place
    op.drop_column("clearance_documents", "logistics_no")
