"""The customs link: outgoing and incoming exchange records, retry queue and dead letters.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 08:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import opencbec.db

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "customs_exchanges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("message_type", sa.String(length=40), nullable=False),
        sa.Column("message_guid", sa.String(length=64), nullable=True),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("document_version", sa.Integer(), nullable=True),
        sa.Column("order_no", sa.String(length=60), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", opencbec.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=2000), nullable=True),
        sa.Column("last_error_zh", sa.String(length=2000), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", opencbec.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", opencbec.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("done_at", opencbec.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["clearance_documents.id"],
            name=op.f("fk_customs_exchanges_document_id_clearance_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_customs_exchanges_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customs_exchanges")),
        sa.UniqueConstraint(
            "direction", "file_name", name=op.f("uq_customs_exchanges_direction_file_name")
        ),
    )
    with op.batch_alter_table("customs_exchanges", schema=None) as batch_op:
        for column in ("document_id", "message_guid", "order_no", "organisation_id"):
            batch_op.create_index(batch_op.f(f"ix_customs_exchanges_{column}"), [column])
        batch_op.create_index(
            "ix_customs_exchanges_state_due", ["state", "next_attempt_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("customs_exchanges", schema=None) as batch_op:
        batch_op.drop_index("ix_customs_exchanges_state_due")
        for column in ("organisation_id", "order_no", "message_guid", "document_id"):
            batch_op.drop_index(batch_op.f(f"ix_customs_exchanges_{column}"))
    op.drop_table("customs_exchanges")
