"""Numbered parts of an app or a venue and storage services are no streets (policies/counted_places.py), and the
names of products offered in a plan or a language are no people (policies/offer_shapes.py); personal data of a nearby
shape is still redacted."""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    "text",
    [
        # a seat, a gate or a desk and its number before a street word and another number
        "Seat 7 Row 21 has no power socket, can I get a refund?",
        "Gate 5 Lane 2 at the car park is closed again.",
        # an English street word in lower case between a capitalised word and a number
        "Drag row 9 below row 2 on the board.",
        "Pin lane 4 to the top of the kanban view.",
        # a street word with no number after what is saved or backed up to it
        "How do I back up my photos to Acme Drive?",
        "Can I save invoices to Quillbox Drive automatically?",
        # a product offered in a plan or a language
        "Is Cuthbert available in the Pro plan?",
        "Is Harvey available in the Starter tier?",
        "Is Percival offered with every Business subscription?",
        "Is Winifred available in Portuguese?",
        "Is Florence available in Japanese?",
        # a product that opens or imports a file format
        "Can Bertram open PSD files from my tablet?",
        "Why won't Cuthbert import a 20 MB XLSX?",
    ],
)
def test_an_ordinary_question_comes_back_unchanged(redactor: SpacyRedactor, text: str) -> None:
    assert redactor.redact_sync(text).redacted == text


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("Please deliver to 14 Church Lane, Leeds LS2 7AB.", "14 Church Lane", "STREET_ADDRESS"),
        ("My address is Kossuth utca 12, Budapest.", "Kossuth utca 12", "STREET_ADDRESS"),
        ("I moved to 9 Harbour Drive last week.", "9 Harbour Drive", "STREET_ADDRESS"),
        ("I live on Mulberry Drive, can the courier come after six?", "Mulberry Drive", "STREET_ADDRESS"),
        ("My name is Ottoline Vesketh, is the Team plan available?", "Ottoline Vesketh", "PERSON"),
        ("Is Oria Vesketh available on Monday morning?", "Oria Vesketh", "PERSON"),
        ("Can Bertram Vesketh send me the PDF again?", "Bertram Vesketh", "PERSON"),
        ("Could Oria open the box when it arrives?", "Oria", "PERSON"),
    ],
)
def test_personal_data_of_a_nearby_shape_is_still_redacted(redactor: SpacyRedactor, text: str, value: str, kind: str) -> None:
    result = redactor.redact_sync(text)
    start = text.index(value)
    assert any(e.kind == kind and e.start <= start and start + len(value) <= e.end for e in result.entities), result.redacted
    assert value not in result.redacted
