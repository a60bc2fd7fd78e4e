"""protocol: the AMSTAR 2 items the team counts as critical domains

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 08:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("protocol", schema=None) as batch_op:
        batch_op.add_column(sa.Column("amstar2_critical", sa.JSON(), nullable=True))
    # existing reviews get Shea et al.'s seven
    op.execute("UPDATE protocol SET amstar2_critical = '[2, 4, 7, 9, 11, 13, 15]'")


def downgrade() -> None:
    with op.batch_alter_table("protocol", schema=None) as batch_op:
        batch_op.drop_column("amstar2_critical")
