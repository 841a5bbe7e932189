"""What customers send, stored before any work starts: redacted (the originals go to the conversation's
encrypted vault, bot/engine/personal_data.py), written `pending`, deduplicated by the client's or the
platform's id, several conversations' messages in one transaction when they come together.

The storing half of bot/engine/conversations.py `ConversationService`, which owns one `InboundStore`
and answers what it stored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.engine.leases import Claim
from bot.engine.message_store_records import Loaded, NewInbound
from bot.engine.messages import MessageStore
from bot.engine.personal_data import ConversationPrivacy
from policies.pii_patterns import Entity

logger = logging.getLogger("bot.engine.conversations")  # the name these lines were always logged under


@dataclass(frozen=True, slots=True)
class Submitted:
    inbound_id: int
    duplicate: bool


@dataclass(frozen=True, slots=True)
class PendingInbound:
    """A customer's message for the holder of its conversation's lock to store (`InboundStore.store_and_load`)."""

    conversation_id: str
    text: str
    client_id: str | None
    entities: list[Entity] | None


class InboundStore:
    def __init__(self, *, messages: MessageStore, privacy: ConversationPrivacy, tenant_of: Callable[[str], str | None]) -> None:
        self._messages = messages
        self._privacy = privacy
        self._tenant_of = tenant_of

    def redact(self, conversation_id: str, text: str, entities: list[Entity] | None = None, *, author: str | None = None) -> tuple[str, dict[str, int]]:
        return self._privacy.redact(conversation_id, self._tenant_of(conversation_id), text, entities, author=author)

    def store(
        self, *, conversation_id: str, text: str, client_id: str | None, entities: list[Entity] | None = None, claim: Claim | None = None,
    ) -> Submitted:
        """Durably accept a customer message; a repeated client id returns the first one. `claim`: the
        conversation's lease, taken in the same statement where the database can (`MessageStore.add`)."""
        redacted, counts = self.redact(conversation_id, text, entities)
        stored = self._messages.add(
            conversation_id, role="customer", text=redacted, status="pending", client_id=client_id,
            payload={"entities": counts} if counts else None, claim=claim,
        )
        if stored is None:  # the client id is stored already: a retry, or a concurrent duplicate
            return self._duplicate(conversation_id, client_id)
        return Submitted(inbound_id=stored.id, duplicate=False)

    def _duplicate(self, conversation_id: str, client_id: str | None) -> Submitted:
        found = self._messages.by_client_id(conversation_id, client_id or "")
        assert found is not None
        return Submitted(inbound_id=found, duplicate=True)

    def store_and_load(self, conversation_id: str, text: str, client_id: str | None, entities: list[Entity] | None) -> Loaded | Submitted:
        """`store` and `MessageStore.load` in one go, for the holder of the conversation's lock."""
        redacted, counts = self.redact(conversation_id, text, entities)
        loaded = self._messages.add_and_load(conversation_id, text=redacted, client_id=client_id, payload={"entities": counts} if counts else None)
        return loaded if loaded is not None else self._duplicate(conversation_id, client_id)

    def store_and_load_many(self, items: Sequence[PendingInbound]) -> list[Loaded | Submitted | BaseException]:
        """`store_and_load` for several conversations at once; one at a time when the batch fails (a
        duplicate client id among them, say), so each caller hears only of its own message."""
        if len(items) > 1:
            try:
                inbounds = []
                for item in items:
                    redacted, counts = self.redact(item.conversation_id, item.text, item.entities)
                    inbounds.append(NewInbound(item.conversation_id, redacted, item.client_id, {"entities": counts} if counts else None))
                return list(self._messages.add_and_load_many(inbounds))
            except Exception:
                logger.debug("a batch of inbound messages went one at a time", exc_info=True)
        results: list[Loaded | Submitted | BaseException] = []
        for item in items:
            try:
                results.append(self.store_and_load(item.conversation_id, item.text, item.client_id, item.entities))
            except Exception as exc:
                results.append(exc)
        return results
