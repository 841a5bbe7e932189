"""vault table (redacted values)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 23:29:20.023317
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def in_layout(inspector: Any) -> bool:
    """Whether a database made before migrations (by create_all) already has this revision's change."""
    return inspector.has_table("vault")


def upgrade() -> None:
    op.create_table('vault',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.String(), nullable=False),
    sa.Column('placeholder', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('lookup', sa.String(), nullable=False),
    sa.Column('ciphertext', sa.String(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('conversation_id', 'lookup')
    )
    with op.batch_alter_table('vault', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vault_conversation_id'), ['conversation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vault_expires_at'), ['expires_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('vault', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vault_expires_at'))
        batch_op.drop_index(batch_op.f('ix_vault_conversation_id'))

    op.drop_table('vault')
