"""Frames where a found name is what a thing, a day or a place is called, whichever rule found it:

- an assistant's or a device's appositive right after a lone name: "Can Oria, the bank's chat assistant, freeze my card?",
  "Vesk the parking assistant", "Oria, your returns assistant", "Oria the hoover", "Oria, the pill reminder". Not a human
  assistant ("my assistant", "the office assistant", "the assistant manager", "the assistant to the CEO");
- a holiday's name ("on Christmas Eve", "a Christmas tree", "Valentine's Day"): a name list's surname, never someone here;
- the title of a show, a game or a book, by what follows it or stands before it ("Oria Vesk season 3", "Oria Vesk
  episodes", "the Oria Vesk box set", "my copy of Oria Ring"); not one's own copy of a document ("a copy of Oria's ID");
- a venue named after someone: the capitalised run holding the name ends on the word for a venue ("the Royal Oria Hall",
  "Paris Oria de Vesk Terminal 2E", "Oria Vesk Airport"). Where that word is a common surname too ("Hall", "Park") the run
  must follow "the";
- a wake word said or turned on or off ("turn off Hey Oria", "say OK Oria"): an assistant's, not a greeting.

A cue that a person is meant keeps the name whatever follows ("my name is ...", a title, "hi", "my colleague").
Chosen on bench/ordinary/dev_questions_privacy43.txt (committed before its first run), the other development files and
the ordinary tune halves; the PII tune half, bench/dev_pii_messages*.txt and Faker seeds 11-13 keep every person.
"""

from __future__ import annotations

import re

from policies.name_cues import NAME_CUE_STRONG, NAME_TITLE, declared_name
from policies.thing_shapes import GOODS, makers_goods

# software or a device speaking for a company, the head of an appositive: "the chat assistant", "your virtual agent"
BOT_HEAD = (
    r"(?:chat ?bot|bot|assistant|helper|chat|reminder|app|widget|skill|robot|"
    r"(?:virtual|ai|digital|voice|chat|automated|smart)[ \t]+(?:agent|advisor|adviser|concierge|guide|coach))"
)
# modifiers that make an assistant a person's job: "the office assistant", "the vet assistant"
HUMAN_WORK = frozenset({
    "office", "personal", "executive", "teaching", "sales", "shop", "store", "dental", "medical", "nursing", "care", "research",
    "legal", "admin", "administrative", "lab", "marketing", "hr", "vet", "veterinary", "practice", "pharmacy", "physician",
    "production", "camera", "kitchen", "classroom", "library", "team", "new", "former", "old", "senior", "junior", "head",
    "chief", "site", "project", "program", "programme", "account", "accounts", "finance", "it", "support", "customer", "front",
    "desk", "floor", "ward", "health", "healthcare", "home", "teacher", "teacher's", "doctor's", "manager's",
})
APPOSITIVE_AFTER = re.compile(
    rf"(?:[ \t]*,)?[ \t]+(?:the|your)[ \t]+((?:[\w'’-]+[ \t]+){{0,2}}?)(?:{BOT_HEAD}|{GOODS})s?\b"
    # not the first noun of a person's job: "the assistant manager", "the app developer", "the bot team"
    r"(?![ \t]+(?:manager|director|coach|editor|professor|principal|teacher|developer|designer|engineer|builder|moderator|owner|"
    r"admin|administrator|team|lead|specialist|consultant|expert|tester|architect|writer|creator|maker|guy|person|people|staff|"
    r"to|of|at|for|who|that|called|named)\b)(?!['’-])",
    re.IGNORECASE,
)

# the days of the year a name list's surname or first name stands in ("Christmas", "Eve", "Valentine")
HOLIDAY = re.compile(
    r"(?<![\w'’-])(?:(?:Christmas|Xmas|New[ \t]+Year['’]?s?)(?:[ \t]+(?:Eve|Day))?|Easter(?:[ \t]+(?:Sunday|Monday|Day|Weekend))?|"
    r"Halloween|Thanksgiving(?:[ \t]+Day)?|Hanukk?ah|Chanukk?ah|Diwali|Ramadan|"
    r"(?:St\.?[ \t]+|Saint[ \t]+)?(?:Valentine|Patrick)['’]?s[ \t]+Day|"
    r"(?:Mother|Father|Boxing|Labou?r|Memorial|Columbus|Presidents|Veterans|Remembrance|Independence)['’]?s?[ \t]+Day)"
    r"(?![\w'’-])"
)

# what follows a show's, a game's or a book's title: "season 3", "episodes", "box set"
WORK_AFTER = re.compile(
    r"[ \t]+(?:season[ \t]+\d+|series[ \t]+\d+|seasons|episodes?|box[ \t]?set|boxset|audiobooks?|soundtrack|trilogy|sequel|"
    r"prequel|dlc|expansion[ \t]+pack|remaster(?:ed)?|director['’]s[ \t]+cut|collector['’]s[ \t]+edition|deluxe[ \t]+edition|"
    r"goty[ \t]+edition)\b",
    re.IGNORECASE,
)
# what stands before a work's title: "my copy of X", "season 2 of X"
WORK_BEFORE = re.compile(
    r"\b(?:(?:a|my|the|our|your|his|her|their|this|that|physical|digital)[ \t]+cop(?:y|ies)|(?:season|series|episode|book|"
    r"volume|part)[ \t]+\d+|the[ \t]+(?:latest|new|next|first|last|final)[ \t]+(?:episode|season|book|film|movie|game))"
    r"[ \t]+of[ \t]+(?:the[ \t]+)?\Z",
    re.IGNORECASE,
)
POSSESSIVE_AFTER = re.compile(r"['’]s?\b")
# one's own papers after the name: "a copy of Oria Vesk passport" is someone's
PAPERS_AFTER = re.compile(
    r"[ \t]+(?:passport|id|licen[cs]e|contract|invoice|bill|statement|certificate|card|form|letter|details|records?|file|report|"
    r"payslip|receipt|signature|visa|cv|resume|résumé)s?\b",
    re.IGNORECASE,
)

# the word for a venue that ends a capitalised run named after someone ("Oria Vesk Airport"); the surnames among them
# only after "the" ("the Royal Oria Hall"; "Oria Hall" is someone)
VENUES = frozenset({
    "airport", "terminal", "stadium", "arena", "theatre", "theater", "centre", "center", "museum", "gallery", "station",
    "library", "cathedral", "hospital", "hotel", "concourse", "auditorium", "pavilion", "university", "college", "academy",
    "clinic", "mall", "observatory", "planetarium", "aquarium", "racecourse", "velodrome", "ballpark", "coliseum", "colosseum",
})
VENUE_SURNAMES = frozenset({"hall", "park", "field", "bridge", "church", "chapel", "house", "tower", "garden", "gardens", "square"})
RUN_WORD = re.compile(r"[ \t]+(?:(?:de|du|da|di|del|van|von|der|la|le|of|the)[ \t]+)?([A-Z][\w'’.-]*)")
THE_BEFORE = re.compile(r"\bthe[ \t]+\Z", re.IGNORECASE)
RUN_BEFORE = re.compile(r"(?:[A-Z][\w'’.-]*[ \t]+){1,3}\Z")

# a wake word said, or turned on or off, as part of the name: "turn off Hey X", "say OK X"
WAKE_SAID_BEFORE = re.compile(
    r"\b(?:turn(?:s|ed|ing)?[ \t]+(?:on|off)|switch(?:es|ed|ing)?[ \t]+(?:on|off)|disable[sd]?|enable[sd]?|disabling|enabling|"
    r"say(?:s|ing)?|said|shout(?:s|ed|ing)?|mute[sd]?)[ \t]+[\"“']?(?:Hey|OK|Okay|Ok)[ \t]+\Z"
)


def _appositive(text: str, start: int, end: int) -> bool:
    if not 1 <= len(text[start:end].split()) <= 2 or POSSESSIVE_AFTER.match(text, end):
        return False
    m = APPOSITIVE_AFTER.match(text, end)
    if m is None:
        return False
    # a modifier of a person's work only counts before the words a person's job is called by ("the vet chat" is software)
    head = text[m.start(1) + len(m.group(1)) : m.end()].lower()
    return not (head.startswith(("assistant", "helper")) and {w.lower() for w in m.group(1).split()} & HUMAN_WORK)


def _holiday(text: str, start: int, end: int) -> bool:
    return any(m.start() <= start and end <= m.end() for m in HOLIDAY.finditer(text, max(0, start - 20), min(len(text), end + 20)))


CAPITALISED_AFTER = re.compile(r"(?:[ \t]+[A-Z][\w.-]*){1,3}")


def _work_title(text: str, start: int, end: int) -> bool:
    start, end = _run(text, start, end)  # the whole title: "[Oria] Vesk season 3", "my copy of Elden [Oria]"
    if POSSESSIVE_AFTER.match(text, end) or re.search(r"['’]s?$", text[start:end]):
        return False  # "Oria's episodes", "a copy of Oria's ID": someone's
    return WORK_AFTER.match(text, end) is not None or (
        WORK_BEFORE.search(text[max(0, start - 40) : start]) is not None and PAPERS_AFTER.match(text, end) is None)


def _venue(text: str, start: int, end: int) -> bool:
    last = text[start:end].split()[-1].lower().strip(".,")
    pos = end
    words = 0
    while last not in VENUES | VENUE_SURNAMES and words < 4 and (m := RUN_WORD.match(text, pos)):
        last, pos, words = m.group(1).lower().strip(".,"), m.end(), words + 1
    if last in VENUES:
        return True
    if last not in VENUE_SURNAMES:
        return False
    run = RUN_BEFORE.search(text[max(0, start - 40) : start])
    opening = start - len(run.group()) if run else start
    return THE_BEFORE.search(text[max(0, opening - 6) : opening]) is not None


def _run(text: str, start: int, end: int) -> tuple[int, int]:
    """The capitalised run a found name is part of, on its line ("the [Oria] Vesk vase": "Oria Vesk")."""
    if m := CAPITALISED_AFTER.match(text, end):
        end = m.end()
    if run := RUN_BEFORE.search(text[max(0, start - 40) : start]):
        start -= len(run.group())
    return start, end


def thing_framed(text: str, start: int, end: int) -> bool:
    """Whether the name at `start:end` is, by the words around it, a thing's, a day's or a venue's (the module's docstring)."""
    before = text[max(0, start - 30) : start]
    if WAKE_SAID_BEFORE.search(text[max(0, start - 24) : start]):
        return True  # before the cues: "hey" is one of them
    titled = NAME_TITLE.match(text[start:end].split()[0] + " ") is not None  # "Dr. Oria" found with its title
    if titled or NAME_CUE_STRONG.search(before) or NAME_TITLE.search(text[max(0, start - 11) : start]) or declared_name(text, start):
        return _holiday(text, start, end)  # "hi Christmas Eve ..." is no one either
    return _appositive(text, start, end) or _holiday(text, start, end) or _work_title(text, start, end) \
        or _venue(text, start, end) or makers_goods(text, *_run(text, start, end))  # "the Oria Vesk vase"
