"""Notice knowledge-base changes made by other processes, and forget what this one cached about them.

What a process caches about a tenant's documents (access keys, vocabulary, the knowledge base's
levels, the terms redaction keeps) is refreshed by the process that ingests. Another process (a
second `serve`, or `supportbot ingest` writing through the shared Milvus endpoint) changes the same
document table: each `serve` compares the table's per-tenant fingerprint (rows, newest change, sum
of versions) every few seconds and refreshes a tenant whose fingerprint moved. One small query, no
broker, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError

from bot.core.autocommit import autocommit
from bot.core.tables import Document

logger = logging.getLogger(__name__)


def fingerprints(engine: Engine) -> dict[str, tuple[Any, ...]]:
    """tenant -> (documents, newest update, sum of versions). Synchronous."""
    table = Document.__table__  # type: ignore[attr-defined]
    with autocommit(engine).connect() as conn:  # no transaction: see bot/core/autocommit.py
        rows = conn.execute(
            select(table.c.tenant, func.count(), func.max(table.c.updated_at), func.sum(table.c.version)).group_by(table.c.tenant)
        ).all()
    return {row[0]: tuple(row[1:]) for row in rows}


async def watch_documents(engine: Engine, *, refresh: Callable[[str], None], every: float = 5.0) -> None:
    """Run until cancelled; `refresh(tenant)` (synchronous, run in a thread) for each tenant whose
    documents changed since the last look."""
    known = await asyncio.to_thread(fingerprints, engine)
    while True:
        await asyncio.sleep(every)
        try:
            now = await asyncio.to_thread(fingerprints, engine)
            for tenant in sorted(set(now) | set(known)):
                if now.get(tenant) != known.get(tenant):
                    logger.info("the knowledge base of tenant %s changed; refreshing what this process knows of it", tenant)
                    await asyncio.to_thread(refresh, tenant)
            known = now
        except SQLAlchemyError:  # the database is away for a moment: look again later
            logger.warning("could not look for knowledge-base changes; trying again later")
