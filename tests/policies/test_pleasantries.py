"""A greeting, a thank-you or a goodbye alone is a pleasantry; anything with a question in it is not."""

from __future__ import annotations

import pytest

from policies.pleasantries import Pleasantry, pleasantry, unhelped


@pytest.mark.parametrize(("text", "kind", "lang"), [
    ("thanks!", Pleasantry.THANKS, "en"), ("Thank you so much, that helped", Pleasantry.THANKS, "en"),
    ("hi, thanks for the help", Pleasantry.THANKS, "en"), ("thanks <PERSON_1>", Pleasantry.THANKS, "en"),
    ("ok great, bye", Pleasantry.BYE, "en"), ("hi there", Pleasantry.GREETING, "en"), ("good morning", Pleasantry.GREETING, "en"),
    ("muchas gracias", Pleasantry.THANKS, "es"), ("merci beaucoup", Pleasantry.THANKS, "fr"), ("vielen Dank!", Pleasantry.THANKS, "de"),
    ("Ciao", Pleasantry.GREETING, "it"), ("obrigado", Pleasantry.THANKS, "pt"),
    # an acknowledgement, and a no to the bot's "anything else?": they were handed over as no_answer
    ("ok", Pleasantry.ACKNOWLEDGED, "en"), ("great", Pleasantry.ACKNOWLEDGED, "en"), ("got it", Pleasantry.ACKNOWLEDGED, "en"), ("okay cool", Pleasantry.ACKNOWLEDGED, "en"),
    ("d'accord", Pleasantry.ACKNOWLEDGED, "fr"), ("vale", Pleasantry.ACKNOWLEDGED, "es"), ("ok thanks", Pleasantry.THANKS, "en"),
    ("no thanks", Pleasantry.BYE, "en"), ("no, that's all", Pleasantry.BYE, "en"), ("nope", Pleasantry.BYE, "en"),
    ("nein danke", Pleasantry.BYE, "de"), ("no gracias", Pleasantry.BYE, "es"), ("non merci", Pleasantry.BYE, "fr"),
    ("This was a nice chat", Pleasantry.ACKNOWLEDGED, "en"), ("nice talking to you!", Pleasantry.ACKNOWLEDGED, "en"),
    ("thanks, it was lovely chatting with you", Pleasantry.THANKS, "en"),
])
def test_pleasantries(text: str, kind: Pleasantry, lang: str) -> None:
    assert pleasantry(text) == (kind, lang)


@pytest.mark.parametrize("text", [
    "Hello, my invoice is wrong", "thanks, but how do I export?", "Hi, I need help", "how are you", "ok, and as PDF?", "great, but it fails", "cancel", "",
    "thanks " * 9, "hola, ¿cómo cambio mi contraseña?", "ok so how do I cancel", "is it ok", "not ok", "ok but the display is dark",
    "no it does not work", "nothing works", "none of them work", "no, I want a person", "no good",
    "is this chat recorded?", "nice, can I chat with sales?", "ok, talk to you about my invoice",
])
def test_messages_with_something_to_do_are_not(text: str) -> None:
    assert pleasantry(text) is None


@pytest.mark.parametrize(("text", "lang"), [
    ("<PERSON_1>", "en"), ("I'm <PERSON_1>", "en"), ("Hi, this is <PERSON_1>", "en"), ("my name is <PERSON_1>", "en"),
    ("<EMAIL_1>", "en"), ("my email is <EMAIL_1>", "en"), ("<PERSON_1> here", "en"), ("good morning, <PERSON_1> here", "en"),
    ("Hi there, I'm <PERSON_1> and my email is <EMAIL_1>", "en"), ("Hola, me llamo <PERSON_1>", "es"),
    ("buenos días, soy <PERSON_1>", "es"), ("je m'appelle <PERSON_1>", "fr"), ("Hallo, ich heiße <PERSON_1>", "de"),
])
def test_saying_who_one_is_is_an_introduction(text: str, lang: str) -> None:
    assert pleasantry(text) == (Pleasantry.INTRODUCTION, lang)


@pytest.mark.parametrize("text", [
    # asking for someone, or something to do beside the name
    "is <PERSON_1> there?", "call <PERSON_1>", "talk to <PERSON_1>", "where is <PERSON_1>", "<PERSON_1> please", "<PERSON_1>?",
    "<PERSON_1> can't log in", "<PERSON_1>, order 12345", "my card <CREDIT_CARD_1>", "I am here", "my name is wrong on the invoice",
])
def test_a_name_with_a_request_is_no_introduction(text: str) -> None:
    found = pleasantry(text)
    assert found is None or found[0] is not Pleasantry.INTRODUCTION


@pytest.mark.parametrize(("text", "kind"), [
    ("ok", Pleasantry.ACKNOWLEDGED), ("got it", Pleasantry.ACKNOWLEDGED), ("ok great", Pleasantry.ACKNOWLEDGED),
    ("yes", Pleasantry.YES), ("yes please", Pleasantry.YES), ("ok thanks", Pleasantry.THANKS),
])
def test_an_ok_or_a_yes_alone_is_said_back(text: str, kind: Pleasantry) -> None:
    """"ok", "great" and "yes" were searched and handed to a person as `no_answer`."""
    assert pleasantry(text) == (kind, "en")


@pytest.mark.parametrize("text", [
    "that didn't help", "that didnt help", "no, that's wrong", "not what I asked", "Sorry but this doesn't answer my question",
    "useless", "not helpful at all", "wrong answer", "no me ayudó", "das hilft nicht",
])
def test_saying_the_answer_did_not_help_is_unhelped(text: str) -> None:
    assert unhelped(text)


@pytest.mark.parametrize("text", [
    "that's wrong, my invoice shows 3 seats", "it doesn't work", "the export doesn't work", "is this helpful for guests?", "help",
])
def test_a_problem_to_look_up_is_not(text: str) -> None:
    assert not unhelped(text)


@pytest.mark.parametrize(("text", "kind"), [
    ("?", Pleasantry.GREETING), ("...", Pleasantry.GREETING), (" ?!? ", Pleasantry.GREETING), ("¿?", Pleasantry.GREETING),
    ("👍", Pleasantry.ACKNOWLEDGED), ("🙂🙂", Pleasantry.ACKNOWLEDGED),
])
def test_a_mark_or_an_emoji_alone_is_said_back_in_no_language_of_its_own(text: str, kind: Pleasantry) -> None:
    """"?" alone (someone waiting to be spoken to) was searched, found nothing and called a person as `no_answer`,
    with nothing for them to answer. Neither it nor an emoji tells a language: "" (the tenant's own is used)."""
    assert pleasantry(text) == (kind, "")


@pytest.mark.parametrize("text", ["? 2", "?<PERSON_1>", "#1", "$", "+"])
def test_marks_with_a_digit_a_placeholder_or_a_symbol_are_not(text: str) -> None:
    found = pleasantry(text)
    assert found is None or found[0] is not Pleasantry.GREETING
