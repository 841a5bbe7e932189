"""Words as every layer matches them, implemented once: the function words (stop words) of a language,
from spaCy's lists, and the light stemming that lets "syncs" meet "sync" and "refunded" meet "refund".

Deliberately crude: the bot compares a question with short help-center passages in many languages, where
a dictionary stemmer for one language would do no better than dropping a few English endings and, for
the rest, comparing first letters (`prefix`).
"""

from __future__ import annotations

import functools
import importlib

ENGLISH = ("en",)
# the languages customers most often write in besides English (spaCy ships stop words for each)
OTHER_LANGUAGES = ("de", "es", "fr", "it", "pt")
_ENDINGS = ("ies", "es", "s", "ed", "ing", "ly")


@functools.cache
def stop_words(languages: tuple[str, ...] = ENGLISH) -> frozenset[str]:
    """The function words of these languages (spaCy's `spacy.lang.<code>.stop_words`), lower case."""
    found: set[str] = set()
    for code in languages:
        found |= importlib.import_module(f"spacy.lang.{code}.stop_words").STOP_WORDS
    return frozenset(found)


def stems(word: str) -> frozenset[str]:
    """The word, its part before an apostrophe, and the word without each English ending that leaves
    three letters or more: two words match when their stems meet."""
    out = {word, word.replace("’", "'").split("'")[0]}
    for suffix in _ENDINGS:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            out.add(word[: -len(suffix)])
    return frozenset(out)


def stem(word: str) -> str:
    """One stem of a word (the shortest of `stems`), for set overlaps."""
    return min(stems(word), key=lambda s: (len(s), s))


def prefix(word: str, length: int = 5) -> str:
    """Inflections in any language: the same first letters count ("restablecerla", "restablecer")."""
    return word[:length]
