"""A turn's lease released by the turn's last write (bot/engine/turns.py `Turn.release_with_write`), on
PostgreSQL, where the replies' write is one statement (bot/engine/message_statements.py `REPLIES`): the
lease goes with the reply's commit, the turn's exit sends no release of its own, and a write that fails
leaves the lease to that exit. Two holders stand for two processes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import Any

import psycopg
import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from bot.app.app_keys import SERVICES
from bot.core.database import open_database
from bot.core.tables import Lease
from bot.engine.conversation_records import ConversationRecords
from bot.engine.leases import LeaseTable
from bot.engine.message_store_records import NewReply
from bot.engine.messages import MessageStore
from bot.engine.turns import ConversationTurns, lease_name
from tests.conftest import make_settings, running_app
from tests.databases import database_url, on_postgres

pytestmark = pytest.mark.skipif(not on_postgres(), reason="the replies' write deletes a lease on PostgreSQL only (one statement)")


class CountedLeases(LeaseTable):
    """The real lease table, counting the releases sent apart (`LeaseKeeper`'s batches)."""

    released_apart: list[str]

    def release_many(self, names: Sequence[str]) -> list[None]:
        self.released_apart = [*getattr(self, "released_apart", []), *names]
        return super().release_many(names)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = open_database(database_url(tmp_path / "turns.db"), upgrade=True)
    yield engine
    engine.dispose()


def holders(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return {name: holder for name, holder in conn.execute(select(Lease.name, Lease.holder))}  # type: ignore[call-overload]


def pending(engine: Engine, messages: MessageStore, conversation_id: str) -> int:
    ConversationRecords(engine).create(tenant="default", channel="widget", conversation_id=conversation_id)
    inbound = messages.add(conversation_id, role="customer", text="hello", status="pending")
    assert inbound is not None
    return int(inbound.id)


async def test_the_last_reply_of_a_turn_releases_its_lease_as_it_commits(engine: Engine) -> None:
    messages, leases, other = MessageStore(engine), CountedLeases(engine=engine, holder="p1"), LeaseTable(engine=engine, holder="p2")
    assert messages.releases_in_write
    turns = ConversationTurns(leases=leases)
    inbound = pending(engine, messages, "c1")
    other.take(lease_name("c2"), ttl=30)  # another process's lease in the same write's reach: kept
    async with turns["c1"]:
        assert holders(engine) == {lease_name("c1"): "p1", lease_name("c2"): "p2"}
        release = turns["c1"].release_with_write()
        assert release == (lease_name("c1"), "p1")
        messages.add_replies([NewReply("c1", inbound, "an answer", {"outcome": "answer"}, (), "default", None, release=release)])
        turns["c1"].released()
        # gone with the reply's commit, while the turn still runs: the other process may take the next message now
        assert holders(engine) == {lease_name("c2"): "p2"}
        assert other.take(lease_name("c1"), ttl=30)
    assert getattr(leases, "released_apart", []) == []  # the exit sent no release of its own
    assert holders(engine) == {lease_name("c1"): "p2", lease_name("c2"): "p2"}  # nor deleted the new holder's
    async with turns["c3"]:  # a turn whose write did not carry its lease: released on the way out, as before
        pass
    assert leases.released_apart == [lease_name("c3")]


async def test_a_reply_refused_leaves_the_lease_to_the_turns_exit(engine: Engine) -> None:
    messages, leases = MessageStore(engine), CountedLeases(engine=engine, holder="p1")
    turns = ConversationTurns(leases=leases)
    inbound = pending(engine, messages, "c1")
    messages.add_replies([NewReply("c1", inbound, "first answer", {"outcome": "answer"}, (), "default", None)])  # another process's
    async with turns["c1"]:
        release = turns["c1"].release_with_write()
        with pytest.raises(IntegrityError):  # one answer per message: the whole statement is refused
            messages.add_replies([NewReply("c1", inbound, "second answer", {"outcome": "answer"}, (), "default", None, release=release)])
        assert holders(engine) == {lease_name("c1"): "p1"}
    assert leases.released_apart == [lease_name("c1")]
    assert holders(engine) == {}


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every statement the app sends through psycopg while the test runs (the cursors' execute)."""
    statements: list[str] = []
    for cursor in (psycopg.Cursor, psycopg.AsyncCursor):
        original = cursor.execute

        def counted(self: Any, query: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            statements.append(str(query))
            return _original(self, query, *args, **kwargs)

        monkeypatch.setattr(cursor, "execute", counted)
    yield statements


@pytest.fixture
async def client(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TestClient]:
    async with running_app(make_settings(tmp_path_factory.mktemp("turns"))) as client:
        yield client


def released_apart(statements: list[str]) -> int:
    """`LeaseKeeper`'s releases (`LeaseTable.release_many`: conversation leases only, the timers' are apart)."""
    return sum(1 for s in statements if s.lstrip().startswith("DELETE FROM lease") and "ANY" in s)


async def test_a_widget_answer_releases_its_turns_lease_in_the_replys_write_unless_a_socket_here_follows_it(
    client: TestClient, sent: list[str],
) -> None:
    async def conversation() -> tuple[str, str, dict[str, str]]:
        created = await (await client.post("/api/v1/conversations", json={"widget_key": "demo"})).json()
        return created["conversation_id"], created["token"], {"Authorization": f"Bearer {created['token']}"}

    async def ask(conversation_id: str, auth: dict[str, str]) -> dict[str, Any]:
        return await (await client.post(f"/api/v1/conversations/{conversation_id}/messages", json={"text": "How do I delete a page?"},
                                        headers=auth)).json()

    conversation_id, _, auth = await conversation()
    sent.clear()
    answered = await ask(conversation_id, auth)
    assert answered["reply"]["outcome"] == "answer"
    assert released_apart(sent) == 0  # the replies' write took the lease with it
    assert any("DELETE FROM lease" in s and "unnest" in s for s in sent)
    assert lease_name(conversation_id) not in holders(client.app[SERVICES].engine)  # (the timers' leases stay)

    # a socket of this process follows the conversation: its push of the reply comes before the lease is free
    followed, token, auth = await conversation()
    async with client.ws_connect(f"/api/v1/conversations/{followed}/stream?token={token}"):
        sent.clear()
        assert (await ask(followed, auth))["reply"]["outcome"] == "answer"
        for _ in range(50):  # released on the turn's way out, in a batch of its own
            if released_apart(sent):
                break
            await asyncio.sleep(0.05)
        assert released_apart(sent) == 1


async def test_an_escalated_turn_releases_its_lease_in_the_queue_notices_write(client: TestClient, sent: list[str]) -> None:
    """A handed-over turn's last write is the escalation's queue notice (handoff/service.py `escalate`): it carries
    the turn's lease as the reply's write does, and no release statement follows; the next message is relayed."""
    created = await (await client.post("/api/v1/conversations", json={"widget_key": "demo"})).json()
    conversation_id, auth = created["conversation_id"], {"Authorization": f"Bearer {created['token']}"}
    sent.clear()
    asked = await (await client.post(f"/api/v1/conversations/{conversation_id}/messages", json={"text": "I want to talk to a person"},
                                     headers=auth)).json()
    assert asked["reply"]["outcome"] == "handoff"
    assert released_apart(sent) == 0  # none after the escalation (there was one per escalated turn)
    notices = [s for s in sent if s.lstrip().startswith("WITH m AS (INSERT INTO message")]  # a message with its audit event
    assert len(notices) == 1 and "DELETE FROM lease" in notices[0]  # the queue notice and its QUEUE_TOLD event, which deleted the lease
    assert lease_name(conversation_id) not in holders(client.app[SERVICES].engine)
    # the conversation waits for a person: the next message is the people's, taken by a turn as before
    sent.clear()
    relayed = await client.post(f"/api/v1/conversations/{conversation_id}/messages", json={"text": "hello?"}, headers=auth)
    assert relayed.status == 200, await relayed.text()
    assert lease_name(conversation_id) not in holders(client.app[SERVICES].engine)
