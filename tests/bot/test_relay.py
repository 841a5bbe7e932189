"""The relay between processes (bot/engine/relay.py): a notification reaches only the processes whose
sockets follow its conversation (PostgreSQL; skipped without a server)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from bot.core.messages import LiveEvent, LiveKind
from bot.engine.relay import PostgresRelay, channel_of
from tests.databases import DEFAULT_SERVER, POSTGRES, PostgresDatabases

pytestmark = pytest.mark.slow

DATABASES = POSTGRES or PostgresDatabases(DEFAULT_SERVER)


@pytest.fixture
def conninfo(tmp_path_factory: pytest.TempPathFactory) -> str:
    return DATABASES.url_for(str(tmp_path_factory.mktemp("relay-channels")))


async def _until(check: Any, what: Any) -> None:
    deadline = time.monotonic() + 5
    while not check():
        assert time.monotonic() < deadline, f"heard only {what}"
        await asyncio.sleep(0.05)


async def test_a_process_hears_only_the_conversations_its_sockets_follow(conninfo: str) -> None:
    """Three relays standing for three processes: the second follows c1, the third c2. Each hears the
    messages and live events of its own conversation and none of the other's (on one channel for all,
    each process was woken for, and parsed, every other process's notifications); after `unwatch` the
    second hears c1 no more, and a conversation followed twice is heard until both have left."""
    one = PostgresRelay(conninfo=conninfo, origin="one")
    two, three = PostgresRelay(conninfo=conninfo, origin="two"), PostgresRelay(conninfo=conninfo, origin="three")
    heard: dict[str, list[tuple[str, Any]]] = {"two": [], "three": []}

    def record(name: str, relay: PostgresRelay) -> None:
        async def message(conversation: str, message_id: int) -> None:
            heard[name].append((conversation, message_id))

        async def live(conversation: str, event: LiveEvent) -> None:
            heard[name].append((conversation, event.kind.value))

        relay.on_message(message)
        relay.on_live(live)

    record("two", two)
    record("three", three)
    listeners = [asyncio.ensure_future(two.listen()), asyncio.ensure_future(three.listen())]
    try:
        await asyncio.wait_for(asyncio.gather(two.listening.wait(), three.listening.wait()), 10)
        await two.watch("c1")
        await three.watch("c2")
        await three.watch("c2")  # a second socket on c2
        one.send_live("c1", LiveEvent(LiveKind.TYPING))
        one.send_live("c2", LiveEvent(LiveKind.TYPING))
        await one.send("c1", 1)
        await one.send("c2", 2)
        await _until(lambda: ("c1", 1) in heard["two"] and ("c2", 2) in heard["three"], heard)
        await asyncio.sleep(0.3)  # anything else sent would have come by now
        assert heard["two"] == [("c1", "typing"), ("c1", 1)]
        assert heard["three"] == [("c2", "typing"), ("c2", 2)]

        two.unwatch("c1")
        three.unwatch("c2")  # one of c2's two sockets left: the other still hears it
        await two.watch("c3")  # the listener has synced its channels once this returns
        await one.send("c1", 3)
        await one.send("c2", 4)
        await one.send("c3", 5)
        await _until(lambda: ("c3", 5) in heard["two"] and ("c2", 4) in heard["three"], heard)
        await asyncio.sleep(0.3)
        assert ("c1", 3) not in heard["two"] and heard["two"][-1] == ("c3", 5)
    finally:
        for listener in listeners:
            listener.cancel()
        await asyncio.gather(*listeners, return_exceptions=True)
        for relay in (one, two, three):
            await relay.close()


def test_each_conversation_has_a_channel_listen_takes_unquoted() -> None:
    """Any conversation id (a Slack thread's, a long one, one with quotes) gives a lowercase identifier
    within PostgreSQL's 63 bytes, the same each time."""
    for conversation_id in ("c1", "slack:T0:C0:1712345678.000100", "x" * 500, 'a"b; DROP'):
        channel = channel_of(conversation_id)
        assert channel == channel_of(conversation_id) and len(channel) <= 63
        assert channel.replace("_", "").isalnum() and channel == channel.lower()
    assert channel_of("c1") != channel_of("c2")
