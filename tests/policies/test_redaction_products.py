"""Products, services and brands are not people; people next to them still are.

Each test is a message a customer could send. The brand sentences are written for these tests (the
benchmark's own brand questions are in bench/ordinary/); the names are invented or common names of the
US Census and first-name lists, none taken from the shared PII file or the Faker seeds.
"""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    "text",
    [
        "Does Paperkite sync with Google Drive?",
        # what a product or a service is called ends on an ordinary word
        "Why does Adobe Acrobat freeze when I open the invoice?",
        "Can I send my leads to Meta Ads Manager every night?",
        "My Nest Thermostat lost its connection after the update.",
        "Does Royal Mail collect returns from the office?",
        # a person's name takes no article
        "Why is the Wendy's kiosk asking for a code?",
        # said to be supported or compatible: a product, even named like a person
        "Is Mavis Beacon compatible with Windows 11?",
        "Do you support Raymond James statements?",
        # a capitalised word before a model number of capitals and digits: a product, even when it is a surname too
        "Is Dyson V12 eligible for a free repair?",
        "Is Dyson V11 still under warranty after the repair?",
        # a lone surname as software's name, with what only software does or is said to be
        "Can Hollis export to CSV?",
        "How much does Marlowe cost per seat?",
        "Is Calloway available on Android?",
        "Does Calloway work offline?",
        "Why does Bexley crash on startup?",
        "Does Pemberton support SSO?",
        "Bexley keeps logging me out",
        "Why won't Calloway install on my Mac?",
        "Can Calloway boards be embedded in a page?",
        # what is set up or configured right after the verb
        "Set up Pemberton for legal docs",
        "How do I configure Pemberton?",
        # given one's own things, but a team, a brand or a pronoun: no one's name
        "I sent Billing my invoice twice",
        "Can you send Zendesk my ticket history?",
        "I emailed Support my order number",
        "I forwarded Sales my quote",
        # a team, a brand or a company the model knows telling the writer something
        "Support told me to wait",
        "Zendesk emailed me a receipt",
        "Billing emailed me twice",
        # after "call me" or "my name is", an ordinary word that is no name
        "my kids call me dad, can the app do that too",
        "my name is going to show on the invoice?",
    ],
)
def test_product_and_service_names_are_kept(redactor: SpacyRedactor, text: str) -> None:
    result = redactor.redact_sync(text)
    assert result.redacted == text, result.entities


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("I talked with Maria Lopez about the invoice", "Maria Lopez"),
        # a surname that is an ordinary word but one of the Census's frequent surnames
        ("Tom Stone from accounts sent the invoice twice.", "Tom Stone"),
        # an ordinary word after a middle initial is a surname
        ("Please add Ingrid K. Dam to the billing contacts.", "Ingrid K. Dam"),
        # an ordinary word that is a first name too, after "call me"
        ("please call me ruby from now on", "ruby"),
        ("The Ingrid Kowalczyk version of the report is missing a page.", "Ingrid Kowalczyk"),
        # what a person does too, or a day rather than a platform, or someone asked: still a person
        ("Can Darcy export the report for me?", "Darcy"),
        ("Is Quentin available on Monday?", "Quentin"),
        ("Please ask Hollis to export the file to PDF", "Hollis"),
        ("Quentin Calloway costs us a fortune in overtime", "Quentin Calloway"),
        ("My manager Bexley is not available on weekends", "Bexley"),
        ("I set up a call with Pemberton", "Pemberton"),
        ("Can Darcy install it on my laptop?", "Darcy"),
        ("Can you set up Pemberton with an account?", "Pemberton"),
    ],
)
def test_people_next_to_product_words_are_still_redacted(redactor: SpacyRedactor, text: str, name: str) -> None:
    result = redactor.redact_sync(text)
    for word in name.split():
        if len(word) > 2:
            assert word not in result.redacted, result.redacted
