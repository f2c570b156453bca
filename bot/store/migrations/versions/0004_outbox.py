"""subscriptions, broadcasts and their outbox, asked questions

Revision ID: 0004_outbox
Revises: 0002_users_roles
Create Date: 2026-11-29 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import content.models

revision: str = "0004_outbox"
down_revision: str | Sequence[str] | None = "0003_submissions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "subscription",
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("district", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("digest_time", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", content.models.UTCDateTime(), nullable=False),
        sa.Column("updated_at", content.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_index("ix_subscription_active", "subscription", ["active"])
    op.create_index("ix_subscription_district", "subscription", ["district"])
    op.create_index("ix_subscription_created_at", "subscription", ["created_at"])

    op.create_table(
        "broadcast",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("dedupe_key", sa.String(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("audience", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", content.models.UTCDateTime(), nullable=False),
        sa.Column("send_at", content.models.UTCDateTime(), nullable=True),
        sa.Column("finished_at", content.models.UTCDateTime(), nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("status_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("status_message_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedupe_key"),
    )
    op.create_index("ix_broadcast_kind", "broadcast", ["kind"])
    op.create_index("ix_broadcast_status", "broadcast", ["status"])
    op.create_index("ix_broadcast_created_at", "broadcast", ["created_at"])

    op.create_table(
        "outboxmessage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("broadcast_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("parts_sent", sa.Integer(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("not_before", content.models.UTCDateTime(), nullable=True),
        sa.Column("updated_at", content.models.UTCDateTime(), nullable=True),
        sa.Column("sent_at", content.models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["broadcast_id"], ["broadcast.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("broadcast_id", "chat_id", name="uq_outbox_broadcast_chat"),
    )
    op.create_index("ix_outbox_status_id", "outboxmessage", ["status", "id"])

    op.create_table(
        "askedquestion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asked_at", content.models.UTCDateTime(), nullable=False),
        sa.Column("intent", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("answered", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_askedquestion_asked_at", "askedquestion", ["asked_at"])
    op.create_index("ix_askedquestion_intent", "askedquestion", ["intent"])


def downgrade() -> None:
    op.drop_table("askedquestion")
    op.drop_table("outboxmessage")
    op.drop_table("broadcast")
    op.drop_table("subscription")
