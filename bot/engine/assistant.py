"""The front door of the core: one question in, an answer or a handoff out, audited."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from bot.core import texts
from bot.core.config import Settings
from bot.core.errors import InputError
from bot.core.language import ENGLISH, telling_language
from bot.core.passages import Passage
from bot.core.tables import AuditLog
from bot.engine.message_stages import PLEASANTRY
from bot.engine.pipeline import (
    Citation,
    HandoffReason,
    Identity,
    Option,
    Outcome,
    Pipeline,
    Turn,
)
from policies.follow_ups import about, correction, follow_up, with_context


def handoff_notice(reason: HandoffReason, *, question: str, default: str = ENGLISH) -> str:
    """The handoff notice in the language the customer wrote in (`default`, the tenant's, when unsure)."""
    return texts.text(f"handoff_{reason.value}", telling_language(question) or default)


SUGGESTED = 3  # articles listed under a low_confidence notice
# the operator's own questions (`ask`, `eval`, an FAQ proposal's check: bot/app/cli/common.py `identity_of`) are audited
# under their own kind: the dashboard, the quality page and the rollout window count "outcome" as customers' traffic
# (an `eval` of 300 cases was 300 customer messages on /admin), and the audit trail keeps them all the same
OPERATOR_CHANNEL = "cli"
OPERATOR_OUTCOME = "operator_outcome"


def suggestions(passages: Sequence[Passage]) -> list[Passage]:
    """The articles that came closest to a question the bot was not sure enough to answer, for the customer
    to try while a person takes over: the first `SUGGESTED` different ones (by source, title and link). On the
    three evaluation knowledge bases' TUNE split (where three was chosen: the first alone 38), one of three
    held the answer for 55 of the 63 answerable questions handed over as low_confidence; on the REPORT split
    62 of 74, kb4 51 of 55, kb5 24 of 28. Off-topic questions handed over so get articles too (TUNE 9 of the
    72 such handoffs): a list the customer can ignore (bench/bench_answers.py records, 2026-12-06, with the
    unsure pair of policies/confidence.py in place; counted on the first three documents retrieved, before
    a second FAQ row of the same page gives way to the next page)."""
    seen: set[str] = set()
    out: list[Passage] = []
    for p in passages:
        title = p.chunk.heading_text.strip()
        # an FAQ row links to its article: the same page, listed once
        keys = {p.source, title.casefold(), *((p.chunk.url,) if p.chunk.url else ())}
        if not title or keys & seen:
            continue
        seen.update(keys)
        out.append(p)
        if len(out) == SUGGESTED:
            break
    return out


def suggestion_lines(passages: Sequence[Passage], *, lang: str) -> str:
    """"While you wait, these articles might help:" and one "• <title> (<url>)" line each."""
    lead = texts.text("handoff_suggestion" if len(passages) == 1 else "handoff_suggestions", lang)
    return "\n".join([lead, *(f"• {p.chunk.heading_text.strip()}" + (f" ({p.chunk.url})" if p.chunk.url else "") for p in passages)])


@dataclass(frozen=True, slots=True)
class AskResult:
    question: str
    outcome: Outcome
    answer: str
    confidence: float
    citations: tuple[Citation, ...]
    route: str
    handoff_reason: HandoffReason | None
    latency_ms: float
    timings_ms: dict[str, float] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    options: tuple[Option, ...] = ()  # outcome `clarify`: the articles the customer chooses from
    # audit events not yet written (ask(record=False): the caller writes them with its own transaction)
    events: tuple[tuple[str, dict[str, Any]], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "outcome": self.outcome.value,
            "answer": self.answer,
            "confidence": round(self.confidence, 4),
            "citations": [c.to_json() for c in self.citations],
            "options": [o.to_json() for o in self.options],
            "route": self.route,
            "handoff_reason": self.handoff_reason.value if self.handoff_reason else None,
            "latency_ms": round(self.latency_ms, 2),
        }


def audit_key(secret: bytes) -> bytes:
    """The key of the audit trail's user pseudonyms, derived from the one secret (as the vault's keys are)."""
    return hashlib.sha256(b"audit-pseudonym:" + secret).digest()


PSEUDONYM_RE = re.compile(r"user-[0-9a-f]{20}")


def pseudonym(key: bytes, *, tenant: str, user: str | None) -> str | None:
    """What the audit trail says for a user: a keyed hash, the same for each of their events (so
    one user's events can be followed), not their id, which may be an e-mail address (a JWT `sub`)."""
    if user is None:
        return None
    return "user-" + hmac.new(key, f"{tenant}\x00{user}".encode(), hashlib.sha256).hexdigest()[:20]


class Assistant:
    def __init__(self, *, settings: Settings, pipeline: Pipeline, pseudonym_key: bytes, audit: AuditLog | None = None) -> None:
        self._settings = settings
        self._pipeline = pipeline
        self._audit = audit
        self._pseudonym_key = pseudonym_key

    def validate(self, text: str | None, *, tenant: str) -> str:
        self._settings.tenant(tenant)  # unknown tenant: ConfigError with the known names
        question = (text or "").strip()
        if not question:
            raise InputError("the question is empty: type a question")
        limit = self._settings.max_question_chars
        if len(question) > limit:
            raise InputError(f"the question is {len(question)} characters long; the limit is {limit} characters")
        return question

    async def ask(
        self, text: str | None, *, identity: Identity, conversation_id: str | None = None, vault: Any = None,
        redacted: dict[str, int] | None = None, on_token: Any = None, history: list[dict[str, str]] | None = None,
        record: bool = True, original: str | None = None, chosen_source: str | None = None, previous: str | None = None,
    ) -> AskResult:
        """`redacted`: the text is already redacted (entity counts by kind), as stored conversations are.
        `original`: with `redacted`, the message as typed, still in this process's memory: the search
        embeds it (as `ask` does), everything else sees the redacted text, and so does the result.
        `chosen_source`: the customer chose this article among the options a clarification offered.
        `previous`: the conversation's previous question (redacted, as stored), which a follow-up ("and as
        PDF?", policies/follow_ups.py) is searched with when searched alone it found nothing to answer."""
        started = time.perf_counter()
        question = self.validate(text, tenant=identity.tenant)
        typed = original.strip() if redacted is not None and original and original.strip() else None
        turn = Turn(identity=identity, text=typed or question, conversation_id=conversation_id, chosen_source=chosen_source)
        if vault is not None:
            turn.notes["vault"] = vault
        if redacted is not None:
            turn.redacted, turn.entity_counts = question, dict(redacted)
        if on_token is not None:  # streaming from a model tier to the channel
            turn.notes["on_token"] = on_token
        if history:
            turn.notes["history"] = history
        await self._pipeline.run(turn)
        followed = await self._as_follow_up(turn, previous) if previous and chosen_source is None else None
        if followed is not None:
            turn = followed
        latency = (time.perf_counter() - started) * 1000
        result = self._result(turn, latency)
        if typed is not None or followed is not None:  # the result is stored, logged and shown to staff: the redacted question
            result = replace(result, question=question)
        if not record:
            return replace(result, events=tuple(self._events(turn, result)))
        if self._audit is not None:
            await asyncio.to_thread(self._record, turn, result)
        return result

    async def _as_follow_up(self, turn: Turn, previous: str) -> Turn | None:
        """The turn searched again with the previous question before it, when this one reads as its follow-up
        and alone found nothing to answer; None when that finds nothing either (the first turn stands). Measured
        with bench/bench_follow_ups.py."""
        alone = turn.redacted or turn.text
        unanswered = turn.outcome is Outcome.HANDOFF and turn.handoff_reason in (HandoffReason.NO_ANSWER, HandoffReason.LOW_CONFIDENCE)
        # "no, I meant the whole workspace": what it finds alone is what the customer just said was not meant
        corrected = turn.outcome in (Outcome.ANSWER, Outcome.CLARIFY) and turn.route != PLEASANTRY and correction(alone)
        if not (unanswered or corrected) or not follow_up(alone):
            return None
        again = Turn(identity=turn.identity, text=with_context(previous, turn.text), conversation_id=turn.conversation_id)
        again.redacted, again.entity_counts = with_context(previous, alone), dict(turn.entity_counts)
        again.notes.update({k: v for k, v in turn.notes.items() if k in ("vault", "on_token", "history")})
        await self._pipeline.run(again)
        if again.outcome not in (Outcome.ANSWER, Outcome.CLARIFY) or not again.passages:
            return None
        # what the follow-up asks about is in the passage found, or, when every word of the two questions is the
        # knowledge base's own, in the passages found together (another section of the article: "and with a link?")
        top = again.passages[0]
        found = about(alone, f"{top.chunk.heading_text}\n{top.chunk.text}") or (
            not again.notes.get("unknown_terms") and about(alone, "\n".join(f"{p.chunk.heading_text}\n{p.chunk.text}" for p in again.passages)))
        if not found:
            return None
        # what the customer wrote is this message; what answers it was found with the question before
        again.text, again.redacted = turn.text, turn.redacted
        again.notes["follow_up"] = True
        again.timings_ms = {k: turn.timings_ms.get(k, 0.0) + again.timings_ms.get(k, 0.0) for k in {*turn.timings_ms, *again.timings_ms}}
        return again

    def _result(self, turn: Turn, latency: float) -> AskResult:
        default = self._settings.tenant(turn.identity.tenant).language
        if turn.outcome is Outcome.ANSWER and turn.answer is not None:
            text, citations = turn.answer.text, turn.answer.citations
        elif turn.outcome is Outcome.CLARIFY:
            text, citations = texts.text("clarify", telling_language(turn.text) or default), ()
        else:
            reason = turn.handoff_reason or HandoffReason.NO_ANSWER
            text, citations = handoff_notice(reason, question=turn.text, default=default), ()
        details = {k: v for k, v in turn.notes.items() if k not in ("vault", "on_token", "history")}
        if turn.outcome is Outcome.HANDOFF and turn.handoff_reason is HandoffReason.LOW_CONFIDENCE and (offered := suggestions(turn.passages)):
            text += "\n\n" + suggestion_lines(offered, lang=telling_language(turn.text) or default)
            details["suggested"] = [p.source for p in offered]
        details["retrieved"] = [p.source for p in turn.passages]
        # what grading reads (bot/engine/grading.py): the retrieved passages' text by source, never stored as such
        details["passage_texts"] = {}
        for p in turn.passages:
            details["passage_texts"][p.source] = f"{details['passage_texts'].get(p.source, '')}\n{p.chunk.heading_text}\n{p.chunk.text}".strip()
        return AskResult(
            question=turn.text,
            outcome=turn.outcome or Outcome.HANDOFF,
            answer=text,
            confidence=turn.confidence,
            citations=tuple(citations),
            route=turn.route,
            handoff_reason=turn.handoff_reason,
            latency_ms=latency,
            timings_ms=dict(turn.timings_ms),
            details=details,
            options=turn.options,
        )

    def _record(self, turn: Turn, result: AskResult) -> None:
        assert self._audit is not None
        self._audit.record_many(self._events(turn, result), tenant=turn.identity.tenant, conversation_id=turn.conversation_id)

    def _events(self, turn: Turn, result: AskResult) -> list[tuple[str, dict[str, Any]]]:
        events: list[tuple[str, dict[str, Any]]] = [("received", {"channel": turn.identity.channel, "chars": len(turn.text)})]
        if turn.entity_counts:
            events.append(("redacted", {"counts": turn.entity_counts}))
        if "hidden_access_keys" in turn.notes:
            events.append(("access_filtered", {"hidden": turn.notes["hidden_access_keys"]}))
        events.append((OPERATOR_OUTCOME if turn.identity.channel == OPERATOR_CHANNEL else "outcome", {
            "outcome": result.outcome.value,
            "route": result.route,
            "handoff_reason": result.handoff_reason.value if result.handoff_reason else None,
            "confidence": round(result.confidence, 4),
            "options": [o.source for o in result.options],
            "latency_ms": round(result.latency_ms, 2),
            "user": pseudonym(self._pseudonym_key, tenant=turn.identity.tenant, user=turn.identity.user),
            # with titles: a handoff's card shows staff what the bot found (handoff/service.py `_what_staff_need`)
            "passages": [{"source": p.source, "title": p.chunk.title[:200], "score": round(p.score, 4)} for p in turn.passages[:3]],
            "evidence": turn.notes.get("evidence"),
            "routing": turn.notes.get("routing"),
            "cost_usd": turn.notes.get("cost_usd", 0.0),
            "model_failures": turn.notes.get("model_failures"),
            "follow_up": turn.notes.get("follow_up", False),  # searched with the question before it
        }))
        return events
