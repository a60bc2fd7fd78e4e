"""fulltexts: each full text sought, held (its file's hash) or not retrieved (why);
fulltext_files: the files' bytes by hash; prisma: reports sought and not retrieved

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-24 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fulltexts",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=True),
        sa.Column("media_type", sa.Text(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("by", sa.Text(), nullable=True),
        sa.Column("at", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["record"],
            ["records.id"],
            name=op.f("fk_fulltexts_record"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_fulltexts")),
    )
    op.create_table(
        "fulltext_files",
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_fulltext_files")),
    )
    with op.batch_alter_table("prisma", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reports_sought", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reports_not_retrieved", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("prisma", schema=None) as batch_op:
        batch_op.drop_column("reports_not_retrieved")
        batch_op.drop_column("reports_sought")
    op.drop_table("fulltext_files")
    op.drop_table("fulltexts")
