"""`supportbot serve`: the aiohttp composition root. Everything is built here and kept under AppKeys.

The server listens at once; models and stores load in a thread (`/readyz` turns 200 when done), then
messages left unanswered by a crash are answered. API calls before that get 503 with Retry-After.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from aiohttp import web

from bot.admin import register_admin
from bot.api import ConversationApi, RateLimiter, Tokens
from bot.settings import load_secret
from bot.channel_setup import ChannelSet, setup_channels
from bot.conversations import ConversationService
from bot.dispatch import Dispatcher
from bot.metrics import Metrics
from bot.openapi import OPENAPI
from bot.services import Services, build_services
from bot.settings import Settings
from handoff.console import WebConsole
from handoff.service import HandoffService
from handoff.staff_accounts import StaffDirectory
from policies.topics import TopicDetector

logger = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parents[1] / "channels" / "widget_static"

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


async def healthz(_: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    ready = request.app[READY].is_set()
    return web.json_response({"ready": ready}, status=200 if ready else 503)


async def metrics(request: web.Request) -> web.Response:
    return web.Response(body=request.app[METRICS].render(), content_type="text/plain", charset="utf-8")


def static_file(name: str, content_type: str) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handler(_: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / name, headers={"Content-Type": content_type, "Cache-Control": "no-cache"})

    return handler


async def openapi(_: web.Request) -> web.Response:
    return web.json_response(OPENAPI)


@web.middleware
async def not_before_ready(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
    if request.path.startswith(("/api/", "/slack/", "/telegram/")) and not request.app[READY].is_set() and request.path != "/api/v1/openapi.json":
        return web.json_response({"error": "starting up, try again shortly"}, status=503, headers={"Retry-After": "2"})
    return await handler(request)


async def lifecycle(app: web.Application) -> AsyncIterator[None]:
    services = app[SERVICES]

    async def start() -> None:
        await asyncio.to_thread(services.start)
        for start_channel in app[CHANNELS].starters:
            try:
                await start_channel()
            except Exception:  # a platform being down must not keep the widget from serving
                logger.exception("a channel failed to start; it will retry on use")
        # Everything loaded so far (spaCy, the models, the clients) lives as long as the process. Left
        # to the collector, each full collection walked it all with the GIL held: 145-167 ms stalls,
        # every few seconds under load, that every waiting customer felt (bench_http: paced p99 242 ms
        # with them, 119 ms without). Frozen, a full collection takes 6-9 ms.
        gc.collect()
        gc.freeze()
        app[READY].set()
        app[BACKGROUND].append(asyncio.create_task(app[HANDOFF].run_timers()))
        app[BACKGROUND].append(asyncio.create_task(services.vault.purge_periodically(every=app[VAULT_PURGE_EVERY])))
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
    await app[DISPATCHER].drain()
    for stop_channel in app[CHANNELS].stoppers:
        try:
            await stop_channel()
        except Exception:
            logger.warning("a channel did not stop cleanly")
    await asyncio.to_thread(services.close)


def build_app(
    settings: Settings, *, processing_delay: float | None = None, vault_purge_every: float | None = None
) -> web.Application:
    app = web.Application(middlewares=[not_before_ready], client_max_size=1024 * 1024)
    services = build_services(settings)
    app_metrics = Metrics()
    conversations = ConversationService(
        services=services,
        processing_delay=settings.processing_delay if processing_delay is None else processing_delay,
        on_result=lambda result, channel: app_metrics.observe(result, channel=channel),
    )
    app[SETTINGS] = settings
    app[SERVICES] = services
    app[CONVERSATIONS] = conversations
    app[METRICS] = app_metrics
    app[READY] = asyncio.Event()
    app[BACKGROUND] = []
    # hourly, or a quarter of the time values are kept when that is shorter
    app[VAULT_PURGE_EVERY] = vault_purge_every or max(1.0, min(3600.0, settings.vault_ttl_hours * 900))
    api = ConversationApi(
        settings=settings, conversations=conversations, tokens=Tokens(load_secret(settings)), metrics=app_metrics,
        limiter=RateLimiter(interval=60.0 / settings.rate_limit_per_minute),
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
        ]
    )
    register_admin(app, get_services=lambda: services, token=settings.admin_token)
    handoff = HandoffService(
        engine=services.engine, settings=settings, conversations=conversations, audit=services.audit,
        topics=TopicDetector(embedder=services.embedder, settings=settings), observe=app_metrics.handoff,
        summarizer=services.models.get("local") or services.models.get("remote"),
    )
    conversations.handoff = handoff
    app[HANDOFF] = handoff
    dispatcher = Dispatcher(conversations=conversations, audit=services.audit.record)
    app[DISPATCHER] = dispatcher
    app[CHANNELS] = setup_channels(app, settings=settings, dispatcher=dispatcher, handoff=handoff)
    app.add_routes(build_console(settings, handoff=handoff).routes())
    app.cleanup_ctx.append(lifecycle)
    return app


def build_console(settings: Settings, *, handoff: HandoffService) -> WebConsole:
    """The built-in staff desk at /console: the only one when Slack is not configured, beside it when it is."""
    directory = StaffDirectory(settings=settings)  # a malformed account in the tenants file stops the start here
    if directory.count() == 0:
        logger.warning("the staff console (/console) has no accounts yet: add one with `supportbot staff add --tenant %s NAME`",
                       next(iter(settings.tenants)))
    return WebConsole(handoff=handoff, directory=directory, secret=load_secret(settings), tenants=list(settings.tenants))


def run(settings: Settings, *, host: str, port: int) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if settings.embed_threads is None:
        settings = settings.with_overrides(embed_threads=1)  # see Settings.embed_threads
    app = build_app(settings)
    if settings.milvus_is_local and settings.milvus_process:
        from knowledge.milvus_child import MilvusChild

        app[SERVICES].store.use_child(MilvusChild(Path(settings.milvus_uri)))  # spawned here, in the main thread
    logger.info("serving on http://%s:%d/ (data in %s)", host, port, settings.data_dir)
    web.run_app(app, host=host, port=port, print=None, access_log=None)


def dump_openapi() -> str:
    return json.dumps(OPENAPI, indent=2)
