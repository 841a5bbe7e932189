"""The customer's language, for the bot's own fixed texts (bot/texts.py).

Models are told to answer in the language of the question; the texts the bot writes itself follow
the same rule. The guess counts common function words of each language we have texts for: cheap
(no model), good enough for whole sentences, and English when unsure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

ENGLISH = "en"
LANGUAGE_NAMES = {"en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "pt": "Portuguese"}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# words frequent in one language and rare in the others (no word in two lists)
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset("i the is my how what can you it not please we with for this that have does why where when and".split()),
    "de": frozenset("ich nicht und der die das ist mein meine wie kann ein eine mit für auf bitte habe wir sie es zu warum wo kein keine funktioniert".split()),
    "fr": frozenset("je ne pas le les est mon ma mes comment une avec pour sur et des du vous nous ai mot passe pourquoi où marche".split()),
    "es": frozenset("yo el los las mi mis cómo puedo y del una contraseña hola qué funciona tengo cuenta olvidé cuánto cuesta".split()),
    "it": frozenset("io non il lo gli mio mia miei come per della che sono ho perché dove funziona grazie riesco".split()),
    "pt": frozenset("eu não o os meu minha como com da do uma senha olá tenho conta obrigado consigo esqueci".split()),
}


def guess_language(text: str) -> str:
    """"de", "fr", "es", "it", "pt" or "en" (also when too short or unclear to tell)."""
    return telling_language(text) or ENGLISH


def telling_language(text: str) -> str | None:
    """The language `text` is in, or None when it is too short or unclear to tell ("5", "ok", "SSO?")."""
    words = [w.lower() for w in _WORD.findall(text)]
    counts = {lang: sum(1 for w in words if w in vocab) for lang, vocab in FUNCTION_WORDS.items()}
    best = max(counts, key=lambda lang: counts[lang])
    ranked = sorted(counts.values(), reverse=True)
    if counts[best] < 2 or ranked[0] == ranked[1]:
        return None
    return best


def conversation_language(texts: Iterable[str], *, default: str = ENGLISH) -> str:
    """The language of a conversation from its customer's messages, newest first: the first one that
    tells (a rating "5" or a "gracias" doesn't), `default` (the tenant's) when none does."""
    for said in texts:
        language = telling_language(said)
        if language is not None:
            return language
    return default


def looks_english(text: str) -> bool:
    """Whether `text` reads as English to the bundled embedding model: English by its function words,
    or, when too short to tell ("SSO setup?", "¿Qué tiempo hace hoy?"), at least half of its words
    whole words of the model's English vocabulary. Text without words counts as English."""
    from knowledge.vocabulary import common_words

    told = telling_language(text)
    if told is not None:
        return told == ENGLISH
    words = [w.lower() for w in _WORD.findall(text)]
    known = common_words()
    return not words or sum(1 for w in words if w in known) >= len(words) / 2
