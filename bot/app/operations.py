"""What running `supportbot serve` as a service needs, apart from answering: the start-up summary,
open WebSockets closed on shutdown, stalled request bodies cut off, and readiness that follows the
knowledge store's process.

`bot/app/web.py` wires these into the app; each piece is small and tested through a running server
(tests/bot/test_serve.py).
"""

from __future__ import annotations

import asyncio
import errno
import html
import logging
import os
import socket
import weakref
from collections.abc import Awaitable, Callable, Iterable, Mapping
from pathlib import Path
from string import Template
from typing import Any, Protocol

from aiohttp import WSCloseCode, web

from bot.core.config import DEFAULT_TENANT, Settings
from bot.core.errors import ConfigError
from bot.core.tiers import Tier

logger = logging.getLogger("bot.serve")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

SOCKETS = web.AppKey("open_sockets", weakref.WeakSet)  # every WebSocketResponse prepared by this app
SOCKET_CLOSE_WAIT = 1.0  # seconds a closing socket may take to answer our close frame at shutdown


# start-up --------------------------------------------------------------------------------------
def startup_summary(
    *, settings: Settings, url: str | None, models: Mapping[Tier, Any], desks: Iterable[str], channels: Iterable[str] = ("widget (/)",),
) -> tuple[str, dict[str, Any]]:
    """One line for people and the same as fields for a log pipeline. Names, never secrets: model
    names and tiers, not their URLs or keys; the Slack channel id, not the token. `channels`: where customers
    write (the line named the staff desks only, so an operator could not tell whether Telegram was on)."""
    tiers = [Tier.EXTRACTIVE.value] + [f"{tier} ({getattr(model, 'model', '?')})" for tier, model in sorted(models.items())]
    desk_list, channel_list = list(desks), list(channels)
    fields = {
        "url": url, "data_dir": str(settings.data_dir), "tenants": sorted(settings.tenants),
        "tiers": tiers, "desks": desk_list, "channels": channel_list,
    }
    line = (
        f"supportbot ready at {url or '(in-process)'}; data in {settings.data_dir}; "
        f"tenants: {', '.join(fields['tenants'])}; answers: {', '.join(tiers)}; customers: {', '.join(channel_list)}; "
        f"staff desks: {', '.join(desk_list) or 'none (handoffs wait in the queue until a desk is configured)'}"
    )
    return line, fields


def customer_channels(*, slack_on: bool, telegram_tenants: Iterable[str]) -> list[str]:
    """Where customers can write: the widget always, Telegram for the tenants with a bot, Slack when configured."""
    channels = ["widget (/)"]
    tenants = sorted(telegram_tenants)
    if tenants:
        channels.append(f"Telegram ({', '.join(tenants)})")
    if slack_on:
        channels.append("Slack")
    return channels


def staff_desks(app: web.Application, *, settings: Settings, slack_on: bool) -> list[str]:
    desks = []
    if slack_on:
        desks.append(f"Slack (channel {settings.handoff_channel})" if settings.handoff_channel else "Slack")
    if any(resource.canonical == "/console" for resource in app.router.resources()):
        desks.append("console (/console)")
    return desks


def startup_warnings(settings: Settings) -> list[str]:
    """What an operator should hear once at start: settings whose defaults bite later."""
    warnings = []
    if not settings.secret_key:
        warnings.append(
            f"SUPPORTBOT_SECRET_KEY is not set: widget tokens and the redaction vault use a key kept in "
            f"{settings.data_dir / 'secret.key'}; on an ephemeral disk a restart invalidates every token and the vault. "
            "Set SUPPORTBOT_SECRET_KEY to keep them."
        )
    keys = [(key, tenant.name) for tenant in settings.tenants.values() for key in tenant.widget_keys]
    if keys and DEMO_WIDGET_KEY not in dict(keys):
        # a tenants file lists its own keys, so the demo page's chat said "please try again" to every message
        key, name = keys[0]
        warnings.append(
            f"the demo page (/) chats with widget key {DEMO_WIDGET_KEY!r}, which no tenant of the tenants file has: "
            f"open /?widget_key={key} to try tenant {name}'s widget on it, and embed "
            f'<script src=".../widget.js" data-widget-key="{key}"> in your help site'
        )
    # a widget key with no site allowed: the tag on the help site was refused by the browser, and the site's owner
    # saw only "failed" (the demo key's tenant is the demo page's, on this server's own origin)
    unlisted = sorted({name for key, name in keys if key != DEMO_WIDGET_KEY and not settings.tenants[name].allowed_origins})
    if unlisted:
        warnings.append(
            f"tenant{'s' if len(unlisted) > 1 else ''} {', '.join(unlisted)} ha{'ve' if len(unlisted) > 1 else 's'} widget keys but no "
            "allowed_origins: a browser refuses the widget on any other site than this server's own pages; list each help "
            "site's origin (https://help.example.com) in [tenants.NAME.widget] allowed_origins"
        )
    return warnings


DEMO_WIDGET_KEY = "demo"  # the key of the demo page at / (channels/widget_static/index.html), the default tenant's


def demo_page(settings: Settings, page: Path) -> Handler:
    """`GET /`: the demo help page. `?widget_key=KEY`, a key of the tenants file, puts that tenant's widget on
    it instead of the default tenant's: with a tenants file of one's own the page was the only place to
    try the widget, and its key was unknown. Any other value is ignored (never written into the page).

    The sample help center's page (Paperkite's articles and links) only for the tenant whose knowledge base it
    is: `default` with the sample ingested. Another tenant's key, or `default` without the sample, gets a plain
    preview page (preview.html beside it) naming the tenant and how to embed its widget: it showed Paperkite's
    page around any tenant's widget (qa12). No tenant with the page's key and none asked for: a page that says
    to add `?widget_key=` (naming no key, as the page is public), instead of a widget refused at every message."""
    owners = {key: tenant.name for tenant in settings.tenants.values() for key in tenant.widget_keys}
    sample_owner = DEFAULT_TENANT if settings.load_sample_kb else None
    preview = Template(page.with_name("preview.html").read_text(encoding="utf-8"))

    async def handler(request: web.Request) -> web.StreamResponse:
        asked = request.query.get("widget_key")
        key = asked if asked in owners else DEMO_WIDGET_KEY
        headers = {"Cache-Control": "no-cache"}
        tenant = owners.get(key)
        if tenant is None:
            return web.Response(text=_no_widget_page(preview, asked=asked is not None), content_type="text/html",
                                charset="utf-8", headers=headers)
        if tenant != sample_owner:
            return web.Response(text=_preview_page(preview, tenant=tenant, key=key, origin=request.url.origin()),
                                content_type="text/html", charset="utf-8", headers=headers)
        if key == DEMO_WIDGET_KEY:
            return web.FileResponse(page, headers={"Content-Type": "text/html; charset=utf-8", **headers})
        text = (await asyncio.to_thread(page.read_text, encoding="utf-8")).replace(
            f'data-widget-key="{DEMO_WIDGET_KEY}"', f'data-widget-key="{html.escape(key, quote=True)}"', 1)
        return web.Response(text=text, content_type="text/html", charset="utf-8", headers=headers)

    return handler


def _preview_page(preview: Template, *, tenant: str, key: str, origin: Any) -> str:
    name, quoted = html.escape(tenant), html.escape(key, quote=True)
    snippet = html.escape(f'<script src="{origin}/widget.js" data-widget-key="{key}" defer></script>')
    body = (f"<p>The assistant in the corner is tenant <strong>{name}</strong>'s: it answers from {name}'s own knowledge "
            "base (what <code>supportbot ingest --tenant " f"{name}</code> took in), and hands over to a person when it should.</p>"
            f"<p>To put it on your help site, add this to its pages:</p><p><code>{snippet}</code></p>"
            # a site not listed is refused by the browser: the tag alone did not work, and nothing said why
            f"<p>and list the site's origin (such as <code>https://help.example.com</code>) in <code>allowed_origins</code> of "
            f"<code>[tenants.{name}.widget]</code> in the tenants file.</p>")
    return preview.substitute(title=f"{name} · help center preview", name=name, heading="How can we help?", body=body,
                              widget=f'<script src="/widget.js" data-widget-key="{quoted}" defer></script>')


def _no_widget_page(preview: Template, *, asked: bool) -> str:
    # a key given and unknown (mistyped) was told "no tenant has the key demo, which this page uses when none is
    # given": an operator who had given one looked for the fault in the wrong place. The key is not echoed.
    said = ("No tenant of this server has the widget key given in this page's address." if asked else
            f"No tenant of this server has the widget key <code>{DEMO_WIDGET_KEY}</code>, which this page uses when none is given.")
    body = (f"<p>{said} Open this page as <code>/?widget_key=KEY</code>, with a widget key of your tenants file "
            "(<code>[tenants.NAME.widget] keys</code>), to chat with that tenant's assistant here.</p>")
    return preview.substitute(title="supportbot · widget preview", name="supportbot", heading="Which widget?", body=body, widget="")


# the port, before anything loads -----------------------------------------------------------------
BIND_HINTS = {  # what to do about a bind that failed
    errno.EADDRINUSE: "another process? choose another with --port or SUPPORTBOT_PORT",
    errno.EACCES: "ports below 1024 need privileges: choose another with --port or SUPPORTBOT_PORT",
    errno.EADDRNOTAVAIL: "no network interface of this machine has that address: choose another with --host or SUPPORTBOT_HOST",
}


def check_port_free(*, host: str, port: int, shared: bool) -> None:
    """Bind the addresses `serve` will listen on, and let go: a port in use is named at once, not after the
    models and stores have loaded (run_app binds only after the app's start-up, ~20-45 s: the error came in
    the middle of the model loading, and the process went on loading before it ended, qa12). Bound as
    asyncio's server binds (SO_REUSEADDR, SO_REUSEPORT when `shared`, IPv6 only on IPv6 addresses), so a port
    it could take passes. A port taken between this check and the real bind still fails there, as before."""
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    probes: list[socket.socket] = []
    try:
        for family, kind, proto, _, address in dict.fromkeys(infos):  # the same address may come twice
            probe = socket.socket(family, kind, proto)
            probes.append(probe)
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if shared and hasattr(socket, "SO_REUSEPORT"):
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            if family == socket.AF_INET6 and hasattr(socket, "IPPROTO_IPV6"):
                probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                probe.bind(address)
            except OSError as exc:
                if exc.errno not in BIND_HINTS:
                    raise
                raise ConfigError(f"cannot listen on {host}:{port}: {os.strerror(exc.errno).lower()} ({BIND_HINTS[exc.errno]})") from None
    finally:
        for probe in probes:
            probe.close()


# shutdown: open WebSockets ---------------------------------------------------------------------
async def track_socket(request: web.Request, response: web.StreamResponse) -> None:
    """`on_response_prepare`: remember every WebSocket, whichever handler opened it (widget, console)."""
    if isinstance(response, web.WebSocketResponse):
        request.app[SOCKETS].add(response)


async def close_sockets(app: web.Application) -> None:
    """`on_shutdown`: a socket's handler waits for the client, so aiohttp's graceful shutdown would
    wait its whole timeout for each. Close them with 1001 (going away); the widget reconnects to
    whichever process is up next. A client that does not answer our close frame is not waited for."""
    # the first step of a stop (SIGTERM, Ctrl-C): an operator's rolling restart saw nothing logged until the process was gone
    logger.info("stopping: no new connections taken; requests in flight are finished, then the stores close")
    sockets = [ws for ws in list(app[SOCKETS]) if not ws.closed]
    if not sockets:
        return
    logger.info("closing %d open WebSocket(s)", len(sockets))
    closing = [asyncio.ensure_future(ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutting down")) for ws in sockets]
    _, late = await asyncio.wait(closing, timeout=SOCKET_CLOSE_WAIT)
    for task in late:
        task.cancel()


# stalled request bodies ------------------------------------------------------------------------
def body_deadline(seconds: float) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    """A request has `seconds` from its headers to the end of its body; after that its connection is
    closed. Without it a client that sends headers and part of a body holds a connection (and a
    handler waiting on the read) as long as it likes: 300 stalled uploads were all still open after
    30 s. The handler's own read is not wrapped (handlers may stream a body), and a body that arrived
    in time is never cut however long the answer takes."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.body_exists:
            return await handler(request)
        cut = False

        def give_up() -> None:
            nonlocal cut
            if request.content.is_eof() or request.transport is None:
                return
            cut = True
            logger.info("closed a connection from %s: its request body was not complete after %.0f s", request.remote, seconds)
            request.protocol.force_close()

        timer = asyncio.get_running_loop().call_later(seconds, give_up)
        try:
            return await handler(request)
        except ConnectionError:
            if cut:  # the handler was reading the body we gave up on: nothing to answer, nothing to log
                raise web.HTTPRequestTimeout() from None
            raise
        finally:
            # still receiving (a handler that answered without reading, aiohttp reading the rest to
            # keep the connection): the timer stays, so that is bounded too
            if request.content.is_eof():
                timer.cancel()

    return middleware


# readiness follows the knowledge store's process -------------------------------------------------
class SupervisedStore(Protocol):
    def healthy(self) -> bool: ...

    def needs_restart(self) -> bool: ...

    def restart(self) -> None: ...

    def reconnect(self) -> None: ...


async def watch_store(store: SupervisedStore, *, every: float = 1.0) -> None:
    """Restart the Milvus Lite child process when it dies, then reconnect. `/readyz` says 503 from the
    moment it is found dead until the store answers again; searches meanwhile fail into the usual
    apology and handoff, and the server keeps serving everything else."""
    backoff = every
    while True:
        await asyncio.sleep(backoff)
        if not store.needs_restart():
            backoff = every
            continue
        if backoff == every:
            logger.error("the knowledge store's process died; restarting it")
        try:
            store.restart()  # spawns from this (the main) thread: the child dies with us
            await asyncio.to_thread(store.reconnect)
        except Exception as exc:  # still starting, or died again: try again, less often
            backoff = min(backoff * 2, 30.0)
            logger.warning("the knowledge store is not back yet (%s); trying again in %.0f s", exc, backoff)
            continue
        logger.warning("the knowledge store is back")
        backoff = every
