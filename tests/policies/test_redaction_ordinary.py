"""Ordinary support questions stay as the customer wrote them; personal data next to the same words is still redacted.

Each case is a message a customer could send, written for these tests (none from the benchmark's ordinary sets,
the shared PII file or the Faker seeds); the names are invented or common first names and surnames.
"""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    "text",
    [
        "How do I move row 500 to another board?",
        "Please close 2 of my tickets",
        # a room, a floor or a suite number alone is no address
        "How many people can join Room 12 at once?",
        "Floor 3 is not loading on the office map",
        "Can I book Suite 4 for the training day?",
        "Hi,\nRoom 12 projector is broken again\nThanks",
        # a restaurant named after its owner
        "is mr joes pizza open for delivery tonight",
        "Does Rosa's Cantina take the gift card?",
        # a lower-case name after "at": a place, not a person
        "can i get a table for four at tova lindqvist at eight",
        # a product with its version after "on" or "for"
        "Does Ruby on Rails 7 work with the webhook library?",
        # "here" after ordinary words, or as a question; a relation then a verb; an initial after a word
        "Support here, we fixed the sync",
        "Is Zapier here?",
        "Anyone here? The board is empty",
        "my friend said it works on the desktop app",
        "my boss will approve the upgrade",
        "i chose plan b. then the import failed",
    ],
)
def test_ordinary_questions_are_unchanged(redactor: SpacyRedactor, text: str) -> None:
    result = redactor.redact_sync(text)
    assert result.redacted == text, result.entities


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("my name is Ana Pérez", ["Ana", "Pérez"]),
        # a unit next to a street, below a street line, or on a line of its own in an address block
        ("Please ship it to 14 Harbor Lane, Apt 6, Dunmore", ["14 Harbor Lane", "Apt 6"]),
        ("Dana Kowalczyk\n14 Harbor Lane\nApt 6\nDunmore 40213", ["Kowalczyk", "Harbor", "Apt 6", "40213"]),
        ("billing address:\n    8 12 vesk foreshore suite 31\n   quillby\n", ["suite 31"]),
        # a person with a title, not followed by what a shop is called
        ("I need the invoices from Mr. Dornacre", ["Dornacre"]),
        ("Tova Lindqvist grill order is missing", ["Tova", "Lindqvist"]),
        # a person after "to", whatever follows
        ("I sent it to Ruby on Monday 3 times", ["Ruby"]),
        ("please forward it to tova lindqvist today", ["tova", "lindqvist"]),
        # "at" after what is said to someone: a person, not a place
        ("my manager yelled at tova lindqvist about the refund", ["tova", "lindqvist"]),
    ],
)
def test_personal_data_next_to_the_same_words_is_still_redacted(redactor: SpacyRedactor, text: str, values: list[str]) -> None:
    result = redactor.redact_sync(text)
    for value in values:
        assert value not in result.redacted, result.redacted
