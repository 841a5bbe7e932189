"""admin_day, admin_user_day and admin_handoff_day (the dashboard's daily rollup); indexes for /admin: audit events by
kind and time, conversations by state, by time and by tenant and time

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 06:00:00.000000
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def in_layout(inspector: Any) -> bool:
    """Whether a database made before migrations (by create_all) already has this revision's change."""
    return False  # revisions after 0012 came with migrations: no such database has them


def upgrade() -> None:
    op.create_table('admin_day',
    sa.Column('day', sa.String(), nullable=False),
    sa.Column('tenant', sa.String(), nullable=False),
    sa.Column('figures', sa.String(), nullable=False),
    sa.Column('upto', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('day', 'tenant')
    )
    op.create_table('admin_user_day',
    sa.Column('tenant', sa.String(), nullable=False),
    sa.Column('user', sa.String(), nullable=False),
    sa.Column('day', sa.String(), nullable=False),
    sa.Column('messages', sa.Integer(), nullable=False),
    sa.Column('calls', sa.Integer(), nullable=False),
    sa.Column('cost_usd', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('tenant', 'user', 'day')
    )
    op.create_table('admin_handoff_day',
    sa.Column('day', sa.String(), nullable=False),
    sa.Column('tenant', sa.String(), nullable=False),
    sa.Column('figures', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'tenant')
    )
    with op.batch_alter_table('admin_user_day', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_admin_user_day_day'), ['day'], unique=False)
    with op.batch_alter_table('auditevent', schema=None) as batch_op:
        batch_op.create_index('ix_auditevent_kind_created_at', ['kind', 'created_at'], unique=False)
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conversation_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_conversation_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_conversation_tenant_created_at', ['tenant', 'created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.drop_index('ix_conversation_tenant_created_at')
        batch_op.drop_index(batch_op.f('ix_conversation_created_at'))
        batch_op.drop_index(batch_op.f('ix_conversation_state'))
    with op.batch_alter_table('auditevent', schema=None) as batch_op:
        batch_op.drop_index('ix_auditevent_kind_created_at')
    with op.batch_alter_table('admin_user_day', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_admin_user_day_day'))
    op.drop_table('admin_user_day')
    op.drop_table('admin_handoff_day')
    op.drop_table('admin_day')
