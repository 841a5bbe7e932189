"""The stages that read what the message itself asks for, before any search: a pleasantry said back, a
request for a person, a topic a tenant keeps for people (`build_pipeline` puts them after redaction and
the embedding; the search's stages are in bot/engine/stages.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import numpy as np

from bot.core import texts
from bot.core.config import Settings
from bot.engine.pipeline import Answer, HandoffReason, Outcome, Turn
from policies.intent import (
    HumanRequest,
    HumanRequestDetector,
    asks_for_a_person_in_another_language,
    asks_to_reach_a_person,
    declines_a_person,
    request_clauses,
    respelled,
)
from policies.pleasantries import pleasantry, unhelped
from policies.topics import TopicDetector


class PleasantryStage:
    """A message that is only a greeting, a thank-you, a goodbye, an "ok" or who the customer is
    (policies/pleasantries.py) is said back, in its language: no search, no person called for "thanks!". One that
    only says the answer did not help goes to a person as `not_helpful`."""

    name = "pleasantry"

    def __init__(self, *, language_of: Callable[[str], str] | None = None) -> None:
        # the tenant's own language (`language = "es"`), for a message with no word to tell one by ("?", "👍")
        self._language_of = language_of

    async def run(self, turn: Turn) -> None:
        if turn.chosen_source is not None:
            return
        said = turn.redacted or turn.text
        if unhelped(said):  # "that didn't help": a person, told why, not a search for those words
            turn.stop(Outcome.HANDOFF, reason=HandoffReason.NOT_HELPFUL)
            return
        if (found := pleasantry(said)) is None:
            return
        kind, lang = found
        if not lang:
            lang = self._language_of(turn.identity.tenant) if self._language_of is not None else "en"
        turn.answer = Answer(text=texts.text(f"pleasantry_{kind.value}", lang), citations=(), route=PLEASANTRY)
        turn.confidence = 1.0
        turn.stop(Outcome.ANSWER)
        turn.route = PLEASANTRY


PLEASANTRY = "pleasantry"  # the route of such a reply: no model, no article


class HumanRequestStage:
    name = "intent"

    def __init__(self, *, detector: HumanRequestDetector, settings: Settings,
                 vector_of: Callable[[str], Awaitable[np.ndarray]] | None = None) -> None:
        self._detector = detector
        self._settings = settings
        self._vector_of = vector_of  # the clauses' vectors (policies/intent.py `request_clauses`)

    def warm_up(self) -> None:
        self._detector.warm_up()
        for name, tenant in self._settings.tenants.items():
            self._detector.add_tenant_examples(name, tenant.human_request_examples, ordinary=tenant.ordinary_examples)

    async def run(self, turn: Turn) -> None:
        assert turn.vector is not None
        thresholds = self._settings.tenant(turn.identity.tenant).thresholds

        def detect(vector: np.ndarray, text: str) -> HumanRequest:
            return self._detector.detect(vector, tenant=turn.identity.tenant, min_score=thresholds.human_request_min,
                                         min_margin=thresholds.human_request_margin, text=text)

        asked = turn.redacted or turn.text
        if declines_a_person(asked):  # "I do NOT want to talk to a human, just tell me ..."
            turn.notes["human_request"] = {"declined": True}
            return
        if asks_for_a_person_in_another_language(asked):  # the embedding model reads English only
            turn.notes["human_request"] = {"other_language": True}
            turn.stop(Outcome.HANDOFF, reason=HandoffReason.CUSTOMER_REQUEST)
            return
        if asks_to_reach_a_person(asked):  # "let me talk to someone", "can your team call me back"
            turn.notes["human_request"] = {"worded": True}
            turn.stop(Outcome.HANDOFF, reason=HandoffReason.CUSTOMER_REQUEST)
            return
        # a misspelled person word ("contact somneone") read as meant: the detector reads the respelled words' vector
        fixed = respelled(asked)
        found = detect(await self._vector_of(fixed) if fixed != asked and self._vector_of is not None else turn.vector, fixed)
        turn.notes["human_request"] = {"score": round(found.score, 4), "margin": round(found.margin, 4)}
        if not found.is_request and self._vector_of is not None and (clauses := request_clauses(turn.text)):
            for clause, vector in zip(clauses, await asyncio.gather(*(self._vector_of(clause) for clause in clauses)), strict=True):
                if (in_clause := detect(vector, clause)).is_request:
                    found = in_clause
                    turn.notes["human_request"] = {"score": round(found.score, 4), "margin": round(found.margin, 4), "clause": True}
                    break
        if found.is_request:
            turn.stop(Outcome.HANDOFF, reason=HandoffReason.CUSTOMER_REQUEST)


class HumanOnlyStage:
    """After the person-request check: topics a tenant reserves for people are never answered."""

    name = "topic"

    def __init__(self, *, detector: TopicDetector) -> None:
        self._detector = detector

    def warm_up(self) -> None:
        self._detector.warm_up()

    async def run(self, turn: Turn) -> None:
        assert turn.vector is not None
        topic, score = self._detector.detect(turn.vector, tenant=turn.identity.tenant)
        if topic is None:
            return
        turn.notes["topic"] = topic.name
        turn.notes["topic_score"] = round(score, 4)
        if topic.for_people(turn.redacted or turn.text):
            turn.stop(Outcome.HANDOFF, reason=HandoffReason.POLICY)
