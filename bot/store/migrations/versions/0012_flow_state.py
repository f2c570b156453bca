"""flow state and drafts, button texts and flood counts in the store (shared by processes)

Revision ID: 0012_flow_state
Revises: 0011_questions_answer_due
Create Date: 2026-12-04 02:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import content.models

revision: str = "0012_flow_state"
down_revision: str | Sequence[str] | None = "0011_questions_answer_due"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "flowstate",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("flow", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("state", sa.Integer(), nullable=False),
        sa.Column("draft", sa.JSON(), nullable=False),
        sa.Column("expires_at", content.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", "user_id", "flow"),
    )
    op.create_index("ix_flowstate_expires_at", "flowstate", ["expires_at"])
    op.create_table(
        "buttontext",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", content.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_buttontext_created_at", "buttontext", ["created_at"])
    op.create_table(
        "floodcount",
        sa.Column("sender", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("period", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("sender", "period"),
    )


def downgrade() -> None:
    op.drop_table("floodcount")
    op.drop_index("ix_buttontext_created_at", "buttontext")
    op.drop_table("buttontext")
    op.drop_index("ix_flowstate_expires_at", "flowstate")
    op.drop_table("flowstate")
