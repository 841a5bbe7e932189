"""Misspellings of the knowledge base's own words are searched as the knowledge base spells them: a
customer who writes "cancle my subscripton" gets the article a correctly spelled question gets, and
what is stored and shown is what the customer wrote."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.app.composition import Services
from bot.engine.pipeline import Identity
from bot.engine.stages import respell
from knowledge.vocabulary import TenantVocabulary, _one_edit_away

SHOP = "How to cancel an order. Return an item within 30 days. Payment methods: cards and instalments. Delivery addresses."


def vocabulary(*texts: str) -> TenantVocabulary:
    return TenantVocabulary(load=lambda tenant, keys: list(texts) if keys else [])


def respelled(question: str, *texts: str) -> dict[str, str]:
    return vocabulary(*texts).respelled(question, tenant="t", access_keys=["public"])


def test_one_letter_dropped_added_changed_or_two_swapped_is_respelled() -> None:
    assert respelled("cancle my order", SHOP) == {"cancle": "cancel"}
    assert respelled("hw long do i have to retrun stuff", SHOP) == {"retrun": "return"}
    assert respelled("where is my delivry", SHOP) == {"delivry": "delivery"}
    assert respelled("can I pay in instalmants", SHOP) == {"instalmants": "instalments"}
    assert respelled("I wantassistance tocheck my order", SHOP) == {"wantassistance": "want assistance", "tocheck": "to check"}


def test_real_words_short_words_contractions_and_guesses_are_left_alone() -> None:
    assert respelled("can I cancel my order", SHOP) == {}  # the knowledge base's own words
    assert respelled("what about my parcel", SHOP) == {}  # a common word it never uses
    assert respelled("pls hw", SHOP) == {}  # too short to tell what was meant
    assert respelled("it wont load and i cant pay", "I want it. Cart and can.") == {}  # "won't", not "want"
    assert respelled("does it work with Xero", "Zero fees.") == {}  # written like a name: another product
    assert respelled("my wifi is slow", SHOP) == {}  # short: more often a name than two words
    assert respelled("updating my order", SHOP) == {}  # a word, if not the embedding model's: no "up dating"
    # two words of the knowledge base one edit away: which one was meant is a guess
    assert respelled("where is my cade", "Enter the code. Open the case.") == {}


def test_only_the_words_of_what_the_asker_may_read_are_used() -> None:
    words = TenantVocabulary(load=lambda tenant, keys: [SHOP] if "staff" in keys else ["Nothing here."])
    assert words.respelled("cancle my order", tenant="t", access_keys=["public"]) == {}
    assert words.respelled("cancle my order", tenant="t", access_keys=["staff"]) == {"cancle": "cancel"}


def test_one_edit_away() -> None:
    for near in ("cancel", "cancl", "cacnle", "canclee", "cancme"):  # swapped, dropped, swapped, added, changed
        assert near in _one_edit_away("cancle")
    assert "cancle" not in _one_edit_away("cancle") and "cnacel" not in _one_edit_away("cancle")


def test_respell_keeps_case_of_the_rest_and_whole_words_only() -> None:
    assert respell("Cancle my CANCLE, not cancled", {"cancle": "cancel"}) == "cancel my cancel, not cancled"


@pytest.fixture
def services(make_services: Callable[..., Services]) -> Services:
    return make_services(sample=True)


# (misspelled, as the help center spells it): each misspelled one was handed over before it was respelled
TYPOS = [
    ("how do i cancle my subscripton", "how do i cancel my subscription"),
    ("can i chnage my emial address", "can i change my email address"),
    ("how do i delte my acount", "how do i delete my account"),
    ("wher is my invocie", "where is my invoice"),
]


@pytest.mark.parametrize(("misspelled", "spelled"), TYPOS)
async def test_a_misspelled_question_gets_the_answer_of_the_spelled_one(services: Services, misspelled: str, spelled: str) -> None:
    asker = Identity(tenant="default", user="u", channel="test")
    right = await services.assistant.ask(spelled, identity=asker)
    typed = await services.assistant.ask(misspelled, identity=asker)
    assert right.outcome.value == "answer"
    assert typed.outcome.value == "answer", typed.details.get("evidence")
    assert typed.citations[0].source == right.citations[0].source
    assert typed.details["respelled"] >= 1  # a count: the words are the customer's and are not kept

