"""decision ranking provenance

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 01:30:23.743116
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ranking", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("ranked_first_by", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_column("ranked_first_by")
        batch_op.drop_column("ranking")
