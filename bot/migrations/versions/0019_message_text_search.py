"""A trigram index on the stored (redacted) message text for /admin/conversations' word search, on
PostgreSQL only (SQLite has none: its search reads the tenant's conversations newest first)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 09:40:00.000000
"""

from __future__ import annotations

from typing import Any

from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def in_layout(inspector: Any) -> bool:
    """Whether a database made before migrations (by create_all) already has this revision's change."""
    return False  # revisions after 0012 came with migrations: no such database has them


def upgrade() -> None:
    if op.get_context().dialect.name != 'postgresql':
        return
    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    op.create_index('ix_message_text_trgm', 'message', ['text'], unique=False, postgresql_using='gin',
                    postgresql_ops={'text': 'gin_trgm_ops'})


def downgrade() -> None:
    if op.get_context().dialect.name != 'postgresql':
        return
    op.drop_index('ix_message_text_trgm', table_name='message', postgresql_using='gin')
