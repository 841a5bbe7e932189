"""eval_run (stored evaluation runs, the release gate), rollout_state (run-time rollout stage), answer_grade (live answers graded)

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
    op.create_table('answer_grade',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.String(), nullable=False),
    sa.Column('tenant', sa.String(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('support', sa.Float(), nullable=False),
    sa.Column('relevance', sa.Float(), nullable=False),
    sa.Column('citations_valid', sa.Boolean(), nullable=False),
    sa.Column('judge', sa.String(), nullable=True),
    sa.Column('helpful', sa.Boolean(), nullable=True),
    sa.Column('handoff_after', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('answer_grade', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_grade_conversation_id'), ['conversation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_answer_grade_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_answer_grade_message_id'), ['message_id'], unique=True)
        batch_op.create_index(batch_op.f('ix_answer_grade_tenant'), ['tenant'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('answer_grade', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_grade_tenant'))
        batch_op.drop_index(batch_op.f('ix_answer_grade_message_id'))
        batch_op.drop_index(batch_op.f('ix_answer_grade_created_at'))
        batch_op.drop_index(batch_op.f('ix_answer_grade_conversation_id'))

    op.drop_table('answer_grade')
    op.drop_table('rollout_state')
    with op.batch_alter_table('eval_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_eval_run_tenant'))

    op.drop_table('eval_run')
