"""The bot's own texts follow the customer's language: a handoff notice or apology in German, French,
Spanish, Italian or Portuguese for a question in that language, English when unsure."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.assistant import HANDOFF_NOTICE, TRANSLATED_NOTICES
from bot.language import guess_language
from bot.pipeline import HandoffReason, Identity
from bot.services import Services


@pytest.mark.parametrize(("text", "language"), [
    ("Ich habe mein Passwort vergessen, wie kann ich es zurücksetzen?", "de"),
    ("J'ai oublié mon mot de passe, comment le réinitialiser ?", "fr"),
    ("Olvidé mi contraseña, ¿cómo puedo cambiarla?", "es"),
    ("Ho dimenticato la mia password, come posso reimpostarla?", "it"),
    ("Esqueci minha senha, como faço para redefinir?", "pt"),
    ("I forgot my password, how do I reset it?", "en"),
    ("SSO?", "en"),  # too short to tell: English
])
def test_the_customers_language_is_guessed_from_common_words(text: str, language: str) -> None:
    assert guess_language(text) == language


def test_every_notice_exists_in_every_language() -> None:
    for notices in TRANSLATED_NOTICES.values():
        assert set(notices) == set(HANDOFF_NOTICE) == set(HandoffReason)


async def test_a_handoff_notice_comes_in_the_language_of_the_question(make_services: Callable[..., Services]) -> None:
    services = make_services(sample=True)
    who = Identity(tenant="default", user="u1", channel="test")
    german = await services.assistant.ask("Wie ist das Wetter morgen in Berlin, und kann ich dort einen Schirm kaufen?", identity=who)
    assert german.outcome.value == "handoff" and german.handoff_reason is HandoffReason.NO_ANSWER
    assert german.answer == TRANSLATED_NOTICES["de"][HandoffReason.NO_ANSWER]
    english = await services.assistant.ask("What will the weather be like in Berlin tomorrow?", identity=who)
    assert english.answer == HANDOFF_NOTICE[HandoffReason.NO_ANSWER]
