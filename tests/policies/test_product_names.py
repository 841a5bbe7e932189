"""Third-party products named with a first name or a surname are not people; people of the same shape still are.

Each message is one a customer could send about software their help center never mentions (no tenant, so no
knowledge-base terms apply). The product names are invented ("Quillo", "Vesko", "Brannic") or ordinary words of
the first-name lists ("Ivy", "Nell"); the people's names are invented or common names of the US Census and
first-name lists, none taken from the shared PII file or the Faker seeds.
"""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    "text",
    [
        # a first name then a word that ends a product's name: the model tags the pair, the first-name list the first word
        "How do I set up Nell Software?",
        "What's the difference between Nell Software and Nell Work Management?",
        "Is Ivy Cloud cheaper than Ivy Server?",
        "Does Nell Studio export to PDF?",
        "We moved from Ivy Desk to Nell Suite last year.",
        # a first name before "syncs with" and a product
        "Does Ivy sync with Outlook on a Mac?",
        "Nell integrates with Salesforce, right?",
        # said to be a thing by the words after its comma
        "Can Ivy, our chatbot, hand off to Zendesk?",
        "Nell, the app we use for scheduling, stopped sending reminders.",
        # a first name then an edition's word that is a first name too ("Max", "Lite"), spoken of as a device: an
        # article or a number before it, what a device does or is after it
        "Does the Oria Max support Bluetooth 5.3?",
        "Will the Nell Max ship before Christmas?",
        "Is Nell Lite available in Europe?",
        "Can I pair two Ivy Lite speakers together?",
        "How do I reset my password on the Nell Lite app?",
        # said to be a brand, an app or a payment method, the noun ending its phrase
        "Is Nell Vesk a partner brand in the rewards program?",
        "Is Nell a supported app?",
        "Is Nell an app I can install on Android?",
        "Is Nell still a supported payment method?",
    ],
)
def test_products_named_like_people_are_kept(redactor: SpacyRedactor, text: str) -> None:
    result = redactor.redact_sync(text)
    assert result.redacted == text, result.entities


@pytest.mark.parametrize(
    ("text", "words"),
    [
        # "Work" is a Census surname: it must not grow a name into "Nell Work", nor stand for a name alone
        ("Compare Nell Software and Nell Work Management for me", ["Software", "Work"]),
        # the capitalised items of a list holding a name: "Software" and "Work" are no names
        ("Thanks Oria, compare Nell Software and Nell Work for us", ["Software", "Work"]),
    ],
)
def test_product_words_never_become_names(redactor: SpacyRedactor, text: str, words: list[str]) -> None:
    result = redactor.redact_sync(text)
    for word in words:
        assert word in result.redacted, result.redacted


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("How do I invite Bob from accounting?", "Bob"),
        ("Oria Baker called about the refund", "Oria Baker"),
        # a surname that is a product's word, after a first name and a cue
        ("my colleague Oria Work cannot log in", "Oria Work"),
        ("My name is Nell Work and I was charged twice.", "Nell Work"),
        # a surname of the Census's frequent ones next to a product
        ("Tom Stone set up our Jira Software account.", "Tom Stone"),
        # an edition's word that is a first name too ("Max") stays a surname after a first name
        ("I met Oria Max yesterday", "Oria Max"),
        ("I spoke with Max yesterday about the refund.", "Max"),
        ("Please ask Oria Max to send the invoice.", "Oria Max"),
        # a thing's noun that goes on to a person's role
        ("Oria Vesketh is a company director.", "Oria Vesketh"),
        ("Is Oria the store manager?", "Oria"),
        # someone asked, before an ordinary word that could end a product's name
        ("Please ask Oria Manager to call me back", "Oria"),
        # a person who syncs with a person
        ("Can Bob sync with Maria about the invoice?", "Bob"),
        # an appositive that says it is a person
        ("Can Ivy, our accountant, see the invoices?", "Ivy"),
        # a possessive before an ordinary word: someone's work
        ("We sang the verses from Oria Vesketh's Cautionary Tales.", "Oria Vesketh"),
    ],
)
def test_people_of_the_same_shape_are_still_redacted(redactor: SpacyRedactor, text: str, name: str) -> None:
    result = redactor.redact_sync(text)
    for word in name.split():
        assert word not in result.redacted, result.redacted


def test_a_plan_named_like_a_person_after_said_the_is_kept(redactor: SpacyRedactor) -> None:
    # "said the Max plan": an article after the verb opens a thing, not someone spoken to
    assert redactor.redact_sync("Oria said the Max plan was cheaper.").redacted == "<PERSON_1> said the Max plan was cheaper."
