"""How far a found name reaches: the words before it that are no part of it (a greeting, a sentence's
function word, another language's function words and titles), the name words next to it it grows over
("Oliwier [Nowotny]", "[Quinn D.] van den Velden"), its title, and the same name elsewhere in the message.

Split from policies/person_names.py, whose `people` finds the names and calls these on what it found. What a
request's verb does to a name next to it is policies/name_requests.py.
"""

from __future__ import annotations

import re

from bot.core.first_names import Names
from bot.core.words import stop_words
from policies.name_cues import (
    LIST_OF_NAMES,
    NAME_TITLE,
    NAME_WORD,
    common,
    is_cap,
    listed_name,
    sentence_start,
)
from policies.name_requests import OPENING_REQUEST, coordinated_name, opens_request
from policies.name_words import (
    LEADING,
    NOT_NAMES,
    QUESTION_VERBS,
    foreign_function_word,
    plain,
    product_end_only,
    unknown_word,
)
from policies.pii_patterns import UPPER

TITLE_WORDS = frozenset("herr herrn frau sr sra srta señor señora mme mlle signor signora".split())


def without_foreign_lead(text: str, start: int, words: list[str]) -> tuple[int, list[str]]:
    """"Können Sie Frau Öztürk", "ich bin Quillon": another language's function words and titles before a
    name are no part of it (a title is put back by `with_titles`). Particles stay ("de Vries")."""
    if NAME_TITLE.search(text[max(0, start - 11) : start]):
        return start, words  # "this is Mr. Lo Vesketh": after a title, every word is the name's
    while len(words) > 1 and (
        (foreign_function_word(words[0]) and words[0].lower() not in NAME_PARTICLES_KEPT and not _first_name_kept(words)) or words[0].lower().rstrip(".") in TITLE_WORDS
    ):
        start = text.index(words[0], start) + len(words[0])
        start += len(text[start:]) - len(text[start:].lstrip())
        words = words[1:]
    return start, words


# particles that are function words too but open a surname: "de Vries", "van Dijk", "da Silva"
NAME_PARTICLES_KEPT = frozenset("de del della da das dos do di du la le van von der den ten ter".split())


def without_article(text: str, start: int, words: list[str]) -> tuple[int, list[str]]:
    """"Does the Luna Max support ...": the model sometimes tags the article before what it takes for a name; an
    English function word in lower case is no part of a name (particles stay: "do Carmo", "de Vries")."""
    while len(words) > 1 and words[0].islower() and words[0] in stop_words() and words[0] not in NAME_PARTICLES_KEPT:
        start = text.index(words[1], start + len(words[0]))
        words = words[1:]
    return start, words


def without_leading_words(text: str, start: int, words: list[str]) -> tuple[int, list[str]]:
    """"Hi Quillon", "Maybe Bramwen": a greeting or a sentence's first function word is no part of the name."""
    while words and (words[0].lower().strip(",.") in LEADING or (words[0].lower() in stop_words() and not _first_name_kept(words))
                     or (words[0].lower() in QUESTION_VERBS and len(words) > 1 and sentence_start(text, start))):
        start = text.index(words[0], start) + len(words[0])
        start += len(text[start:]) - len(text[start:].lstrip())
        words = words[1:]
    return start, words


def _first_name_kept(words: list[str]) -> bool:
    """"My name is Even K. Vesketh", "Even Håvesketh": a capitalised first name that English has as a function
    word too ("even") is the name's when a middle initial or a surname no dictionary knows follows it ("Even
    Microsoft", "Even so" stay)."""
    first, rest = words[0], words[1:]
    if not rest or not is_cap(first) or first.isupper() or first.lower() not in Names.first_names() or first.lower() in NOT_NAMES | LEADING:
        return False
    following = rest[0].rstrip(",")
    if re.fullmatch(rf"[{UPPER}]\.", following):
        return True
    return is_cap(following) and not following.isupper() and ((listed_name(following) and not plain(following)) or unknown_word(following))


PARTICLES = r"(?:(?:van|von|de|der|den|da|di|du|la|le|del|dos|das|ten|ter|bin|ibn|al|el)\s+){0,3}"


NEXT_NAME_WORD = re.compile(rf"\s({PARTICLES}[^\W\d_][\w'’-]*|[^\W\d_]\.)(?=[\s.,;:!?)\"”'’]|$)")


# \Z, not $: $ also matches before a last line break, and the name then grew by the wrong number of characters
# ("Oria Vesketh\n\nQuillon Vale" made "esketh\n\nQuillon Vale" one span, leaving the "V" behind)
PREVIOUS_NAME_WORD = re.compile(rf"(?<![\w'’-])({NAME_WORD})\s\Z")


# the particles that open a surname, written in lower case before it: "van den [Pol]", "de la [Cruz]", "ten [Berg]",
# "da [Rosa]"; then the first name before them ("[Anneke] ten Berg"). Not "do", "le", "la" alone: words of sentences
PREVIOUS_PARTICLES = re.compile(r"(?<![\w'’-])(?:van|von|de|da|di|du|del|della|dos|das|ten|ter)(?: (?:der|den|de|la|las|los))? \Z")
FIRST_NAME_BEFORE = re.compile(rf"(?<![\w'’-])({NAME_WORD}) \Z")


def grown(spans: list[tuple[int, int]], text: str, *, cased: bool) -> list[tuple[int, int]]:
    """A found name takes in the name words right next to it: "Oliwier [Nowotny]", "[Quinn D.] van den Velden",
    "[gabriela] mendoza" (a surname of the lists after a first name in lower case)."""
    out = []
    for start, end in spans:
        while (m := NEXT_NAME_WORD.match(text, end)) and _grows(m.group(1), cased=cased, name=text[start:end]):
            end = m.end()
        if cased:
            while (m := PREVIOUS_NAME_WORD.search(text[max(0, start - 40) : start])) and _grows(m.group(1), cased=True, before=True) \
                    and not sentence_start(text, start - len(m.group())) and not opens_request(text, start - len(m.group()), m.group(1)):
                start -= len(m.group())
        while end > start and text[end - 1] == "." and not re.search(r"(?:^|\s)[^\W\d_]\.$", text[start:end]):
            end -= 1
        out.append((start, end))
    return out


def _grows(piece: str, *, cased: bool, before: bool = False, name: str = "") -> bool:
    word = piece.split()[-1]
    if len(word.rstrip(".")) == 1:  # an initial: "Oria K."
        return word.endswith(".") and (word[0].isupper() or not cased)
    low = word.lower().strip("'’")
    if low in NOT_NAMES or low in stop_words() or low in LEADING or foreign_function_word(low) or re.search(r"['’]s$", word):
        return False
    if cased and product_end_only(word) and not any(unknown_word(w) for w in name.split()):
        # "Jira [Work] Management", "Jira [Software]": the word that ends a product's name is no surname, unless
        # the name has letters English does not use, as products typed in English do not ("Sítio [Porto] St.")
        return False
    if cased:
        return word[0].isupper() and not word.isupper() and (listed_name(word) and not before or unknown_word(word) or not common(word))
    return listed_name(word) and not plain(word)


ENDS_IN_I = re.compile(r"\s+I(['’](?:m|ll|ve|d))?\Z")  # "I", "I'm"
PRONOUN_NEXT = re.compile(r"(?:['’](?:m|ll|ve|d))?\s+[a-z]")  # "I said", "I'm sure": a word in lower case follows


def without_pronoun(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """"Tell Oria I said hi", "Thanks Oria I will try": an "I" closing a name, with no full stop and a word in
    lower case after it, is the writer, no initial of the name ("Oria I. Vesketh", "Oria I Vesketh" keep theirs)."""
    out = []
    for start, end in spans:
        tail = ENDS_IN_I.search(text[start:end])
        if tail and tail.start() > 0 and (tail.group(1) or PRONOUN_NEXT.match(text, end)):
            end = start + tail.start()
        out.append((start, end))
    return out


def with_titles(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    out = []
    for start, end in spans:
        title = NAME_TITLE.search(text[max(0, start - 11) : start])  # "Ms. Oria Vesketh": the title goes too
        out.append((start - len(title.group()) if title else start, end))
    return out


def same_names(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """A name found once is redacted everywhere in the message ("Oria T. Vesketh ... early Vesketh"),
    and so are the other capitalised items of a list that holds a name ("Vesketh, Quillon and Dornacre"); after a
    request's verb, which may name a team as well as a person, only those that are names on their own ("Tell Oria
    and Sales where I am" keeps "Sales"). Elsewhere a list of surnames that are words too ("Chapman, Jimenez and
    Lee") is a list of names: every item of it goes (held to the request's test, every list lost items: 32 fewer
    names redacted in the unseen sentences of seeds 11-12, PERSON recall 0.949 -> 0.948 and 0.952 -> 0.950)."""
    words = {w.strip(".,'’") for s, e in spans for w in text[s:e].split()}
    # a product's word found inside a name ("my colleague Oria Work") is no name on its own elsewhere ("Work Management")
    words = {w for w in words if len(w) > 2 and is_cap(w) and w.isalpha() and not w.isupper() and w.lower() not in NOT_NAMES
             and not product_end_only(w)}
    out = []
    if words:
        pattern = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b")
        out += [(m.start(), m.end()) for m in pattern.finditer(text)]
    for m in LIST_OF_NAMES.finditer(text):
        items = [(i.start(), i.end()) for i in re.finditer(NAME_WORD, m.group())]
        opening = OPENING_REQUEST.search(text, 0, m.start())
        requested = opening is not None and opening.end() == m.start()
        if any(s <= m.start() + a < e for a, _ in items for s, e in spans):
            out += [(m.start() + a, m.start() + b) for a, b in items
                    if (coordinated_name(m.group()[a:b]) if requested else m.group()[a:b].lower() not in NOT_NAMES)
                    and not product_end_only(m.group()[a:b])]  # "Jira Software and Jira Work": "Software" is no name
    return out


def with_particles(spans: list[tuple[int, int]], text: str, *, cased: bool) -> list[tuple[int, int]]:
    """A surname found takes in the particles written before it and the first name before them: "Dr. van den
    [Vesketh]", "starring da [Quillon]", "[Oria] ten [Vesketh]"."""
    out = []
    for start, end in spans:
        if (m := PREVIOUS_PARTICLES.search(text, max(0, start - 12), start)) and (not cased or text[start].isupper()):
            start = m.start()
            first = FIRST_NAME_BEFORE.search(text, max(0, start - 30), start)
            if first and first.group(1).lower() in Names.first_names() and first.group(1).lower() not in NOT_NAMES | LEADING | stop_words():
                start = first.start()
        out.append((start, end))
    return out


BETWEEN_INITIAL = re.compile(r" [^\W\d_]\. ")


def with_initials_between(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Two names found with a middle initial between them are one name, initial included: "[Oria] K. [Vesketh]"."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and BETWEEN_INITIAL.fullmatch(text, out[-1][1], start):
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out
