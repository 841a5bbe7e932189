"""Names that the words around them make a thing's, a day's or a venue's (policies/thing_frames.py), and how long a pass
lasts (policies/counted_places.py): a customer's ordinary question comes through as written; people in the same shapes
are still redacted."""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    "text",
    [
        # an assistant's or a device's appositive
        "Can Rosalind, the bank's chat assistant, freeze my card?",
        "Can Tobias the assistant change my payment date?",
        "Does Magnus the parking assistant work in a multi-storey car park?",
        "Can Winnie, your returns assistant, print a label?",
        "Can Bartholomew the banking assistant show my card PIN?",
        "Is Cordelia the chat assistant in the mobile app?",
        # a holiday
        "What time does the Covent Garden store close on Christmas Eve?",
        "Is the artificial Christmas tree delivered with a stand?",
        # a show's, a game's or a book's title
        "Is Ted Lasso season 3 available in 4K?",
        "Can I download Percy Jackson episodes for offline viewing?",
        "My copy of Elden Ring won't launch after the patch",
        # a venue named after someone
        "Does the Royal Albert Hall box office accept returns?",
        "Is Paris Charles de Gaulle Terminal 2E close to the train station?",
        # a wake word turned off
        "How do I turn off Hey Google on my Nest Hub?",
        # a maker's goods: the maker's name between an article and the goods
        "Is the Laura Ashley wallpaper pre-pasted?",
        "Is my Jonathan Adler vase dishwasher safe?",
        # how long a pass lasts, not a street
        "can i get a refund on a 14 day pass after 9 days",
    ],
)
def test_no_one_is_named(redactor: SpacyRedactor, text: str) -> None:
    result = redactor.redact_sync(text)
    assert result.redacted == text, result.redacted


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # a person's assistant, an assistant's job, one's own papers, someone's surname, a street
        ("Send the contract to my assistant, Wambeka.", "Wambeka"),
        ("Rosalind, our office assistant, will call you back", "Rosalind"),
        ("Please ask Tobias the assistant manager to ring me", "Tobias"),
        ("Winnie the app developer on our team can't log in", "Winnie"),
        ("Please send a copy of Oriane Quillac passport", "Quillac"),
        ("My colleague Anne Christmas can't log in", "Christmas"),
        ("I spoke to Jisoo Park at the front desk", "Jisoo"),
        ("Hey Tobias, the order is late", "Tobias"),
        ("I live at 14 Day Pass, Leeds", "14 Day Pass"),
    ],
)
def test_people_and_streets_in_the_same_shapes_are_still_redacted(redactor: SpacyRedactor, text: str, value: str) -> None:
    result = redactor.redact_sync(text)
    assert value not in result.redacted, result.redacted
