"""handoff.claimed_by_id (who claimed it, by a stable id), handoff.reminded_at (staff's last reminder of it) and
handoff.posting_until (the process posting its staff-thread posts)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 06:30:00.000000
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def in_layout(inspector: Any) -> bool:
    """Whether a database made before migrations (by create_all) already has this revision's change."""
    return False  # revisions after 0012 came with migrations: no such database has them


def upgrade() -> None:
    with op.batch_alter_table('handoff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_by_id', sa.String(), nullable=True))
        batch_op.add_column(sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('posting_until', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('handoff', schema=None) as batch_op:
        batch_op.drop_column('posting_until')
        batch_op.drop_column('reminded_at')
        batch_op.drop_column('claimed_by_id')
