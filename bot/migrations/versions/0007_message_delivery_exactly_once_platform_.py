"""message.delivery (exactly-once platform delivery)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 23:29:27.202456
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def in_layout(inspector: Any) -> bool:
    """Whether a database made before migrations (by create_all) already has this revision's change."""
    return _has_column(inspector, "message", "delivery")


def _has_column(inspector: Any, table: str, column: str) -> bool:
    return inspector.has_table(table) and column in {c["name"] for c in inspector.get_columns(table)}


def upgrade() -> None:
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delivery', sa.String(), nullable=True))
        batch_op.create_index(batch_op.f('ix_message_delivery'), ['delivery'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_delivery'))
        batch_op.drop_column('delivery')

