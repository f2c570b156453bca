"""updates already processed (a re-delivered update has one effect)

Revision ID: 0006_processed_updates
Revises: 0005_scheduler_lease
Create Date: 2026-11-30 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import content.models

revision: str = "0006_processed_updates"
down_revision: str | Sequence[str] | None = "0005_scheduler_lease"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "processedupdate",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("seen_at", content.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("update_id"),
    )
    op.create_index("ix_processedupdate_seen_at", "processedupdate", ["seen_at"])


def downgrade() -> None:
    op.drop_table("processedupdate")
