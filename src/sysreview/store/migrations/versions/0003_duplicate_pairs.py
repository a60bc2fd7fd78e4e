"""duplicate pairs: the tool's links and queue, people's judgements

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 20:02:08.783739
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "duplicate_pairs",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("a", sa.Text(), nullable=False),
        sa.Column("b", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("similarity", sa.Double(), nullable=True),
        sa.Column("reviewer", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["a"],
            ["records.id"],
            name=op.f("fk_duplicate_pairs_a"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["b"],
            ["records.id"],
            name=op.f("fk_duplicate_pairs_b"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_duplicate_pairs")),
    )


def downgrade() -> None:
    op.drop_table("duplicate_pairs")
