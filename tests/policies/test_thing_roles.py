"""Products, devices, assistants and shops told by the part their name plays in the sentence, for any tenant
(policies/thing_roles.py); people in like sentences stay redacted.

Every sentence is written for these tests: the products' names are common first names, the other names invented or
generic.
"""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    "text",
    [
        # a model code written into the name's last letter
        "My Rosalie K7 won't hold a charge overnight",
        "Does the Harriet T2 work with my old dock?",
        # what is done only to software or a device
        "How can I back up Margery before the reinstall?",
        "Is it possible to self-host Barnaby inside our VPN?",
        "We had to roll back Josephine after yesterday's release",
        "How do I move Philippa to a new laptop?",
        "Can I reset Lorraine to factory settings from the app?",
        # a product's edition for a platform
        "Does Horace for Android support widgets?",
        "Is Mildred for Slack free for small teams?",
        # a program's parts found inside it
        "Can I pin posts in Ambrose?",
        "How do I restore an archived board in Marcella?",
        # part of a software bundle
        "Is Winifred part of the Quillsoft 365 bundle now?",
        # a program that syncs someone's data
        "Why doesn't Rupert sync my contacts anymore?",
        # a voice assistant told what only an assistant does
        "Ask Agnes to set a timer for ten minutes, nothing happens",
        "How do I get Clarence to stop waking up at night?",
        "Can I tell Maude to turn off the lights in the kitchen?",
        # a shop that ships, a chain's branch, a street naming a shop
        "Does Gilbert deliver to Norway?",
        "Is the Main Street branch of Dorothy Books open late?",
        "Can I return it at the Ashcombe Road shop?",
        # a shop that stocks goods or has branches, a shop's possessive with nothing after it
        "Does Hollis Reid stock the Vertuo pods?",
        "How many branches does Hollis Reid have in Leeds?",
        "Can I return a toaster to Fletcher's without a receipt?",
        # a maker's brand, then a word of no name list: one of its models
        "Why does my Kia Sedona beep when I lock it?",
        "Is my Nissan Vextra covered by the recall?",
        # compared with a known product
        "Is Herbert better than Trello for a small team?",
        "Compare Cuthbert and Asana for a team of 12",
    ],
)
def test_names_playing_a_things_part_are_kept(redactor: SpacyRedactor, text: str) -> None:
    result = redactor.redact_sync(text)
    assert result.redacted == text, result.entities


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # someone asked, told or compared, someone's data moved, someone who delivered
        ("Please ask Agnes to send me the invoice again", "Agnes"),
        ("Can you tell Maude to call me back tomorrow?", "Maude"),
        ("Is Herbert better than Ronald at closing tickets?", "Herbert"),
        ("Compare Cuthbert and Ronald's numbers for March", "Cuthbert"),
        ("Please move Philippa to the night shift", "Philippa"),
        ("Gilbert delivered the parcel to my neighbour", "Gilbert"),
        ("Can I back up Margery's phone to my laptop?", "Margery"),
        ("I live on Ashcombe Road with my sister", "Ashcombe Road"),
        ("Does Gwendolyn have the file I sent?", "Gwendolyn"),
        ("my Jordan Smith is my manager", "Jordan Smith"),
        ("Chase Vextra emailed me yesterday", "Chase Vextra"),
    ],
)
def test_people_in_like_sentences_stay_redacted(redactor: SpacyRedactor, text: str, value: str) -> None:
    result = redactor.redact_sync(text)
    assert value not in result.redacted, result.redacted
