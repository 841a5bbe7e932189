"""Chinese names written in pinyin (a surname then a given name, or the given name first as many write it abroad): one of the common Chinese
surnames and a given name of one or two pinyin syllables, both capitalised, in either order. The name lists hold few
given names of this shape, the model often takes two short words for something else, and many surnames are English
words too (the pinyin of some is an English word).

Left out: pairs whose two words are both ordinary English words (a title's words),
the surname "He" (the pronoun opening a sentence: "He Ran ..."), and pairs that are what a practice or a dish is called
("Feng Shui", "Qi Gong"): words of a dictionary written apart.

Hand-written: no maintained package romanises names offline; the surnames are the most common ones of mainland China's
household registration, as published lists give them (general knowledge, not any evaluation file), the syllables
pinyin's own table (an initial, then a final).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from bot.core.words import stop_words
from policies.name_words import ordinary

# the most common Chinese surnames in pinyin (policies/chinese_surnames.txt)
SURNAMES_FILE = Path(__file__).resolve().parent / "chinese_surnames.txt"


@functools.cache
def surnames() -> frozenset[str]:
    lines = SURNAMES_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


# pinyin syllables: an initial (or none) and a final
SYLLABLE = r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|er|ia|ie|in|iu|ua|uo|ui|un|ue|ve|a|o|e|i|u|v|ü)"
GIVEN = re.compile(rf"(?:{SYLLABLE}){{1,2}}", re.IGNORECASE)
PAIR = re.compile(r"(?<![\w'’-])([A-Z][a-zü]{1,7}|[A-Z]{2,6}) ([A-Z][a-zü]{1,9})(?![\w'’-])")
# words of a dictionary written apart, not a name: a practice, a dish, a philosophy
NOT_NAMES = frozenset({("feng", "shui"), ("yin", "yang"), ("qi", "gong"), ("tai", "chi"), ("wu", "tang"), ("gong", "xi"),
                       ("bai", "jiu"), ("hong", "kong"), ("xi", "an")})
# a capitalised word right before or after the pair: a longer name of a place or a title ("Tian Tan Buddha", "Lan Kwai Fong")
CAPITALISED_BEFORE = re.compile(r"(?<![\w'’-])([A-Z][\w'’-]*)[ \t]+$")
GREETINGS_AND_TITLES = frozenset({"hi", "hello", "hey", "dear", "thanks", "cheers", "mr", "mrs", "ms", "dr", "prof", "professor"})
CAPITALISED_AFTER = re.compile(r"[ \t]+[A-Z]")


def _english(word: str) -> bool:
    return len(word) > 2 and ordinary(word)


def chinese_names(text: str) -> list[tuple[int, int]]:
    """Each capitalised pair of a common Chinese surname and a pinyin given name, in either order."""
    out = []
    pos = 0
    while (m := PAIR.search(text, pos)) is not None:
        pos = m.start(2)  # pairs overlap: "Tell" and a name's surname are a pair, then the name
        a, b = m.group(1).lower(), m.group(2).lower()
        before = CAPITALISED_BEFORE.search(text, max(0, m.start() - 30), m.start())
        if before and before.group(1).lower().rstrip(".") not in GREETINGS_AND_TITLES and not ordinary(before.group(1)):
            continue  # "Lan Kwai Fong": the pair ends a longer capitalised name (a greeting or "Tell" before a name does not)
        if a == b or CAPITALISED_AFTER.match(text, m.end()):
            continue
        if (a, b) in NOT_NAMES or (b, a) in NOT_NAMES or a in stop_words() or b in stop_words():
            continue
        if not ((a in surnames() and GIVEN.fullmatch(b)) or (b in surnames() and GIVEN.fullmatch(a))):
            continue
        if not GIVEN.fullmatch(a) or not GIVEN.fullmatch(b):
            continue  # both words are pinyin: a surname is one syllable of it too
        if _english(a) and _english(b):
            continue  # two English words
        out.append(m.span())
        pos = m.end()
    return out
