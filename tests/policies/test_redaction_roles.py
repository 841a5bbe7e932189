"""People named by their trade, their title or the part of the organisation they are from; programs named by what they
have, what they are certified for and how they are tried out.

Each message is one a customer could send, written for these tests (not taken from the benchmark's blind or development
sets, the shared PII file or the Faker seeds); the names are invented or common first names.
"""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


def persons(redactor: SpacyRedactor, text: str) -> list[str]:
    return [e.text for e in redactor.redact_sync(text).entities if e.kind == "PERSON"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # right after one's trade's word: a word no dictionary knows, capitalised or not
        ("our technician Drovan replaced the board but it still fails", "Drovan"),
        ("My therapist Ilvenna asked for an invoice with her tax number", "Ilvenna"),
        ("our engineer tovrel cannot export the report", "tovrel"),
        # someone from a part of the organisation, the subject of what follows
        ("Brevik from our Oslo office says the card reader is offline", "Brevik"),
        ("Sunniva Marr from the finance team asked me to forward this", "Sunniva Marr"),
    ],
)
def test_people_by_trade_and_unit_are_redacted(redactor: SpacyRedactor, text: str, name: str) -> None:
    assert any(name in found for found in persons(redactor, text)), persons(redactor, text)


def test_a_professor_goes_with_the_name(redactor: SpacyRedactor) -> None:
    # the title is redacted with the name, as "Dr." and "Ms." are: nothing of the name's line is left to read
    redacted = redactor.redact_sync("Please send the certificate to Professor Brannild Marwood at the institute").redacted
    assert "Professor" not in redacted and "Marwood" not in redacted


@pytest.mark.parametrize(
    "text",
    [
        # a trade's word before what software is called: an ordinary word or a brand after it
        "our developer Portal shows a 404 since the update",
        "our designer Figma files will not open",
        # the same shape with no person: a team, updates
        "Updates from our team are late this week",
        "Support from the billing team said the refund is pending",
        # what a program has, after its name's possessive
        "Does Harlow's scanner read QR codes on curved labels?",
        "Tamsin's autosave feature deletes my drafts",
        "Odile's charts render blank in Safari",
        # what a screen shows or an API returns, what a device keeps doing, a model with its number it works with
        'Fenwick shows "quota exceeded" although we deleted half the files',
        "Ottavio throws an error when the upload passes 2 GB",
        "Why does Perrin return a 502 every night at 3?",
        "Tilda keeps buffering on the living room TV",
        "Does Bexley work with the Brother QL-820 label printer?",
        # a name before a noun that is a verb too, in its base form: no verb agreeing with the name, so the name modifies it
        "Quennell support never answered my ticket",
        "Ambrose billing page says my card expired",
        # a service that is down, a program that uses up a machine, what has a price
        "Is Brinsley down right now?",
        "Cosimo uses 100% CPU after the last update",
        "How much is Fenwick for a team of 12?",
        # certified for a standard, tried out for a while
        "Is Quinlan certified for PCI DSS?",
        "Can we try Marlowe free for 30 days before buying?",
    ],
)
def test_programs_named_like_people_are_kept(redactor: SpacyRedactor, text: str) -> None:
    assert redactor.redact_sync(text).redacted == text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # what a person has after the possessive: a password, a report
        ("Harlow's password was posted in the channel, please reset it", "Harlow"),
        ("Harlow's report on the outage is attached", "Harlow"),
        # after what asks for a verb's base form, the noun is the verb: "Does X support", "Can X call"
        ("Can Harlow call me back this afternoon?", "Harlow"),
        # a name before such a noun, not opening a clause
        ("My sister is a huge Harlow Tennant fan", "Harlow Tennant"),
        # a lower-case surname after a first name, what someone is owed
        ("Harlow baker called about the invoice", "Harlow"),
        ("How much is Harlow owed for the last order?", "Harlow"),
        # what people show, return and work with
        ("Harlow showed me the invoice before the call", "Harlow"),
        ("Does Harlow work with the Leeds team now?", "Harlow"),
        # tried again, not tried out
        ("Could you try Marlowe again tomorrow morning?", "Marlowe"),
        # a relation still declares the name, whatever follows its possessive
        ("my colleague Odile's sidebar is empty after the update", "Odile"),
    ],
)
def test_people_in_the_same_places_stay_redacted(redactor: SpacyRedactor, text: str, name: str) -> None:
    assert any(name in found for found in persons(redactor, text)), persons(redactor, text)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # a first name no list holds, then a surname the embedding model's vocabulary knows but no dictionary lists as a
        # word: a person, not "a name and a common noun" ("Focus Mode")
        ("Davor Meyer closed my ticket without an answer", "Davor Meyer"),
        ("The refund was approved by Ilkka Mendes last week", "Ilkka Mendes"),
        # two words that no dictionary and not the embedding model's vocabulary knows, then a verb, though the model
        # calls them an organisation
        ("Tshepiso Mavundla is our billing contact from now on", "Tshepiso Mavundla"),
        # a greeting opening the message before a first name of the lists, in lower case
        ("hey matteo the export broke again", "matteo"),
        # a name the next sentence speaks of as "him" or "her"
        ("Shovrek is very reliable. You can always count on him.", "Shovrek"),
        # a lower-case first name of the lists before its possessive and what is someone's
        ("oria's phone number changed last week", "oria"),
        # after a relation or a trade, a word no dictionary knows then a verb in the past
        ("our intern drovik deleted the shared folder", "drovik"),
    ],
)
def test_more_people_are_redacted(redactor: SpacyRedactor, text: str, name: str) -> None:
    assert any(name in found for found in persons(redactor, text)), persons(redactor, text)


@pytest.mark.parametrize(
    "text",
    [
        # a name and a common noun, or its plural
        "Is Zoho Books available in Canada?",
        "Does Focus Mode silence the desktop app too?",
        # two unknown words after "my" or an article: a device's or a product line's name
        "My Vexora Plinth will not charge past 80%",
        "Is the Vexora Plinth in stock again?",
        # a greeting's word before a noun, and a greeting before an ordinary word
        "hello kitty backpack is out of stock",
        "hey guys the app is down again",
        # what a program does by itself, in the past, after a relation
        "my son roblox crashed again after the update",
    ],
)
def test_things_in_those_places_are_kept(redactor: SpacyRedactor, text: str) -> None:
    assert redactor.redact_sync(text).redacted == text
