"""A capitalised word right before a noun it modifies ("Luigi scheduler UI"): a thing's name, not a person's. Split
from policies/things.py, whose `a_thing` asks it.
"""

from __future__ import annotations

import re

from bot.core.words import stop_words
from policies.name_cues import ASKED_BEFORE, RELATIONS
from policies.name_words import NameWords, plain
from policies.program_cues import uninflected_noun
from policies.word_classes import noun_only

# a lower-case word right after a capitalised one: "Luigi scheduler", "Alfred clipboard history" (not "Oria's", "Oria-based")
NOUN_NEXT = re.compile(r"[ \t]+([a-z]+)\b(?![’'-])")
# nouns for people, which follow a name as its role ("Oria manager approved it", "Bram lawyer sent a letter")
PERSON_NOUN = re.compile(
    rf"{RELATIONS}s?|(?:technician|engineer|agent|rep|representative|courier|driver|advis[eo]r|consultant|specialist|nurse|"
    r"doctor|plumber|electrician|cleaner|inspector|officer|clerk|cashier|receptionist|director|administrator|assistant|owner|"
    r"founder|head|lead|customer|client|member|guest|student|teacher|tutor|coach|contractor|freelancer|designer|developer|"
    r"recruiter|secretary|chef|waiter|waitress|host|hostess|agent|therapist|dentist|surgeon|pharmacist|tenant|patient)s?"
)
# a verb whose first object is who receives the second: "send Oria invoices", "gave Bram access", "tell Oria congratulations"
GIVEN_BEFORE = re.compile(
    r"\b(?:send|sent|give|gave|show|showed|email|e-mail|forward|mail|pass|hand|owe|pay|paid|bring|brought|get|got|text|ask|"
    r"tell|told|cc|let|make|made|buy|bought|order|ordered|offer|offered|serve|served|lend|lent|grant|granted|wish|wished|"
    r"teach|taught|call|called|leave|left|find|found|save|saved|assign|assigned)\s+$",
    re.IGNORECASE,
)


def modifies_noun(text: str, start: int, end: int) -> bool:
    """A capitalised word right before a noun that is nothing else ("Luigi scheduler UI", "Bruno collection", "Alfred
    clipboard history") modifies it: a thing's name, as a person's is written with a possessive before what is theirs
    ("Oria's calendar"). Not before a noun for a person ("Oria manager approved it"), after a verb of giving or asking
    ("send Oria invoices", "gave Bram access": who receives what), nor before a surname written in lower case ("Oria
    baker")."""
    word = text[start:end]
    if not word[:1].isupper() or re.search(r"['’]s?$", word) or not (m := NOUN_NEXT.match(text, end)):
        return False
    noun = m.group(1)
    before = text[max(0, start - 30) : start]
    # a surname in lower case after a first name ("Oria baker") is no noun it modifies; a verb's base form that is a surname
    # too ("search", "billing") is one where a chat uses it as an ordinary word
    noun_next = (noun_only(noun) and noun not in NameWords.surnames()) or (
        uninflected_noun(noun, before) and plain(noun) and re.search(r"(?:\A|[.!?:;,\n])\s*\Z", text[:start]) is not None)
    return noun_next and noun not in stop_words() and not PERSON_NOUN.fullmatch(noun) \
        and not GIVEN_BEFORE.search(before) and not ASKED_BEFORE.search(before)
