"""A first name that is an ordinary English word too (policies/word_names.py): "spoke to Grace in billing", "Hope from your
team said", "ask for Will", a sign-off "Cheers,\\nWill", "my colleague Mark", "Dawn and I". The names leave the redacted
text; the same words used as words ("I hope", "grace period", "will it renew", "mark as read", "Summer sale") stay."""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor
from policies.word_names import word_names


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Yesterday I spoke to Grace about the late fee.", "Grace"),
        ("I talked with Joy and the ticket is still open.", "Joy"),
        ("Last time I chatted with Faith on the website.", "Faith"),
        ("The shop told me to ask for Will.", "Will"),
        ("Hope from your billing team said I would get a credit.", "Hope"),
        ("Rose in accounting needs the receipt.", "Rose"),
        ("My coworker Mark gets a blank screen too.", "Mark"),
        ("My niece June wants her own profile.", "June"),
        ("My supervisor Bill approved the purchase.", "Bill"),
        ("Summer and I both have the old plan.", "Summer"),
        ("The tablet is shared by me and Chase.", "Chase"),
        ("Can you cancel the add-on?\nWarm regards,\nApril", "April"),
        ("Please close my ticket.\nCheers,\nSunny", "Sunny"),
    ],
)
def test_a_word_first_name_where_a_person_stands_is_redacted(redactor: SpacyRedactor, text: str, name: str) -> None:
    redacted = redactor.redact_sync(text).redacted
    assert name not in redacted, redacted


@pytest.mark.parametrize(
    "text",
    [
        "I hope someone can look at my order.",
        "How long is the grace period after a failed payment?",
        "Will the subscription renew on its own?",
        "Can I mark a thread as unread?",
        "Is the rose gold version back in stock?",
        "I had to chase the courier for days.",
        "Does the Summer promo apply to annual plans?",
        "The June statement shows a double charge.",
        "I spoke to Chase and they said the transfer went through.",
        "Thanks for the help!\nHope to hear back soon.",
        "Joy and Faith themes are missing after the update?",
    ],
)
def test_the_same_words_used_as_words_are_kept(redactor: SpacyRedactor, text: str) -> None:
    assert word_names(text) == []
    assert redactor.redact_sync(text).redacted == text


def test_lower_case_is_left_to_the_words() -> None:
    assert word_names("i spoke to grace in billing") == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # the relations and trades of name_cues
        ("My dentist Faith moved my appointment to Friday.", "Faith"),
        ("My stepdaughter Hope shares my plan.", "Hope"),
    ],
)
def test_the_shared_frames_take_a_word_first_name(text: str, name: str) -> None:
    start = text.index(name)
    assert (start, start + len(name)) in word_names(text)


@pytest.mark.parametrize("text", ["my team mate bramwelo cannot log in since monday", "My team mate Bramwelo cannot log in."])
def test_team_mate_is_a_relation_of_every_rule(redactor: SpacyRedactor, text: str) -> None:
    # "team mate" written apart, in name_cues.RELATIONS that word_names shares
    assert "ramwelo" not in redactor.redact_sync(text).redacted
