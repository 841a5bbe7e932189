"""`supportbot serve`: the aiohttp composition root. Everything is built here and kept under AppKeys.

The server listens at once; models and stores load in a thread (`/readyz` turns 200 when done), then
messages left unanswered by a crash are answered. API calls before that get 503 with Retry-After.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
import weakref
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

from bot.app.admin import register_admin
from bot.app.admin_learning import redact_for, register_learning_admin
from bot.app.admin_quality import register_quality_admin
from bot.app.admin_rollout import register_rollout_admin
from bot.app.api import ConversationApi, RateLimiter
from bot.app.app_keys import (
    BACKGROUND,
    CHANNELS,
    CONVERSATIONS,
    DISPATCHER,
    HANDOFF,
    LISTEN_URL,
    METRICS,
    READY,
    SERVICES,
    SETTINGS,
    SHARED,
    VAULT_PURGE_EVERY,
)
from bot.app.channel_setup import setup_channels
from bot.app.composition import Services, build_services, connect_listeners
from bot.app.cors import cors_middleware
from bot.app.lifecycle import SHUTDOWN_GRACE, lifecycle
from bot.app.limits import ClientLimiter, MemoryLimitStore, client_address
from bot.app.metrics import Metrics
from bot.app.middlewares import json_errors, not_before_ready, undecodable_body
from bot.app.openapi import OPENAPI
from bot.app.operations import (
    BIND_HINTS,
    SOCKETS,
    body_deadline,
    check_port_free,
    close_sockets,
    demo_page,
    track_socket,
)
from bot.app.processes import shared_processes
from bot.app.rollout_notice import tell_staff_of_step_back
from bot.app.tokens import Tokens
from bot.app.vector_endpoint import start_waiting_for_endpoint
from bot.core.config import Settings, load_secret
from bot.core.connections import calls
from bot.core.desk import StaffDesk
from bot.core.errors import ConfigError, StoreBusyError
from bot.core.events import Rated
from bot.core.late import Late
from bot.engine.channel_registry import ChannelRegistry
from bot.engine.conversations import ConversationService
from bot.engine.dispatch import Dispatcher
from bot.engine.online_grading import online_grader
from handoff.console import WebConsole
from handoff.console_notices import StepBackNotices
from handoff.faq_proposals import DeskProposals, ProposalBook
from handoff.service import HandoffService
from handoff.staff_accounts import StaffDirectory
from handoff.summary import HandoffSummarizer
from policies.topics import TopicDetector

logger = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parents[2] / "channels" / "widget_static"


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
    """Prometheus text. With SUPPORTBOT_METRICS_TOKEN set, only for a scraper that sends it as a bearer
    token: the figures (tenants, traffic, handoffs, errors) are nobody else's business."""
    wanted = request.app[SETTINGS].metrics_token
    if wanted:
        sent = request.headers.get("Authorization", "")
        scheme, _, supplied = sent.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(supplied.strip().encode("utf-8", "replace"), wanted.encode()):
            return web.json_response({"error": "metrics token required: send SUPPORTBOT_METRICS_TOKEN as 'Authorization: Bearer TOKEN'"},
                                     status=401, headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    return web.Response(body=request.app[METRICS].render(), content_type="text/plain", charset="utf-8")


def static_file(name: str, content_type: str) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handler(_: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / name, headers={"Content-Type": content_type, "Cache-Control": "no-cache"})

    return handler


async def openapi(_: web.Request) -> web.Response:
    return web.json_response(OPENAPI)


def build_app(
    settings: Settings, *, processing_delay: float | None = None, vault_purge_every: float | None = None
) -> web.Application:
    cors = cors_middleware(paths=("/api/v1/conversations", "/api/v1/openapi.json"), tenants=settings.tenants.values())
    logging.getLogger("aiohttp.server").addFilter(undecodable_body)  # once: a filter is added only if not there yet
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
        forward_live=shared.relay.send_live if shared else None, relay=shared.relay if shared else None,
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
            web.get("/", demo_page(settings, STATIC / "index.html")),
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


def console_accounts_warning(settings: Settings, directory: StaffDirectory) -> str | None:
    """What `serve` says at start about tenants whose handoffs no one could take: the console has no
    account at all, or (without Slack, the other desk) none for some tenants. It named the first
    tenant only, and said nothing while another tenant had one (qa11: tenant kb6's handoffs queued
    where no one could sign in)."""
    missing = directory.tenants_without_accounts()
    if not missing or (directory.count() and settings.slack_bot_token):
        return None
    head = ("the staff console (/console) has no accounts yet" if not directory.count()
            else f"the staff console (/console) has no account for tenant{'s' if len(missing) > 1 else ''} {', '.join(missing)}, "
                 "whose handoffs no one can take")
    return f"{head}: add one with `supportbot staff add --tenant {missing[0]} NAME`" + (" (and so for the others)" if len(missing) > 1 else "")


def build_console(settings: Settings, *, handoff: HandoffService, services: Services | None = None) -> WebConsole:
    """The built-in staff desk at /console: the only one when Slack is not configured, beside it when it is."""
    directory = StaffDirectory(settings=settings)  # a malformed account in the tenants file stops the start here
    if (warning := console_accounts_warning(settings, directory)) is not None:
        logger.warning("%s", warning)
    # with the services, resolved handoffs can be proposed as FAQ entries (bot/app/admin_learning.py approves them)
    return WebConsole(handoff=handoff, directory=directory, secret=load_secret(settings),
                      proposals=ProposalBook(services.engine) if services is not None else None,
                      redact=redact_for(services) if services is not None else None,
                      notices=StepBackNotices(services.engine) if services is not None else None,
                      address=lambda request: client_address(request.remote, request.headers.get("X-Forwarded-For"),
                                                             trust_forwarded=settings.trust_forwarded_for))


def run(settings: Settings, *, host: str, port: int) -> None:
    """Logging is the caller's (`supportbot serve` sets it up from the settings)."""
    if settings.embed_threads is None:
        settings = settings.with_overrides(embed_threads=1)  # see Settings.embed_threads
    # several processes on PostgreSQL share the port (reuse_port below): those may all bind it
    check_port_free(host=host, port=port, shared=not settings.database_url.startswith("sqlite"))
    refuse_a_store_served_by_another_serve(settings)
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
        asyncio.run(start_waiting_for_endpoint(app[SERVICES], listening=False))
    app[LISTEN_URL] = f"http://{host}:{port}/"
    # one of several: models and stores are loaded by now (it said "loading models and stores" a second before ready)
    doing = "loading models and stores" if app[SHARED] is None else "models and stores loaded"
    logger.info("starting on http://%s:%d/ (data in %s); %s", host, port, settings.data_dir, doing)
    # several processes on PostgreSQL listen on one port: the kernel spreads connections among them
    try:
        web.run_app(app, host=host, port=port, print=None, access_log=None, shutdown_timeout=SHUTDOWN_GRACE,
                    reuse_port=app[SHARED] is not None)
    except OSError as exc:
        if exc.errno not in BIND_HINTS:  # taken since check_port_free
            raise
        raise ConfigError(f"cannot listen on {host}:{port}: {os.strerror(exc.errno).lower()} ({BIND_HINTS[exc.errno]})") from None


def refuse_a_store_served_by_another_serve(settings: Settings) -> None:
    """A second `serve` on a data dir whose Milvus Lite store another `serve`'s child holds: stopped at once,
    naming it. It retried the store's lock for two minutes while /readyz said 503 with "store": "ok", then
    logged a traceback and went on answering 503 for good (Milvus Lite allows one process per store)."""
    if not settings.milvus_is_local:
        return
    from knowledge.milvus_endpoint import Owner, advertised

    store = Path(settings.milvus_uri)
    if advertised(store, owners=(Owner.STANDALONE,)) is not None:
        return  # `supportbot vectors serve` serves every process on the store
    other = advertised(store, owners=(Owner.SERVE,))
    if other is not None:
        raise StoreBusyError(f"the knowledge store {store} is held by another `supportbot serve` (its Milvus Lite process {other.pid} "
                             f"at {other.uri}): one serve per data dir; stop that one first, or give this one its own SUPPORTBOT_DATA_DIR")


def dump_openapi() -> str:
    return json.dumps(OPENAPI, indent=2)
