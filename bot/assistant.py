"""The front door of the core: one question in, an answer or a handoff out, audited."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import time
from dataclasses import dataclass, field, replace
from typing import Any

from bot.errors import InputError
from bot.language import guess_language
from bot.pipeline import Citation, HandoffReason, Identity, Outcome, Pipeline, Turn
from bot.settings import Settings
from bot.storage import AuditLog

HANDOFF_NOTICE = {
    HandoffReason.CUSTOMER_REQUEST: "Sure, I'm passing you to a person from our support team. They will reply here.",
    HandoffReason.NO_ANSWER: "I couldn't find this in our help center, so I'm passing your question to a person from our support team.",
    HandoffReason.LOW_CONFIDENCE: "I'm not sure enough to answer this, so I'm passing it to a person from our support team.",
    HandoffReason.POLICY: "A person from our support team handles this kind of request. I've passed it on.",
    HandoffReason.MODEL_FAILURE: "Sorry, something went wrong on our side. I've passed your question to a person from our support team.",
    HandoffReason.ERROR: "Sorry, something went wrong on our side. I've passed your question to a person from our support team.",
}
# the same notices in the customer's language (bot/language.py guesses it from the question)
TRANSLATED_NOTICES: dict[str, dict[HandoffReason, str]] = {
    "de": {
        HandoffReason.CUSTOMER_REQUEST: "Gern, ich verbinde Sie mit einer Person aus unserem Support-Team. Sie antwortet Ihnen hier.",
        HandoffReason.NO_ANSWER: "Das habe ich in unserem Hilfe-Center nicht gefunden, darum gebe ich Ihre Frage an eine Person aus unserem Support-Team weiter.",
        HandoffReason.LOW_CONFIDENCE: "Ich bin mir nicht sicher genug, darum gebe ich Ihre Frage an eine Person aus unserem Support-Team weiter.",
        HandoffReason.POLICY: "Solche Anliegen bearbeitet eine Person aus unserem Support-Team. Ich habe es weitergegeben.",
        HandoffReason.MODEL_FAILURE: "Entschuldigung, bei uns ist etwas schiefgegangen. Ich habe Ihre Frage an eine Person aus unserem Support-Team weitergegeben.",
        HandoffReason.ERROR: "Entschuldigung, bei uns ist etwas schiefgegangen. Ich habe Ihre Frage an eine Person aus unserem Support-Team weitergegeben.",
    },
    "fr": {
        HandoffReason.CUSTOMER_REQUEST: "Bien sûr, je vous mets en relation avec une personne de notre équipe support. Elle vous répondra ici.",
        HandoffReason.NO_ANSWER: "Je n'ai pas trouvé cela dans notre centre d'aide, je transmets donc votre question à une personne de notre équipe support.",
        HandoffReason.LOW_CONFIDENCE: "Je ne suis pas assez sûr de ma réponse, je transmets donc votre question à une personne de notre équipe support.",
        HandoffReason.POLICY: "Une personne de notre équipe support traite ce type de demande. Je la lui ai transmise.",
        HandoffReason.MODEL_FAILURE: "Désolé, un problème est survenu de notre côté. J'ai transmis votre question à une personne de notre équipe support.",
        HandoffReason.ERROR: "Désolé, un problème est survenu de notre côté. J'ai transmis votre question à une personne de notre équipe support.",
    },
    "es": {
        HandoffReason.CUSTOMER_REQUEST: "Claro, te paso con una persona de nuestro equipo de soporte. Te responderá aquí.",
        HandoffReason.NO_ANSWER: "No encontré esto en nuestro centro de ayuda, así que paso tu pregunta a una persona de nuestro equipo de soporte.",
        HandoffReason.LOW_CONFIDENCE: "No estoy lo bastante seguro para responder, así que paso tu pregunta a una persona de nuestro equipo de soporte.",
        HandoffReason.POLICY: "Una persona de nuestro equipo de soporte se encarga de este tipo de solicitudes. Ya se la he pasado.",
        HandoffReason.MODEL_FAILURE: "Lo sentimos, algo falló de nuestro lado. He pasado tu pregunta a una persona de nuestro equipo de soporte.",
        HandoffReason.ERROR: "Lo sentimos, algo falló de nuestro lado. He pasado tu pregunta a una persona de nuestro equipo de soporte.",
    },
    "it": {
        HandoffReason.CUSTOMER_REQUEST: "Certo, ti metto in contatto con una persona del nostro team di supporto. Ti risponderà qui.",
        HandoffReason.NO_ANSWER: "Non ho trovato questa informazione nel nostro centro assistenza, quindi passo la tua domanda a una persona del nostro team di supporto.",
        HandoffReason.LOW_CONFIDENCE: "Non sono abbastanza sicuro per rispondere, quindi passo la tua domanda a una persona del nostro team di supporto.",
        HandoffReason.POLICY: "Questo tipo di richieste è gestito da una persona del nostro team di supporto. L'ho inoltrata.",
        HandoffReason.MODEL_FAILURE: "Ci scusiamo, qualcosa è andato storto da parte nostra. Ho passato la tua domanda a una persona del nostro team di supporto.",
        HandoffReason.ERROR: "Ci scusiamo, qualcosa è andato storto da parte nostra. Ho passato la tua domanda a una persona del nostro team di supporto.",
    },
    "pt": {
        HandoffReason.CUSTOMER_REQUEST: "Claro, vou passar você para uma pessoa da nossa equipe de suporte. Ela vai responder aqui.",
        HandoffReason.NO_ANSWER: "Não encontrei isso na nossa central de ajuda, então estou passando sua pergunta para uma pessoa da nossa equipe de suporte.",
        HandoffReason.LOW_CONFIDENCE: "Não tenho certeza suficiente para responder, então estou passando sua pergunta para uma pessoa da nossa equipe de suporte.",
        HandoffReason.POLICY: "Uma pessoa da nossa equipe de suporte cuida desse tipo de pedido. Já encaminhei.",
        HandoffReason.MODEL_FAILURE: "Desculpe, algo deu errado do nosso lado. Passei sua pergunta para uma pessoa da nossa equipe de suporte.",
        HandoffReason.ERROR: "Desculpe, algo deu errado do nosso lado. Passei sua pergunta para uma pessoa da nossa equipe de suporte.",
    },
}


def handoff_notice(reason: HandoffReason, *, question: str) -> str:
    """The handoff notice in the language the customer wrote in (English when unsure)."""
    return TRANSLATED_NOTICES.get(guess_language(question), HANDOFF_NOTICE)[reason]


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
    # audit events not yet written (ask(record=False): the caller writes them with its own transaction)
    events: tuple[tuple[str, dict[str, Any]], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "outcome": self.outcome.value,
            "answer": self.answer,
            "confidence": round(self.confidence, 4),
            "citations": [c.to_json() for c in self.citations],
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
        record: bool = True,
    ) -> AskResult:
        """`redacted`: the text is already redacted (entity counts by kind), as stored conversations are."""
        started = time.perf_counter()
        question = self.validate(text, tenant=identity.tenant)
        turn = Turn(identity=identity, text=question, conversation_id=conversation_id)
        if vault is not None:
            turn.notes["vault"] = vault
        if redacted is not None:
            turn.redacted, turn.entity_counts = question, dict(redacted)
        if on_token is not None:  # streaming from a model tier to the channel
            turn.notes["on_token"] = on_token
        if history:
            turn.notes["history"] = history
        await self._pipeline.run(turn)
        latency = (time.perf_counter() - started) * 1000
        result = self._result(turn, latency)
        if not record:
            return replace(result, events=tuple(self._events(turn, result)))
        if self._audit is not None:
            await asyncio.to_thread(self._record, turn, result)
        return result

    def _result(self, turn: Turn, latency: float) -> AskResult:
        if turn.outcome is Outcome.ANSWER and turn.answer is not None:
            text, citations = turn.answer.text, turn.answer.citations
        else:
            reason = turn.handoff_reason or HandoffReason.NO_ANSWER
            text, citations = handoff_notice(reason, question=turn.text), ()
        details = {k: v for k, v in turn.notes.items() if k not in ("vault", "on_token", "history")}
        details["retrieved"] = [p.source for p in turn.passages]
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
        events.append(("outcome", {
            "outcome": result.outcome.value,
            "route": result.route,
            "handoff_reason": result.handoff_reason.value if result.handoff_reason else None,
            "confidence": round(result.confidence, 4),
            "latency_ms": round(result.latency_ms, 2),
            "user": pseudonym(self._pseudonym_key, tenant=turn.identity.tenant, user=turn.identity.user),
            "passages": [{"source": p.source, "score": round(p.score, 4)} for p in turn.passages[:3]],
            "evidence": turn.notes.get("evidence"),
            "routing": turn.notes.get("routing"),
            "cost_usd": turn.notes.get("cost_usd", 0.0),
            "model_failures": turn.notes.get("model_failures"),
        }))
        return events
