"""Products, assistants, games' characters and shops' streets named around a name, for any tenant
(policies/product_phrases.py); people in the same shapes stay redacted.

Every sentence is written for these tests: the products' names are invented or generic, the names common first names.
"""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    "text",
    [
        # what the name is after "the", the noun ending its phrase
        "Does Tobias the Quillbox bot still post reminders in threads?",
        "Rosie the Vesketh app shows a blank screen after the update",
        "Can Clyde the smart speaker from Quillon play two rooms at once?",
        "Winston the Gridfall hero's shield doesn't block the new ultimate, is that a bug?",
        "Does Marvin the Python library work with Pydantic 2?",
        "Does Bruno the API client import Postman collections?",
        "Can Oliver the robot mower handle slopes of 35%?",
        # an assistant inside a program
        "Can Otto from our bank's app freeze my debit card while I'm abroad?",
        # a yes/no question about what a name from an organisation does in general
        "Does Erica from Quillon Bank show pending transfers?",
        "Does Devin from Vesketh work with private GitLab repos?",
        # what a company has after its possessive
        "Can Marlowe's app start my washing machine remotely?",
        "Does Hollis's Hub M3 support Zigbee and Thread at once?",
        "Is Marlowe's online shop delivering to Valencia on Sundays?",
        # a website's name
        "Can I pay with a gift card on Hollis.com?",
        # a street with no number where a shop is
        "Does the Boots on Princes Street have a photo booth?",
        "Is the Quillon shop on Queen Street in Auckland open on Sunday?",
    ],
)
def test_products_and_shops_streets_are_kept(redactor: SpacyRedactor, text: str) -> None:
    result = redactor.redact_sync(text)
    assert result.redacted == text, result.entities


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # a trade after "the", or a noun opening a longer one: a person
        ("Dave the plumber said the boiler needs a new part", "Dave"),
        ("Sarah the app developer on our team can't log in", "Sarah"),
        ("Sarah the agent was rude to me on the phone", "Sarah"),
        # someone from an organisation asked to do what a person does, or from a team
        ("Can James from Stripe call me back about the payout?", "James"),
        ("Please ask Kyle from the billing team to call me", "Kyle"),
        ("Can Helen from the Barclays branch call me about my mortgage?", "Helen"),
        # someone's possessive before what a person has
        ("My colleague Anna's app won't open after the update", "Anna"),
        ("Anna's app keeps freezing, she says", "Anna"),
        # where someone lives or meets, not a shop
        ("I live on Queen Street, can you deliver there on Monday?", "Queen Street"),
        ("My flat on Princes Street has no signal since Friday", "Princes Street"),
        ("Meet Jason at the office on King Street tomorrow", "King Street"),
    ],
)
def test_people_and_homes_in_the_same_shapes_are_redacted(redactor: SpacyRedactor, text: str, value: str) -> None:
    result = redactor.redact_sync(text)
    assert value not in result.redacted, result.redacted
