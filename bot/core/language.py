"""The customer's language, for the bot's own fixed texts (bot/core/texts.py) and the checks on answers.

Models are told to answer in the language of the question; the texts the bot writes itself follow
the same rule. The guess is py3langid's (langid.py's character n-gram model, shipped in the wheel),
limited to the languages we have texts for: about 50 microseconds a message, and it tells short
questions ("¿Dónde cambio mi clave de acceso?") that a count of function words could not. Below
`SURE` it says nothing ("5", "ok", "SSO?"), and callers fall back to the conversation's or the
tenant's language, or English.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

ENGLISH = "en"
LANGUAGE_NAMES = {"en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "pt": "Portuguese"}
LANGUAGES = tuple(LANGUAGE_NAMES)
NBSP = "\u00a0"  # French puts it before ? ! ; and : in the bot's texts (bot/core/texts.py)
# the identifier's probability (among LANGUAGES) from which a text tells its language: at 0.8 none of
# 3,583 English questions (COVID-QA paraphrases, Bitext requests, our eval cases) is taken for another
# language (none at 0.7 either), and "Mi wifi se corta cada noche a las 23:00 mas o menos" (0.87) tells
SURE = 0.8
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@functools.cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def warm_up() -> None:
    """Load the identifier's model (0.7 s) before the first customer waits for it."""
    _identifier()


@functools.lru_cache(maxsize=256)
def telling_language(text: str) -> str | None:
    """The language `text` is in, or None when it is too short or unclear to tell ("5", "ok", "SSO?").
    Remembered for the last few texts: one message's text is asked about three times on its way (the
    confidence gate, the extractive answer, the handoff notice), ~0.5 ms each, ~10% of a serve process's
    GIL time under bench/bench_scale.py's load (py-spy --gil); the cache is memory only and small."""
    if not _WORD.search(text):
        return None
    language, probability = _identifier().classify(text)
    return str(language) if probability >= SURE else None


LATEST_SAID = 10  # the customer's latest messages a conversation's language is told from (`conversation_language`)


def conversation_language(texts: Iterable[str], *, default: str = ENGLISH) -> str:
    """The language of a conversation from its customer's messages, newest first: the first one that
    tells (a rating "5" or a "gracias" doesn't), `default` (the tenant's) when none does."""
    for said in texts:
        language = telling_language(said)
        if language is not None:
            return language
    return default


def looks_english(text: str) -> bool:
    """Whether `text` reads as English to the bundled embedding model: told English, or, when too short
    to tell ("SSO setup?", "Rechnung?"), at least half of its words whole words of the model's English
    vocabulary. Text without words counts as English."""
    from bot.core.common_words import common_words

    told = telling_language(text)
    if told is not None:
        return told == ENGLISH
    words = [w.lower() for w in _WORD.findall(text)]
    known = common_words()
    return not words or sum(1 for w in words if w in known) >= len(words) / 2


# Scripts written without capital letters (Arabic, Hebrew, Chinese, Japanese, Korean, Thai, Devanagari and
# the other Indic scripts...): redaction finds names by the English spaCy model and by cues that read
# capitals ("my name is Олег Петров" is found); in these scripts only a name given after a cue of the
# language ("اسمي محمد أحمد", "我叫王小明": policies/caseless_names.py), so a name said any other way (a
# signature, a third person) passes it unchanged. Letters from U+0250 on: Latin, Greek and Cyrillic letters
# before or after it have case.
_FIRST_CASELESS = 0x0250


def caseless_script(text: str) -> str | None:
    """The first script of `text` whose letters have no case ("ARABIC", "CJK", "HEBREW"), as Unicode names
    it, or None: a message that redaction cannot read for names (policies/routing.py keeps it off the
    remote model)."""
    for ch in text:
        if ord(ch) >= _FIRST_CASELESS and ch.isalpha() and ch.lower() == ch == ch.upper():
            return unicodedata.name(ch, "UNKNOWN").split()[0]
    return None
