"""review appraisals: AMSTAR 2 answers for the listed systematic reviews

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "review_appraisals",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("review", sa.Text(), nullable=False),
        sa.Column("tool", sa.Text(), nullable=False),
        sa.Column("domain", sa.Text(), nullable=False),
        sa.Column("judgement", sa.Text(), nullable=False),
        sa.Column("support", sa.Text(), nullable=True),
        sa.Column("assessor", sa.Text(), nullable=True),
        sa.Column("consensus", sa.Boolean(), nullable=False),
        sa.Column("assessed_at", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["review"],
            ["systematic_reviews.id"],
            name=op.f("fk_review_appraisals_review"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_review_appraisals")),
    )


def downgrade() -> None:
    op.drop_table("review_appraisals")
