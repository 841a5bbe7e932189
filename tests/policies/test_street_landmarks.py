"""A street named with no house number as a landmark, a station or a business's site (policies/street_world.py,
policies/street_addresses.py): left as it is in an ordinary question, while a home's street and a delivery address
with its place after it are still redacted."""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    "text",
    [
        # "the ... Street" then a noun: the street names the landmark or the business there
        "How long is the queue at the Quillon Street returns desk?",
        "Can I pay by card at the Vesketh Road stall?",
        # where one goes: a station, a square
        "Can I move my pickup from Bramwen Cross to Vesketh Street?",
        "Which bus goes to Quillon Square from the airport?",
    ],
)
def test_a_street_named_as_a_landmark_is_kept(redactor: SpacyRedactor, text: str) -> None:
    result = redactor.redact_sync(text)
    assert result.redacted == text, result.redacted


@pytest.mark.parametrize(
    ("text", "street"),
    [
        ("I live on Vesketh Street, please send the engineer there", "Vesketh Street"),
        ("Please deliver to Quillon Road, Bramwen, flat 2", "Quillon Road"),
        ("The title refers to Oriavej street in Vesk. It was renamed", "Oriavej"),
    ],
)
def test_a_home_street_is_still_redacted(redactor: SpacyRedactor, text: str, street: str) -> None:
    result = redactor.redact_sync(text)
    assert street not in result.redacted, result.redacted
