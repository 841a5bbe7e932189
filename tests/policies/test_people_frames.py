"""People in frames a support chat gives only to someone (policies/people_frames.py): who "says" something opening a
sentence, two who share a thing, one checked with or spoken to, a name and a colon opening the message, who said a quoted
line, a first name before a lower-case "al-" surname. Their names never reach the model or the logs; products, teams,
companies and form labels in the same frames keep their words."""

from __future__ import annotations

import pytest

from policies.people_frames import people_frames
from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Tipene says hi and asks about the renewal date.", ["Tipene"]),
        ("Oyelaran and Kwasi share one login at the front desk.", ["Oyelaran", "Kwasi"]),
        ("Could you check with Tauhiri whether the refund was sent?", ["Tauhiri"]),
        ("I spoke to Aidarbek yesterday about the duplicate charge.", ["Aidarbek"]),
        ("I talked with Oyinkansola from your billing team.", ["Oyinkansola"]),
        ("i was chatting with chiamaka and she said it was fixed", ["chiamaka"]),
        ("Ifunanya: the app keeps logging me out every hour.", ["Ifunanya"]),
        ('"we will refund you by friday," said ekow.', ["ekow"]),
        ("please send it to yusuf al-dosari not to me", ["yusuf", "al-dosari"]),
    ],
)
def test_a_name_in_a_people_frame_is_redacted(redactor: SpacyRedactor, text: str, names: list[str]) -> None:
    redacted = redactor.redact_sync(text).redacted
    assert all(name not in redacted for name in names), redacted


@pytest.mark.parametrize(
    "text",
    [
        "Stripe says the card was declined.",
        "Intune says the device is not compliant.",
        "Outlook says the password is wrong even after the reset.",
        "Finance and Sales share a mailbox, can we split it?",
        "Can you check with Stripe whether the payout went through?",
        "I will check with IT and come back to you.",
        "I talked with Apple support and they sent me here.",
        "I spoke to Vodafone about roaming.",
        "I spoke to Telcorp and they say the line is fine.",
        "Check with Visa about the chargeback.",
        "i do not know how to chat with somenoe",
        "please switch my checking to savings",
        "Note: the app logs me out every hour.",
        '"It works now," says Microsoft.',
        "calender says tomorrow is a holiday",
    ],
)
def test_products_teams_companies_and_labels_in_the_same_frames_keep_their_words(redactor: SpacyRedactor, text: str) -> None:
    assert redactor.redact_sync(text).redacted == text


def test_a_form_label_before_a_colon_is_no_one() -> None:
    from policies.people_frames import people_frames

    assert people_frames("Indirizzo: Via Nazionale 54, Roma.") == []
    assert people_frames("Lieferadresse: Goethestrasse 8, Frankfurt.") == []


def test_chatted_to_is_a_talked_to_frame() -> None:
    # people_frames.SPOKEN_WITH, shared with policies/word_names.py, takes "chat(ted) to" as well as "chat(ted) with"
    text = "I chatted to Ondrelia on the live chat and the ticket closed."
    assert (13, 21) in people_frames(text)
