"""Words as every layer matches them, implemented once: the function words (stop words) of a language,
from spaCy's lists, and the light stemming that lets "syncs" meet "sync" and "refunded" meet "refund".

Deliberately crude: the bot compares a question with short help-center passages in many languages, where
a dictionary stemmer for one language would do no better than dropping a few English endings and, for
the rest, comparing first letters (`prefix`).
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ENGLISH = ("en",)
# the languages customers most often write in besides English (spaCy ships stop words for each)
OTHER_LANGUAGES = ("de", "es", "fr", "it", "pt")
_ENDINGS = ("ies", "es", "s", "ed", "ing", "ly")


@functools.cache
def stop_words(languages: tuple[str, ...] = ENGLISH) -> frozenset[str]:
    """The function words of these languages (spaCy's `spacy.lang.<code>.stop_words`), lower case."""
    found: set[str] = set()
    for code in languages:
        found |= _stop_word_module(code).STOP_WORDS
    return frozenset(found)


def _stop_word_module(code: str) -> ModuleType:
    """spaCy's list of a language's stop words, read without running its language package: importing
    `spacy.lang.fr.stop_words` runs `spacy.lang.fr` first, whose tokenizer exceptions compile regular
    expressions for ~5 s of CPU (French; German, Spanish, Italian and Portuguese less), at every start of
    `serve` and of each CLI command, for a list of words that imports nothing. Read as the package would
    read it where the package was already imported (the spaCy model of that language in use)."""
    name = f"spacy.lang.{code}.stop_words"
    if name in sys.modules or f"spacy.lang.{code}" in sys.modules:
        return importlib.import_module(name)
    spec = importlib.util.find_spec("spacy.lang")
    assert spec is not None and spec.submodule_search_locations
    path = Path(next(iter(spec.submodule_search_locations))) / code / "stop_words.py"
    module_spec = importlib.util.spec_from_file_location(f"_supportbot_stop_words_{code}", path)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


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
