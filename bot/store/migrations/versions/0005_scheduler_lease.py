"""the scheduler lease: one process runs the scheduled jobs

Revision ID: 0005_scheduler_lease
Revises: 0004_outbox
Create Date: 2026-11-30 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import content.models

revision: str = "0005_scheduler_lease"
down_revision: str | Sequence[str] | None = "0004_outbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "schedulerlease",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("acquired_at", content.models.UTCDateTime(), nullable=False),
        sa.Column("expires_at", content.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("schedulerlease")
