"""Requests about someone: "Tell Oria I said hi", "Ask Quillor to call me", "tell oria and bramwen where i am".

A request's verb opening a sentence or a clause is no part of the name after it (`without_opening_verb`,
`lone_request_verb`), a name joined by "and" to a found one after it is a name too (`joined_after_request`,
`requested_pair`), but only when it is one on its own: a request may name a team as well ("Tell Oria and Sales",
`coordinated_name`). Split from policies/name_extent.py, which reads `opens_request` while it grows a name and
`coordinated_name` for the items of a list; policies/person_names.py calls the rest.
"""

from __future__ import annotations

import re

from bot.core.first_names import Names
from bot.core.words import stop_words
from policies.name_cues import NAME_TITLE, common, is_cap, sentence_start, verb_follows
from policies.name_words import LEADING, NOT_NAMES, NameWords, ordinary, plain

# verbs that open a request about someone: "Tell Oria and Bramwen where I am", "Ask Quillor to call me" ("Tell" and
# "Ping" are first names too, but not at the head of a request)
REQUEST_VERBS = frozenset("tell ask remind call email e-mail text message ping notify inform invite thank cc".split())


def clause_start(text: str, index: int) -> bool:
    """A sentence's start, or a clause's after a semicolon or a comma: a request opens either ("Thanks for the
    help; Tell Oria I said hi", "Thanks, tell Oria I said hi")."""
    return sentence_start(text, index) or text[:index].rstrip().endswith((";", ","))


def opens_request(text: str, start: int, word: str) -> bool:
    """A request's verb opening a sentence or a clause ("Tell Oria ...", "Thanks; Tell Oria ..."), not a first name
    after a title ("Ms. Ping Vesketh")."""
    return word.lower() in REQUEST_VERBS and clause_start(text, start) and not NAME_TITLE.search(text[max(0, start - 8) : start])


def lone_request_verb(text: str, start: int, word: str) -> bool:
    """A request's verb found alone with words after it ("Thanks for the help; Tell support I said thanks"): the verb,
    not someone called Tell ("Thanks, Ping!" ends with the name)."""
    return opens_request(text, start, word) and re.match(r"\s+[^\W\d_]", text[start + len(word) :]) is not None \
        and not verb_follows(text, start + len(word))  # "Ping is a very sympathetic person": a name


def without_opening_verb(text: str, start: int, words: list[str]) -> tuple[int, list[str]]:
    """"Reminded Quillor about the refund", "Emailed Quillor twice": the first word of a sentence is
    capitalised as every first word is; a verb in the past ("-ed", an ordinary word no name list has:
    not "Fred" or "Mildred") or a verb opening a request ("Tell Quillor where I am") is no part of the
    name. Other ordinary words stay: "Mark", "Hope" and words of other languages open names."""
    first = words[0].lower() if words else ""
    past = len(first) > 4 and first.endswith("ed") and first.isalpha() and ordinary(first) and first not in Names.first_names() \
        and first not in NameWords.surnames()
    if len(words) > 1 and ((past and sentence_start(text, start)) or opens_request(text, start, first)):
        start = text.index(words[1], start + len(words[0]))
        words = words[1:]
    return start, words


def coordinated_name(word: str) -> bool:
    """After a request's verb, an item joined to a name is a name itself only when it is one on its own: a first
    name of the lists or a word no chat uses ("Tell Oria and Ruby", "Tell Oria and Quillor"), not a department or an
    ordinary noun ("Tell Oria and Sales where I am", "Ask Ingrid and Support")."""
    return word.lower() not in NOT_NAMES and not common(word)


# "Tell Oria and Bramwen where I am": a request's verb, a name found, then "and" and another
OPENING_REQUEST = re.compile(rf"(?:\A|[.!?\n;,]\s*)(?:please\s+)?(?i:{'|'.join(sorted(REQUEST_VERBS))})\s+\Z")
JOINED_NAME = re.compile(r",? and ([^\W\d_][\w'’-]*)((?: [^\W\d_][\w'’-]*\.?){0,2})")


def joined_after_request(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """The second of two names joined by "and" after a request's opening verb, when the first was found:
    "tell oria vesketh and bramwen where i am". It opens with a first name of the lists that is no ordinary
    word or with a word no dictionary knows, written as the first is (both capitalised or neither), and takes
    the name words after it; a first name of the lists may be an English word too ("tell oria and ruby"). "tell oria
    and the team", "tell oria and sales" stay as they are."""
    out = []
    for start, end in spans:
        m = JOINED_NAME.match(text, end)
        opening = OPENING_REQUEST.search(text, 0, start)
        if m is None or opening is None or opening.end() != start:
            continue
        first = m.group(1)
        if is_cap(first) != is_cap(text[start:end]) or not (_first_name_joined(first) or (_joined_word(first) and not ordinary(first))):
            continue
        stop = m.end(1)
        for w in re.finditer(r"[^\W\d_][\w'’-]*\.?", m.group(2)):
            if not (len(w.group().rstrip(".")) == 1 and w.group().endswith(".")) and not _joined_word(w.group()):
                break
            stop = m.start(2) + w.end()
        out.append((m.start(1), stop))
    return out


def _first_name_joined(word: str) -> bool:
    """After a name and "and", a first name of the lists even when it is an English word too ("ruby", "jade")."""
    low = word.lower()
    return low in Names.first_names() and low not in REQUEST_VERBS and low not in stop_words() and low not in LEADING


def _joined_word(word: str) -> bool:
    low = word.lower().strip(".,'’")
    if len(low) < 2 or low in NOT_NAMES or low in stop_words() or low in LEADING:
        return False
    return ((low in Names.first_names() or low in NameWords.surnames()) and not plain(low)) or not ordinary(low)


REQUEST_THEN_NAME = re.compile(
    rf"(?:\A|(?<=[.!?\n;,]))\s*(?:please\s+)?(?i:{'|'.join(sorted(REQUEST_VERBS))})\s+([^\W\d_][\w'’-]*)(?=,? and )"
)


def requested_pair(text: str) -> list[tuple[int, int]]:
    """"tell ingrid and fatima where i am": after a request's opening verb, a first name of the lists that is no
    ordinary word, joined by "and" to another name word (`joined_after_request` then finds that one). The first
    name alone says too little ("call ruby", "text mom")."""
    out = []
    for m in REQUEST_THEN_NAME.finditer(text):
        low = m.group(1).lower()
        if low in Names.first_names() and not plain(low) and _joined_word(low) \
                and joined_after_request([(m.start(1), m.end(1))], text):
            out.append((m.start(1), m.end(1)))
    return out
