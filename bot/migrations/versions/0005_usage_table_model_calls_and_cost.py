"""usage table (model calls and cost)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 23:29:24.443215
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def in_layout(inspector: Any) -> bool:
    """Whether a database made before migrations (by create_all) already has this revision's change."""
    return inspector.has_table("usage")


def upgrade() -> None:
    op.create_table('usage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant', sa.String(), nullable=False),
    sa.Column('user', sa.String(), nullable=True),
    sa.Column('conversation_id', sa.String(), nullable=True),
    sa.Column('tier', sa.String(), nullable=False),
    sa.Column('model', sa.String(), nullable=False),
    sa.Column('tokens_in', sa.Integer(), nullable=False),
    sa.Column('tokens_out', sa.Integer(), nullable=False),
    sa.Column('cost_usd', sa.Float(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('usage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_usage_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_usage_tenant'), ['tenant'], unique=False)
        batch_op.create_index(batch_op.f('ix_usage_user'), ['user'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('usage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_usage_user'))
        batch_op.drop_index(batch_op.f('ix_usage_tenant'))
        batch_op.drop_index(batch_op.f('ix_usage_created_at'))

    op.drop_table('usage')
