"""handoff table

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 23:29:21.923314
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def in_layout(inspector: Any) -> bool:
    """Whether a database made before migrations (by create_all) already has this revision's change."""
    return inspector.has_table("handoff")


def upgrade() -> None:
    op.create_table('handoff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.String(), nullable=False),
    sa.Column('tenant', sa.String(), nullable=False),
    sa.Column('reason', sa.String(), nullable=False),
    sa.Column('topic', sa.String(), nullable=True),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('staff_channel', sa.String(), nullable=True),
    sa.Column('thread_ts', sa.String(), nullable=True),
    sa.Column('claimed_by', sa.String(), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('announced_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('packet', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('handoff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handoff_conversation_id'), ['conversation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_handoff_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_handoff_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_handoff_tenant'), ['tenant'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('handoff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handoff_tenant'))
        batch_op.drop_index(batch_op.f('ix_handoff_status'))
        batch_op.drop_index(batch_op.f('ix_handoff_created_at'))
        batch_op.drop_index(batch_op.f('ix_handoff_conversation_id'))

    op.drop_table('handoff')
