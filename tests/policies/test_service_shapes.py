"""Apps and services named like people, told by what is asked of them (policies/service_shapes.py); people in like
sentences stay redacted.

Every sentence is written for these tests: the apps' names are common first names, the other names invented or generic.
"""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    "text",
    [
        # compatibility asked of it: a capitalised product, a plan or a device after "work with"
        "Does Nora work with Outlook?",
        "Does Archie work with the Business plan?",
        "Will Roscoe work with my old iPad?",
        # what it has, the updates it gets, what it shows wrong, a login it keeps asking for
        "Does Harlow have a free trial?",
        "Does Wesley have a desktop version?",
        "Can Gemma still get security updates?",
        "Why does Walter show the wrong total at checkout?",
        "Why does Freya keep asking me to log in again?",
        # what it sends by itself, where data is kept
        "Does Stella send reminders by email?",
        "Is my data stored in Hazel?",
        "Can I store passwords in Enzo?",
        # a release, a slow platform, a suite, an error on screen, whom it is free for, what one does inside it
        "How do I update Horace to the latest version?",
        "Why is Ingrid so slow on Firefox?",
        "Does Otis have an Android app?",
        "Is Vera included in Microsoft 365?",
        "Why does Cornelius say invalid licence key?",
        "Is Mildred free for students?",
        "How do I sign out of Marvin on all devices?",
        "How do I add my card to Cecil?",
        "How do I turn on notifications in Mavis?",
    ],
)
def test_apps_named_like_people_are_kept(redactor: SpacyRedactor, text: str) -> None:
    result = redactor.redact_sync(text)
    assert result.redacted == text, result.entities


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # a colleague after "work with", a team; updates about a ticket; a person's afternoon, a proposal; a receipt
        ("Does Maria work with Tomasz on the rollout?", "Maria"),
        ("Does Maria work with the sales team?", "Maria"),
        ("Does Priya work with the Berlin office these days?", "Priya"),
        ("Does Anna get updates about my ticket?", "Anna"),
        ("Does Sarah have a free afternoon this week?", "Sarah"),
        ("Does Tom support the proposal?", "Tom"),
        ("Did Gordon send a receipt by email?", "Gordon"),
        ("My colleague Edwin Marsh stored the files in the shared drive", "Edwin Marsh"),
        ("Why is Ingrid so slow on Mondays?", "Ingrid"),
        ("Is Sarah included in the Marketing group?", "Sarah"),
        ("Please turn off notifications for Gordon Hale", "Gordon Hale"),
        ("Did Gordon say the invoice was paid?", "Gordon"),
    ],
)
def test_people_in_like_sentences_stay_redacted(redactor: SpacyRedactor, text: str, value: str) -> None:
    result = redactor.redact_sync(text)
    assert value not in result.redacted, result.redacted


@pytest.mark.parametrize(
    "text",
    [
        "Why did Horace stop syncing my contacts?",
        "Why did Horace stop working after the update?",
        "Horace stopped loading my dashboard this morning",
        "Why does Horace ignore my voice commands?",
    ],
)
def test_what_breaks_down_or_mishears_a_voice_is_an_app(redactor: SpacyRedactor, text: str) -> None:
    assert redactor.redact_sync(text).redacted == text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Priya stopped working on my ticket yesterday", "Priya"),
        ("Why did Priya stop working here?", "Priya"),
        ("Oria Vesk stopped responding to my emails", "Oria Vesk"),
    ],
)
def test_someone_who_stopped_working_on_something_stays_someones(redactor: SpacyRedactor, text: str, name: str) -> None:
    assert name not in redactor.redact_sync(text).redacted
