"""conversation.groups; one value per vault placeholder (unique index)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 23:29:29.254856
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def in_layout(inspector: Any) -> bool:
    """Whether a database made before migrations (by create_all) already has this revision's change."""
    return "ux_vault_conversation_placeholder" in {i["name"] for i in inspector.get_indexes("vault")}


def upgrade() -> None:
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('groups', sa.String(), nullable=True))

    # Earlier versions could give one placeholder two values in a conversation (numbering by count, after an
    # entry expired). Which value such a placeholder meant is unknowable: both go, so it is shown as the
    # placeholder, never as the wrong value.
    op.execute(
        "DELETE FROM vault WHERE (conversation_id, placeholder) IN "
        "(SELECT conversation_id, placeholder FROM vault GROUP BY conversation_id, placeholder HAVING COUNT(*) > 1)"
    )
    with op.batch_alter_table('vault', schema=None) as batch_op:
        batch_op.create_index('ux_vault_conversation_placeholder', ['conversation_id', 'placeholder'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('vault', schema=None) as batch_op:
        batch_op.drop_index('ux_vault_conversation_placeholder')

    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.drop_column('groups')

