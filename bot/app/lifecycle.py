"""The server's lifecycle (a `cleanup_ctx`): the start in the background (endpoint, channels, `/readyz`,
the background tasks, recovery of unanswered messages), then the bounded shutdown."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator

from aiohttp import web

from bot.app.app_keys import (
    BACKGROUND,
    CHANNELS,
    CONVERSATIONS,
    DISPATCHER,
    HANDOFF,
    LISTEN_URL,
    READY,
    SERVICES,
    SETTINGS,
    SHARED,
    STARTUP,
    VAULT_PURGE_EVERY,
)
from bot.app.operations import (
    customer_channels,
    staff_desks,
    startup_summary,
    startup_warnings,
    watch_store,
)
from bot.app.processes import background as shared_background
from bot.app.vector_endpoint import start_waiting_for_endpoint, watch_endpoint
from bot.core.errors import error_kind, safe_traceback
from bot.core.live_tenants import LiveTenants, watch_tenants
from bot.engine.knowledge_watch import watch_documents

logger = logging.getLogger("bot.app.web")  # the name these lines were always logged under

# Shutdown must end within 5 s (a platform's SIGTERM is followed by SIGKILL soon after): open
# sockets are closed first (bot/app/operations.py), then requests in flight get SHUTDOWN_GRACE, the
# answers still being worked on SHUTDOWN_DRAIN (what is left is answered at the next start: every
# message is stored before it is acknowledged), then the stores close.
SHUTDOWN_GRACE = 1.5
SHUTDOWN_DRAIN = 1.0
CHANNEL_STOP = 0.5

WARM_BEFORE_READY = 10.0  # seconds of measuring tenants before /readyz says ready (bot/engine/services.py warm_tenants)


async def lifecycle(app: web.Application) -> AsyncIterator[None]:
    services = app[SERVICES]
    for warning in startup_warnings(app[SETTINGS]):
        logger.warning("%s", warning)

    async def start() -> None:
        try:
            await start_waiting_for_endpoint(services)  # an unreachable Milvus endpoint: 503 until it answers
        except Exception:
            # else the task ends unseen and the server answers 503 for ever with nothing in the log
            logger.exception("the start failed: /readyz stays 503; fix the cause above and start again")
            raise
        for start_channel in app[CHANNELS].starters:
            try:
                await start_channel()
            except Exception as exc:  # a platform being down must not keep the widget from serving
                # one line naming the channel and the kind of failure (a platform's message can quote
                # its URL, token and all); the frames at DEBUG
                owner = getattr(start_channel, "__self__", None)
                name = type(owner).__name__ if owner is not None else getattr(start_channel, "__qualname__", "a channel")
                logger.error("%s failed to start (%s); it will retry on use", name, error_kind(exc))
                logger.debug("%s", safe_traceback(exc))
        # Everything loaded so far (spaCy, the models, the clients) lives as long as the process. Left
        # to the collector, each full collection walked it all with the GIL held: 145-167 ms stalls,
        # every few seconds under load, that every waiting customer felt (bench_http: paced p99 242 ms
        # with them, 119 ms without). Frozen, a full collection takes 6-9 ms.
        # the tenants' terms and levels, so that the first questions after a start (a deploy behind a
        # balancer) do not wait for them: waited for up to WARM_BEFORE_READY seconds, then they go on in
        # the background (1,000 tenants, or one of 100k chunks, would hold the start for minutes, issue #17)
        warming = asyncio.create_task(services.warm_tenants())
        app[BACKGROUND].append(warming)
        await asyncio.wait({warming}, timeout=WARM_BEFORE_READY)
        gc.collect()
        gc.freeze()
        app[READY].set()
        line, fields = startup_summary(
            settings=app[SETTINGS], url=app.get(LISTEN_URL), models=services.models,
            desks=staff_desks(app, settings=app[SETTINGS], slack_on=app[CHANNELS].slack is not None),
            channels=customer_channels(slack_on=app[CHANNELS].slack is not None, telegram_tenants=app[CHANNELS].telegram),
        )
        logger.info("%s", line, extra=fields)
        app[BACKGROUND].append(asyncio.create_task(watch_store(services.store)))
        if isinstance(app[SETTINGS].tenants, LiveTenants):  # an edit is logged when made, not at the next message
            app[BACKGROUND].append(asyncio.create_task(watch_tenants(app[SETTINGS].tenants)))
        app[BACKGROUND].append(asyncio.create_task(watch_endpoint(services.store)))
        # documents ingested by another process (a second serve, `supportbot ingest` on the shared store)
        app[BACKGROUND].append(asyncio.create_task(watch_documents(services.engine, refresh=services.after_ingest)))
        shared = app[SHARED]
        if shared is None:  # one process: its own timers
            app[BACKGROUND].append(asyncio.create_task(app[HANDOFF].run_timers()))
            app[BACKGROUND].append(asyncio.create_task(services.vault.purge_periodically(every=app[VAULT_PURGE_EVERY])))
        else:  # one of several on PostgreSQL (bot/app/processes.py)
            for work in shared_background(
                shared, engine=services.engine, conversations=app[CONVERSATIONS], handoff_tick=app[HANDOFF].tick,
                vault_purge=services.vault.purge_expired, purge_every=app[VAULT_PURGE_EVERY],
            ):
                app[BACKGROUND].append(asyncio.create_task(work))
        recovered = await app[CONVERSATIONS].recover()
        if recovered:
            logger.info("answered %d messages left pending by a previous run", recovered)

    app[STARTUP] = asyncio.create_task(start())
    yield
    app[STARTUP].cancel()
    await asyncio.gather(app[STARTUP], return_exceptions=True)
    for task in app[BACKGROUND]:
        task.cancel()
    await asyncio.gather(*app[BACKGROUND], return_exceptions=True)
    try:
        await asyncio.wait_for(asyncio.shield(app[DISPATCHER].drain()), timeout=SHUTDOWN_DRAIN)
    except TimeoutError:
        logger.warning("stopping with answers in progress; they are answered at the next start")
    for stop_channel in app[CHANNELS].stoppers:
        try:
            await asyncio.wait_for(stop_channel(), timeout=CHANNEL_STOP)
        except Exception:
            logger.warning("a channel did not stop cleanly")
    if app[SHARED] is not None:
        await app[SHARED].relay.close()
    await asyncio.to_thread(services.close)
    logger.info("stopped")
