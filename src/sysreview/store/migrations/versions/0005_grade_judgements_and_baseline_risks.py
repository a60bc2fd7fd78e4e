"""grade judgements and baseline risks

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 22:42:34.651266
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "grade_log",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("assessment", sa.Text(), nullable=False),
        sa.Column("domain", sa.Text(), nullable=False),
        sa.Column("level", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("author", sa.Text(), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("decided_at", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessment"],
            ["certainty.id"],
            name=op.f("fk_grade_log_assessment"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_grade_log")),
    )
    with op.batch_alter_table("certainty", schema=None) as batch_op:
        batch_op.add_column(sa.Column("analysis", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("threshold", sa.Double(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_certainty_analysis"),
            "analyses",
            ["analysis"],
            ["id"],
            initially="DEFERRED",
            deferrable=True,
        )

    with op.batch_alter_table("sof_rows", schema=None) as batch_op:
        batch_op.add_column(sa.Column("label_en", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("per", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("baseline_risks", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("control_mean", sa.Double(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sof_rows", schema=None) as batch_op:
        batch_op.drop_column("control_mean")
        batch_op.drop_column("baseline_risks")
        batch_op.drop_column("per")
        batch_op.drop_column("label_en")

    with op.batch_alter_table("certainty", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_certainty_analysis"), type_="foreignkey")
        batch_op.drop_column("threshold")
        batch_op.drop_column("analysis")

    op.drop_table("grade_log")
