"""What widget sockets held by another process must hear, through PostgreSQL LISTEN/NOTIFY.

A customer's WebSocket lives in one process; their next message may be answered by another (any
process takes any request). The process that stores a message for the customer notifies the
others with the conversation and the message id, never its text: the receiver that holds a socket on
that conversation reads the stored (redacted) message and restores it for the customer as it would
its own, so no personal data passes through the notification.

The live events of an answer being written (`send_live`: "typing", the streamed tokens, a "retract")
are relayed too, as the redacted text the model wrote (placeholders, never the customer's values,
which the receiver puts back): without them a customer whose socket is on another process saw
nothing until the whole reply came, while one on the answering process read it as it was written.
Tokens are not worth a round trip each: while one batch is being written the next ones gather, and
neighbouring tokens of one conversation go as one notification (a model writes 20-100 tokens a
second; a batch of notifications is one round trip in a pipeline). A conversation's events go out in
the order they were sent, on one connection, so a socket elsewhere gets the tokens before the stored
reply that replaces them (the widget drops its streaming bubble when the reply comes).

The notification of the bot's stored reply goes with the replies' write instead (`stored_prefix`;
bot/engine/message_statements.py `REPLIES`: its pg_notify is part of the statement, so it is sent when
the reply is committed and costs no statement of its own), and the "typing" that follows a customer's
message with that message's write (`live_payload`; bot/engine/messages.py `_claiming`): about one
statement a message each. What the relay was sent before is written first (`written`), so the order
above holds.

Each conversation has a channel of its own (`channel_of`), and a process listens only on those of the
conversations its sockets follow (`watch`, `unwatch`): a notification reaches the processes that have a
socket on its conversation and no other. On one channel for all, every process was woken for every other
process's messages and parsed each, to find it had no socket there (with N processes each message's
typing and reply were read N-1 times: ~0.28 ms of a receiving process's CPU each on this 2-core machine
under load, against ~0.04 ms for one on a channel it does not listen on; bench/bench_scale.py).

Each process keeps one connection listening and one sending (psycopg's async connections, no extra
part to run); both reconnect after a database restart or `pg_terminate_backend`. A notification sent
while a listener is reconnecting is lost for that socket, and the widget reads the conversation again
when its socket reconnects, as it does after any drop. Live events are dropped, never queued without
bound, while the database is away (the stored reply still reaches the socket).
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot.core.database import text_array
from bot.core.messages import LiveEvent

logger = logging.getLogger(__name__)

CHANNEL = "supportbot_messages"  # each conversation's channel begins with it (`channel_of`)
_RETRY_MOST = 5.0
_MAX_PAYLOAD = 7000  # bytes; PostgreSQL refuses a payload of 8000 or more
_MAX_QUEUED = 10_000  # live events waiting for the database; past that they are dropped
_MAX_BATCH = 1000
_WATCH_WAIT = 5.0  # seconds a socket waits for the listener to listen on its conversation

Handler = Callable[[str, int], Awaitable[None]]
LiveHandler = Callable[[str, LiveEvent], Awaitable[None]]


def channel_of(conversation_id: str) -> str:
    """The channel a conversation's notifications go on: a plain identifier (LISTEN takes it unquoted) well
    under PostgreSQL's 63 bytes whatever the id. Two conversations sharing one (a 64-bit hash) only make
    a listener hear one it has no socket for, which it drops as it does any other."""
    return f"{CHANNEL}_{hashlib.blake2b(conversation_id.encode(), digest_size=8).hexdigest()}"


def _payload(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def merged(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The (channel, payload) of each notification of a batch, in order within each conversation (only
    that order is seen by anyone), with a conversation's neighbouring tokens as one."""
    by_conversation: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        by_conversation.setdefault(item["c"], []).append(item)
    out: list[dict[str, Any]] = []
    for item in (item for group in by_conversation.values() for item in group):
        last = out[-1] if out else None
        event, before = item.get("e"), (last or {}).get("e")
        if (last is not None and event and before and event.get("type") == before.get("type") == "token"
                and item["c"] == last["c"]):
            joined = {**last, "e": {"type": "token", "text": before["text"] + event["text"]}}
            if len(_payload(joined).encode()) <= _MAX_PAYLOAD:
                out[-1] = joined
                continue
        out.append(item)
    payloads = []
    for item in out:
        payload = _payload(item)
        if len(payload.encode()) > _MAX_PAYLOAD:  # one token that long: the stored reply still comes
            logger.warning("a live event too long to relay was dropped")
            continue
        payloads.append((channel_of(item["c"]), payload))
    return payloads


def _set_once(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class PostgresRelay:
    def __init__(self, *, conninfo: str, origin: str) -> None:
        self._conninfo = conninfo
        self._origin = origin
        self._own_prefix = _payload({"o": origin})[:-1] + ","  # how each of its own payloads begins
        self._handlers: list[Handler] = []
        self._live_handlers: list[LiveHandler] = []
        self._sender: Any = None  # psycopg.AsyncConnection, opened on first use
        self._queue: asyncio.Queue[tuple[dict[str, Any] | None, asyncio.Future[None] | None]] | None = None
        self._busy = False  # a batch taken from the queue is being written
        self._writer: asyncio.Task[None] | None = None
        self._dropped = 0
        self._numbers = itertools.count()
        self.listening = asyncio.Event()  # set while the listener is connected (tests wait for it)
        self._watched: dict[str, int] = {}  # conversation -> how many of this process's sockets follow it
        self._listened: set[str] = set()  # the channels the listener listens on now
        self._changed = asyncio.Event()  # `_watched` changed since the listener last synced its channels
        self._synced: list[asyncio.Future[None]] = []  # `watch`es waiting for the next sync

    def on_message(self, handler: Handler) -> None:
        self._handlers.append(handler)

    def on_live(self, handler: LiveHandler) -> None:
        self._live_handlers.append(handler)

    async def send(self, conversation_id: str, message_id: int) -> None:
        """Tell the other processes, after whatever was sent before; returns once written (or given up:
        a database that is away loses the notification, never the message)."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._enqueue({"o": self._origin, "c": conversation_id, "m": message_id}, done)
        await done

    def stored_prefix(self, conversation_id: str) -> str:
        """The notification of a message stored in `conversation_id` up to its id: the statement storing
        it adds the id and the closing brace (bot/engine/message_statements.py `REPLIES`)."""
        return _payload({"o": self._origin, "c": conversation_id})[:-1] + ',"m":'

    def live_payload(self, conversation_id: str, event: LiveEvent) -> str:
        """A live event's notification as `send_live` would send it, for another statement to send."""
        return _payload({"o": self._origin, "c": conversation_id, "e": event.to_json(), "n": next(self._numbers)})

    async def written(self) -> None:
        """Returns once everything sent before has been written (or given up), at once when nothing is
        waiting: a notification that another statement sends comes after them."""
        if self._queue is None or (self._queue.empty() and not self._busy):
            return
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._enqueue(None, done)
        await done

    def send_live(self, conversation_id: str, event: LiveEvent) -> None:
        """A live event (redacted text only) for sockets elsewhere; never waits."""
        self._enqueue({"o": self._origin, "c": conversation_id, "e": event.to_json()}, None)

    def _enqueue(self, item: dict[str, Any] | None, done: asyncio.Future[None] | None) -> None:
        """`item` None: nothing to send, `done` set once what was sent before is written (`written`)."""
        if self._queue is None:
            self._queue = asyncio.Queue()
        # numbered: PostgreSQL delivers one of several equal payloads of a transaction (a batch is one),
        # and a second "typing" after a stored reply must reach the sockets as the first did
        if item is not None:
            item["n"] = next(self._numbers)
        if done is None and self._queue.qsize() >= _MAX_QUEUED:
            self._dropped += 1
            if self._dropped in (1, 100, 10_000):
                logger.warning("%d live events dropped: the database is not keeping up", self._dropped)
            return
        self._queue.put_nowait((item, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.get_running_loop().create_task(self._write())

    async def _write(self) -> None:
        """Until cancelled: each batch of what was sent, in order, in one round trip."""
        assert self._queue is not None
        while True:
            batch = [await self._queue.get()]
            self._busy = True
            while len(batch) < _MAX_BATCH and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                payloads = merged([item for item, _ in batch if item is not None])
                if payloads:
                    await self._notify(payloads)
            except Exception:  # never leave a sender waiting on a writer that died
                logger.exception("relaying to the other processes failed")
            finally:
                self._busy = False
                for _, done in batch:
                    if done is not None and not done.done():
                        done.set_result(None)

    async def _notify(self, payloads: list[tuple[str, str]]) -> None:
        import psycopg

        for attempt in range(2):  # a connection the server dropped is found dead on use: once more on a new one
            try:
                if self._sender is None or self._sender.closed:
                    self._sender = await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True, connect_timeout=5)
                # the whole batch in one statement: a pipeline of one pg_notify each cost ~6% of a serve
                # process's GIL time under load (py-spy --gil), a statement over an array a fraction of it;
                # unnest keeps the array's order, and PostgreSQL delivers one transaction's notifications in order
                # the array as one literal string: psycopg's dumping of a list of str, a regular expression
                # substitution a payload in Python, cost more client CPU than the rest of the statement
                await self._sender.execute("SELECT pg_notify(channel, payload) FROM unnest(%s::text[], %s::text[]) AS n(channel, payload)",
                                           (text_array(c for c, _ in payloads), text_array(p for _, p in payloads)))
                return
            except psycopg.Error:
                if self._sender is not None:
                    await self._sender.close()
                self._sender = None
                if attempt:
                    logger.warning("could not notify the other processes of %d events", len(payloads))

    def channel(self, conversation_id: str) -> str:
        """The channel of a conversation, for a statement that notifies on it (`stored_prefix`, `live_payload`)."""
        return channel_of(conversation_id)

    async def watch(self, conversation_id: str) -> None:
        """A socket of this process follows the conversation: its notifications reach this process from
        now on (returns once the listener listens on its channel; or after a few seconds while the
        listener is reconnecting, which then listens on it)."""
        first = conversation_id not in self._watched
        self._watched[conversation_id] = self._watched.get(conversation_id, 0) + 1
        if not first and channel_of(conversation_id) in self._listened:
            return
        # a first watch waits for a sync even when its channel is listened on: the sync under way may have
        # been about to leave it (the conversation's last socket closed a moment ago)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._synced.append(done)
        self._changed.set()
        try:
            await asyncio.wait_for(asyncio.shield(done), _WATCH_WAIT)
        except TimeoutError:
            logger.warning("not listening for conversation %s yet: its socket hears other processes' messages once it is", conversation_id)

    def unwatch(self, conversation_id: str) -> None:
        """The last `watch` of the conversation ends: its channel is left (soon, not at once)."""
        left = self._watched.get(conversation_id, 0) - 1
        if left > 0:
            self._watched[conversation_id] = left
            return
        self._watched.pop(conversation_id, None)
        self._changed.set()

    async def listen(self) -> None:
        """Run until cancelled: hand each other process's message on a watched conversation to the handlers."""
        import psycopg

        wait = 0.5
        inbox: asyncio.Queue[str] = asyncio.Queue()
        handling = asyncio.get_running_loop().create_task(self._handle_all(inbox))
        try:
            while True:
                try:
                    async with await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True, connect_timeout=5) as conn:
                        self._listened = set()
                        await self._sync(conn)
                        self.listening.set()
                        wait = 0.5
                        await self._receive(conn, inbox)
                except psycopg.Error as exc:
                    self.listening.clear()
                    self._listened = set()
                    logger.warning("listening for other processes' messages failed (%s); again in %.1f s", type(exc).__name__, wait)
                    await asyncio.sleep(wait)
                    wait = min(wait * 2, _RETRY_MOST)
        finally:
            handling.cancel()
            self.listening.clear()

    async def _sync(self, conn: Any) -> None:
        """LISTEN on the channels of the conversations watched now, UNLISTEN the others; then tell `watch`."""
        self._changed.clear()
        synced, self._synced = self._synced, []
        wanted = {channel_of(c) for c in self._watched}
        for channel in sorted(wanted - self._listened):
            await conn.execute(f"LISTEN {channel}")
            self._listened.add(channel)
        for channel in sorted(self._listened - wanted):
            await conn.execute(f"UNLISTEN {channel}")
            self._listened.discard(channel)
        for done in synced:
            if not done.done():
                done.set_result(None)

    async def _receive(self, conn: Any, inbox: asyncio.Queue[str]) -> None:
        """Read notifications into `inbox` until the connection fails (raises); in between, when the watched
        conversations change, stop reading, LISTEN or UNLISTEN, and read on (psycopg's `notifies()` holds
        the connection meanwhile; what arrives while a statement runs is kept for the next read)."""
        while True:
            reading = asyncio.ensure_future(self._read(conn, inbox))
            changed = asyncio.ensure_future(self._changed.wait())
            try:
                await asyncio.wait((reading, changed), return_when=asyncio.FIRST_COMPLETED)
            finally:
                changed.cancel()
                if not reading.done():
                    reading.cancel()
                await asyncio.gather(reading, return_exceptions=True)
            if reading.done() and not reading.cancelled() and reading.exception() is not None:
                raise reading.exception()  # type: ignore[misc]
            await self._sync(conn)

    @staticmethod
    async def _read(conn: Any, inbox: asyncio.Queue[str]) -> None:
        """Until the connection fails: what arrived (kept by psycopg while a statement ran, or readable on the
        socket), then a wait for the socket to be readable. psycopg's `notifies()` waits by polling, a
        0.1 s timer and the reader added and removed ten times a second on the event loop, and has no
        setting for it: ~2.4 ms of a process's CPU a second, loaded or idle (a scratch listener, 10 s each
        way); this waits on the socket alone (~0.02 ms a second)."""
        loop = asyncio.get_running_loop()
        while True:
            # timeout 0: what psycopg kept, else one read of the socket. Nothing awaited in the loop's body: a
            # cancel lands only while psycopg or the wait below waits for the socket, so none is lost
            async for notice in conn.notifies(timeout=0):
                inbox.put_nowait(notice.payload)
            readable: asyncio.Future[None] = loop.create_future()
            fileno = conn.fileno()
            loop.add_reader(fileno, _set_once, readable)
            try:
                await readable
            finally:
                loop.remove_reader(fileno)

    async def _handle_all(self, inbox: asyncio.Queue[str]) -> None:
        while True:
            payload = await inbox.get()
            try:
                await self._handle(payload)
            except Exception:  # the next notifications are still handled
                logger.exception("handling another process's notification failed")

    async def _handle(self, payload: str) -> None:
        if payload.startswith(self._own_prefix):  # this process's own: no need to parse it
            return
        try:
            data = json.loads(payload)
            origin, conversation_id = str(data["o"]), str(data["c"])
            message_id = int(data["m"]) if "m" in data else None
            # a stored message goes by its id; anything else must be a live event (ValueError: neither)
            event = LiveEvent.from_json(data.get("e")) if message_id is None else None
        except (ValueError, KeyError, TypeError):
            logger.warning("ignored a malformed notification on %s", CHANNEL)
            return
        if origin == self._origin:
            return
        calls = ([handler(conversation_id, event) for handler in self._live_handlers] if event is not None
                 else [handler(conversation_id, message_id) for handler in self._handlers if message_id is not None])
        for call in calls:
            try:
                await call
            except Exception:  # one socket's trouble must not stop the relay
                logger.exception("delivering another process's message failed")

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.cancel()
            await asyncio.gather(self._writer, return_exceptions=True)
            self._writer = None
        while self._queue is not None and not self._queue.empty():  # nobody waits for what was not written
            _, done = self._queue.get_nowait()
            if done is not None and not done.done():
                done.set_result(None)
        if self._sender is not None:
            await self._sender.close()
            self._sender = None
