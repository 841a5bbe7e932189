"""A first name and a surname after a lower-case "the" inside a sentence name a thing (policies/things.py); at a
sentence's start or before a work's word they stay someone's."""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    "text",
    [
        "Is the Marshall Brennick waterproof?",
        "Does the Ninja Quellmore work with oat milk?",
        "Can I book the Sydney Harbour Quellway tour online?",
    ],
)
def test_a_name_after_the_inside_a_sentence_is_a_thing(redactor: SpacyRedactor, text: str) -> None:
    assert redactor.redact_sync(text).redacted == text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("The Oria Vesketh version recorded for the label sold a million copies.", "Oria Vesketh"),
        ("the oria vesketh version recorded for the label sold a million copies.", "oria vesketh"),
        ("Unlike the Oria Vesketh novel, it is not about the sea.", "Oria Vesketh"),
        ("My name is Marshall Brennick and the app logs me out", "Marshall Brennick"),
    ],
)
def test_a_name_at_a_sentence_start_or_before_a_work_stays_someones(redactor: SpacyRedactor, text: str, name: str) -> None:
    assert name not in redactor.redact_sync(text).redacted
