"""the channel a question or submission came from; a web creator's contact

Revision ID: 0010_web_channel
Revises: 0009_submission_page_read
Create Date: 2026-12-04 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010_web_channel"
down_revision: str | Sequence[str] | None = "0009_submission_page_read"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNEL_TABLES = ("askedquestion", "unansweredquestion", "submission")


def upgrade() -> None:
    for table in CHANNEL_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column(
                    "channel",
                    sqlmodel.sql.sqltypes.AutoString(),
                    nullable=False,
                    server_default="telegram",
                )
            )
    with op.batch_alter_table("submission") as batch:
        batch.add_column(sa.Column("contact", sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("submission") as batch:
        batch.drop_column("contact")
    for table in reversed(CHANNEL_TABLES):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("channel")
