"""How far a found name reaches: the words before it that are no part of it (a greeting, a sentence's
function word, another language's function words and titles), the name words next to it it grows over
("Oliwier [Nowotny]", "[Quinn D.] van den Velden"), its title, and the same name elsewhere in the message.

Split from policies/person_names.py, whose `people` finds the names and calls these on what it found.
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
    verb_follows,
)
from policies.name_words import (
    NOT_NAMES,
    NameWords,
    foreign_function_word,
    ordinary,
    plain,
    product_end_only,
    unknown_word,
)
from policies.pii_patterns import UPPER

LEADING = frozenset(
    "hi hello hey dear thanks thank maybe why when where what who how the a an and but or so yes no ok okay please "
    "i i'm i’m im i'd i've it's that's he's she's "
    # a role before a name ("Producer Oria Vesketh explained"): NAME_CUE_STRONG then sees the role
    "producer director singer actor actress writer author composer player coach president ceo manager doctor professor".split()
)


TITLE_WORDS = frozenset("herr herrn frau sr sra srta señor señora mme mlle signor signora".split())


def without_foreign_lead(text: str, start: int, words: list[str]) -> tuple[int, list[str]]:
    """"Können Sie Frau Öztürk", "ich bin Quillon": another language's function words and titles before a
    name are no part of it (a title is put back by `with_titles`). Particles stay ("de Vries")."""
    if NAME_TITLE.search(text[max(0, start - 8) : start]):
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


def without_leading_words(text: str, start: int, words: list[str]) -> tuple[int, list[str]]:
    """"Hi Quillon", "Maybe Bramwen": a greeting or a sentence's first function word is no part of the name."""
    while words and (words[0].lower().strip(",.") in LEADING or (words[0].lower() in stop_words() and not _first_name_kept(words))):
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
        title = NAME_TITLE.search(text[max(0, start - 8) : start])  # "Ms. Oria Vesketh": the title goes too
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
                    if (_coordinated_name(m.group()[a:b]) if requested else m.group()[a:b].lower() not in NOT_NAMES)
                    and not product_end_only(m.group()[a:b])]  # "Jira Software and Jira Work": "Software" is no name
    return out


def _coordinated_name(word: str) -> bool:
    """After a request's verb, an item joined to a name is a name itself only when it is one on its own: a first
    name of the lists or a word no chat uses ("Tell Oria and Ruby", "Tell Oria and Quillor"), not a department or an
    ordinary noun ("Tell Oria and Sales where I am", "Ask Ingrid and Support")."""
    return word.lower() not in NOT_NAMES and not common(word)


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
