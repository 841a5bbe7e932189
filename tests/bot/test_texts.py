"""The bot's own texts (bot/core/texts.py): every text in every language the bot recognizes, with the same
fields; English, unchanged, for a language it lacks; and a conversation's language from what the
customer said last that tells."""

from __future__ import annotations

import string
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.core.handoff_texts import WEEKDAYS
from bot.core.language import LANGUAGES, conversation_language
from bot.core.texts import TEXTS, ask_for_a_person, offline_notice, text, wait_phrase
from bot.engine.pipeline import HandoffReason


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_text_is_in_every_language_with_the_same_fields(key: str) -> None:
    variants = TEXTS[key]
    assert set(variants) == set(LANGUAGES)
    assert all(_fields(v) == _fields(variants["en"]) for v in variants.values()), key
    assert set(WEEKDAYS) == set(LANGUAGES) and all(len(days) == 7 for days in WEEKDAYS.values())


def test_every_handoff_reason_has_a_notice() -> None:
    assert all(f"handoff_{reason.value}" in TEXTS for reason in HandoffReason)


def test_english_wording_is_kept_and_is_what_unknown_languages_get() -> None:
    assert text("rating_prompt", "en") == (
        "Your conversation with our support team is resolved. How did we do? Reply with a number from 1 (poor) to 5 (great)."
    )
    assert text("rating_prompt", "nl") == text("rating_prompt", "en")
    assert text("joined", "en", name="Alice") == "Alice from our support team has joined the conversation."
    assert text("too_long", "en", length=5000, limit=4000) == (
        "That message is too long for me (5000 characters; the limit is 4000). Could you shorten it?"
    )
    assert text("queue_position", "en", position=2, wait=wait_phrase("about", 5, "en")) == (
        "You're number 2 in the queue; the estimated wait is about 5 minutes."
    )
    assert wait_phrase("under", 2, "en") == "under 2 minutes" and wait_phrase("over", 30, "de") == "mehr als 30 Minuten"
    assert text("queue_position_no_estimate", "en", position=1) == (
        "You're number 1 in the queue; a person from our support team will reply here as soon as they can."
    )
    assert text("feedback_sorry", "en", ask=ask_for_a_person("telegram", "en")) == "Thanks for telling me. You can also send /human to talk to a person."
    assert ask_for_a_person("widget", "en") == "ask for a person"


def test_out_of_hours_names_the_day_in_the_customers_language() -> None:
    back = datetime(2026, 11, 30, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))  # a Monday
    assert offline_notice(back, "en").startswith("Our support team is offline right now; they're back Monday at 09:00 (CET).")
    assert "ab Montag um 09:00 Uhr (CET)" in offline_notice(back, "de")
    assert "vuelve el lunes a las 09:00 (CET)" in offline_notice(back, "es")
    assert "volta na segunda-feira às 09:00 (CET)" in offline_notice(back, "pt")


def test_the_conversations_language_is_the_latest_message_that_tells() -> None:
    newest_first = ["5", "gracias", "Olvidé mi contraseña, ¿cómo puedo cambiarla?", "How do I reset my password?"]
    assert conversation_language(newest_first) == "es"
    assert conversation_language(["I forgot my password, how do I reset it?", "Olvidé mi contraseña, ¿cómo puedo cambiarla?"]) == "en"
    assert conversation_language(["ok", "SSO?"]) == "en" and conversation_language([]) == "en"
