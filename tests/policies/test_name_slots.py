"""Names written in lower case where a request leaves a slot for one (policies/name_slots.py), and the
ordinary requests of the same shape that must stay as they are.

The names are invented or common first names already used by the other tests of tests/policies; none is
taken from the shared PII file or from the generated sentences the rules were tuned on.
"""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # the new name asked for, a surname that is an English word too
        ("the name on my account is wrong, please change it to ingrid baker", "ingrid baker"),
        ("please change it to ruby de vesketh", "ruby de vesketh"),
        # where the customer thinks the booking is
        ("maybe it's under fatima vesketh", "fatima vesketh"),
        ("will my plan stay active? it's under my husband's name ruby baker", "ruby baker"),
        # a word a chat never uses before a surname no dictionary has
        ("maybe it's under quern vesketh", "quern vesketh"),
        # what a person is made on the account: the first name is an English word too
        ("i want to add ruby nowicki as a beneficiary", "ruby nowicki"),
        ("we need to add quillon vesketh as guardian", "quillon vesketh"),
        # a form's line
        ("name:    lo baker\nphone: none", "lo baker"),
        # someone greeted by a first name no English dictionary has
        ("hi ingrid, my card was charged twice", "ingrid"),
        # a name opening a sentence, its role between commas, then what was said
        ('bramwen dornacre, the graphic designer, said: "it is fine"', "bramwen dornacre"),
        # a title with its full stop before a name of the lists that is an English word too
        ("i'd like to join accounts with ms. baker", "baker"),
        # someone of the family, then "from"
        ("please remove my kid bramwen from the account", "bramwen"),
    ],
)
def test_a_lower_case_name_in_a_slot_is_redacted(redactor: SpacyRedactor, text: str, name: str) -> None:
    result = redactor.redact_sync(text)
    assert name not in result.redacted, result.redacted
    assert any(name in e.text for e in result.entities if e.kind == "PERSON"), result.entities


@pytest.mark.parametrize(
    "text",
    [
        "please change it to dark mode",
        "can you change it to weekly please",
        "change it to venmo",
        "change my name to something shorter",
        "maybe it's under review",
        "it's under my account",
        "is it under warranty",
        "it's under the name of my company",
        "add grace period as an option",
        "add my husband as an authorized user",
        "add bill pay as a feature",
        "hi team, my app crashes",
        "hi mate, where is my order",
        "hey there! quick question",
        "name: not sure",
        "shipping address: same as billing",
        "the team, the best in town, said hello",
        "is mr clean any good",
        "hi, will smith is my favourite actor",
    ],
)
def test_ordinary_requests_of_the_same_shape_stay(redactor: SpacyRedactor, text: str) -> None:
    result = redactor.redact_sync(text)
    assert result.redacted == text, result.entities


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        # "Even" is a Norwegian first name and an English function word: before an initial or a surname no
        # dictionary has it is the name's
        ("I lost my card. My name is Even K. Vesketh.", "I lost my card. My name is <PERSON_1>."),
        ("Even Håvesketh\n\n12 Storgatan\nUppsala", "<PERSON_1>\n\n<STREET_ADDRESS_1>"),
        ("Even Microsoft support could not help", "Even Microsoft support could not help"),
        # after a title every word is the name's, and the title alone is no name
        ("Hello, this is Mr. Lo Vesketh. Who are you?", "Hello, this is <PERSON_1>. Who are you?"),
    ],
)
def test_a_first_name_that_is_a_function_word_too(redactor: SpacyRedactor, text: str, redacted: str) -> None:
    assert redactor.redact_sync(text).redacted == redacted
