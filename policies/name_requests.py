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
    return word.lower() in REQUEST_VERBS and clause_start(text, start) and not NAME_TITLE.search(text[max(0, start - 11) : start])


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


# a request about someone opening a sentence or a clause, in any case, after a polite opening or none: "ask Bramwen
# to call me", "thanks; tell Bramwen the invoice is ready", "Can you ask Bramwen to call me?"
REQUESTED = re.compile(
    rf"(?:\A|(?<=[.!?\n;,]))\s*(?i:(?:(?:please|pls|can you|could you|would you|will you)\s+)*(?:{'|'.join(sorted(REQUEST_VERBS))}))"
    r"\s+([^\W\d_][\w'’-]*)"
)
# what follows a first name a request is about: "to call me", "I said hi", "the invoice is ready", "about the refund"
REQUESTED_NEXT = re.compile(
    r"\s+(?:to [a-z]|(?i:i)\b|that\b|about\b|if\b|whether\b|when\b|where\b|why\b|how\b|the\b|my\b|we\b|our\b|for\b|know\b)"
)
# what follows a word no list knows only when it is someone: what a person does for the writer ("to call me back"), or
# a sentence told ("I said hi", "we got it", "that I'm late", "the invoice is ready"); a service is asked to act ("ask Klarna to
# refund me", "email Zendesk about the outage") as a person is, so that says nothing
PERSON_NEXT = re.compile(
    r"\s+(?:to (?:call|ring|phone|email|e-mail|text|message|contact|get back to|meet|join|sign|approve|come|stop by|visit)\b"
    r"|(?i:i)\b|(?:we|they|he|she) [a-z]|that\b|know\b|(?:the|my|our|your|his|her|their) [a-z]+ (?:is|are|was|were|has|have|will)\b)"
)
# in lower case the request says less: only "to <verb>" and "I said"
REQUESTED_NEXT_LOWER = re.compile(r"\s+(?:to [a-z]|i (?:said|say)\b|that\b|about\b|if\b)")


def requested_names(text: str) -> list[tuple[int, int]]:
    """Someone a request opening a sentence or a clause is about: "ask Bramwen to call me", "thanks; tell Bramwen I said
    hi", "ask oria to reset my password". Capitalised, a first name of the lists or a word no chat uses (the model and
    the lists miss a name neither knows; such a word needs what only a person does after it, `PERSON_NEXT`); in lower
    case, a first name of the lists that is no English word. Not a team or an ordinary word ("ask Sales to call me",
    "tell mom to call me"), nor a product written as one ("ask HubSpot to sync")."""
    out = []
    for m in REQUESTED.finditer(text):
        word = m.group(1)
        low = word.lower().strip("'’")
        if low in NOT_NAMES or low in stop_words() or low in LEADING or low in REQUEST_VERBS or len(low) < 2:
            continue
        if is_cap(word):
            if word.isupper() or any(c.isupper() for c in word[1:]) or common(word):
                continue
            listed = low in Names.first_names() and not ordinary(low)
            if not (REQUESTED_NEXT if listed else PERSON_NEXT).match(text, m.end(1)):
                continue
        elif not (low in Names.first_names() and not ordinary(low) and REQUESTED_NEXT_LOWER.match(text, m.end(1))):
            continue
        out.append((m.start(1), m.end(1)))
    return out
