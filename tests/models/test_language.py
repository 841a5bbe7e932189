"""The bot's own texts follow the customer's language: a handoff notice or apology in German, French,
Spanish, Italian or Portuguese for a question in that language, English when unsure."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.core.errors import ConfigError
from bot.core.language import ENGLISH, telling_language
from bot.engine.pipeline import HandoffReason, Identity
from bot.app.composition import Services
from bot.core.config import load_tenants
from bot.core.texts import text


@pytest.mark.parametrize(("text", "language"), [
    ("Ich habe mein Passwort vergessen, wie kann ich es zurücksetzen?", "de"),
    ("J'ai oublié mon mot de passe, comment le réinitialiser ?", "fr"),
    ("Olvidé mi contraseña, ¿cómo puedo cambiarla?", "es"),
    ("Ho dimenticato la mia password, come posso reimpostarla?", "it"),
    ("Esqueci minha senha, como faço para redefinir?", "pt"),
    ("I forgot my password, how do I reset it?", "en"),
    ("SSO?", "en"),  # too short to tell: English
    ("¿Dónde cambio mi clave de acceso?", "es"),  # short, and no word of it says Spanish alone
    ("Mi wifi se corta cada noche a las 23:00 mas o menos", "es"),
])
def test_the_customers_language_is_guessed(text: str, language: str) -> None:
    assert (telling_language(text) or ENGLISH) == language  # English when it can't be told


async def test_a_handoff_notice_comes_in_the_language_of_the_question(make_services: Callable[..., Services]) -> None:
    services = make_services(sample=True)
    who = Identity(tenant="default", user="u1", channel="test")
    german = await services.assistant.ask("Wie ist das Wetter morgen in Berlin, und kann ich dort einen Schirm kaufen?", identity=who)
    assert german.outcome.value == "handoff" and german.handoff_reason is HandoffReason.NO_ANSWER
    assert german.answer == text("handoff_no_answer", "de")
    english = await services.assistant.ask("What will the weather be like in Berlin tomorrow?", identity=who)
    assert english.answer == "I couldn't find this in our help center, so I'm passing your question to a person from our support team."


async def test_a_tenant_names_the_language_of_its_texts_when_the_customers_cannot_be_told(
    make_services: Callable[..., Services], tmp_path: Path
) -> None:
    tenants = tmp_path / "tenants.toml"
    tenants.write_text('[tenants.default]\n[tenants.madrid]\nlanguage = "es"\n', encoding="utf-8")
    services = make_services(SUPPORTBOT_TENANTS_FILE=str(tenants))
    short = "¿Factura?"  # too short to tell
    spanish = await services.assistant.ask(short, identity=Identity(tenant="madrid", user="u1", channel="test"))
    assert spanish.outcome.value == "handoff" and spanish.answer == text("handoff_no_answer", "es")
    english = await services.assistant.ask(short, identity=Identity(tenant="default", user="u1", channel="test"))
    assert english.answer == text("handoff_no_answer", "en")
    german = await services.assistant.ask("Wie ist das Wetter morgen in Berlin, und kann ich dort einen Schirm kaufen?",
                                          identity=Identity(tenant="madrid", user="u1", channel="test"))
    assert german.answer == text("handoff_no_answer", "de")  # a customer's own language comes first


def test_a_language_the_bot_has_no_texts_in_is_a_clear_error(tmp_path: Path) -> None:
    tenants = tmp_path / "tenants.toml"
    tenants.write_text('[tenants.tokyo]\nlanguage = "ja"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="language must be one of de, en, es, fr, it, pt, not 'ja'"):
        load_tenants(tenants)


async def test_a_peers_support_tickets_are_each_answered_in_their_own_language(
    make_services: Callable[..., Services], shared_data: Path
) -> None:
    """promptfoo's customer-support rubric grades "language fit": English and Spanish tickets (none of
    them covered by the sample help center, so each reply is the bot's own text)."""
    tickets = list(csv.DictReader((shared_data / "peer/promptfoo/eval-customer-support-rubric/tests.csv").open(encoding="utf-8")))
    services = make_services(sample=True)
    languages = {ticket["language"] for ticket in tickets}
    assert languages == {"en", "es"}
    for ticket in tickets:
        reply = await services.assistant.ask(ticket["customer_message"], identity=Identity(tenant="default", user="peer", channel="test"))
        assert telling_language(reply.answer) == ticket["language"], (ticket["__description"], reply.answer)
