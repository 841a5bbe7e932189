"""Someone's whole name as the object of what is done for, to or with a person: "I've sent Oria Vesketh three invites",
"The refund for Bram Tull-Quillon never arrived", "Please let Wenna Dornacre know", "reset the password for Oria Te
Vesk-Tull".

The model reads two capitalised words it has never seen as an organisation, a place or a building as often as a person
("for Oria Vesketh" FAC, "sent Oria Vesketh" ORG), and the rules that weigh its PERSON spans never see them. Two or three
capitalised words, each a name's word (policies/task_names.py `_name`: a first name or surname of the lists, or a word no
dictionary knows; the halves of a double-barrelled word each), with at least one word that no dictionary or list knows,
right after a word that takes a person ("for", "to", "with", "sent", "let", "invite", "cc"...), are a name; not when
the run is what a product, a service or a place is called (policies/things.py `a_thing` on its words alone: "sync with
Oria Cloud", "Quill Dock not detected"), a brand or a business (policies/businesses.py), or the message is in another
language (policies/name_cues.py `foreign`: its nouns are capitalised).

Hand-written rather than a library's: no maintained package tells a customer's colleague from a product in these frames;
the word lists are the project's (policies/name_words.py). Chosen on the development PII files
(bench/dev_pii_messages*.txt), the PII tune half, seeds 21-23 and the ordinary tune halves; no value of an evaluation file.
"""

from __future__ import annotations

import re

from policies.businesses import a_brand, a_business
from policies.name_cues import foreign
from policies.name_words import no_dictionary_word, unknown_word
from policies.task_names import _name
from policies.things import a_thing

CAP = r"[A-ZÀ-ÖØ-ÞĀ-Ž][a-zà-öø-ÿā-ž'’]+(?:-[A-ZÀ-ÖØ-ÞĀ-Ž][a-zà-öø-ÿā-ž'’]+)?"
# the small words inside a name ("Oria Te Vesketh", "Bram van Tull", "Wenna Ní Dhor"), never its first word
PARTICLE = r"(?:te|de|da|do|dos|das|du|del|della|di|le|la|van|von|der|den|ter|ten|al|el|bin|ibn|ben|ap|ní|nic|Te|De|Da|Van|Von|Al|El|Ní)"
RUN = re.compile(rf"(?<![\w'’.-])({CAP}(?:[ \t]+(?:{PARTICLE}[ \t]+)?{CAP}){{1,2}})(?![\w'’-]|[ \t]+{CAP})")
# a word that takes a person after it: what is done to someone, what someone is given ("the refund for"), whom a thing
# goes to; not "from", "with", "by" or a bare "to" (places and companies: "moved here from", "I work for", "flew to")
TAKES_A_PERSON = re.compile(
    r"(?<![\w'’-])(?:(?i:sent|send|let|tell|told|ask|asked|thank|thanked|invite|invited|add|added|remove|removed|email|emailed|"
    r"call|called|ring|rang|met|meet|contact|contacted|ping|pinged|named|message|messaged|text|texted|helped|cc|"
    r"instead of|on behalf of)|(?i:password|access|account|login|seat|licen[cs]e|refund|invoice|receipt|voucher|permissions?|"
    r"MFA|2FA)[ \t]+(?i:for|of)|(?i:forwarded|forward|sent|send|gave|give|assigned|assign|transferred|transfer|moved|"
    r"went|go|belongs|reassigned|handed|addressed)(?:[ \t]+[\w'’]+){0,3}[ \t]+(?i:to))[ \t]+\Z"
)
# what a name is not followed by: a house number (an address: "sent to Oria Vesketh 12"), a company's legal form
NOT_AFTER = re.compile(r"[ \t]*,?[ \t]*(?:\d|(?:[A-ZÅÄÖŞ][\w]{0,4}\.|Kft|Zrt|Nyrt|Oy|Oyj|AB|AS|ApS|GmbH|AG|SA|SRL|Ltd|LLC|Inc|BV|NV|Şti|SpA)\b)")
PARTICLE_WORD = re.compile(rf"{PARTICLE}\Z")


def _unknown(word: str) -> bool:
    return any(no_dictionary_word(p) or unknown_word(p) for p in word.split("-"))


def object_names(text: str) -> list[tuple[int, int]]:
    """The names above, as (start, end) spans."""
    if not any(c.isupper() for c in text[1:]) or foreign(text):
        return []
    out = []
    for m in RUN.finditer(text):
        s, e = m.span(1)
        if not TAKES_A_PERSON.search(text, max(0, s - 40), s) or NOT_AFTER.match(text, e):
            continue
        words = m.group(1).split()
        names = [w for w in words if not PARTICLE_WORD.match(w)]
        if not all(_name(part, cased=True, later=i > 0 or j > 0) for i, w in enumerate(names) for j, part in enumerate(w.split("-"))):
            continue
        if not any(_unknown(w) for w in names):
            continue  # two names of the lists ("Grace Hopper", "Jordan Peak") stay the model's and the other rules' call
        if a_brand(text, s, e) or a_business(text, s, e) or a_thing(text, s, e, things=[], persons=[]):
            continue
        out.append((s, e))
    return out
