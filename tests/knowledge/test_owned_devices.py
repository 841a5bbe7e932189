"""A brand the help center never names is a sign the question is about something else ("the password of my
Samsung account" asked of a language app), except where it names the customer's own device: "the app
keeps crashing on my samsung" is the help center's own question and was handed over as `no_answer`."""

from __future__ import annotations

from knowledge.vocabulary import TenantVocabulary

APP = "The app crashes. If the app keeps crashing, update it and restart your phone. Your account password can be reset."


def unknown(question: str) -> list[tuple[str, bool]]:
    vocabulary = TenantVocabulary(load=lambda tenant, keys: [APP] if keys else [], products=frozenset({"samsung", "pixel"}))
    return vocabulary.unknown_terms(question, tenant="t", access_keys=["public"])


def test_a_brand_on_my_device_is_where_the_question_happens() -> None:
    assert unknown("the app keeps crashing on my samsung") == []
    assert unknown("App crashes on our Pixel, what now?") == []


def test_a_brand_the_question_is_about_is_still_unknown() -> None:
    assert unknown("can I change the password of my Samsung account?") == [("samsung", True)]
    assert unknown("the app crashes on samsung") == [("samsung", True)]  # not said to be theirs
