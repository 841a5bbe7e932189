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
])
def test_pleasantries(text: str, kind: Pleasantry, lang: str) -> None:
    assert pleasantry(text) == (kind, lang)


@pytest.mark.parametrize("text", [
    "Hello, my invoice is wrong", "thanks, but how do I export?", "Hi, I need help", "how are you", "ok", "great", "cancel", "",
    "thanks " * 9, "hola, ¿cómo cambio mi contraseña?",
])
def test_messages_with_something_to_do_are_not(text: str) -> None:
    assert pleasantry(text) is None
