"""People a support message names by the part they play for the account, whatever the name's word: one added or invited
as an admin, a user or a viewer ("We need Oria added as a second admin", "add oria as a viewer"), the account's owner or
holder ("The owner of the account is Oria Vesketh"), whose name a booking is under ("the booking is under oria vesketh"),
one given a role in parentheses ("Oria (our bookkeeper) can't see ..."), one a thing was meant for rather than the writer
("the refund was meant for oria, not for me"), and, in a lower-case message, a first name of the lists asked about as able
to see or use something ("can oria see my tickets?").

Only people hold these roles: a product is not added as a second admin, owns no account, holds no booking and is nobody's
bookkeeper. The words found are still checked to be no ordinary word, function word, acronym or brand (policies/
businesses.py) and, in a message with capitals, to be capitalised; the last frame, which a product could fill too ("can
sonos see my playlists"), takes first names of the lists only.

Hand-written rather than a library's, as policies/task_names.py. Chosen on the second batch of bench/dev_pii_messages_
privacy24.txt, the PII tune half, seed 11, the blind tune half and the ordinary tune half; no value of an evaluation file.
"""

from __future__ import annotations

import re

from bot.core.words import stop_words
from policies.businesses import a_brand
from policies.name_cues import common
from policies.name_words import NOT_NAMES, Names
from policies.task_names import WORD, _name

NAMES = rf"{WORD}(?:[ \t]+{WORD}){{0,2}}"
# the roles a person is given in an account or a team
ROLE = (r"(?:second |new |another |extra |co-?)?(?:admin|administrator|user|member|owner|viewer|editor|approver|signatory|"
        r"contact|collaborator|guest|teammate|agent|manager|billing contact|account holder)s?")
# "We need Oria added as a second admin", "add Oria as a viewer", "invite oria as an editor"
ADDED_AS = re.compile(
    rf"(?:\b(?i:add|invite|make|set up|register)[ \t]+({NAMES})[ \t]+(?i:as)|(?:\b|\A)({NAMES})[ \t]+(?i:added|invited|made|set up|registered)[ \t]+(?i:as))"
    rf"[ \t]+(?i:(?:a|an|the|our|my)[ \t]+)?(?i:{ROLE})\b"
)
# "The owner of the account is Oria Vesketh", "the account holder is oria vesketh", "our admin is Oria"
OWNER_IS = re.compile(
    r"\b(?i:(?:the|our|my)[ \t]+(?:owner|holder|admin|administrator|billing contact|main contact)(?:[ \t]+of[ \t]+(?:the|our|my|this)[ \t]+"
    r"(?:account|workspace|subscription|plan|card|team|company|business))?|(?:the|our|my)[ \t]+(?:account|card|workspace)[ \t]+"
    rf"(?:owner|holder))[ \t]+(?i:is|was)[ \t]+({NAMES})"
)
# "the booking is under oria vesketh", "the reservation was made under the name Oria"
UNDER = re.compile(
    r"\b(?i:booking|reservation|order|account|ticket|table|subscription|policy|room)[ \t]+(?i:is|was|are|were|(?:is|was)[ \t]+made|"
    rf"made)[ \t]+(?i:under)[ \t]+(?i:(?:the[ \t]+)?name[ \t]+(?:of[ \t]+)?)?({NAMES})"
)
# "Oria (our bookkeeper) can't see ...": a name and the part a person plays, in parentheses
PERSON_ROLE = (r"bookkeeper|accountant|manager|office manager|admin|administrator|boss|colleague|co-?worker|husband|wife|"
               r"partner|son|daughter|mum|mom|dad|father|mother|brother|sister|intern|receptionist|director|ceo|cto|cfo|coo|"
               r"founder|co-?founder|supervisor|developer|designer|engineer|contractor|tenant|landlord|neighbou?r|friend|"
               r"uncle|aunt|cousin|nanny|technician|secretary|treasurer|chair|lawyer|solicitor|doctor|nurse|teacher|coach|"
               r"team lead|lead|owner|new hire|hr person|it person|sys ?admin|system administrator")
ROLE_IN_PARENTHESES = re.compile(
    rf"({WORD}(?:[ \t]+{WORD})?)[ \t]*\((?i:(?:our|my|the|his|her|their)[ \t]+(?:[a-z-]+[ \t]+)?(?:{PERSON_ROLE}))\)"
)
# "the refund was meant for oria, not for me"
NOT_ME = re.compile(rf"\b(?i:for|to)[ \t]+({NAMES})[ \t]*,?[ \t]+(?i:not)[ \t]+(?i:(?:for|to)[ \t]+)?(?i:me|us|myself)\b")
# in lower case: "can oria see my tickets?", "does oria have access to the reports?"
ABLE_TO = re.compile(
    r"\b(?:can|could|does|did|will|would|should|may)[ \t]+([a-z][\w'’-]+)[ \t]+(?:see|access|view|log in|login|sign in|use|edit|"
    r"have access|get access|still see|still access)\b"
)


def _word(word: str, *, cased: bool) -> bool:
    """A name's word where the frame says a person is meant: each part of a hyphened name ("Adeyemi-Vesketh") passes
    policies/task_names.py's test, is a first name of the lists, or is no common word at all ("Ngaio")."""
    for part in word.split("-"):
        low = part.lower()
        if len(low) < 2 or low in NOT_NAMES or low in stop_words() or (len(part) > 1 and part.isupper()):
            return False
        if cased and not part[:1].isupper():
            return False
        if not (_name(part, cased=cased) or low in Names.first_names() or not common(low)):
            return False
    return True


def _names(text: str, start: int, group: str, *, cased: bool, from_end: bool = False) -> list[tuple[int, int]]:
    """The longest run of a name's words opening the group ("Oria Vesketh" of "Oria Vesketh can ..."), or with `from_end`
    closing it ("Oria" of "We need Oria" before "added as"); none if the word next to the frame is none."""
    words = list(re.finditer(WORD, group))
    kept = []
    for w in reversed(words) if from_end else words:
        if not _word(w.group(), cased=cased):
            break
        kept.append(w)
    if not kept:
        return []
    kept.sort(key=lambda w: w.start())
    s, e = start + kept[0].start(), start + kept[-1].end()
    return [] if a_brand(text, s, e) else [(s, e)]


def role_names(text: str) -> list[tuple[int, int]]:
    """All of the above, as (start, end) spans."""
    cased = any(c.isupper() for c in text)
    low = text.lower()
    out: list[tuple[int, int]] = []
    # each frame's word first: the regular expressions that try a name at every word cost more than the whole search
    for m in ADDED_AS.finditer(text) if re.search(r"\bas\b", low) else ():
        group = 1 if m.group(1) is not None else 2
        out += _names(text, m.start(group), m.group(group), cased=cased, from_end=group == 2)
    for m in ROLE_IN_PARENTHESES.finditer(text) if "(" in text else ():
        out += _names(text, m.start(1), m.group(1), cased=cased, from_end=True)
    for regex in (OWNER_IS, UNDER, NOT_ME):
        for m in regex.finditer(text):
            out += _names(text, m.start(1), m.group(1), cased=cased)
    if not cased:
        out += [m.span(1) for m in ABLE_TO.finditer(text) if _name(m.group(1), cased=False, lists_only=True)
                and m.group(1) in Names.first_names() and not a_brand(text, *m.span(1))]
    return out
