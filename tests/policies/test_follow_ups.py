"""What reads as a follow-up of the question before it, and when the passage found with that question answers it."""

from __future__ import annotations

import pytest

from policies.follow_ups import about, correction, follow_up


@pytest.mark.parametrize("text", [
    "and on mobile?", "what about PDF?", "how long does it take?", "can I undo that?", "is it free?", "ok and on the iPad app?",
    "what if I cancel?", "y en el móvil?", "et sur mobile ?", "und als PDF?",
    # a question word alone, and a correction of what the question was taken for
    "how?", "why not?", "what do you mean?", "no, I meant the whole workspace", "sorry, I was asking about invoices",
])
def test_short_messages_that_lean_on_the_question_before_are_follow_ups(text: str) -> None:
    assert follow_up(text)


@pytest.mark.parametrize("text", [
    "How do I delete my account?",  # a question of its own
    "how do I reset my password",
    "and what does the business plan cost per member per month",  # too much of its own to lean on anything
    "thanks!", "", "and? " * 40, "is it free? and does it sync? and can guests see it?",
])
def test_questions_of_their_own_are_not(text: str) -> None:
    assert not follow_up(text)


def test_the_passage_found_must_hold_what_the_follow_up_asks_about() -> None:
    passage = "Export the whole workspace\nOwners can export every page of the workspace as Markdown or PDF."
    assert about("and the whole workspace?", passage)
    assert about("what about as PDF?", passage)
    assert about("can I undo it?", "Undo a cancellation: reactivate before the period ends.")  # "undo" inflected or not
    assert about("what if I lose my phone?", "Lost your phone?\nUse one of your backup codes to sign in.")  # an irregular past
    assert not about("and what's the weather tomorrow?", passage)
    assert not about("what about my Netflix account?", passage)


def test_a_correction_says_what_was_meant_and_a_bare_question_word_asks_about_the_answer() -> None:
    assert correction("no, I meant the whole workspace") and correction("I meant on mobile")
    assert not correction("what does this mean?") and not correction("no") and not correction("How do I delete my account?")
    assert about("how?", "anything at all")  # about whatever the question before was
