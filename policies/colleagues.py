"""Someone of a part of an organisation, as the subject of what follows: "Bramwen from our office says", "Oria Vesketh
from the Leeds branch called", "Quillon in IT asked me", "Oria at the front desk wrote". Split from policies/name_cues.py.
"""

from __future__ import annotations

import re
from functools import cache

from bot.core.first_names import Names
from policies.name_cues import NAME_WORD, _plain_word

UNIT = (
    r"(?:(?:our|the|your|their|my)\s+)?(?:[\w&-]+\s+){0,2}?"
    r"(?:office|offices|team|department|dept|branch|side|company|firm|store|shop|clinic|school|warehouse|site|plant|"
    r"headquarters|hq|IT|HR|finance|accounting|accounts|procurement|payroll|legal|sales|marketing|operations|ops|support|"
    r"reception|front desk|desk)"
)
# what only someone does: says, asks, promises, writes (a bill, a report or an update "from the finance team" does none)
AGENT_VERB = (
    r"says|said|asked|asks|told|tells|wrote|writes|mentioned|noticed|promised|promises|confirmed|replied|emailed|phoned|"
    r"called|calls|tried|insisted|explained|suggested|recommended|installed|signed"
)
# at the start of the message or of a sentence, a name, "from", "in" or "at" one of the words for where people work,
# and a verb (not "Updates from our team", "Reports from the office")
OF_OUR_UNIT = re.compile(
    r"(?:\A|[.!?\n]\s*)"
    rf"({NAME_WORD}(?: {NAME_WORD})?)"
    rf" (from|in|at) {UNIT}"
    r"(?:,)? (?:(?:also|just|still|already|now)\s+)?"
    rf"((?:{AGENT_VERB})|(?:needs|needed|wants|wanted|cannot|can't|can|could|couldn't|will|won't|would|is|was|has|had|hasn't|"
    r"doesn't|didn't|does|did|sent|got|reported))\b"
)


@cache
def _all_first_names() -> frozenset[str]:
    return Names.first_names() | Names.word_first_names()


def from_our_unit(text: str) -> list[tuple[int, int]]:
    """The person of `OF_OUR_UNIT`: each word of the name a first name or no ordinary word, after "from" ("Support from our
    team can help" and "Billing from the finance team is" stay). After "in" or "at" ("Faith in HR", "Joy at reception"),
    or where the name is also an ordinary word ("Hope from our office says", "Grace from the clinic called"), only a
    first name (of the whole list: "Hope", "Grace" are left out of `Names.first_names` as ordinary words) before what only
    someone does ("Bill from the finance team is wrong" is a bill; "Trust in our team is")."""
    out = []
    for m in OF_OUR_UNIT.finditer(text):
        words = m.group(1).split()
        plain_from = m.group(2) == "from" and not any(map(_plain_word, words))
        if plain_from or (len(words) == 1 and words[0].lower() in _all_first_names() and re.fullmatch(AGENT_VERB, m.group(3))):
            out.append(m.span(1))
    return out
