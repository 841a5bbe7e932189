"""Messages for widget sockets that another process holds, through PostgreSQL LISTEN/NOTIFY.

A customer's WebSocket lives in one process; their next message may be answered by another (any
process takes any request). The process that stores a message for the customer notifies the
others with the conversation and the message id, never its text: the receiver that holds a socket on
that conversation reads the stored (redacted) message and restores it for the customer as it would
its own, so no personal data passes through the notification. Live tokens of a streamed answer stay
in the answering process; sockets elsewhere get the whole message when it is stored.

Each process keeps one connection listening and one sending (psycopg's async connections, no extra
part to run); both reconnect after a database restart or `pg_terminate_backend`. A notification sent
while a listener is reconnecting is lost for that socket, and the widget reads the conversation again
when its socket reconnects, as it does after any drop.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable

logger = logging.getLogger(__name__)

CHANNEL = "supportbot_messages"
_RETRY_MOST = 5.0

Handler = Callable[[str, int], Awaitable[None]]


class PostgresRelay:
    def __init__(self, *, conninfo: str, origin: str) -> None:
        self._conninfo = conninfo
        self._origin = origin
        self._handlers: list[Handler] = []
        self._sender = None  # psycopg.AsyncConnection, opened on first use
        self._send_lock = asyncio.Lock()
        self.listening = asyncio.Event()  # set while the listener is connected (tests wait for it)

    def on_message(self, handler: Handler) -> None:
        self._handlers.append(handler)

    async def send(self, conversation_id: str, message_id: int) -> None:
        """Tell the other processes; a database that is away loses the notification, never the message."""
        import psycopg

        payload = json.dumps({"o": self._origin, "c": conversation_id, "m": message_id})
        async with self._send_lock:
            for attempt in range(2):  # a connection the server dropped is found dead on use: once more on a new one
                try:
                    if self._sender is None or self._sender.closed:
                        self._sender = await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True, connect_timeout=5)
                    await self._sender.execute("SELECT pg_notify(%s, %s)", (CHANNEL, payload))
                    return
                except psycopg.Error:
                    if self._sender is not None:
                        await self._sender.close()
                    self._sender = None
                    if attempt:
                        logger.warning("could not notify the other processes of a message")

    async def listen(self) -> None:
        """Run until cancelled: hand each other process's message to the handlers."""
        import psycopg

        wait = 0.5
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True, connect_timeout=5) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    wait = 0.5
                    async for notice in conn.notifies():
                        await self._handle(notice.payload)
            except psycopg.Error as exc:
                self.listening.clear()
                logger.warning("listening for other processes' messages failed (%s); again in %.1f s", type(exc).__name__, wait)
                await asyncio.sleep(wait)
                wait = min(wait * 2, _RETRY_MOST)

    async def _handle(self, payload: str) -> None:
        try:
            data = json.loads(payload)
            origin, conversation_id, message_id = str(data["o"]), str(data["c"]), int(data["m"])
        except (ValueError, KeyError, TypeError):
            logger.warning("ignored a malformed notification on %s", CHANNEL)
            return
        if origin == self._origin:
            return
        for handler in self._handlers:
            try:
                await handler(conversation_id, message_id)
            except Exception:  # one socket's trouble must not stop the relay
                logger.exception("delivering another process's message failed")

    async def close(self) -> None:
        if self._sender is not None:
            await self._sender.close()
            self._sender = None
