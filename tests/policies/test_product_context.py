"""Products, games' characters, shops and assistants are no people; people in the same places still are
(policies/product_context.py).

Each message is one a customer could send, written for these tests (not taken from the benchmark's blind or
development sets, the shared PII file or the Faker seeds); the products are invented, the names common first names.
"""

from __future__ import annotations

import pytest

from policies.pii_patterns import PERSON, STREET_ADDRESS
from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    "text",
    [
        # a word no one's name is written as, even after "says my"
        "The Quellor app says my Ferris QTX battery is at 0%",
        # a name inside a longer one the model found that goes on to a number and an edition
        "How do I get Sonia Drift 8 Deluxe on a second console?",
        # where one pays or shops
        "Can I pay with my Curve card at Rupert Vance?",
        # a character's possessive in a message about a game
        "Does Horace's shield carry over to New Game Plus?",
        "Can Ellis's grappling hook be upgraded in the DLC?",
        # configured to do something
        "How do I configure Martha to use Chrome Headless?",
        # an assistant asked to show the writer's own data
        "Ask Hazel to show my spending on groceries this month",
        # goods sold under a name
        "Can I return Gideon Marsh items to a store?",
        # the software a name is of, which then does something
        "Gideon Marsh app keeps freezing on login",
        "Rupert Vance portal won't accept my documents",
        # what the model calls an organisation, on which a device is
        "Our doorbell keeps dropping on Eero",
        # a question's opening word is no part of the name the model found after it
        "Can Kroo pay into a Vanguard ISA?",
        # a unit counted "of" something is no address
        "Unit 3 of the Quellor course is locked",
        "Lesson 4 of the Spanish Basics course won't load",
    ],
)
def test_products_characters_shops_and_assistants_are_kept(redactor: SpacyRedactor, text: str) -> None:
    result = redactor.redact_sync(text)
    assert result.redacted == text, result.redacted


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Oscar says my Revolut card never arrived", "Oscar"),
        ("Please ask Hazel to send me the invoice for March", "Hazel"),
        ("Martha's Xbox account got banned for no reason", "Martha"),
        ("My friend Ellis's save file was deleted in the game", "Ellis"),
        ("Gideon Marsh's app keeps freezing, he says", "Gideon Marsh"),
    ],
)
def test_people_in_the_same_places_are_still_found(redactor: SpacyRedactor, text: str, name: str) -> None:
    result = redactor.redact_sync(text)
    assert any(e.kind == PERSON and name in e.text for e in result.entities), result.redacted


def test_a_unit_with_a_street_is_still_an_address(redactor: SpacyRedactor) -> None:
    result = redactor.redact_sync("Please ship it to Unit 3, 14 Harbour Road, Leeds LS6 2DZ")
    assert any(e.kind == STREET_ADDRESS and "14 Harbour Road" in e.text for e in result.entities), result.redacted
