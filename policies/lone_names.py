"""One name word alone where a sentence has room only for a person: "The laptop belongs to Quillane.", "The password reset
went to Vesketh by mistake", "Whoever helped Oriane yesterday", "Dornacre needs a new password.", "Did Bramwen already pay
for the upgrade?".

A customer often names a colleague or a relative by the first name only, and many first names of Africa, Oceania, East
Asia and South America are in none of the name lists here (gender-guesser's list is mostly European): the model reads
such a word as a place, an organisation or a product as often as a person, and the rules that weigh its PERSON spans
drop a lone word no list knows. These frames hold a person and rarely a product:
- the object of what is done for, to or with a person (policies/object_names.py `TAKES_A_PERSON`: "sent", "helped",
  "belongs to", "the refund for", "let", "cc") or given to someone ("issue the refund to X"), one capitalised word then
  the sentence's end, a comma or a lower-case word; one in the writer's place ("the receipt shows X instead of me");
  one word after a closing at the message's end ("cheers X");
- the subject of what a customer's colleague does to the account or the support case, opening a sentence (or after
  "maybe", "did", "could", "as", "only"...): "X needs a new password", "X reported", "X never received", "X already
  paid", "X explained", "X wants to cancel".
The word is a name's (policies/task_names.py `_name`: a first name of the lists that is no chat word, or a word no
dictionary and not the embedding model's vocabulary knows), and not a brand's, a business's or what a product or place
is called (policies/businesses.py, policies/things.py `a_thing`), a one-word simple-icons title ("Gmail") or a country
or a US state ("India"; policies/places.py), in a message in English with capitals. Not in a message in lower case: the
same frames there (a listed first name only) changed 41 more requests of the ordinary tune halves ("call x", "text x",
"send my location to x", "send somer feedback").

Hand-written rather than a library's: no maintained package tells a customer's colleague from a product in these
frames. Chosen on bench/dev_pii_messages_privacy33.txt (development), the other development PII files, the PII tune half,
seeds 31-34 and the ordinary tune halves and development questions; no value of an evaluation file.
"""

from __future__ import annotations

import re

from policies.businesses import a_brand, a_business
from policies.name_cues import foreign
from policies.object_names import CAP, NOT_AFTER, TAKES_A_PERSON
from policies.people_frames import _regions
from policies.product_names import product_titles
from policies.task_names import _name
from policies.things import a_thing

# one capitalised word (a double-barrelled one too: "Oria-Bram", "Vesk-Tull"), not the first of a longer run
LONE = re.compile(rf"(?<![\w'’.@/-])({CAP})(?![\w'’@/-]|[ \t]+[A-ZÀ-ÖØ-Þ0-9])")
# what may follow an object: the sentence's end, a comma, a lower-case word ("to Quillane by mistake", "helped Vesketh
# yesterday"); not "to", what one is asked to do ("Ask Quillix to refund me" asks a product as often)
OBJECT_END = re.compile(r"[ \t]*(?:[.,;!?)]|\Z|\n|[ \t](?!to\b)[a-z])")
# a colleague's or a relative's doings on the account or the case; never what software does ("crashes", "syncs", "shows")
SUBJECT_VERB = re.compile(
    r"[ \t]+(?:(?:never|still|already|just|also|has|had|did|didn't|hasn't|can't|cannot|couldn't|won't|doesn't)[ \t]+)?"
    r"(?:needs|need|wants|want|reported|report|explained|explain|mentioned|mention|received|receive|paid|pay|signed|sign|"
    r"bought|buy|ordered|order|approved|approve|booked|book|cancelled|canceled|cancel|forgot|forget|requested|request|"
    r"tried|try|asked|ask|emailed|email|phoned|phone|complained|complain|registered|register|"
    r"got|get|lost|left|joined|moved|changed|renewed|upgraded|subscribed|unsubscribed)\b"
)
# what may open a sentence before its subject: "Maybe X has", "Did X already pay", "As X explained", "Only X can"
SUBJECT_LEAD = re.compile(
    r"(?:\A|[.!?\n][ \t]*|\b(?i:maybe|perhaps|did|does|could|can|will|would|has|as|only|why did|why does|when did|so|and|but|"
    r"also|now|today|yesterday)[ \t]+)\Z"
)
# what is given or sent to someone: "issue the refund to Dornacre", "the access for Bramwen" (a service's name is a title or
# a word of the vocabulary, and a country is left out: "transfer to India"); not a payment, which goes to a company as often
GIVEN_TO = re.compile(r"(?<![\w'’-])(?i:refund|voucher|gift card|invoice|receipt|seat|access|link|code|"
                      r"login|password|reset|licen[cs]e)s?[ \t]+(?i:to|for)[ \t]+\Z")
# a seat, a licence or a ticket moved from one person to another: "transfer the licence from X to Y"
FROM_TO = re.compile(rf"(?i:transfer|move|moved|switch|reassign)\w*(?:[ \t]+[\w'’]+){{0,3}}?[ \t]+from[ \t]+({CAP})[ \t]+to[ \t]+({CAP})")
# someone in the writer's place: "the receipt shows Oriane instead of me"
INSTEAD_OF_ME = re.compile(r"[ \t]+instead of (?:me|us|mine|my name)\b")
# a closing and one word end the message: "cheers Quillane", "works now, thanks Vesketh!"
CLOSING = re.compile(r"(?:\A|\n|[.!,][ \t]+)[ \t]*(?i:thanks|thank you|thx|cheers|ta|regards|best|many thanks)[ \t]*,?[ \t]*\Z")


def lone_names(text: str) -> list[tuple[int, int]]:
    """The names above, as (start, end) spans."""
    if not any(c.isupper() for c in text) or foreign(text):
        return []
    out = []
    moved = {m.span(g) for m in FROM_TO.finditer(text) for g in (1, 2)}
    for m in LONE.finditer(text):
        s, e = m.span(1)
        word = m.group(1)
        if word.endswith(("'s", "’s", "'", "’")):
            continue  # "Can Paperkite's email reminders ...": what a word owns is policies/task_names.py's
        if not all(_name(part, cased=True) for part in word.split("-")) or word.lower() in product_titles() or word.lower() in _regions():
            continue  # "forward to Gmail", "transfer to India": a service's one-word name (simple-icons), a country or a state
        obj = (TAKES_A_PERSON.search(text, max(0, s - 40), s) is not None or GIVEN_TO.search(text, max(0, s - 30), s) is not None) \
            and OBJECT_END.match(text, e) is not None and not NOT_AFTER.match(text, e)
        obj = obj or (s, e) in moved or INSTEAD_OF_ME.match(text, e) is not None or (CLOSING.search(text, max(0, s - 30), s) is not None
                                                                  and re.match(r"[ \t]*[.!]*[ \t]*\Z", text[e:]) is not None)
        subj = SUBJECT_LEAD.search(text, max(0, s - 20), s) is not None and SUBJECT_VERB.match(text, e) is not None
        if not (obj or subj):
            continue
        if a_brand(text, s, e) or a_business(text, s, e) or a_thing(text, s, e, things=[], persons=[]):
            continue
        out.append((s, e))
    return out
