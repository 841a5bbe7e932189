"""`supportbot serve`: the aiohttp composition root. Everything is built here and kept under AppKeys.

The server listens at once; models and stores load in a thread (`/readyz` turns 200 when done), then
messages left unanswered by a crash are answered. API calls before that get 503 with Retry-After.
"""

from __future__ import annotations

import asyncio
import errno
import gc
import json
import logging
import os
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from aiohttp import web
from aiohttp.web_protocol import RequestPayloadError

from bot.app.admin import register_admin
from bot.app.admin_rollout import register_rollout_admin
from bot.app.admin_quality import register_quality_admin
from bot.app.admin_learning import redact_for, register_learning_admin
from handoff.faq_proposals import DeskProposals, ProposalBook
from bot.engine.online_grading import online_grader
from bot.app.rollout_notice import tell_staff_of_step_back
from bot.app.api import ConversationApi, RateLimiter
from bot.app.cors import cors_middleware
from bot.engine.knowledge_watch import watch_documents
from bot.app.limits import ClientLimiter, MemoryLimitStore
from bot.core.config import load_secret
from bot.app.tokens import Tokens
from bot.app.channel_setup import ChannelSet, setup_channels
from bot.engine.channel_registry import ChannelRegistry
from bot.engine.conversations import ConversationService
from bot.engine.dispatch import Dispatcher
from bot.app.metrics import Metrics
from bot.app.openapi import OPENAPI
from bot.app.operations import (
    SOCKETS,
    body_deadline,
    close_sockets,
    staff_desks,
    startup_summary,
    startup_warnings,
    track_socket,
    watch_store,
)
from bot.app.processes import SharedProcesses, shared_processes
from bot.app.processes import background as shared_background
from bot.app.composition import Services, build_services, connect_listeners
from bot.core.config import Settings
from bot.core.database import calls
from bot.core.desk import StaffDesk
from bot.core.errors import ConfigError, error_kind, safe_traceback
from bot.core.events import Rated
from bot.core.late import Late
from bot.app.vector_endpoint import start_waiting_for_endpoint, watch_endpoint
from handoff.console import WebConsole
from handoff.console_notices import StepBackNotices
from handoff.service import HandoffService
from handoff.summary import HandoffSummarizer
from handoff.staff_accounts import StaffDirectory
from policies.topics import TopicDetector

logger = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parents[2] / "channels" / "widget_static"

SETTINGS = web.AppKey("settings", Settings)
SERVICES = web.AppKey("services", Services)
CONVERSATIONS = web.AppKey("conversations", ConversationService)
METRICS = web.AppKey("metrics", Metrics)
READY = web.AppKey("ready", asyncio.Event)
STARTUP = web.AppKey("startup", asyncio.Task)
DISPATCHER = web.AppKey("dispatcher", Dispatcher)
CHANNELS = web.AppKey("channels", ChannelSet)
HANDOFF = web.AppKey("handoff", HandoffService)
BACKGROUND = web.AppKey("background", list)  # long-running tasks (handoff timers, vault purge)
VAULT_PURGE_EVERY = web.AppKey("vault_purge_every", float)  # seconds between purges of expired vault values
LISTEN_URL = web.AppKey("listen_url", str)  # where `serve` listens, for the start-up line
SHARED: web.AppKey[SharedProcesses | None] = web.AppKey("shared_processes")  # None: the only process (SQLite)

# Shutdown must end within 5 s (a platform's SIGTERM is followed by SIGKILL soon after): open
# sockets are closed first (bot/app/operations.py), then requests in flight get SHUTDOWN_GRACE, the
# answers still being worked on SHUTDOWN_DRAIN (what is left is answered at the next start: every
# message is stored before it is acknowledged), then the stores close.
SHUTDOWN_GRACE = 1.5
SHUTDOWN_DRAIN = 1.0
CHANNEL_STOP = 0.5


async def healthz(_: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    store = request.app[SERVICES].store.healthy()
    ready = request.app[READY].is_set() and store
    return web.json_response({"ready": ready, "store": "ok" if store else "down"}, status=200 if ready else 503)


async def no_icon(_: web.Request) -> web.Response:
    """Browsers ask every page's site for /favicon.ico: no icon, and no 404 in their console."""
    return web.Response(status=204, headers={"Cache-Control": "public, max-age=86400"})


async def metrics(request: web.Request) -> web.Response:
    return web.Response(body=request.app[METRICS].render(), content_type="text/plain", charset="utf-8")


def static_file(name: str, content_type: str) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handler(_: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / name, headers={"Content-Type": content_type, "Cache-Control": "no-cache"})

    return handler


async def openapi(_: web.Request) -> web.Response:
    return web.json_response(OPENAPI)


def _undecodable_body(record: logging.LogRecord) -> bool:
    """aiohttp drains an unread body after the response and logs the decoding error it meets there as
    "Unhandled exception" with a traceback; json_errors has answered it already (400), so that line goes."""
    return not (record.exc_info and isinstance(record.exc_info[1], RequestPayloadError))


@web.middleware
async def json_errors(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
    """Every error is JSON `{"error": ...}` and a response (so the CORS middleware can mark it); an
    unexpected exception is logged once and answered 500, never left as aiohttp's text page."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        headers = {k: v for k, v in exc.headers.items() if k.lower() not in {"content-type", "content-length"}}
        if exc.content_type == "application/json" and exc.text:
            return web.Response(status=exc.status, text=exc.text, content_type="application/json", headers=headers)
        if exc.content_type == "text/html" and exc.text:  # a page meant for people (a staff console's own)
            return web.Response(status=exc.status, text=exc.text, content_type="text/html", headers=headers)
        message = (exc.text or exc.reason or "error").strip()
        message = message.split(": ", 1)[1] if message.startswith(f"{exc.status}: ") else message
        return web.json_response({"error": message}, status=exc.status, headers=headers)
    except RequestPayloadError as exc:  # bytes the body reader cannot decode (a Content-Encoding they do not have)
        reason = str(exc).strip().splitlines()[-1].strip() if str(exc).strip() else "broken body"
        response = web.json_response({"error": f"the body could not be read ({reason})"}, status=400)
        response.force_close()  # the rest of the body cannot be read either: no keep-alive (see _undecodable_body)
        return response
    except Exception:
        logger.exception("unexpected error answering %s %s", request.method, request.path)
        return web.json_response({"error": "internal error; it has been logged"}, status=500)


@web.middleware
async def not_before_ready(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
    if request.path.startswith(("/api/", "/slack/", "/telegram/")) and not request.app[READY].is_set() and request.path != "/api/v1/openapi.json":
        return web.json_response({"error": "starting up, try again shortly"}, status=503, headers={"Retry-After": "2"})
    return await handler(request)


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
        gc.collect()
        gc.freeze()
        app[READY].set()
        line, fields = startup_summary(
            settings=app[SETTINGS], url=app.get(LISTEN_URL), models=services.models,
            desks=staff_desks(app, settings=app[SETTINGS], slack_on=app[CHANNELS].slack is not None),
        )
        logger.info("%s", line, extra=fields)
        app[BACKGROUND].append(asyncio.create_task(services.warm_tenants()))  # ready first, then measure the tenants
        app[BACKGROUND].append(asyncio.create_task(watch_store(services.store)))
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


def build_app(
    settings: Settings, *, processing_delay: float | None = None, vault_purge_every: float | None = None
) -> web.Application:
    cors = cors_middleware(paths=("/api/v1/conversations", "/api/v1/openapi.json"), tenants=settings.tenants.values())
    logging.getLogger("aiohttp.server").addFilter(_undecodable_body)  # once: a filter is added only if not there yet
    app = web.Application(
        middlewares=[cors, json_errors, body_deadline(settings.body_timeout), not_before_ready], client_max_size=1024 * 1024
    )
    services = build_services(settings)
    app_metrics = Metrics()
    app_metrics.watch_database(calls(services.engine))
    shared = shared_processes(services.engine)  # PostgreSQL: one of several processes; SQLite: None, the only one
    # the conversation and handoff services need each other, and so do the handoff service and the Slack
    # desk: the one built first gets a slot, filled below once the other exists (bot/core/late.py)
    handoff_slot: Late[HandoffService] = Late("the handoff service")
    desk: Late[StaffDesk] = Late("the staff desk")
    conversations = ConversationService(
        services=services,
        processing_delay=settings.processing_delay if processing_delay is None else processing_delay,
        on_result=lambda result, channel: app_metrics.observe(result, channel=channel),
        turns=shared.turns if shared else None, forward=shared.relay.send if shared else None,
        forward_live=shared.relay.send_live if shared else None,
        handoff=handoff_slot, grader=online_grader(services),
        on_step_back=lambda tenant, reason: tell_staff_of_step_back(handoff_slot.get(), settings, tenant=tenant, reason=reason,
                                                                    audit=services.audit.record),
        channels=ChannelRegistry(),  # the dispatcher below registers the platform channels in it
    )
    if shared is not None:
        shared.relay.on_message(conversations.deliver_forwarded)
        shared.relay.on_live(conversations.deliver_live)
    app[SHARED] = shared
    app[SETTINGS] = settings
    app[SERVICES] = services
    app[CONVERSATIONS] = conversations
    app[METRICS] = app_metrics
    connect_listeners(services.events, listeners=[app_metrics.on_event])
    if conversations.grader is not None:
        services.events.subscribe(Rated, conversations.grader.on_rated)
    app[READY] = asyncio.Event()
    app[BACKGROUND] = []
    app[SOCKETS] = weakref.WeakSet()
    app.on_response_prepare.append(track_socket)
    app.on_shutdown.append(close_sockets)
    # hourly, or a quarter of the time values are kept when that is shorter
    app[VAULT_PURGE_EVERY] = vault_purge_every or max(1.0, min(3600.0, settings.vault_ttl_hours * 900))
    api = ConversationApi(
        settings=settings, conversations=conversations, metrics=app_metrics,
        tokens=Tokens([load_secret(settings), *(key.encode() for key in settings.old_secret_keys)], ttl=settings.token_ttl_hours * 3600),
        limiter=RateLimiter(interval=60.0 / settings.rate_limit_per_minute, store=shared.limits if shared else MemoryLimitStore()),
        client_limiter=ClientLimiter(limits=settings.limits, store=shared.limits if shared else MemoryLimitStore()),
    )
    app.add_routes(api.routes())
    app.add_routes(
        [
            web.get("/healthz", healthz),
            web.get("/readyz", readyz),
            web.get("/metrics", metrics),
            web.get("/api/v1/openapi.json", openapi),
            web.get("/", static_file("index.html", "text/html; charset=utf-8")),
            web.get("/widget.js", static_file("widget.js", "application/javascript; charset=utf-8")),
            web.get("/favicon.ico", no_icon),
        ]
    )
    register_admin(app, get_services=lambda: services, token=settings.admin_token)
    handoff = HandoffService(
        engine=services.engine, settings=settings, conversations=conversations, audit=services.audit,
        topics=TopicDetector(embedder=services.embedder, settings=settings), observe=app_metrics.handoff,
        summarizer=HandoffSummarizer(models=services.models, budget=services.budget, settings=settings) if services.models else None,
        events=services.events, desk=desk,
    )
    handoff_slot.fill(handoff)
    app[HANDOFF] = handoff
    dispatcher = Dispatcher(conversations=conversations, audit=services.audit.record)
    app[DISPATCHER] = dispatcher
    proposals = DeskProposals(book=ProposalBook(services.engine), handoff=handoff, redact=redact_for(services))  # the Slack card's
    app[CHANNELS] = setup_channels(app, settings=settings, dispatcher=dispatcher, handoff=handoff, desk=desk, proposals=proposals)
    app.add_routes(build_console(settings, handoff=handoff, services=services).routes())
    register_learning_admin(app, get_services=lambda: services, token=settings.admin_token)
    register_rollout_admin(app, book=conversations.rollout, tenants=list(settings.tenants), token=settings.admin_token)
    register_quality_admin(app, engine=services.engine, token=settings.admin_token, embedder=services.embedder)
    app.cleanup_ctx.append(lifecycle)
    return app


def build_console(settings: Settings, *, handoff: HandoffService, services: Services | None = None) -> WebConsole:
    """The built-in staff desk at /console: the only one when Slack is not configured, beside it when it is."""
    directory = StaffDirectory(settings=settings)  # a malformed account in the tenants file stops the start here
    if directory.count() == 0:
        logger.warning("the staff console (/console) has no accounts yet: add one with `supportbot staff add --tenant %s NAME`",
                       next(iter(settings.tenants)))
    # with the services, resolved handoffs can be proposed as FAQ entries (bot/app/admin_learning.py approves them)
    return WebConsole(handoff=handoff, directory=directory, secret=load_secret(settings), tenants=list(settings.tenants),
                      proposals=ProposalBook(services.engine) if services is not None else None,
                      redact=redact_for(services) if services is not None else None,
                      notices=StepBackNotices(services.engine) if services is not None else None)


def run(settings: Settings, *, host: str, port: int) -> None:
    """Logging is the caller's (`supportbot serve` sets it up from the settings)."""
    if settings.embed_threads is None:
        settings = settings.with_overrides(embed_threads=1)  # see Settings.embed_threads
    app = build_app(settings)
    if settings.milvus_is_local:
        from knowledge.milvus_endpoint import Owner, advertised

        store = app[SERVICES].store
        # a standalone Milvus Lite server on this store (`supportbot vectors serve`) serves every process
        standalone = advertised(Path(settings.milvus_uri), owners=(Owner.STANDALONE,))
        store.join_owners = ()  # never another `serve`'s child: it dies with its own server
        if standalone is not None:
            store.use_endpoint(standalone.uri)
        elif settings.milvus_process:
            from knowledge.milvus_child import MilvusChild

            store.use_child(MilvusChild(Path(settings.milvus_uri)))  # spawned here, in the main thread
    if app[SHARED] is not None:
        # one of several processes on one port: listen only once ready, or the kernel would hand this one
        # connections it can only refuse (503) while its models load
        asyncio.run(start_waiting_for_endpoint(app[SERVICES]))
    app[LISTEN_URL] = f"http://{host}:{port}/"
    logger.info("starting on http://%s:%d/ (data in %s); loading models and stores", host, port, settings.data_dir)
    # several processes on PostgreSQL listen on one port: the kernel spreads connections among them
    try:
        web.run_app(app, host=host, port=port, print=None, access_log=None, shutdown_timeout=SHUTDOWN_GRACE,
                    reuse_port=app[SHARED] is not None)
    except OSError as exc:
        if exc.errno not in (errno.EADDRINUSE, errno.EACCES, errno.EADDRNOTAVAIL):
            raise
        raise ConfigError(f"cannot listen on {host}:{port}: {os.strerror(exc.errno).lower()} "
                          "(another process? choose another with --port or SUPPORTBOT_PORT)") from None


def dump_openapi() -> str:
    return json.dumps(OPENAPI, indent=2)
