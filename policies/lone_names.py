"""A first name alone as the object of what is done for or to a person: "The laptop belongs to Oriane.", "The password reset
went to Bramwen by mistake", "Please issue the refund to Wenna instead", "Can I transfer the licence from Oriane to Bramwen?".

A customer often names a colleague or a relative by the first name only. The model reads a lone first name after "to" or
"from" as a place or an organisation as often as a person, and the rules that weigh its PERSON spans keep a lone word only
with a cue. Here one capitalised word that is a first name of the lists (gender-guesser's, no chat word, no surname alone:
policies/task_names.py `_name`) is a person's:
- after what is done for, to or with a person (policies/object_names.py `TAKES_A_PERSON`: "sent", "helped", "belongs to",
  "went to", "the refund for", "let", "cc") or what is given to someone ("the refund to", "the access for", "the licence
  to"), then the sentence's end, a comma or a lower-case word other than "to" ("Ask Quillix to refund me" asks a product as
  often);
- on both sides of "transfer / move / switch / reassign ... from X to Y".
Not a brand's, a business's or what a product or place is called (policies/businesses.py, policies/things.py `a_thing`), a
one-word simple-icons title ("Gmail") or a country or a US state ("India"; policies/places.py), in a message in English
with capitals.

Words no list knows are left out: on bench/ordinary/dev_questions_privacy33.txt (invented products in these frames) a rule
that took them changed 29 of 39 questions (main: 5), and no frame told a product from a person there; the same went for a
sentence's subject ("X needs a new password", "Did X already pay"), a closing ("cheers X") and "X instead of me", which
gave nothing on the development files once only the lists' first names count (the other rules find those already).
Not in a message in lower case: the same frames there changed 41 more requests of the ordinary tune halves ("call x", "text
x", "send my location to x", "send somer feedback").

Hand-written rather than a library's: no maintained package tells a customer's colleague from a product in these frames.
Chosen on bench/dev_pii_messages_privacy33.txt and bench/ordinary/dev_questions_privacy33.txt (development), the other
development files, the PII tune half, seeds 31-34 and the ordinary tune halves; no value of an evaluation file.
"""

from __future__ import annotations

import re

from bot.core.first_names import Names
from policies.businesses import a_brand, a_business
from policies.name_cues import foreign
from policies.object_names import CAP, NOT_AFTER, TAKES_A_PERSON
from policies.people_frames import _regions
from policies.product_names import product_titles
from policies.task_names import _name
from policies.things import a_thing
from policies.world_names import world_first_name

# one capitalised word (a double-barrelled one too: "Oria-Bram"), not the first of a longer run
LONE = re.compile(rf"(?<![\w'’.@/-])({CAP})(?![\w'’@/-]|[ \t]+[A-ZÀ-ÖØ-Þ0-9])")
# what may follow the object: the sentence's end, a comma, a lower-case word other than "to"
OBJECT_END = re.compile(r"[ \t]*(?:[.,;!?)]|\Z|\n|[ \t](?!to\b)[a-z])")
# what is given to someone; not a payment, which goes to a company as often ("My payment to Violet failed")
GIVEN_TO = re.compile(r"(?<![\w'’-])(?i:refund|voucher|gift card|invoice|receipt|seat|access|link|code|"
                      r"login|password|reset|licen[cs]e)s?[ \t]+(?i:to|for)[ \t]+\Z")
# a seat, a licence or a ticket moved from one person to another
FROM_TO = re.compile(rf"(?i:transfer|move|moved|switch|reassign)\w*(?:[ \t]+[\w'’]+){{0,3}}?[ \t]+from[ \t]+({CAP})[ \t]+to[ \t]+({CAP})")


def _first_name(word: str) -> bool:
    listed = all(_name(part, cased=True, lists_only=True) and part.lower() in Names.first_names() for part in word.split("-"))
    # or a first name of the world's list that no other list knows: a given name gender-guesser lacks (policies/world_names.py)
    return (listed or world_first_name(word)) and word.lower() not in product_titles() and word.lower() not in _regions()


def lone_names(text: str) -> list[tuple[int, int]]:
    """The names above, as (start, end) spans."""
    if not any(c.isupper() for c in text) or foreign(text):
        return []
    out = []
    moved = {m.span(g) for m in FROM_TO.finditer(text) for g in (1, 2)}
    for m in LONE.finditer(text):
        s, e = m.span(1)
        if not _first_name(m.group(1)):
            continue
        given = TAKES_A_PERSON.search(text, max(0, s - 40), s) is not None or GIVEN_TO.search(text, max(0, s - 30), s) is not None
        if not ((given and OBJECT_END.match(text, e) is not None and not NOT_AFTER.match(text, e)) or (s, e) in moved):
            continue
        if a_brand(text, s, e) or a_business(text, s, e) or a_thing(text, s, e, things=[], persons=[]):
            continue
        out.append((s, e))
    return out
