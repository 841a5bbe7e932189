"""limit_count replaces limit_hit: client limits several processes share, counted per tenth of the window;
limit_burst: a conversation's burst limit (a token bucket) shared by the processes

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 06:05:00.000000
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def in_layout(inspector: Any) -> bool:
    """Whether a database made before migrations (by create_all) already has this revision's change."""
    return False  # revisions after 0012 came with migrations: no such database has them


def upgrade() -> None:
    # the hits counted so far are dropped with their table: limits count afresh (a minute, mostly)
    op.create_table('limit_count',
    sa.Column('key', sa.String(), nullable=False),
    sa.Column('bucket', sa.BigInteger(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', 'bucket')
    )
    with op.batch_alter_table('limit_hit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_limit_hit_key'))
    op.drop_table('limit_hit')
    op.create_table('limit_burst',
    sa.Column('key', sa.String(), nullable=False),
    sa.Column('tat', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )


def downgrade() -> None:
    op.drop_table('limit_burst')
    op.create_table('limit_hit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(), nullable=False),
    sa.Column('at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('limit_hit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_limit_hit_key'), ['key'], unique=False)
    op.drop_table('limit_count')
