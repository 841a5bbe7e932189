"""What staff get with a handoff, so nobody asks the customer to repeat themselves.

Built from the stored (redacted) conversation and the bot's last attempt: intent in a line, a short
summary of what the customer said, what the bot answered with which sources and scores, why it
escalated, who the customer is as far as policy allows, the redacted transcript, and a draft reply.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
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
# a redacted value (<PERSON_1>, <EMAIL_2>): a customer who gave their name is not asking for a person
_PLACEHOLDER = re.compile(r"<[A-Z][A-Z_]*_\d+>")
_PERSON = re.compile(r"\bperson\b", re.IGNORECASE)
# a handoff notice behind which the bot had found articles: what it says comes from the handoff's recorded
# reason, the one the card's "Why" reads (REASONS), so the two never disagree ("the help center does not cover
# this" above "not sure enough" below, for one question, was a trial's finding); its outcome is that reason
UNSURE = "No answer: it was not sure enough to answer from the articles it found"
FOUND_TRIED: dict[str, str] = {  # by `HandoffReason`
    HandoffReason.LOW_CONFIDENCE: UNSURE,
    HandoffReason.NO_ANSWER: "No answer: the articles it found do not cover this",
}
NOTHING = "Nothing: the bot gave no answer and found no article for this."
NOTHING_TRIED: dict[str, str] = {  # by `HandoffReason` (a StrEnum: its members are their strings)
    HandoffReason.CUSTOMER_REQUEST: "Nothing: the customer asked for a person before the bot answered anything.",
    HandoffReason.POLICY: "Nothing: this topic goes to people without the bot answering.",
    HandoffReason.MODEL_FAILURE: "Nothing: the answer models failed before the bot could answer.",
    HandoffReason.ERROR: "Nothing: the bot hit an error before it could answer.",
}


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
    left_out: int = 0  # the conversation's earlier messages, before the transcript's first (it keeps the last MAX_TRANSCRIPT)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _line(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


SUMMARY_MESSAGES = 3  # the customer's latest messages quoted in a packet's summary


def build_packet(
    *, messages: Sequence[Message], reason: HandoffReason, topic: str | None, customer: dict[str, Any], draft_hint: str | None = None,
    mention: str | None = None, attachments: list[dict[str, Any]] | None = None, found: Sequence[dict[str, Any]] = (),
) -> Packet:
    """`messages`: the conversation's stored messages (redacted), oldest first. `found`: the passages
    (source, title, score) the bot found for the question it handed over, shown beside its notice."""
    said = [m.text for m in messages if m.role is Role.CUSTOMER and m.text]
    asked = _asked(messages, reason)
    question = asked.text if asked is not None else ""
    attempts = _attempts(messages, found, reason)
    answer = _answer_to(messages, asked, reason)
    draft = draft_hint or (
        f"Hi, thanks for waiting. {_line(answer.text, 300)}" if answer is not None else "Hi, thanks for waiting, I'm looking into this for you now."
    )
    shown = said[-SUMMARY_MESSAGES:]
    summary = " / ".join(_line(t, 120) for t in shown) or "(no message yet)"
    # "wrote 4 messages:" over three of them read as a message lost (qa11): say which are shown
    count = f"{len(said)} message{'' if len(said) == 1 else 's'}" + (f", the last {len(shown)}" if len(said) > len(shown) else "")
    return Packet(
        reason=reason.value,
        reason_text=REASONS.get(reason, reason.value),
        intent=(f"[{topic}] " if topic else "") + _line(question or "(no question)"),
        summary=f"The customer wrote {count}: {summary}",
        topic=topic,
        customer=customer,
        attempts=attempts,
        transcript=[{"role": m.role.value, "text": _line(m.text, 500)} for m in messages][-MAX_TRANSCRIPT:],
        draft=draft,
        mention=mention,
        attachments=list(attachments or []),
        left_out=max(0, len(messages) - MAX_TRANSCRIPT),
    )


def _attempts(messages: Sequence[Message], found: Sequence[dict[str, Any]], reason: HandoffReason) -> list[Attempt]:
    """The bot's last three real attempts: its answers and clarifying questions, and the articles it
    found before handing over, said as the reason that handoff recorded (`reason` for the last notice,
    the one this packet is for). Its handoff notice ("Sure, I'm passing you to a person") is no attempt:
    listed as one, a request for a person first thing read as a failed answer."""
    bot = [m for m in messages if m.role is Role.BOT]
    attempts: list[Attempt] = []
    for m in bot:
        sources = [{"title": c.title, "source": c.source, "score": c.score} for c in m.citations or ()]
        if m is bot[-1] and m.outcome == Outcome.HANDOFF and not sources:  # the passages behind the last notice
            sources = [{"title": f.get("title") or f.get("source"), "source": f.get("source"), "score": f.get("score")} for f in found]
        if m.outcome in (Outcome.ANSWER, Outcome.CLARIFY):
            attempts.append(Attempt(text=_line(m.text, 300), outcome=str(m.outcome), confidence=m.confidence, sources=sources))
        elif m.outcome == Outcome.HANDOFF and sources:
            why = reason if m is bot[-1] else m.handoff_reason or reason
            attempts.append(Attempt(text=found_tried(why), outcome=str(why), confidence=m.confidence, sources=sources))
    return distinct_attempts(attempts)[-3:]


def distinct_attempts(attempts: Sequence[Attempt]) -> list[Attempt]:
    """Each attempt once, at its latest place: the same answer given twice (the customer asked again) or the
    same articles found twice read as one thing tried, not two (a card listed it as often as it was said).
    Also for packets stored before this was done (the console shows them as stored)."""
    def key(a: Attempt) -> tuple[str, str | None, tuple[tuple[str, str], ...]]:
        return a.text, a.outcome, tuple((str(s.get("title")), str(s.get("source"))) for s in a.sources)

    latest = {key(a): n for n, a in enumerate(attempts)}
    return [a for n, a in enumerate(attempts) if latest[key(a)] == n]


def found_tried(reason: HandoffReason | str) -> str:
    """What a card says of the articles found behind a handoff notice, for the reason that handoff recorded."""
    if reason in FOUND_TRIED:
        return FOUND_TRIED[reason]
    return f"No answer ({REASONS[HandoffReason(reason)]}): these are the articles it found" if reason in REASONS else UNSURE


def stored_attempts(attempts: Sequence[dict[str, Any]], *, reason: str) -> list[Attempt]:
    """A stored packet's attempts. One stored before the articles found were said as the handoff's reason
    ("unsure" whatever it was) is said as the packet's reason when it is the last: it is the notice this
    handoff followed."""
    shown = [Attempt(**a) for a in attempts]
    if shown and shown[-1].outcome == "unsure" and reason in REASONS:
        shown[-1] = replace(shown[-1], text=found_tried(reason), outcome=reason)
    return shown


def nothing_tried(packet: Packet) -> str:
    """What a card says when the bot tried nothing (no answer, no question, no article found)."""
    return NOTHING_TRIED.get(packet.reason, NOTHING)


def _asked(messages: Sequence[Message], reason: HandoffReason) -> Message | None:
    """The customer message the handoff is about: their latest, but not a request for a person when
    they asked something before it ("agent please" is not the intent: what they asked before it is)."""
    said = [m for m in messages if m.role is Role.CUSTOMER and m.text]
    if not said:
        return None
    if reason is HandoffReason.CUSTOMER_REQUEST and len(said) > 1:
        return said[-2]
    return next((m for m in reversed(said) if not _PERSON.search(_PLACEHOLDER.sub("", m.text)) or len(said) == 1), said[-1])


def _answer_to(messages: Sequence[Message], asked: Message | None, reason: HandoffReason) -> Message | None:
    """The bot's answer to the question the handoff is about, for the draft; None when there is none.

    Only an answer given after that question: an answer to an earlier, other question ("how do I
    download invoices?", then "why was I charged twice?", not covered) would be a wrong reply one
    click away. Never when the customer said the answers did not help, nor when they asked for a person
    after getting it ("how do I export?" answered, then "I want to talk to a person"): sending again
    what they turned down is no reply."""
    if asked is None or reason in (HandoffReason.NOT_HELPFUL, HandoffReason.CUSTOMER_REQUEST):
        return None
    after = messages[next(i for i, m in enumerate(messages) if m is asked) + 1:]
    return next((m for m in reversed(after) if m.role is Role.BOT and m.outcome == Outcome.ANSWER), None)
