"""Places and card brands are not people: a US state or a country after a city, a card network's name before a card
number. People named like them, where the words around say so, still are.

Each message is written for these tests; the cities, states and names are general knowledge or invented, none taken
from the shared PII file, the benchmark's ordinary messages or the Faker seeds.
"""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    "text",
    [
        # a state after a city and a comma: the state is a first name too
        "I'm flying to Savannah, Georgia next week, can I change my booking?",
        "Ship it to Austin, Texas please",
        "Can you deliver to Richmond, Virginia on Monday?",
        "book a rental car in Ghent, Belgium for Friday",
        # all in lower case, no comma (how people type into a chat box)
        "rent me a car from june 3 to 9th, houston texas",
        "i need a room for st charles missouri",
        "get me a hotel in san antonio texas",
    ],
)
def test_a_state_or_a_country_after_a_city_is_kept(redactor: SpacyRedactor, text: str) -> None:
    result = redactor.redact_sync(text)
    assert result.redacted == text, result.entities


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # a first name that is a state's, asked about: no city before it
        ("Please tell Georgia I said hi", "Georgia"),
        # a surname that is a country's after a first name, with no comma: a person
        ("I spoke to Kevin Jordan yesterday about the invoice", "Jordan"),
        # greeted before the "city": two people
        ("Thanks Savannah, Georgia and I will come by later", "Georgia"),
    ],
)
def test_people_named_like_places_are_still_redacted(redactor: SpacyRedactor, text: str, name: str) -> None:
    result = redactor.redact_sync(text)
    assert name not in result.redacted, result.redacted


@pytest.mark.parametrize(
    "text",
    [
        "card Visa 4539 1488 0343 6467 exp 09/28",
        "billing card Visa 4539 1488 0343 6467 please",
        "Refund to Visa 4539 1488 0343 6467 please",
    ],
)
def test_a_card_brand_before_a_card_number_is_no_name(redactor: SpacyRedactor, text: str) -> None:
    result = redactor.redact_sync(text)
    assert [e.kind for e in result.entities] == ["CREDIT_CARD"], result.entities
    assert "Visa" in result.redacted, result.redacted


def test_a_card_holder_after_the_card_is_still_redacted(redactor: SpacyRedactor) -> None:
    result = redactor.redact_sync("card Visa 4539 1488 0343 6467, holder Oria Vesketh")
    assert "Visa" in result.redacted and "Vesketh" not in result.redacted, result.redacted
