"""Export summary declaration and follow-up requests (cancellations, returns).

Receipts keep the numbers customs assigns (invtNo, preNo, sumNo); released 9610 export
inventories wait for their month's summary application with their lines; summary results are
tied to their applications; follow-up requests are tied to the inventory they were made from.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 08:31:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import opencbec.db

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the receipts' numbers and the summary and follow-up tables."""
    with op.batch_alter_table("clearance_receipts") as batch:
        batch.add_column(
            sa.Column(
                "numbers",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )
    op.create_table(
        "clearance_summary_candidates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("inventory_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("created_at", opencbec.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", opencbec.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["inventory_id"],
            ["clearance_documents.id"],
            name=op.f("fk_clearance_summary_candidates_inventory_id_clearance_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_clearance_summary_candidates_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clearance_summary_candidates")),
        sa.UniqueConstraint(
            "inventory_id", name=op.f("uq_clearance_summary_candidates_inventory_id")
        ),
    )
    op.create_index(
        "ix_clearance_summary_candidates_month",
        "clearance_summary_candidates",
        ["organisation_id", "month"],
        unique=False,
    )
    op.create_table(
        "clearance_summary_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inventory_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("gnum", sa.Integer(), nullable=False),
        sa.Column("group_key", sa.String(length=300), nullable=False),
        sa.Column("gcode", sa.String(length=10), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("qty", opencbec.db.Money(precision=19, scale=5), nullable=False),
        sa.Column("total_price", opencbec.db.Money(precision=19, scale=5), nullable=False),
        sa.Column("statistics_only", sa.Boolean(), nullable=False),
        sa.Column("decl_seq_no", sa.String(length=18), nullable=True),
        sa.Column("entry_id", sa.String(length=18), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["clearance_documents.id"],
            name=op.f("fk_clearance_summary_lines_application_id_clearance_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["inventory_id"],
            ["clearance_documents.id"],
            name=op.f("fk_clearance_summary_lines_inventory_id_clearance_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clearance_summary_lines")),
        sa.UniqueConstraint(
            "inventory_id", "gnum", name=op.f("uq_clearance_summary_lines_inventory_id_gnum")
        ),
    )
    op.create_index(
        op.f("ix_clearance_summary_lines_application_id"),
        "clearance_summary_lines",
        ["application_id"],
        unique=False,
    )
    op.create_table(
        "clearance_summary_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("result_id", sa.Integer(), nullable=False),
        sa.Column("sum_no", sa.String(length=18), nullable=False),
        sa.Column("decl_seq_no", sa.String(length=18), nullable=False),
        sa.Column("entry_id", sa.String(length=18), nullable=True),
        sa.Column("linked_by", sa.String(length=12), nullable=False),
        sa.Column("linked_at", opencbec.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["clearance_documents.id"],
            name=op.f("fk_clearance_summary_results_application_id_clearance_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["result_id"],
            ["clearance_documents.id"],
            name=op.f("fk_clearance_summary_results_result_id_clearance_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clearance_summary_results")),
        sa.UniqueConstraint("result_id", name=op.f("uq_clearance_summary_results_result_id")),
    )
    op.create_index(
        op.f("ix_clearance_summary_results_application_id"),
        "clearance_summary_results",
        ["application_id"],
        unique=False,
    )
    op.create_table(
        "clearance_follow_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("inventory_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("order_no", sa.String(length=60), nullable=True),
        sa.Column("created_at", opencbec.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["inventory_id"],
            ["clearance_documents.id"],
            name=op.f("fk_clearance_follow_ups_inventory_id_clearance_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_clearance_follow_ups_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["clearance_documents.id"],
            name=op.f("fk_clearance_follow_ups_request_id_clearance_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clearance_follow_ups")),
        sa.UniqueConstraint("request_id", name=op.f("uq_clearance_follow_ups_request_id")),
    )
    op.create_index(
        op.f("ix_clearance_follow_ups_inventory_id"),
        "clearance_follow_ups",
        ["inventory_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_clearance_follow_ups_order_no"), "clearance_follow_ups", ["order_no"], unique=False
    )


def downgrade() -> None:
    """Drop the follow-up and summary tables and the receipts' numbers."""
    op.drop_index(op.f("ix_clearance_follow_ups_order_no"), table_name="clearance_follow_ups")
    op.drop_index(op.f("ix_clearance_follow_ups_inventory_id"), table_name="clearance_follow_ups")
    op.drop_table("clearance_follow_ups")
    op.drop_index(
        op.f("ix_clearance_summary_results_application_id"), table_name="clearance_summary_results"
    )
    op.drop_table("clearance_summary_results")
    op.drop_index(
        op.f("ix_clearance_summary_lines_application_id"), table_name="clearance_summary_lines"
    )
    op.drop_table("clearance_summary_lines")
    op.drop_index(
        "ix_clearance_summary_candidates_month", table_name="clearance_summary_candidates"
    )
    op.drop_table("clearance_summary_candidates")
    with op.batch_alter_table("clearance_receipts") as batch:
        batch.drop_column("numbers")
