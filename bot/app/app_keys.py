"""What the application keeps under typed AppKeys: built by `build_app` (bot/app/web.py), read by the
lifecycle (bot/app/lifecycle.py), the middlewares and the routes, and by the tests that drive the app."""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot.app.channel_setup import ChannelSet
from bot.app.composition import Services
from bot.app.metrics import Metrics
from bot.app.processes import SharedProcesses
from bot.core.config import Settings
from bot.engine.conversations import ConversationService
from bot.engine.dispatch import Dispatcher
from handoff.service import HandoffService

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
