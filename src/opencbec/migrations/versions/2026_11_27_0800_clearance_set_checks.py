"""The kept result of each order set's pre-flight check.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import opencbec.db

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "clearance_set_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_no", sa.String(length=60), nullable=False),
        sa.Column("direction", sa.String(length=6), nullable=False),
        sa.Column("ready", sa.Boolean(), nullable=False),
        sa.Column("failure_count", sa.Integer(), nullable=False),
        sa.Column(
            "failures",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("checked_at", opencbec.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clearance_set_checks")),
        sa.UniqueConstraint("order_no", name=op.f("uq_clearance_set_checks_order_no")),
    )


def downgrade() -> None:
    op.drop_table("clearance_set_checks")
