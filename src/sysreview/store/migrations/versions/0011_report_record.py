"""reports: the screened record a report is (full-text inclusions linked to studies)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24 08:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("record", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_reports_record"),
            "records",
            ["record"],
            ["id"],
            initially="DEFERRED",
            deferrable=True,
        )


def downgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_reports_record"), type_="foreignkey")
        batch_op.drop_column("record")
