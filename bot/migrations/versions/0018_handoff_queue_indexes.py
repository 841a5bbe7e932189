"""Indexes for a customer's place in the handoff queue: the tenant's waiting handoffs ahead of one, and its
latest claims (both read on every escalation; without them each read scanned every handoff ever made)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 06:45:00.000000
"""

from __future__ import annotations

from typing import Any

from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def in_layout(inspector: Any) -> bool:
    """Whether a database made before migrations (by create_all) already has this revision's change."""
    return False  # revisions after 0012 came with migrations: no such database has them


def upgrade() -> None:
    with op.batch_alter_table('handoff', schema=None) as batch_op:
        batch_op.create_index('ix_handoff_tenant_status_id', ['tenant', 'status', 'id'], unique=False)
        batch_op.create_index('ix_handoff_tenant_claimed_at', ['tenant', 'claimed_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('handoff', schema=None) as batch_op:
        batch_op.drop_index('ix_handoff_tenant_claimed_at')
        batch_op.drop_index('ix_handoff_tenant_status_id')
