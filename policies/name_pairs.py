"""Two words that together are a person's name, though the dictionaries know one of them: a first name of the
lists before a surname of the lists ("Oliver N. Ebert", "beth nilsson"), and after my colleague/friend/boss a
first name that is an English word too before a surname no dictionary knows ("my colleague mark vesketh").

Split from policies/person_names.py, whose `people` weighs these with the rest of its evidence.
"""

from __future__ import annotations

import re

from bot.core.words import stop_words
from policies.name_cues import (
    KIN_CUE,
    KIN_PERSON_NEXT,
    is_cap,
    listed_name,
    sentence_start,
)
from policies.name_requests import opens_request
from policies.name_words import (
    LEADING,
    NOT_NAMES,
    QUESTION_VERBS,
    Names,
    ordinary,
    plain,
)


def kin_word_name(text: str, m: re.Match[str], words: list[str]) -> bool:
    """After my colleague/friend/boss/...: a first name of the lists that is an English word too ("mark", "bill",
    "will", "grace"), then a surname no dictionary knows or a listed one that is no ordinary word: "my colleague mark
    vesketh cannot log in". A function word ("will", "may") only when what follows the surname is what a person
    does ("my boss will vesketh asked"), as "my colleague will zelle you" is a verb; "my colleague will send it",
    "my friend bill pay" stay (an ordinary word follows)."""
    if not (len(words) == 2 or (len(words) == 3 and re.fullmatch(r"[^\W\d_]\.", words[1]))) or not KIN_CUE.match(m.group()):
        return False  # two words, or a middle initial between them: "mark t. vesketh"
    first, last = words[0].lower(), words[-1].lower().strip(".,'’")
    if first not in Names.word_first_names() or not last.isalpha() or last in NOT_NAMES or last in stop_words():
        return False
    if ordinary(last) and not (listed_name(last) and not plain(last)):
        return False
    end = m.start(1) + len(" ".join(words))
    if first in stop_words():
        return KIN_PERSON_NEXT.match(text, end) is not None
    return True


PAIR_WORD = r"[^\W\d_][^\W\d_]*(?:-[^\W\d_]+)?"


NAME_PAIR = re.compile(rf"(?<![\w'’-])({PAIR_WORD})(?: [^\W\d_]\.)? ({PAIR_WORD})(?![\w'’-])")


def name_pairs(text: str, *, cased: bool) -> list[tuple[int, int]]:
    """A first name of the lists then a surname of the lists, neither an ordinary word in a chat ("Oliver N.
    Ebert", "beth nilsson"): a person, even when the dictionaries know one of the two as a rare word."""
    out = []
    for m in NAME_PAIR.finditer(text):
        first, last = m.group(1), m.group(2)
        if cased and not (is_cap(first) and is_cap(last)):
            continue
        if first.lower() in QUESTION_VERBS and sentence_start(text, m.start()):
            continue  # "Are Calvin Klein boxers in the sale?": the question's verb, though "Are" is a first name too
        if opens_request(text, m.start(), first):
            continue  # "Tell Oria": "tell" is a first name too, but not at the head of a request
        if not cased and re.search(r"\b(?:to|in|from|at|near|into|via|visit|visiting|around|of|san|santa|los|las)\s+$", text[max(0, m.start() - 12) : m.start()]):
            continue  # "going to san jose", "be in hong kong": places (written capitalised, the model tells them)
        firsts = first.lower().split("-")
        surname = last.split("-")[-1]
        rare_surname = not ordinary(surname)  # "Nilsson": no dictionary knows it, so "Beth" before it is a name too
        if all(f in Names.first_names() and (rare_surname or not plain(f)) and f not in LEADING for f in firsts) \
                and listed_name(surname) and not plain(surname):
            out.append((m.start(), m.end()))
    return out
