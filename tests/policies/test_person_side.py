"""`names_a_person`: a person of the support side, not people of the customer's own world (policies/intent.py)."""

from __future__ import annotations

import pytest

from policies.intent import names_a_person


@pytest.mark.parametrize("text", [
    "should someone I know stay home when they have the flu?",
    "people in my team can't see the shared folder",
    "we can't add a fifth person to our board",
    "my colleague changed the settings, how do I undo that",
    "our accounting team wants a PDF of each receipt",
    "how many people can be on the family plan",
    "how do I transfer ownership of the workspace to another person",
    "does your Team plan include single sign-on",
])
def test_people_of_the_customers_own_world_are_no_person_of_the_support_side(text: str) -> None:
    assert not names_a_person(text)


@pytest.mark.parametrize("text", [
    "can someone from your team call me",
    "I need a human to help me reset my password",
    "can a real person look at my invoice",
    "could one of your agents check my account",
    "please have someone from Acmeflow contact me",
    "could a member of staff look at my account",
    "is anybody there",
    "want assistance to chat with a person",
    "agent please",
])
def test_a_person_of_the_support_side_is_named(text: str) -> None:
    assert names_a_person(text)
