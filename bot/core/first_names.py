"""First names from many countries (gender-guesser's list, ~45k names), less the ones that are
ordinary words in a support chat (`NOT_NAMES`).

The name rules (policies/person_names.py, policies/things.py, through policies/name_words.py, which
re-exports this) and the knowledge base's own terms (knowledge/terms.py, which must not take a name
in the help center for an unknown word) read the same list, so it lives in the ground layer.
"""

from __future__ import annotations

import threading


# capitalised words that are first names in some country but ordinary words in a support chat
NOT_NAMES = frozenset(
    """i a an the my your our this that it we you he she they me us hi hello hey dear thanks thank please yes no ok okay i'd i'm i'll i've
    will may june april august mark bill grace hope joy faith rose summer page chase chance sunny honey love
    gold silver premium pro basic free freemium standard plus business team help support order account card
    monday tuesday wednesday thursday friday saturday sunday january february march july september october november december
    can could would should what when where why how who which if as at by for from in into of on or to with
    mac macbook chrome safari edge firefox windows linux android iphone ipad pixel galaxy alexa siri opera
    hola bonjour bonsoir salut hallo servus moin ciao buongiorno olá hej hei merhaba namaste aloha""".split()
)


class Names:
    """First names from many countries (gender-guesser's list, ~45k names), loaded once."""

    _lists: tuple[frozenset[str], frozenset[str]] | None = None
    _lock = threading.Lock()

    @classmethod
    def first_names(cls) -> frozenset[str]:
        return cls._loaded()[0]

    @classmethod
    def word_first_names(cls) -> frozenset[str]:
        """The first names of the list left out of `first_names` as ordinary words ("mark", "bill", "will", "grace")."""
        return cls._loaded()[1]

    @classmethod
    def _loaded(cls) -> tuple[frozenset[str], frozenset[str]]:
        if cls._lists is None:
            with cls._lock:
                if cls._lists is None:
                    names = _load_first_names()
                    cls._lists = (frozenset(names - NOT_NAMES), frozenset(names & NOT_NAMES))
        return cls._lists


def _load_first_names() -> set[str]:
    try:
        from gender_guesser.detector import Detector
    except ImportError:
        return set()
    names = set()
    for name in Detector(case_sensitive=False).names:
        for part in name.replace("+", " ").replace("-", " ").split():
            if len(part) > 2:
                names.add(part.lower())
    return names
