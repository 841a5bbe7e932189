"""A message's work done once on its way through the pipeline (issue #17: a serve process's CPU a message): the
name rules that decide whether spaCy reads it, and the person-request pattern (thinc's look for its backend:
tests/policies/test_spacy_pipeline.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.app.composition import Services
from bot.engine.pipeline import Identity
from policies import intent, redaction

DEFAULT = Identity(tenant="default", user="visitor", channel="test")


async def test_a_question_without_a_name_is_read_by_the_name_rules_once(core: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    """Redaction's search for people asks `may_hold_a_name`; the confidence gate's look for other companies' names
    (`named_things`) took the same answer from it instead of asking again, for a message that could hold no name too."""
    question = "how do i reset my password if i forgot it"
    read: list[str] = []
    real = redaction.may_hold_a_name
    monkeypatch.setattr(redaction, "may_hold_a_name", lambda text: read.append(text) or real(text))
    result = await core.assistant.ask(question, identity=DEFAULT)
    assert result.outcome.value == "answer", result.details  # the gate ran, and asked for other companies' names
    assert read.count(question) == 1


class _Counting:
    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.searched: list[str] = []

    def search(self, text: str, *args: Any) -> re.Match[str] | None:
        self.searched.append(text)
        return self.pattern.search(text, *args)


async def test_the_person_request_pattern_reads_a_message_once(core: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    """The person-request stage and the confidence gate (`names_a_person`) both ask whether the message asks for a
    person in so many words: one search of the pattern answers both."""
    counting = _Counting(intent._ASKS_TO_REACH)
    monkeypatch.setattr(intent, "_ASKS_TO_REACH", counting)
    getattr(intent.asks_to_reach_a_person, "cache_clear", lambda: None)()  # a text asked before would not be searched
    result = await core.assistant.ask("how much does the team plan cost per month", identity=DEFAULT)
    assert result.outcome.value == "answer", result.details
    assert len(counting.searched) == 1
    # and the answers are the pattern's: the same text asked again, and another one
    assert intent.asks_to_reach_a_person("can I talk to someone?") and not intent.asks_to_reach_a_person("how much does the team plan cost per month")
