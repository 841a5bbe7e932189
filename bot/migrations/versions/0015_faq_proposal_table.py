"""faq_proposal table: FAQ entries staff propose from resolved handoffs (learning from staff)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 03:05:00.000000
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def in_layout(inspector: Any) -> bool:
    """Whether a database made before migrations (by create_all) already has this revision's change."""
    return False  # revisions after 0012 came with migrations: no such database has them


def upgrade() -> None:
    op.create_table('faq_proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant', sa.String(), nullable=False),
    sa.Column('handoff_id', sa.Integer(), nullable=False),
    sa.Column('question', sa.String(), nullable=False),
    sa.Column('answer', sa.String(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('proposed_by', sa.String(), nullable=False),
    sa.Column('note', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('faq_proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_faq_proposal_handoff_id'), ['handoff_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_faq_proposal_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_faq_proposal_tenant'), ['tenant'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('faq_proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_faq_proposal_tenant'))
        batch_op.drop_index(batch_op.f('ix_faq_proposal_status'))
        batch_op.drop_index(batch_op.f('ix_faq_proposal_handoff_id'))

    op.drop_table('faq_proposal')
