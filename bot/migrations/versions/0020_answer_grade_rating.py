"""answer_grade.rating: the customer's rating of people's help after an answer that was handed over

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 19:55:00.000000
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def in_layout(inspector: Any) -> bool:
    """Whether a database made before migrations (by create_all) already has this revision's change."""
    return False  # revisions after 0012 came with migrations: no such database has them


def upgrade() -> None:
    with op.batch_alter_table('answer_grade', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rating', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('answer_grade', schema=None) as batch_op:
        batch_op.drop_column('rating')
