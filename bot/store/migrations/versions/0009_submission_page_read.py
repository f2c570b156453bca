"""submissions remember whether their video page could be read

Revision ID: 0009_submission_page_read
Revises: 0008_organizers_faq
Create Date: 2026-12-04 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_submission_page_read"
down_revision: str | Sequence[str] | None = "0008_organizers_faq"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Rows from before were shown as read: keep showing them so.
    with op.batch_alter_table("submission") as batch:
        batch.add_column(
            sa.Column("page_read", sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    with op.batch_alter_table("submission") as batch:
        batch.drop_column("page_read")
