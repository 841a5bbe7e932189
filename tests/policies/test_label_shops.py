"""A label named after its founder, asked what only a shop does, is no one (policies/businesses.py); someone asked to
do something, or what a person has, stays someone's."""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    "text",
    [
        "Does Jenny Quellbrook ship dresses to Canada?",
        "Is Ted Quellbrook having a sale this weekend?",
        "Does Paul Quellbrook offer free alterations?",
        "Is Stella Quellbrook stocked in the Leeds branch?",
        "Does Dr. Quellbrook ship frozen pizza?",
    ],
)
def test_a_label_asked_what_a_shop_does_is_left_alone(redactor: SpacyRedactor, text: str) -> None:
    assert redactor.redact_sync(text).redacted == text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Please ask Jenny Quellbrook to ship it to me today.", "Jenny Quellbrook"),
        ("Does Jenny Quellbrook have access to billing?", "Jenny Quellbrook"),
        ("My name is Jenny Quellbrook. Does the shop ship to Canada?", "Jenny Quellbrook"),
    ],
)
def test_someone_asked_or_what_a_person_has_stays_someones(redactor: SpacyRedactor, text: str, name: str) -> None:
    assert name not in redactor.redact_sync(text).redacted
