"""Requests for a person by a role or a team of the other side (policies/person_requests.py), through
`asks_to_reach_a_person` (policies/intent.py), which the person-request stage hands over on."""

from __future__ import annotations

import pytest

from bot.core.tenants import Thresholds
from knowledge.embedding import FastEmbedder
from policies.intent import HumanRequestDetector, asks_to_reach_a_person, names_a_person
from policies.person_requests import names_a_role_to_reach


@pytest.mark.parametrize("text", [
    "please transfer me over to a claims advisor",
    "put me through to accounts",
    "could you connect me with your payments specialist",
    "can a human take a look at my quote",
    "could an actual person double check my statement",
    "i need a case handler",
    "I need the supervisor",
    "get the manager on the line please",
    "escalate my ticket to your second line team",
    "can somebody from finance ring me tomorrow",
    "could a technician phone me about the boiler",
    "I was cut off, just put me through",
    "would it be possible to be transferred to your complaints team",
    "i'd like to go over my invoice with someone",
    "can we book a call with one of your engineers",
    "speak to retention",
    "i want to complain to someone senior",
    "cn sombody in billing call me",
    "conect me to a supervisor",
])
def test_a_role_or_team_with_a_way_of_reaching_it_is_a_request_for_a_person(text: str) -> None:
    assert asks_to_reach_a_person(text)
    assert names_a_person(text)


@pytest.mark.parametrize("text", [
    "how do I assign a conversation to an agent",
    "does a human look at my claim before it is paid",
    "can your staff read my messages",
    "is there a supervisor role in the admin settings",
    "how do I transfer my plan to another person",
    "can I transfer my appointment to my sister",
    "can my husband use my login",
    "how do I add a manager to my workspace",
    "what are your billing team's hours",
    "can I talk to my vet through video",
    "how do I message my tutor",
    "can I call my driver",
    "what is a claims handler",
    "do enterprise plans come with a dedicated account manager",
    "how do I connect to the office wifi",
    "I want someone else to use my account",
    "can someone from my family log in",
    "how do I escalate an alert to the on-call engineer in my team",
])
def test_a_question_about_people_or_roles_is_no_request(text: str) -> None:
    assert not names_a_role_to_reach(text)
    assert not asks_to_reach_a_person(text)


@pytest.fixture(scope="module")
def detector(tmp_path_factory: pytest.TempPathFactory) -> HumanRequestDetector:
    embedder = FastEmbedder(cache_dir=tmp_path_factory.mktemp("models"))
    embedder.warm_up()
    found = HumanRequestDetector(embedder=embedder)
    found.warm_up()
    return found


def is_request(detector: HumanRequestDetector, text: str) -> bool:
    vector = detector._embedder.embed([text])[0]
    defaults = Thresholds()
    return detector.detect(vector, tenant="t", min_score=defaults.human_request_min, min_margin=defaults.human_request_margin,
                           text=text).is_request


@pytest.mark.parametrize("text", [
    "how do I put a live chat box on my shop",
    "is there a live chat option",
    "how do I phone a contact from the dialer",
    "how do I add agents to my helpdesk",
])
def test_a_question_about_the_service_is_no_request_for_a_person(detector: HumanRequestDetector, text: str) -> None:
    assert not is_request(detector, text)


@pytest.mark.parametrize("text", ["how can I get a human", "how do I talk to someone", "is there a live agent available"])
def test_a_question_that_asks_how_to_reach_a_person_still_is_one(detector: HumanRequestDetector, text: str) -> None:
    assert is_request(detector, text) or asks_to_reach_a_person(text)
