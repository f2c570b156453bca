"""FAQ cards taught from chat: the unanswered questions they answer, and their audit trail

Revision ID: 0008_organizers_faq
Revises: 0007_durable_inbox
Create Date: 2026-12-04 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import content.models

revision: str = "0008_organizers_faq"
down_revision: str | Sequence[str] | None = "0007_durable_inbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("unansweredquestion") as batch:
        batch.add_column(sa.Column("faq_id", sa.String(), nullable=True))
    op.create_index("ix_unansweredquestion_faq_id", "unansweredquestion", ["faq_id"])
    op.create_table(
        "faqchange",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("faq_id", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("changed_by", sa.BigInteger(), nullable=True),
        sa.Column("changed_at", content.models.UTCDateTime(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
    )
    op.create_index("ix_faqchange_faq_id", "faqchange", ["faq_id"])


def downgrade() -> None:
    op.drop_index("ix_faqchange_faq_id", "faqchange")
    op.drop_table("faqchange")
    op.drop_index("ix_unansweredquestion_faq_id", "unansweredquestion")
    with op.batch_alter_table("unansweredquestion") as batch:
        batch.drop_column("faq_id")
