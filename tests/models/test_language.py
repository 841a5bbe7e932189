"""The bot's own texts follow the customer's language: a handoff notice or apology in German, French,
Spanish, Italian or Portuguese for a question in that language, English when unsure."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.language import guess_language
from bot.pipeline import HandoffReason, Identity
from bot.services import Services
from bot.texts import text


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


async def test_a_handoff_notice_comes_in_the_language_of_the_question(make_services: Callable[..., Services]) -> None:
    services = make_services(sample=True)
    who = Identity(tenant="default", user="u1", channel="test")
    german = await services.assistant.ask("Wie ist das Wetter morgen in Berlin, und kann ich dort einen Schirm kaufen?", identity=who)
    assert german.outcome.value == "handoff" and german.handoff_reason is HandoffReason.NO_ANSWER
    assert german.answer == text("handoff_no_answer", "de")
    english = await services.assistant.ask("What will the weather be like in Berlin tomorrow?", identity=who)
    assert english.answer == "I couldn't find this in our help center, so I'm passing your question to a person from our support team."
