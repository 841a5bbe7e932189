"""A first name that only the world's list knows (policies/world_names.py: a given name of many countries that gender-guesser
lacks), alone, where only a person stands (X below):
- the subject opening a sentence before what a person does or says: "X says ...", "X needs a new password", "X never
  received ...", "X reported ...", "X and I share ...";
- after a question's verb and before what is asked of a person: "Did X already pay ...", "Should X sign ..." (not "Can",
  "Could", "Will", "Would": "Can Busuu correct my writing?" asks what a product does as often); after "if" or an adverb of
  time: "Is it ok if X collects ...", "Yesterday X changed ...";
- after what is done with or by a person: "split the bill with X", "spoke with X", "signed for by X", "lent my card to X",
  "call X back";
- beside "and I", "me and X", or another such name before what people do: "X and Y need ..." (not "Authy or Duo for 2FA",
  "into German and French").
Not a brand's, a business's or what a product or place is called (policies/businesses.py, policies/things.py), in a message in
English with capitals. A name of gender-guesser's list is left to the rules that read that list (policies/lone_names.py and
the others): there it was measured first, and it holds many words that are a product's too.

Hand-written rather than a library's: no maintained package tells a customer's colleague from a product in these frames.
Chosen on bench/dev_pii_messages_privacy36.txt and the other development files, the PII tune half and seed 1000, with the
ordinary tune halves and bench/ordinary/dev_questions*.txt (invented products in the same frames) as the guard; no value of
an evaluation file.
"""

from __future__ import annotations

import re

from bot.core.first_names import Names
from policies.businesses import a_brand, a_business
from policies.name_cues import foreign
from policies.object_names import CAP
from policies.things import a_thing
from policies.world_names import world_first_name

X = rf"({CAP})"
DOES = (r"(?:says|said|reported|mentioned|needs|needed|wants|wanted|cannot|can't|can’t|couldn't|couldn’t|doesn't|doesn’t|didn't|"
        r"didn’t|never|still|already|also|tried|told|asked|changed|placed|paid|forgot|lost|received|got|called|emailed|thinks|"
        r"thought|promised|explained|shares|share|uses|used|is out|was out|and I|and me)")
FRAMES = (
    # the subject opening a sentence
    re.compile(rf"(?:^|(?<=[.!?])[ \t]+|\n)[ \t]*{X}[ \t]+{DOES}\b", re.MULTILINE),
    # a question's verb, "if", or a time before the subject, then a lower-case word
    re.compile(rf"(?:(?<![\w'’])(?:Did|Should|May|Might|Has|Had)|(?i:\bif|yesterday,?|today,?|earlier,?|"
               rf"last week,?|this morning,?))[ \t]+{X}[ \t]+(?:[a-z]+)\b(?![ \t]+(?:[A-Z]|\d))"),
    # with, by or to a person
    re.compile(rf"(?i:(?:spoke|speak|talked|talk|chatted|met|split[ \t]+[\w'’]+(?:[ \t]+[\w'’]+)?|shared[ \t]+[\w'’]+(?:[ \t]+[\w'’]+)?)"
               rf"[ \t]+with|signed[ \t]+for[ \t]+by|(?:lent|loaned|lend|showed|told)[ \t]+(?:[\w'’]+[ \t]+){{0,3}}to|"
               rf"(?:call|ring|phone|text|pay|paid)(?=[ \t]+[A-Z]))[ \t]+{X}(?=[ \t]*(?:[.,;!?]|\Z|\n|[ \t](?!to\b)[a-z]))"),
    # beside "and I", "me and", or another name of the same kind
    re.compile(rf"(?:(?<![\w'’])(?i:me|my wife|my husband)[ \t]+and[ \t]+{X}\b|{X}[ \t]+(?:and|or)[ \t]+(?:I\b|me\b))"),
    re.compile(rf"(?<![\w'’.@/-]){X}[ \t]+(?:and|or)[ \t]+{X}[ \t]+(?:{DOES}|need|are|were|have|both|can|cannot|can't|can’t)\b"),
)


def _unlisted(word: str) -> bool:
    return world_first_name(word) and not all(p in Names.first_names() for p in word.lower().split("-"))


def world_frames(text: str) -> list[tuple[int, int]]:
    """The names above, as (start, end) spans."""
    if not any(c.isupper() for c in text) or foreign(text):
        return []
    out: set[tuple[int, int]] = set()
    for regex in FRAMES:
        for m in regex.finditer(text):
            groups = [g for g in range(1, (regex.groups or 0) + 1) if m.group(g)]
            if len(groups) == 2 and not any(_unlisted(m.group(g)) for g in groups):
                continue  # "X and Y": one of the two at least only the world's list knows, the other a first name of any list
            for g in groups:
                s, e = m.span(g)
                word = m.group(g)
                pair = len(groups) == 2
                if not (_unlisted(word) or (pair and (world_first_name(word) or word.lower() in Names.first_names()))):
                    continue
                if a_brand(text, s, e) or a_business(text, s, e) or a_thing(text, s, e, things=[], persons=[]):
                    continue
                out.add((s, e))
    return sorted(out)
