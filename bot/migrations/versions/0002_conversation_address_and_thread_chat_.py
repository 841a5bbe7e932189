"""conversation address and thread (chat channels)

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 23:29:18.384606
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def in_layout(inspector: Any) -> bool:
    """Whether a database made before migrations (by create_all) already has this revision's change."""
    return _has_column(inspector, "conversation", "address")


def _has_column(inspector: Any, table: str, column: str) -> bool:
    return inspector.has_table(table) and column in {c["name"] for c in inspector.get_columns(table)}


def upgrade() -> None:
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.String(), nullable=True))
        batch_op.add_column(sa.Column('thread', sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.drop_column('thread')
        batch_op.drop_column('address')

