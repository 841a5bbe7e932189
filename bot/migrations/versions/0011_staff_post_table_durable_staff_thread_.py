"""staff_post table (durable staff-thread posts)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 23:29:35.896531
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def in_layout(inspector: Any) -> bool:
    """Whether a database made before migrations (by create_all) already has this revision's change."""
    return inspector.has_table("staff_post")


def upgrade() -> None:
    op.create_table('staff_post',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('handoff_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('body', sa.String(), nullable=False),
    sa.Column('posted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('staff_post', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_post_handoff_id'), ['handoff_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_post_posted_at'), ['posted_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('staff_post', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_post_posted_at'))
        batch_op.drop_index(batch_op.f('ix_staff_post_handoff_id'))

    op.drop_table('staff_post')
