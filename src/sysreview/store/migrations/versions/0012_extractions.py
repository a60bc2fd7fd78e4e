"""extractions: outcome data as each extractor read it; protocol.extraction_mode

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-24 09:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "extractions",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("row", sa.Text(), nullable=False),
        sa.Column("extractor", sa.Text(), nullable=False),
        sa.Column("study", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("data_type", sa.Text(), nullable=False),
        sa.Column("comparison", sa.Text(), nullable=True),
        sa.Column("timepoint", sa.Text(), nullable=True),
        sa.Column("group", sa.Text(), nullable=True),
        sa.Column("report", sa.Text(), nullable=True),
        sa.Column("measure", sa.Text(), nullable=True),
        sa.Column("instrument", sa.Text(), nullable=True),
        sa.Column("events_1", sa.Double(), nullable=True),
        sa.Column("n_1", sa.Double(), nullable=True),
        sa.Column("mean_1", sa.Double(), nullable=True),
        sa.Column("sd_1", sa.Double(), nullable=True),
        sa.Column("median_1", sa.Double(), nullable=True),
        sa.Column("q1_1", sa.Double(), nullable=True),
        sa.Column("q3_1", sa.Double(), nullable=True),
        sa.Column("events_2", sa.Double(), nullable=True),
        sa.Column("n_2", sa.Double(), nullable=True),
        sa.Column("mean_2", sa.Double(), nullable=True),
        sa.Column("sd_2", sa.Double(), nullable=True),
        sa.Column("median_2", sa.Double(), nullable=True),
        sa.Column("q1_2", sa.Double(), nullable=True),
        sa.Column("q3_2", sa.Double(), nullable=True),
        sa.Column("estimate", sa.Double(), nullable=True),
        sa.Column("ci_lb", sa.Double(), nullable=True),
        sa.Column("ci_ub", sa.Double(), nullable=True),
        sa.Column("ci_level", sa.Double(), nullable=True),
        sa.Column("p", sa.Double(), nullable=True),
        sa.Column("p_text", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("extracted_at", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["comparison"],
            ["comparisons.id"],
            name=op.f("fk_extractions_comparison"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["outcome"],
            ["outcomes.id"],
            name=op.f("fk_extractions_outcome"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["report"],
            ["reports.id"],
            name=op.f("fk_extractions_report"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["study"],
            ["studies.id"],
            name=op.f("fk_extractions_study"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_extractions")),
    )
    with op.batch_alter_table("protocol", schema=None) as batch_op:
        batch_op.add_column(sa.Column("extraction_mode", sa.Text(), nullable=True))
    op.execute("UPDATE protocol SET extraction_mode = 'independent'")
    with op.batch_alter_table("protocol", schema=None) as batch_op:
        batch_op.alter_column("extraction_mode", existing_type=sa.Text(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("protocol", schema=None) as batch_op:
        batch_op.drop_column("extraction_mode")
    op.drop_table("extractions")
