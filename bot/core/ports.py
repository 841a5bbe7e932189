"""Ports: the `typing.Protocol`s that let a layer use a collaborator without importing its implementation.

The channel port is in bot/core/channel.py and the staff desk port in bot/core/desk.py (each beside its
records). Implementations are wired together in
the composition root (bot/app/composition.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from bot.core.records import ModelReply
from bot.core.tiers import Tier

if TYPE_CHECKING:
    from bot.core.channel import Attachment, ConversationRef, FileContent, InboundMessage
    from bot.core.desk import ReplyOutcome, StaffAction, StaffMember
    from bot.core.messages import Message, Role
    from bot.core.tables import Conversation, Handoff

OnToken = Callable[[str], Awaitable[None]]


class Embedder(Protocol):
    dim: int

    @property
    def fingerprint(self) -> str:
        """What a vector depends on besides the text (model, weights, length limit)."""
        ...

    def warm_up(self) -> None: ...

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-norm float32 vectors, one row per text. CPU-bound: call from a thread."""
        ...


class ChatModel(Protocol):
    """A generative model client (bot/engine/models.py: Ollama, any OpenAI-compatible API)."""

    tier: Tier
    model: str

    async def chat(self, messages: Sequence[dict[str, str]], *, on_token: OnToken | None = None,
                   schema: Mapping[str, Any] | None = None, max_tokens: int = 400) -> ModelReply:
        """`schema`: a JSON schema the reply must follow (structured output: the server constrains its
        decoding to it, so even a small model answers a parsable object). `max_tokens`: where a reply is cut off."""
        ...


class Conversations(Protocol):
    """What handoff/ needs of the conversation engine (bot/engine/conversations.py `ConversationService`):
    read a conversation and its history, restore redacted values for the customer's eyes, and post a
    message into it (delivered to the customer on their channel)."""

    def get(self, conversation_id: str) -> Conversation | None: ...

    def history(self, conversation_id: str, *, for_customer: bool = True) -> list[Message]: ...

    def language(self, conversation_id: str, *, said: Sequence[str] | None = None) -> str: ...

    def restore(self, conversation_id: str, text: str) -> str: ...

    async def post_message(
        self, conversation_id: str, *, role: Role, text: str, author: str | None = None, client_id: str | None = None,
        redact: bool = False, buttons: Sequence[str] = (), rating_request: bool = False, reply_to: int | None = None,
        audit: tuple[str, dict[str, Any]] | None = None, ends_turn: bool = False,
    ) -> Message | None:
        """Stored and delivered to the customer; None when `client_id` was posted before (nothing is sent again).
        `audit`: an event (kind, data) about it, written with it. `ends_turn`: the last write of the conversation's
        turn the caller holds (it may release the turn with it)."""
        ...


class Inbox(Protocol):
    """What a channel adapter hands customer messages to (bot/engine/dispatch.py `Dispatcher`)."""

    async def accept(self, inbound: InboundMessage) -> None: ...

    async def knows(self, ref: ConversationRef) -> bool: ...

    async def fetch_file(self, *, channel: str, tenant: str, attachment: Attachment) -> FileContent: ...


class StaffActions(Protocol):
    """What a staff desk's adapter does for staff (handoff/staff_actions.py, which `HandoffService`
    inherits): one action from any desk, a reply to the customer (or the draft, held back alike from a non-claimer),
    and the handoff a desk thread belongs to."""

    def by_desk_thread(self, thread: str) -> Handoff | None: ...

    def get(self, handoff_id: int) -> Handoff | None: ...

    async def reply(
        self, handoff_id: int, *, staff: StaffMember, text: str, client_id: str, despite: str | None = None,
    ) -> ReplyOutcome: ...

    async def act(
        self, action: StaffAction, handoff_id: int, *, staff: StaffMember, client_id: str, seen: str | None = None,
    ) -> Handoff | None: ...

    async def send_draft(
        self, handoff_id: int, *, staff: StaffMember, client_id: str, despite: str | None = None,
    ) -> ReplyOutcome: ...
