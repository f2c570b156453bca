"""plain questions answered again after a crash: answer_due, reclaimed, resent

Revision ID: 0011_questions_answer_due
Revises: 0010_web_channel
Create Date: 2026-12-04 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_questions_answer_due"
down_revision: str | Sequence[str] | None = "0010_web_channel"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("processedupdate") as batch:
        batch.add_column(
            sa.Column("answer_due", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("reclaimed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("resent", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_index("ix_processedupdate_answer_due", "processedupdate", ["answer_due"])


def downgrade() -> None:
    op.drop_index("ix_processedupdate_answer_due", "processedupdate")
    with op.batch_alter_table("processedupdate") as batch:
        batch.drop_column("resent")
        batch.drop_column("reclaimed")
        batch.drop_column("answer_due")
