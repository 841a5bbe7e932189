"""What staff get with a handoff, so nobody asks the customer to repeat themselves.

Built from the stored (redacted) conversation and the bot's last attempt: intent in a line, a short
summary of what the customer said, what the bot answered with which sources and scores, why it
escalated, who the customer is as far as policy allows, the redacted transcript, and a draft reply.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.core.messages import Message, Role
from bot.core.records import HandoffReason, Outcome

# what staff read for each reason: the one vocabulary of reasons is `HandoffReason`
REASONS: dict[HandoffReason, str] = {
    HandoffReason.CUSTOMER_REQUEST: "the customer asked for a person",
    HandoffReason.NO_ANSWER: "the help center does not cover this",
    HandoffReason.LOW_CONFIDENCE: "the bot was not confident in its answer",
    HandoffReason.POLICY: "this topic is handled by people",
    HandoffReason.MODEL_FAILURE: "the answer models failed",
    HandoffReason.NOT_HELPFUL: "the customer said the answers did not help",
    HandoffReason.ERROR: "the bot hit an error",
}
MAX_TRANSCRIPT = 20


@dataclass(slots=True)
class Attempt:
    text: str
    outcome: str | None
    confidence: float | None
    sources: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class Packet:
    reason: str
    reason_text: str
    intent: str
    summary: str
    topic: str | None
    customer: dict[str, Any]
    attempts: list[Attempt]
    transcript: list[dict[str, str]]
    draft: str
    mention: str | None = None  # Slack user group for the topic
    attachments: list[dict[str, Any]] = field(default_factory=list)  # files the customer sent (kind, platform file id, size)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _line(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def build_packet(
    *, messages: Sequence[Message], reason: HandoffReason, topic: str | None, customer: dict[str, Any], draft_hint: str | None = None,
    mention: str | None = None, attachments: list[dict[str, Any]] | None = None, found: Sequence[dict[str, Any]] = (),
) -> Packet:
    """`messages`: the conversation's stored messages (redacted), oldest first. `found`: the passages
    (source, title, score) the bot found for the question it handed over, shown beside its notice."""
    said = [m.text for m in messages if m.role is Role.CUSTOMER and m.text]
    asked = _asked(messages, reason)
    question = asked.text if asked is not None else ""
    attempts = [
        Attempt(text=_line(m.text, 300), outcome=str(m.outcome) if m.outcome is not None else None, confidence=m.confidence,
                sources=[{"title": c.title, "source": c.source, "score": c.score} for c in m.citations or ()])
        for m in messages
        if m.role is Role.BOT
    ][-3:]
    if found and attempts and attempts[-1].outcome == Outcome.HANDOFF and not attempts[-1].sources:
        attempts[-1].sources = [{"title": f.get("title") or f.get("source"), "source": f.get("source"), "score": f.get("score")} for f in found]
    answer = _answer_to(messages, asked, reason)
    draft = draft_hint or (
        f"Hi, thanks for waiting. {_line(answer.text, 300)}" if answer is not None else "Hi, thanks for waiting, I'm looking into this for you now."
    )
    summary = " / ".join(_line(t, 120) for t in said[-3:]) or "(no message yet)"
    return Packet(
        reason=reason.value,
        reason_text=REASONS.get(reason, reason.value),
        intent=(f"[{topic}] " if topic else "") + _line(question or "(no question)"),
        summary=f"The customer wrote {len(said)} message(s): {summary}",
        topic=topic,
        customer=customer,
        attempts=attempts,
        transcript=[{"role": m.role.value, "text": _line(m.text, 500)} for m in messages][-MAX_TRANSCRIPT:],
        draft=draft,
        mention=mention,
        attachments=list(attachments or []),
    )


def _asked(messages: Sequence[Message], reason: HandoffReason) -> Message | None:
    """The customer message the handoff is about: their latest, but not a request for a person when
    they asked something before it ("agent please" is not the intent: what they asked before it is)."""
    said = [m for m in messages if m.role is Role.CUSTOMER and m.text]
    if not said:
        return None
    if reason is HandoffReason.CUSTOMER_REQUEST and len(said) > 1:
        return said[-2]
    return next((m for m in reversed(said) if "person" not in m.text.lower() or len(said) == 1), said[-1])


def _answer_to(messages: Sequence[Message], asked: Message | None, reason: HandoffReason) -> Message | None:
    """The bot's answer to the question the handoff is about, for the draft; None when there is none.

    Only an answer given after that question: an answer to an earlier, other question ("how do I
    download invoices?", then "why was I charged twice?", not covered) would be a wrong reply one
    click away. Never when the customer said the answers did not help: sending them again is no reply."""
    if asked is None or reason is HandoffReason.NOT_HELPFUL:
        return None
    after = messages[next(i for i, m in enumerate(messages) if m is asked) + 1:]
    return next((m for m in reversed(after) if m.role is Role.BOT and m.outcome == Outcome.ANSWER), None)
