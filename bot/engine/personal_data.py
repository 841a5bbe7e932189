"""A conversation's personal data: replaced by placeholders before a message is stored, put back
only in what is sent to that customer.

Detection (spaCy and the checked patterns, policies/redaction.py) runs off the event loop, batched
with concurrent messages; the placeholders come from the conversation's encrypted vault
(policies/vault.py), so the same value keeps its placeholder for the whole conversation. Which kinds
are redacted is a tenant setting.
"""

from __future__ import annotations

import asyncio
import re

from bot.core.messages import Message
from bot.core.pii_kinds import ALL_KINDS
from bot.engine.services import Services
from knowledge.terms import read_terms
from policies.pii_patterns import PERSON, Entity
from policies.placeholders import PLACEHOLDER_RE
from policies.redaction import redaction_of


class ConversationPrivacy:
    def __init__(self, services: Services) -> None:
        self._services = services

    def _kinds(self, tenant: str) -> frozenset[str] | None:
        kinds = self._services.settings.tenant(tenant).pii_kinds
        return frozenset(kinds) if kinds is not None else None

    async def detect(self, tenant: str | None, text: str) -> list[Entity] | None:
        """The personal data in a message of `tenant` (None when nothing is redacted)."""
        redactor = self._services.redactor
        if redactor is None or tenant is None:
            return None
        await read_terms(self._services.terms, tenant)
        return await redactor.detect(text, self._kinds(tenant), tenant=tenant)

    def redact(
        self, conversation_id: str, tenant: str | None, text: str, entities: list[Entity] | None = None, *, author: str | None = None,
    ) -> tuple[str, dict[str, int]]:
        """(stored text, count per kind): placeholders from the vault for `entities`, or for what is
        detected now when they were not (synchronous: the vault is a database). `author`: the staff
        member who wrote it, whose own name ("Hi, I'm Bob") is no personal data of the customer: staff
        read their reply as they wrote it in the transcript and the Slack thread, not as "<PERSON_1>"."""
        redactor = self._services.redactor
        if redactor is None or tenant is None:
            return text, {}
        vault = self._services.vault.conversation(conversation_id)
        if entities is None and author:
            own = {w for w in re.findall(r"\w+", author.lower()) if len(w) > 1}
            kinds = self._kinds(tenant)
            found = redactor.detect_batch([text], ALL_KINDS if kinds is None else kinds, keep=redactor.terms_of(tenant))[0]
            entities = [e for e in found if not (e.kind == PERSON and own and set(re.findall(r"\w+", e.text.lower())) <= own)]
        if entities is not None:
            result = redaction_of(text, entities, vault)
        else:
            result = redactor.redact_sync(text, vault=vault, kinds=self._kinds(tenant), tenant=tenant)
        return result.redacted, result.counts()

    def restore(self, conversation_id: str, text: str) -> str:
        """The customer's own values back in place of their placeholders (synchronous: the vault is a database)."""
        return self._services.vault.conversation(conversation_id).restore(text)

    def for_customer(self, conversation_id: str, message: Message) -> Message:
        """A message as its customer sees it: their own values restored."""
        if not PLACEHOLDER_RE.search(message.text):
            return message
        return message.with_text(self.restore(conversation_id, message.text))

    async def for_customer_async(self, conversation_id: str, message: Message) -> Message:
        if not PLACEHOLDER_RE.search(message.text):  # nothing to restore: no thread, no vault
            return message
        return await asyncio.to_thread(self.for_customer, conversation_id, message)
