"""A greeting, a thank-you or a goodbye alone is a pleasantry; anything with a question in it is not."""

from __future__ import annotations

import pytest

from policies.pleasantries import Pleasantry, pleasantry


@pytest.mark.parametrize(("text", "kind", "lang"), [
    ("thanks!", Pleasantry.THANKS, "en"), ("Thank you so much, that helped", Pleasantry.THANKS, "en"),
    ("hi, thanks for the help", Pleasantry.THANKS, "en"), ("thanks <PERSON_1>", Pleasantry.THANKS, "en"),
    ("ok great, bye", Pleasantry.BYE, "en"), ("hi there", Pleasantry.GREETING, "en"), ("good morning", Pleasantry.GREETING, "en"),
    ("muchas gracias", Pleasantry.THANKS, "es"), ("merci beaucoup", Pleasantry.THANKS, "fr"), ("vielen Dank!", Pleasantry.THANKS, "de"),
    ("Ciao", Pleasantry.GREETING, "it"), ("obrigado", Pleasantry.THANKS, "pt"),
    # an acknowledgement, and a no to the bot's "anything else?": they were handed over as no_answer
    ("ok", Pleasantry.ACK, "en"), ("great", Pleasantry.ACK, "en"), ("got it", Pleasantry.ACK, "en"), ("okay cool", Pleasantry.ACK, "en"),
    ("d'accord", Pleasantry.ACK, "fr"), ("vale", Pleasantry.ACK, "es"), ("ok thanks", Pleasantry.THANKS, "en"),
    ("no thanks", Pleasantry.BYE, "en"), ("no, that's all", Pleasantry.BYE, "en"), ("nope", Pleasantry.BYE, "en"),
    ("nein danke", Pleasantry.BYE, "de"), ("no gracias", Pleasantry.BYE, "es"), ("non merci", Pleasantry.BYE, "fr"),
])
def test_pleasantries(text: str, kind: Pleasantry, lang: str) -> None:
    assert pleasantry(text) == (kind, lang)


@pytest.mark.parametrize("text", [
    "Hello, my invoice is wrong", "thanks, but how do I export?", "Hi, I need help", "how are you", "cancel", "",
    "thanks " * 9, "hola, ¿cómo cambio mi contraseña?", "ok so how do I cancel", "is it ok", "not ok", "ok but the display is dark",
    "no it does not work", "nothing works", "none of them work", "no, I want a person", "no good",
])
def test_messages_with_something_to_do_are_not(text: str) -> None:
    assert pleasantry(text) is None
