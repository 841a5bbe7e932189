"""handoff.contact

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 23:29:31.491099
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def in_layout(inspector: Any) -> bool:
    """Whether a database made before migrations (by create_all) already has this revision's change."""
    return _has_column(inspector, "handoff", "contact")


def _has_column(inspector: Any, table: str, column: str) -> bool:
    return inspector.has_table(table) and column in {c["name"] for c in inspector.get_columns(table)}


def upgrade() -> None:
    with op.batch_alter_table('handoff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact', sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('handoff', schema=None) as batch_op:
        batch_op.drop_column('contact')

