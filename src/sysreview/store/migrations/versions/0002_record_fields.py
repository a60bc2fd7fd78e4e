"""records keep format, type, issn, language, url and raw fields

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 19:40:34.363899
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("format", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("type", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("issn", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("language", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("url", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("raw", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_column("raw")
        batch_op.drop_column("url")
        batch_op.drop_column("language")
        batch_op.drop_column("issn")
        batch_op.drop_column("type")
        batch_op.drop_column("format")
