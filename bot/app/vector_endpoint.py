"""`serve` on a Milvus endpoint it does not own: wait for it at start, follow it while running.

An unreachable endpoint must not crash the server: the start waits for it (models load meanwhile,
`/readyz` answers 503 and says `"store": "down"`), and a running server probes it every second, so
readiness drops while it is gone and comes back with it. Searches meanwhile fail into the usual
apology and handoff (knowledge/store.py raises a stage error), and everything else keeps serving.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from bot.core.errors import StoreUnavailableError

logger = logging.getLogger("bot.serve")

START_RETRY_MAX = 10.0  # seconds between tries at most while the endpoint is down at start


class Startable(Protocol):
    def start(self) -> None: ...


class ProbedStore(Protocol):
    @property
    def endpoint(self) -> str | None: ...

    def probe(self) -> bool: ...


async def start_waiting_for_endpoint(services: Startable, *, retry: float = 1.0, listening: bool = True) -> None:
    """`Services.start` in a thread, tried again while the Milvus endpoint cannot be reached (what was
    loaded before the store stays loaded; the start is idempotent up to the store). `listening`: whether
    the server listens meanwhile (one of several processes on PostgreSQL listens only once ready: there is
    no /readyz to answer 503, and the log said there was)."""
    wait = retry
    meanwhile = "/readyz says 503 until then" if listening else "this process listens once it is reached, as one of several on one port"
    while True:
        try:
            await asyncio.to_thread(services.start)
            return
        except StoreUnavailableError as exc:
            logger.error("%s; trying again in %.0f s (%s)", exc, wait, meanwhile)
            await asyncio.sleep(wait)
            wait = min(wait * 2, START_RETRY_MAX)


async def watch_endpoint(store: ProbedStore, *, every: float = 1.0) -> None:
    """Probe the endpoint (`MilvusStore.probe` marks it down or up and logs the change once)."""
    if store.endpoint is None:
        return
    while True:
        await asyncio.sleep(every)
        try:
            await asyncio.to_thread(store.probe)
        except Exception:  # a probe must never end the watch
            logger.exception("probing the Milvus endpoint failed")
