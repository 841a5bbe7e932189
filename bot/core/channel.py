"""The channel contract: platform events become one `InboundMessage`; a `Reply` goes back out.

Nothing outside `channels/` imports a platform library. A channel must be able to send text;
richer parts of a `Reply` (citations, buttons, streaming) are rendered as well as it can.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.core.messages import Role
from bot.core.texts import without_source_line


@dataclass(frozen=True, slots=True)
class ConversationRef:
    """Where a conversation lives on its platform: enough to send to it later (e.g. a staff reply)."""

    channel: str  # "widget" | "telegram" | "slack" | "memory"
    tenant: str
    address: str  # chat id, channel id + thread ts, widget conversation id
    thread: str | None = None


@dataclass(frozen=True, slots=True)
class Attachment:
    kind: str  # "photo" | "document" | "audio" | "voice" | "video" | "animation" | "other" (a sticker is its emoji, as text)
    name: str | None = None
    file_id: str | None = None
    size: int | None = None

    def to_json(self) -> dict[str, Any]:
        """As the audit trail records a customer's file."""
        return {"kind": self.kind, "name": self.name, "file_id": self.file_id, "size": self.size}


@dataclass(frozen=True, slots=True)
class CustomerFile:
    """A file a customer sent, for a staff thread: what it is and the channel that can fetch it
    (`Inbox.fetch_file`). Stored as its JSON in the thread's queue of posts and in the handoff's packet."""

    channel: str
    attachment: Attachment

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CustomerFile:
        return cls(channel=str(data.get("channel") or ""), attachment=Attachment(
            kind=str(data.get("kind") or "file"), name=data.get("name"), file_id=data.get("file_id"), size=data.get("size"),
        ))

    def to_json(self) -> dict[str, Any]:
        return {**self.attachment.to_json(), "channel": self.channel}


@dataclass(frozen=True, slots=True)
class FileContent:
    """A customer's file fetched from its platform, e.g. to upload into a staff handoff thread."""

    name: str
    data: bytes


@dataclass(frozen=True, slots=True)
class InboundMessage:
    ref: ConversationRef
    platform_id: str  # the platform's message or update id: the inbox deduplicates on it
    user: str | None
    text: str
    attachments: tuple[Attachment, ...] = ()
    command: str | None = None  # "start" | "human" | "feedback" ...
    payload: str | None = None  # e.g. callback data of a button
    display_name: str | None = None


@dataclass(frozen=True, slots=True)
class Link:
    title: str
    url: str | None


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    action: str  # "human" | "helpful" | "not_helpful" | ...
    value: str = ""


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    citations: tuple[Link, ...] = ()
    buttons: tuple[Button, ...] = ()
    role: Role = Role.BOT  # bot, agent (staff: `author` is their name) or system
    author: str | None = None
    reply_to: str | None = None  # the inbound platform id this answers
    extra: dict[str, str] = field(default_factory=dict)
    lang: str = "en"  # the language the text is in: labels a channel adds around it (e.g. "Sources") follow it

    @property
    def text_beside_citations(self) -> str:
        """The text for a channel that lists `citations` itself (Slack's "Sources" line, Telegram's links):
        without the "Source: …" line an extractive answer ends with, which said the first one again."""
        if not self.citations:
            return self.text
        first = self.citations[0]
        return without_source_line(self.text, title=first.title, url=first.url) or self.text


class Channel(Protocol):
    name: str

    async def send(self, ref: ConversationRef, reply: Reply) -> None: ...


class StreamingChannel(Channel, Protocol):
    async def stream(self, ref: ConversationRef, tokens: AsyncIterator[str], *, final: Reply) -> None: ...


class FileChannel(Channel, Protocol):
    """A channel that can fetch the files customers sent (raises `bot.core.errors.InputError` when it can't)."""

    async def fetch_file(self, attachment: Attachment) -> FileContent: ...
