"""risk of bias: signalling answers, effect of interest, time of assessment

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 05:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("risk_of_bias", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answers", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("variant", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("assessed_at", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("risk_of_bias", schema=None) as batch_op:
        batch_op.drop_column("assessed_at")
        batch_op.drop_column("variant")
        batch_op.drop_column("answers")
