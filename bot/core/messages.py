"""A conversation's messages as they travel between the engine, the channels and the staff desks.

A stored message row (bot/core/tables.py `StoredMessage`: its columns and the JSON of its `payload`)
becomes one `Message` (`Message.from_row`), and `Message.to_json` gives back exactly what the API,
the widget's socket and the listeners always got (plus an answer's "body": its text without the source line). Listeners of a conversation hear `ConversationEvent`s:
a stored message (`Posted`) or a live event of an answer being written (`LiveEvent`: typing, a streamed
token, a retract), each with the JSON the widget's socket and the relay between processes carry
(bot/engine/relay.py). A channel sender hears each stored message as an `OutboundMessage`.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from bot.core.handoff_states import State
from bot.core.records import Citation, HandoffReason, Option, Outcome
from bot.core.texts import without_source_line

E = TypeVar("E", bound=StrEnum)


class Role(StrEnum):
    """Who wrote a message (the message table's `role` column)."""

    CUSTOMER = "customer"
    BOT = "bot"
    AGENT = "agent"  # staff
    SYSTEM = "system"  # the bot's own texts: greetings, queue positions, notices


@dataclass(frozen=True, slots=True)
class Message:
    """One stored message. `text` is as stored (redacted) unless restored for its customer's eyes
    (`with_text`). The other fields are those of its payload that anyone outside the store sees; None
    (or `()`: no buttons) means the payload does not have it, and then `to_json` leaves it out."""

    id: int
    role: Role
    text: str
    created_at: datetime
    reply_to: int | None = None  # the customer message this answers
    # a bot turn's result (a bot reply, or the apology when answering failed); a row written before the
    # words were what they are may hold another one, kept as it is (a plain str)
    outcome: Outcome | str | None = None
    handoff_reason: HandoffReason | str | None = None
    confidence: float | None = None
    route: str | None = None
    citations: tuple[Citation, ...] | None = None  # None: no sources listed (not an answer); (): an answer without any
    options: tuple[Option, ...] | None = None  # a clarification's articles
    # staff and system messages
    author: str | None = None  # the staff member's name
    rating_request: bool = False  # "how did we do? 1-5" after a resolution
    buttons: tuple[str, ...] = ()  # actions offered under it (bot/engine/channel_replies.py FEEDBACK_ACTIONS)

    @classmethod
    def from_row(cls, row: Any) -> Message:
        """A row of the message table (a `StoredMessage`, a result row, or the values just inserted)."""
        payload: dict[str, Any] = json.loads(row.payload) if row.payload else {}
        outcome, reason = payload.get("outcome"), payload.get("handoff_reason")
        citations, options = payload.get("citations"), payload.get("options")
        return cls(
            id=int(row.id), role=Role(row.role), text=row.text, created_at=row.created_at, reply_to=row.reply_to,
            outcome=_known(Outcome, outcome), handoff_reason=_known(HandoffReason, reason),
            confidence=payload.get("confidence"), route=payload.get("route"),
            citations=tuple(Citation(source=c["source"], title=c["title"], url=c.get("url"), score=c["score"]) for c in citations)
            if citations is not None else None,
            options=tuple(Option(source=o["source"], title=o["title"]) for o in options) if options is not None else None,
            author=payload.get("author"), rating_request=bool(payload.get("rating_request")), buttons=tuple(payload.get("buttons") or ()),
        )

    def to_json(self) -> dict[str, Any]:
        """As the API, the widget's socket and the relay's readers see it (keys in the order they always had)."""
        data: dict[str, Any] = {"id": self.id, "role": self.role.value, "text": self.text, "created_at": self.created_at.isoformat()}
        if self.reply_to is not None:
            data["reply_to"] = self.reply_to
        if self.citations is not None:
            data["citations"] = [c.to_json() for c in self.citations]
            # an extractive answer ends with its first citation's source line, which chat apps and staff
            # read as text; "body" is the text without it, for a client that lists `citations` in a box
            # of its own (the widget showed the source twice). Added beside "text", which stays as it was.
            body = without_source_line(self.text, title=self.citations[0].title, url=self.citations[0].url) if self.citations else None
            if body is not None:
                data["body"] = body
        if self.outcome is not None:
            data["outcome"] = str(self.outcome)
        # a turn's result always carries its reason, null when it was not handed over
        if self.outcome is not None or self.handoff_reason is not None:
            data["handoff_reason"] = str(self.handoff_reason) if self.handoff_reason is not None else None
        if self.confidence is not None:
            data["confidence"] = self.confidence
        if self.route is not None:
            data["route"] = self.route
        if self.author is not None:
            data["author"] = self.author
        if self.rating_request:
            data["rating_request"] = True
        if self.buttons:
            data["buttons"] = list(self.buttons)
        if self.options is not None:
            data["options"] = [o.to_json() for o in self.options]
        return data

    def with_text(self, text: str) -> Message:
        """The same message with other text (the customer's own values put back, for their eyes or staff's)."""
        return self if text == self.text else dataclasses.replace(self, text=text)


def _known(enum: type[E], value: str | None) -> E | str | None:
    """The member of `enum` a stored word names, or the word itself when it names none."""
    if value is None:
        return None
    try:
        return enum(value)
    except ValueError:
        return value


@dataclass(frozen=True, slots=True)
class Relayed:
    """What answering a customer message gives when people own the conversation: it went to them, the bot said nothing."""

    state: State


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """A stored message on its way to the conversation's channel senders: `shown` with the customer's
    own values restored, `redacted` as stored (for listeners that must not see them, staff relays)."""

    conversation_id: str
    shown: Message
    redacted: Message


class LiveKind(StrEnum):
    TYPING = "typing"
    TOKEN = "token"
    RETRACT = "retract"  # the streamed text is taken back (bot/engine/streaming.py)


@dataclass(frozen=True, slots=True)
class LiveEvent:
    """An answer being written: not stored, relayed to the other processes as its JSON (redacted text)."""

    kind: LiveKind
    text: str = ""  # a token's

    @classmethod
    def token(cls, text: str) -> LiveEvent:
        return cls(LiveKind.TOKEN, text)

    @classmethod
    def from_json(cls, data: Any) -> LiveEvent:
        """ValueError (TypeError: not an object) for anything but a live event: a relayed notification is checked, not trusted."""
        if not isinstance(data, dict):
            raise TypeError("a live event is a JSON object")
        kind = LiveKind(str(data.get("type")))
        return cls(kind, str(data.get("text") or "")) if kind is LiveKind.TOKEN else cls(kind)

    def to_json(self) -> dict[str, str]:
        return {"type": self.kind.value, "text": self.text} if self.kind is LiveKind.TOKEN else {"type": self.kind.value}


@dataclass(frozen=True, slots=True)
class Posted:
    """A message stored in the conversation, for its listeners (the widget's socket)."""

    message: Message

    def to_json(self) -> dict[str, Any]:
        return {"type": "message", "message": self.message.to_json()}


ConversationEvent = Posted | LiveEvent
