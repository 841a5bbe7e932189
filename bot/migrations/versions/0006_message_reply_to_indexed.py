"""message.reply_to indexed

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 23:29:25.953377
"""

from __future__ import annotations

from typing import Any

from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def in_layout(inspector: Any) -> bool:
    """Whether a database made before migrations (by create_all) already has this revision's change."""
    return "ix_message_reply_to" in {i["name"] for i in inspector.get_indexes("message")}


def upgrade() -> None:
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_reply_to'), ['reply_to'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_reply_to'))

