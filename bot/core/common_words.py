"""The whole-word entries of the bundled embedding model's WordPiece vocabulary (~20k common English words).

The language check (bot/core/language.py), the name rules (policies/person_names.py,
policies/name_words.py) and the knowledge base's own words (knowledge/vocabulary.py, which re-exports
this) all read the same list. It lives in the ground layer and reads the tokenizer file the knowledge
package ships by path: a data file, not code, so no layer imports another for it. The path is the
sibling top-level package's folder, the same in a checkout and an installed wheel.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

TOKENIZER = Path(__file__).resolve().parents[2] / "knowledge" / "models" / "all-MiniLM-L6-v2" / "tokenizer.json"


@cache
def common_words() -> frozenset[str]:
    """Whole-word entries of the embedding model's WordPiece vocabulary (~20k common English words);
    empty when the bundled tokenizer is missing (the checks that use it then know no common words)."""
    try:
        vocab = json.loads(TOKENIZER.read_text(encoding="utf-8"))["model"]["vocab"]
    except (OSError, KeyError, ValueError):
        return frozenset()
    return frozenset(w for w in vocab if w.isalpha() and not w.startswith("##"))


@cache
def dictionary_words() -> frozenset[str]:
    """Ordinary English words, lower case: the lower-case entries of Webster's Second International (1934,
    public domain) and of GCIDE (GNU's dictionary, which adds newer words: "email", "pasta"), from the
    `english-words` package; empty when it is missing. Base forms mostly: `is_dictionary_word` reads
    inflections too."""
    try:
        from english_words import get_english_words_set
    except ImportError:
        return frozenset()
    web2 = get_english_words_set(["web2"], lower=False, alpha=True)
    gcide = get_english_words_set(["gcide"], lower=False, alpha=True)
    return frozenset(w for w in web2 | gcide if w.islower())


# inflectional endings and what the base form may end in instead: "updating" -> "update",
# "cancelling" -> "cancel", "modified" -> "modify"
_INFLECTIONS = (("ing", ("", "e")), ("ed", ("", "e")), ("es", ("", "e")), ("s", ("",)), ("ies", ("y",)), ("ied", ("y",)),
                ("er", ("", "e")), ("est", ("", "e")), ("ly", ("", "le")))


def is_dictionary_word(word: str) -> bool:
    """Whether `word` (lower case) or a base form it inflects is in `dictionary_words`."""
    known = dictionary_words()
    if word in known:
        return True
    for ending, bases in _INFLECTIONS:
        if word.endswith(ending) and len(word) - len(ending) >= 2:
            stem = word[: -len(ending)]
            if any(stem + b in known for b in bases):
                return True
            if len(stem) >= 3 and stem[-1] == stem[-2] and stem[:-1] in known:  # "cancelling", "stopped"
                return True
    return False
