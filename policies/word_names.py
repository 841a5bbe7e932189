"""A first name that is an ordinary English word too (Grace, Hope, Joy, Faith, Rose, June, April, Will, Mark, Bill, Chase,
Sunny, Summer; X below), capitalised, only where the sentence says a person stands there:
- after a verb of talking to a person: "spoke to X", "talked with X", "chatted with X", "ask for X" (the sentence's end or
  a comma after it), "speak to X again"; not where "they" follows in the same sentence ("spoke to Chase and they said",
  a bank) or a desk right after it ("talk to India support"); never a country or a US state;
- before the desk or team the person works at: "X from your team", "X from billing", "X in accounting", "X at the front
  desk";
- after "my" and a relation or a role: "my colleague X", "my wife X", "my manager X";
- beside "and I" or "me and": "X and I share the plan";
- alone on the last line under a closing line, or after "Thanks, " at the message's end: "Cheers,\\nX", "Thanks, X".
The other name rules leave these words out (bot/core/first_names.py `NOT_NAMES`), as they are far more often the ordinary
word ("I hope you can help", "grace period", "will it renew", "mark as read", "Summer sale", "chase the refund"); none of the
frames above takes an ordinary word's use. Not in lower case: a lower-case "will" or "hope" after these frames is the word.

Hand-written rather than a library's: no maintained package tells the name from the word in these frames; the names are
gender-guesser's (bot/core/first_names.py). Chosen on bench/dev_pii_messages_privacy39.txt (development, with near misses),
the PII tune half, seed 1000 and the ordinary tune halves; no value of an evaluation file.
"""

from __future__ import annotations

import re

from bot.core.first_names import Names
from policies.name_cues import RELATIONS, TRADES
from policies.people_frames import TALKED_WITH, TEAM_AFTER, THEY_NEXT, _regions
from policies.task_names import MONTHS_AND_DAYS

# the names of gender-guesser's list left out of the other rules as ordinary words, that are given names in English
WORD_NAMES = frozenset(
    {"will", "may", "june", "april", "august", "mark", "bill", "grace", "hope", "joy", "faith", "rose", "summer", "chase", "sunny"}
)
DAYS = MONTHS_AND_DAYS - WORD_NAMES

X = r"([A-Z][a-z]+)"
END = r"(?=[ \t]*(?:[.,;!?]|\Z|\n))"
DESKS = (r"(?:support|tech support|technical support|customer service|customer support|customer care|billing|accounts?|"
         r"accounting|sales|returns|onboarding|IT|HR|help ?desk|front desk|reception|finance|payroll|shipping|your team|"
         r"the team|your support team|your (?:[a-z]+ )?team|the (?:[a-z]+ )?team|the (?:[a-z]+ )?desk|the (?:[a-z]+ )?office)")
CLOSINGS = (r"(?:thanks|thank you|many thanks|thanks again|cheers|regards|best regards|kind regards|warm regards|best|"
            r"best wishes|sincerely|yours sincerely|yours|all the best|take care)")
FRAMES = (
    # talked to X, then the sentence's end, a desk, a lower-case word; asked for X at the sentence's end
    re.compile(rf"{TALKED_WITH}[ \t]+{X}(?=[ \t]*(?:[.,;!?]|\Z|\n)|[ \t]+[a-z])"),
    re.compile(rf"(?i:\bask(?:ed)?[ \t]+for)[ \t]+{X}{END}"),
    # X before a desk or a team: "X from your team", "X in billing"
    re.compile(rf"(?<![\w'’-]){X}[ \t]+(?:from|in|at)[ \t]+(?:the[ \t]+)?{DESKS}\b"),
    # my relation X
    re.compile(rf"(?i:\bmy[ \t]+(?:{RELATIONS}|{TRADES}))[ \t]+{X}\b(?![ \t]+[A-Z])"),
    # X and I, me and X
    re.compile(rf"(?<![\w'’-]){X}[ \t]+and[ \t]+I\b"),
    re.compile(rf"(?<![\w'’-])[Mm]e[ \t]+and[ \t]+{X}\b(?![ \t]+[A-Z])"),
    # a closing, then X alone at the message's end
    re.compile(rf"(?:\A|[.!?\n])[ \t]*(?i:{CLOSINGS})[ \t]*[,!.]?[ \t]*(?:\n[ \t]*|,[ \t]*|[ \t]+){X}[ \t]*[.!]?[ \t]*\Z"),
)


def _word_name(word: str) -> bool:
    low = word.lower()
    # not a country or a US state ("talk to India support")
    return low not in DAYS and (low in WORD_NAMES or low in Names.first_names()) and low not in _regions()


def word_names(text: str) -> list[tuple[int, int]]:
    """The names above, as (start, end) spans."""
    if not any(c.isupper() for c in text):
        return []
    out: set[tuple[int, int]] = set()
    for i, regex in enumerate(FRAMES):
        for m in regex.finditer(text):
            s, e = m.span(1)
            # a company spoken to is "they" or has a desk: "spoke to Chase and they said", "talk to Acme support"
            if not _word_name(m.group(1)) or (i == 0 and (THEY_NEXT.match(text, e) or TEAM_AFTER.match(text, e))):
                continue
            out.add((s, e))
    return sorted(out)
