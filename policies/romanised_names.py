"""Korean given names written in Latin letters with a hyphen ("Hye-rin", "Ye-jin Cho"): two syllables, each of the
shape Korean syllables take when romanised (an initial consonant, a vowel, at most one final consonant), joined by a
hyphen. The name lists hold few of them and the model often takes them, or a surname after them that is a word
("Park"), for something else. English hyphenated words of the same shape are ordinary words ("pop-up", "set-up"):
the whole word or both its halves are words of the vocabulary, so they are left out.
"""

from __future__ import annotations

import re

from bot.core.words import stop_words
from policies.name_words import NameWords, ordinary
from policies.pii_patterns import UPPER

# the sounds of Revised Romanisation and of the spellings common in names ("oo" of "Soo", "w" of "Woo")
SYLLABLE = re.compile(
    r"(?:kk|tt|pp|ss|jj|ch|[gkndtrlmbpsjhw])?"
    r"(?:yae|yeo|wae|ae|ya|eo|ye|wa|oe|yo|wo|we|wi|yu|eu|ui|oo|ee|a|e|o|u|i)"
    r"(?:ng|[nmklpt])?",
    re.IGNORECASE,
)
HYPHENATED = re.compile(rf"(?<![\w'’-])([{UPPER}][a-z]{{0,4}})-([a-z]{{1,5}})(?![\w'’-])")
NEXT_WORD = re.compile(rf" ([{UPPER}][a-z]{{1,5}})\b(?![’'-])")


def _syllable(part: str) -> bool:
    return SYLLABLE.fullmatch(part) is not None


def korean_given_names(text: str) -> list[tuple[int, int]]:
    """Each hyphenated given name of two romanised syllables, with a surname right after it (a word of the same shape
    or a surname of the lists, not a function word: "Ji-ho Park")."""
    out = []
    for m in HYPHENATED.finditer(text):
        first, second = m.group(1), m.group(2)
        if not (_syllable(first) and _syllable(second)) or ordinary(f"{first}-{second}") or (ordinary(first) and ordinary(second)):
            continue
        end = m.end()
        if (n := NEXT_WORD.match(text, end)) and (_syllable(n.group(1)) or n.group(1).lower() in NameWords.surnames()) \
                and n.group(1).lower() not in stop_words():
            end = n.end()  # a surname that is a word too ("Park", "Song") or a street's word: the name's, after a given name
        out.append((m.start(), end))
    return out
