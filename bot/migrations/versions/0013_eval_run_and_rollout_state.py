"""eval_run (stored evaluation runs, the release gate) and rollout_state (run-time rollout stage)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 01:50:00.000000
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def in_layout(inspector: Any) -> bool:
    """Whether a database made before migrations (by create_all) already has this revision's change."""
    return False


def upgrade() -> None:
    op.create_table('eval_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('cases_file', sa.String(), nullable=False),
    sa.Column('config', sa.String(), nullable=False),
    sa.Column('figures', sa.String(), nullable=False),
    sa.Column('cases', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant', 'name')
    )
    with op.batch_alter_table('eval_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_eval_run_tenant'), ['tenant'], unique=False)

    op.create_table('rollout_state',
    sa.Column('tenant', sa.String(), nullable=False),
    sa.Column('stage', sa.String(), nullable=False),
    sa.Column('percent', sa.Float(), nullable=False),
    sa.Column('beta', sa.String(), nullable=False),
    sa.Column('changed_by', sa.String(), nullable=False),
    sa.Column('reason', sa.String(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('tenant')
    )


def downgrade() -> None:
    op.drop_table('rollout_state')
    with op.batch_alter_table('eval_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_eval_run_tenant'))

    op.drop_table('eval_run')
