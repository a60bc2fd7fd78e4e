"""protocol screening rules

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 20:15:29.599016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("protocol", schema=None) as batch_op:
        # existing reviews get the default: two independent screeners
        batch_op.add_column(
            sa.Column("screening_reviewers", sa.Integer(), nullable=False, server_default="2")
        )
        batch_op.add_column(sa.Column("exclusion_reasons", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("protocol", schema=None) as batch_op:
        batch_op.drop_column("exclusion_reasons")
        batch_op.drop_column("screening_reviewers")
