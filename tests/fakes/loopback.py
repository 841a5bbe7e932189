"""Shared plumbing of the loopback fakes: an aiohttp app on a free port, and waiting for effects."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web


class LoopbackServer:
    """Subclasses add routes in `routes(app)`; `start()` returns the root URL (http://127.0.0.1:PORT)."""

    def __init__(self) -> None:
        self._runner: web.AppRunner | None = None

    def routes(self, app: web.Application) -> None:
        raise NotImplementedError

    async def serve(self) -> str:
        app = web.Application()
        self.routes(app)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return f"http://127.0.0.1:{port}"

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@asynccontextmanager
async def started(*fakes: Any) -> AsyncIterator[tuple[Any, ...]]:
    """Start loopback fakes for a block (a fixture's life) and close them after it, last first."""
    running = []
    try:
        for fake in fakes:
            await fake.start()
            running.append(fake)
        yield fakes
    finally:
        for fake in reversed(running):
            await fake.close()


async def until(check: Callable[[], Any], timeout: float = 10.0) -> Any:
    """Poll `check` until it returns something truthy; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        await asyncio.sleep(0.05)
    raise AssertionError("timed out waiting")
