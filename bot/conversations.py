"""Durable conversations: store every inbound message before work starts, answer in order.

An inbound message is redacted (its originals go to the conversation's encrypted vault) and written
(status `pending`, deduplicated by its client or platform id) before it is processed, so the stored
copy never holds personal data; the customer's own values are put back only in what is sent to that
customer (`for_customer`). the reply is written and the inbound marked `done` in one transaction. Messages are
processed one at a time per conversation (a FIFO lock each). At start, pending messages left by a
crash are answered, oldest first. Listeners (widget sockets, channel senders) get every new message.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections import OrderedDict, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.assistant import AskResult
from bot.pipeline import Identity
from bot.services import Services
from bot.storage import Conversation, StoredMessage, utcnow, write_events
from policies.vault import PLACEHOLDER_RE

logger = logging.getLogger(__name__)

Listener = Callable[[dict[str, Any]], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Submitted:
    inbound_id: int
    duplicate: bool


@dataclass(frozen=True, slots=True)
class Party:
    """What never changes about a conversation: safe to keep in memory."""

    id: str
    tenant: str
    channel: str
    user: str | None


@dataclass(frozen=True, slots=True)
class _Loaded:
    earlier: list[int]  # pending messages of the conversation stored before this one
    reply: dict[str, Any] | None  # already answered (a duplicate, or recovery after the answer was stored)
    inbound: Any  # a row of the message table (reads like StoredMessage)
    conversation: Any  # a row of the conversation table


_PARTY_CACHE = 50_000

# Statements of the per-message path, built once: building and cache-keying a statement on every
# call was a large part of the server's time at a hundred messages a second.
_BY_CLIENT_ID = select(StoredMessage.id).where(
    StoredMessage.conversation_id == bindparam("b_conversation"), StoredMessage.client_id == bindparam("b_client")
)
_PENDING_BEFORE = select(StoredMessage.id).where(
    StoredMessage.conversation_id == bindparam("b_conversation"), StoredMessage.status == "pending", col(StoredMessage.id) < bindparam("b_message")
).order_by(col(StoredMessage.id))
_REPLY_TO = select(StoredMessage).where(StoredMessage.reply_to == bindparam("b_message")).limit(1)
_MESSAGE = select(StoredMessage).where(col(StoredMessage.id) == bindparam("b_message"))
_CONVERSATION = select(Conversation).where(col(Conversation.id) == bindparam("b_conversation"))
_INSERT_MESSAGE = insert(StoredMessage)
_MARK_DONE = update(StoredMessage).where(col(StoredMessage.id) == bindparam("b_message")).values(status="done")
_TOUCH = update(Conversation).where(col(Conversation.id) == bindparam("b_conversation")).values(updated_at=bindparam("b_now"))


def message_json(message: StoredMessage) -> dict[str, Any]:
    data: dict[str, Any] = {"id": message.id, "role": message.role, "text": message.text, "created_at": message.created_at.isoformat()}
    if message.reply_to is not None:
        data["reply_to"] = message.reply_to
    if message.payload:
        payload = json.loads(message.payload)
        data.update({k: payload[k] for k in ("citations", "outcome", "handoff_reason", "confidence", "route", "author", "rating_request") if k in payload})
    return data


class ConversationService:
    def __init__(
        self, *, services: Services, processing_delay: float = 0.0, on_result: Callable[[AskResult, str], None] | None = None
    ) -> None:
        self._services = services
        self._on_result = on_result
        self._engine = services.engine
        self._locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._listeners: dict[str, set[Listener]] = defaultdict(set)
        self._global_listeners: list[Listener] = []
        self._delay = processing_delay  # test hook: widens the crash window on purpose
        self._tasks: set[asyncio.Task[Any]] = set()
        self._parties: OrderedDict[str, Party] = OrderedDict()
        # set by the composition root when handoff is on (handoff.service.HandoffService)
        self.handoff: Any = None

    # conversations -------------------------------------------------------------------------
    @property
    def max_chars(self) -> int:
        return self._services.settings.max_question_chars

    def create(
        self, *, tenant: str, channel: str, user: str | None = None, conversation_id: str | None = None,
        address: str | None = None, thread: str | None = None,
    ) -> Conversation:
        conversation = Conversation(
            id=conversation_id or uuid.uuid4().hex, tenant=tenant, channel=channel, user=user, address=address, thread=thread
        )
        with Session(self._engine, expire_on_commit=False) as session:  # readable after commit, no second SELECT
            existing = session.get(Conversation, conversation.id)
            if existing is not None:
                self._remember(existing)
                return existing
            session.add(conversation)
            session.commit()
        self._remember(conversation)
        return conversation

    def get(self, conversation_id: str) -> Conversation | None:
        with Session(self._engine) as session:
            conversation = session.get(Conversation, conversation_id)
        if conversation is not None:
            self._remember(conversation)
        return conversation

    def _remember(self, conversation: Conversation) -> Party:
        party = Party(id=conversation.id, tenant=conversation.tenant, channel=conversation.channel, user=conversation.user)
        self._parties[party.id] = party
        self._parties.move_to_end(party.id)
        if len(self._parties) > _PARTY_CACHE:
            self._parties.popitem(last=False)
        return party

    def party(self, conversation_id: str) -> Party | None:
        """Tenant, channel and user of a conversation (from memory when seen before; else the database)."""
        party = self._parties.get(conversation_id)
        if party is not None:
            return party
        conversation = self.get(conversation_id)
        return self._parties.get(conversation_id) if conversation is not None else None

    async def find(self, conversation_id: str) -> Party | None:
        party = self._parties.get(conversation_id)
        return party if party is not None else await asyncio.to_thread(self.party, conversation_id)

    def history(self, conversation_id: str, *, for_customer: bool = True) -> list[dict[str, Any]]:
        with Session(self._engine) as session:
            rows = session.exec(
                select(StoredMessage).where(StoredMessage.conversation_id == conversation_id).order_by(col(StoredMessage.id))
            )
            messages = [message_json(m) for m in rows]
        return [self.for_customer(conversation_id, m) for m in messages] if for_customer else messages

    def restore(self, conversation_id: str, text: str) -> str:
        return self._services.vault.conversation(conversation_id).restore(text)

    def for_customer(self, conversation_id: str, message: dict[str, Any]) -> dict[str, Any]:
        """The customer's own redacted values back in place (synchronous: the vault is a database)."""
        if not PLACEHOLDER_RE.search(message.get("text", "")):
            return message
        restored = self._services.vault.conversation(conversation_id).restore(message.get("text", ""))
        return message if restored == message.get("text") else {**message, "text": restored}

    async def for_customer_async(self, conversation_id: str, message: dict[str, Any]) -> dict[str, Any]:
        if not PLACEHOLDER_RE.search(message.get("text", "")):  # nothing to restore: no thread, no vault
            return message
        return await asyncio.to_thread(self.for_customer, conversation_id, message)

    def _redact(self, conversation_id: str, text: str) -> tuple[str, dict[str, int]]:
        redactor = self._services.redactor
        party = self.party(conversation_id)
        if redactor is None or party is None:
            return text, {}
        kinds = self._services.settings.tenant(party.tenant).pii_kinds
        result = redactor.redact_sync(
            text, vault=self._services.vault.conversation(conversation_id), kinds=frozenset(kinds) if kinds is not None else None
        )
        return result.redacted, result.counts()

    # listeners -----------------------------------------------------------------------------
    def subscribe(self, conversation_id: str, listener: Listener) -> Callable[[], None]:
        self._listeners[conversation_id].add(listener)
        return lambda: self._listeners[conversation_id].discard(listener)

    def on_every_message(self, listener: Listener) -> None:
        """For channels and handoff relays that deliver messages to other places."""
        self._global_listeners.append(listener)

    async def publish(self, conversation_id: str, event: dict[str, Any]) -> None:
        for listener in list(self._listeners.get(conversation_id, ())):
            try:
                await listener(event)
            except Exception:  # a dead socket must not stop the others
                logger.warning("a listener of conversation %s failed", conversation_id)

    # inbound -------------------------------------------------------------------------------
    def store_inbound(self, *, conversation_id: str, text: str, client_id: str | None) -> Submitted:
        """Durably accept a customer message; a repeated client id returns the first one.

        The hot path uses SQLAlchemy Core statements, not the ORM: at a hundred messages a second
        the ORM's bookkeeping was a fifth of the server's time."""
        if client_id and (found := self._by_client_id(conversation_id, client_id)) is not None:
            return Submitted(inbound_id=found, duplicate=True)
        redacted, counts = self._redact(conversation_id, text)
        try:
            with self._engine.begin() as conn:
                result = conn.execute(_INSERT_MESSAGE, {
                    "conversation_id": conversation_id, "client_id": client_id, "role": "customer", "text": redacted, "status": "pending",
                    "reply_to": None, "payload": json.dumps({"entities": counts}) if counts else None, "created_at": utcnow(),
                })
                return Submitted(inbound_id=int(result.inserted_primary_key[0]), duplicate=False)
        except IntegrityError:  # a concurrent duplicate won the race
            found = self._by_client_id(conversation_id, client_id or "")
            if found is None:
                raise
            return Submitted(inbound_id=found, duplicate=True)

    def _by_client_id(self, conversation_id: str, client_id: str) -> int | None:
        with self._engine.connect() as conn:
            return conn.execute(_BY_CLIENT_ID, {"b_conversation": conversation_id, "b_client": client_id}).scalar()

    async def submit(self, *, conversation_id: str, text: str, client_id: str | None) -> tuple[dict[str, Any], bool]:
        """Store, then answer in order. Returns (the bot's reply message, whether it was a duplicate)."""
        submitted = await asyncio.to_thread(self.store_inbound, conversation_id=conversation_id, text=text, client_id=client_id)
        if not submitted.duplicate:
            await self.publish(conversation_id, {"type": "typing"})
        # shielded: a client that hangs up must not cancel the work (the reply is stored for it)
        task = asyncio.create_task(self.process(conversation_id, submitted.inbound_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        reply = await asyncio.shield(task)
        return await self.for_customer_async(conversation_id, reply), submitted.duplicate

    async def process(self, conversation_id: str, inbound_id: int) -> dict[str, Any]:
        async with self._locks[conversation_id]:
            # answer in the order messages were stored, whichever request got the lock first
            loaded = await asyncio.to_thread(self._load, conversation_id, inbound_id, earlier=True)
            for earlier in loaded.earlier:
                await self._process_one(conversation_id, earlier)
            return await self._process_one(conversation_id, inbound_id, loaded=None if loaded.earlier else loaded)

    def _load(self, conversation_id: str, inbound_id: int, *, earlier: bool = False) -> _Loaded:
        """Everything processing needs from the database, in one connection (Core rows, which
        read like the models: `.text`, `.state`)."""
        with self._engine.connect() as conn:
            pending: list[int] = []
            if earlier:
                pending = list(conn.execute(_PENDING_BEFORE, {"b_conversation": conversation_id, "b_message": inbound_id}).scalars())
            reply = conn.execute(_REPLY_TO, {"b_message": inbound_id}).first()
            if reply is not None:
                return _Loaded(pending, message_json(reply), None, None)
            inbound = conn.execute(_MESSAGE, {"b_message": inbound_id}).first()
            conversation = conn.execute(_CONVERSATION, {"b_conversation": conversation_id}).first()
            return _Loaded(pending, None, inbound, conversation)

    async def _process_one(self, conversation_id: str, inbound_id: int, *, loaded: _Loaded | None = None) -> dict[str, Any]:
        if loaded is None:
            loaded = await asyncio.to_thread(self._load, conversation_id, inbound_id)
        if loaded.reply is not None:
            return loaded.reply
        inbound, conversation = loaded.inbound, loaded.conversation
        assert inbound is not None and conversation is not None
        if self._delay:
            await asyncio.sleep(self._delay)
        if self.handoff is not None:
            handled = await self._human_side(conversation, inbound)
            if handled is not None:
                return handled
        identity = Identity(tenant=conversation.tenant, user=conversation.user, channel=conversation.channel)
        counts = json.loads(inbound.payload).get("entities", {}) if inbound.payload else {}
        async def on_token(token: str) -> None:
            await self.publish(conversation_id, {"type": "token", "text": token})

        history = await asyncio.to_thread(self._recent, conversation_id, inbound_id=int(inbound.id or 0)) if self._services.models else None
        result = await self._services.assistant.ask(
            inbound.text, identity=identity, conversation_id=conversation_id, redacted=counts, on_token=on_token, history=history,
            record=False,  # its audit events go in with the reply, in one transaction
        )
        if self._on_result is not None:
            self._on_result(result, conversation.channel)
        # the stored text is the redacted one: safe to log
        logger.debug(
            "conversation %s: %r -> %s (%s, confidence %.2f, %.0f ms)", conversation_id, inbound.text, result.outcome.value,
            result.handoff_reason.value if result.handoff_reason else result.route, result.confidence, result.latency_ms,
        )
        reply = await asyncio.to_thread(self._store_reply, inbound_id, conversation_id, result, tenant=conversation.tenant)
        await self._deliver(conversation_id, reply)
        if self.handoff is not None and result.handoff_reason is not None:
            await self.handoff.escalate(conversation_id, reason=result.handoff_reason.value, topic=result.details.get("topic"))
        return reply

    async def _human_side(self, conversation: Conversation, inbound: StoredMessage) -> dict[str, Any] | None:
        """People own the conversation: relay, don't answer. Just resolved: the rating asked for."""
        from handoff.states import HUMAN_OWNED, State

        state = State(conversation.state)
        inbound_id = int(inbound.id or 0)
        if state in HUMAN_OWNED:
            await asyncio.to_thread(self._mark_done, inbound_id)
            await self.handoff.relay_customer(conversation.id, inbound.text)
            return {"relayed": True, "state": state.value}
        if state is State.CLOSED:
            rating = await asyncio.to_thread(self.handoff.take_rating, conversation.id, inbound.text)
            if rating is not None:
                await asyncio.to_thread(self._mark_done, inbound_id)
                return await self.post_message(conversation.id, role="system", text="Thanks for rating us!", reply_to=inbound_id)
            await asyncio.to_thread(self.handoff.reopen_for_bot, conversation.id)
        return None

    def _recent(self, conversation_id: str, *, inbound_id: int, limit: int = 10) -> list[dict[str, str]]:
        """The conversation before this message (redacted, as stored), for the model's context."""
        with Session(self._engine) as session:
            rows = session.exec(
                select(StoredMessage).where(StoredMessage.conversation_id == conversation_id, col(StoredMessage.id) < inbound_id)
                .order_by(col(StoredMessage.id).desc()).limit(limit)
            ).all()
        return [{"role": m.role, "text": m.text} for m in reversed(rows)]

    def _mark_done(self, inbound_id: int) -> None:
        with self._engine.begin() as conn:
            conn.execute(_MARK_DONE, {"b_message": inbound_id})

    async def _deliver(self, conversation_id: str, message: dict[str, Any]) -> None:
        """Widget sockets and channel senders reach the customer: they get the restored text;
        `redacted` keeps the stored copy for listeners that must not see it (staff relays)."""
        shown = await self.for_customer_async(conversation_id, message)
        await self.publish(conversation_id, {"type": "message", "message": shown})
        for listener in self._global_listeners:
            await listener({"conversation_id": conversation_id, "message": shown, "redacted": message})

    def _store_reply(self, inbound_id: int, conversation_id: str, result: AskResult, *, tenant: str) -> dict[str, Any]:
        payload = result.to_json()
        payload.pop("question", None)
        now = utcnow()
        values = {"conversation_id": conversation_id, "client_id": None, "role": "bot", "text": result.answer, "status": "done",
                  "reply_to": inbound_id, "payload": json.dumps(payload), "created_at": now}
        with self._engine.begin() as conn:  # reply stored and inbound done together
            reply_id = conn.execute(_INSERT_MESSAGE, values).inserted_primary_key[0]
            conn.execute(_MARK_DONE, {"b_message": inbound_id})
            conn.execute(_TOUCH, {"b_conversation": conversation_id, "b_now": now})
            write_events(conn, result.events, tenant=tenant, conversation_id=conversation_id)
        return message_json(StoredMessage(id=reply_id, **values))

    async def post_message(
        self, conversation_id: str, *, role: str, text: str, author: str | None = None, client_id: str | None = None,
        redact: bool = False, payload: dict[str, Any] | None = None, reply_to: int | None = None,
    ) -> dict[str, Any]:
        """A message from staff or the system, stored (redacted when `redact`) and pushed to the customer.
        A repeated `client_id` (a platform retry) stores and sends nothing again."""

        def store() -> dict[str, Any] | None:
            with Session(self._engine) as session:
                if client_id and session.exec(
                    select(StoredMessage.id).where(StoredMessage.conversation_id == conversation_id, StoredMessage.client_id == client_id)
                ).first() is not None:
                    return None
                stored_text = self._redact(conversation_id, text)[0] if redact else text
                data = {**(payload or {}), **({"author": author} if author else {})}
                message = StoredMessage(
                    conversation_id=conversation_id, role=role, text=stored_text, client_id=client_id, reply_to=reply_to,
                    payload=json.dumps(data),
                )
                session.add(message)
                try:
                    session.commit()
                except IntegrityError:
                    return None
                session.refresh(message)
                return message_json(message)

        message = await asyncio.to_thread(store)
        if message is None:
            return {"duplicate": True}
        await self._deliver(conversation_id, message)
        return message

    # recovery ------------------------------------------------------------------------------
    def pending(self) -> list[tuple[str, int]]:
        with Session(self._engine) as session:
            rows = session.exec(select(StoredMessage).where(StoredMessage.status == "pending").order_by(col(StoredMessage.id)))
            return [(m.conversation_id, int(m.id or 0)) for m in rows]

    async def recover(self) -> int:
        """Answer what a crash left unanswered, in order per conversation, conversations in parallel."""
        by_conversation: dict[str, list[int]] = defaultdict(list)
        for conversation_id, inbound_id in await asyncio.to_thread(self.pending):
            by_conversation[conversation_id].append(inbound_id)

        async def drain(conversation_id: str, ids: list[int]) -> None:
            for inbound_id in ids:
                try:
                    await self.process(conversation_id, inbound_id)
                except Exception:
                    logger.exception("could not answer pending message %d", inbound_id)

        await asyncio.gather(*(drain(c, ids) for c, ids in by_conversation.items()))
        return sum(len(ids) for ids in by_conversation.values())
