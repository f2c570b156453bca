"""updates kept from arrival until their handling starts (a crash loses none not begun)

Revision ID: 0007_durable_inbox
Revises: 0006_processed_updates
Create Date: 2026-11-28 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import content.models

revision: str = "0007_durable_inbox"
down_revision: str | Sequence[str] | None = "0006_processed_updates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("processedupdate") as batch:
        batch.add_column(sa.Column("payload", sa.Text(), nullable=True))
        batch.add_column(sa.Column("started_at", content.models.UTCDateTime(), nullable=True))
    op.execute("UPDATE processedupdate SET started_at = seen_at")  # all handled before
    op.create_index("ix_processedupdate_started_at", "processedupdate", ["started_at"])


def downgrade() -> None:
    op.drop_index("ix_processedupdate_started_at", "processedupdate")
    with op.batch_alter_table("processedupdate") as batch:
        batch.drop_column("started_at")
        batch.drop_column("payload")
