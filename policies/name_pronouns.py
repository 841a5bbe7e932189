"""Person names that the words after them say are people: a personal pronoun later in the same sentence refers to
them, or they are the items of a list of first names.

- "The reminder went to Quillon although he left", "when bramwen logs in he gets a blank page", "taken by oria with
  her phone": one name of the lists (or, capitalised, a word no dictionary knows) in a sentence whose next words say
  "he", "she", "his", "her" of someone; a product is never "he" or "she";
- "We have three editors: oria, bram and quillon", "they had 5: ...": three or more single words after a colon, joined
  by commas and a last "and", most of them names of the lists and none an ordinary word; or joined by commas alone ("users
  to remove: oria, bram, quillon"), or after what is done to people ("please add oria, bram and quillon to the plan"),
  where every word is a first name: of the lists, or (no ordinary word, product or place) of the world's list
  (policies/world_names.py), which knows the given names of India, Africa or Central Asia that gender-guesser lacks.

Split from policies/person_names.py (which is at its size limit); general rules chosen on development sentences
(bench/dev_pii_messages_privacy21.txt), the tune halves and seed 11, no value of an evaluation file.
"""

from __future__ import annotations

import re

from bot.core.words import stop_words
from policies.businesses import a_brand
from policies.name_cues import common, listed_name, sentence_start
from policies.name_words import (
    NOT_NAMES,
    Names,
    NameWords,
    no_dictionary_word,
    plain,
    unknown_word,
)
from policies.people_frames import _regions
from policies.product_names import product_titles
from policies.world_names import WorldNames

NAME = r"[^\W\d_][\w'’]*(?:-[^\W\d_][\w'’]*)?"
# a name after a word that puts someone in a sentence's slot: a preposition or a verb ("to X", "by X", "shows X")
SLOT_NAME = re.compile(rf"(?<=[a-z] ){NAME}(?=[ \t,])")
NEXT_WORD = re.compile(rf"[ \t]+({NAME})(?=[ \t,])")
# the rest of the sentence, up to ten words, where a personal pronoun refers back to the name
PRONOUN_AFTER = re.compile(r"(?:[ \t,]+[\w'’-]+){0,10}?[ \t,]+(?:he|she|his|him|her|hers)\b", re.IGNORECASE)
# determiners and possessives before a word make it a thing or a role ("my Quill", "the Oria"), not a name alone
DETERMINER_BEFORE = re.compile(r"\b(?:my|your|our|their|his|her|its|the|a|an|this|that|these|those|some|any|every|each)[ \t]+$", re.IGNORECASE)
# "...: oria, bram and quillon" up to where the sentence ends
LIST_AFTER_COLON = re.compile(rf":[ \t]*((?:{NAME},[ \t]*){{1,8}}{NAME},?[ \t]+(?:and|&)[ \t]+{NAME})(?=[ \t]*(?:[.!?;]|$))", re.MULTILINE)
# "...: oria, bram, quillon" (commas only) up to where the line ends
COMMAS_AFTER_COLON = re.compile(rf":[ \t]*((?:{NAME},[ \t]*){{2,8}}{NAME})(?=[ \t]*(?:[.!?;]|$))", re.MULTILINE)
# what is done to people, then "oria, bram and quillon" (a colon between them or not: "add: ..."), then the sentence's
# end or where they go: "add ... to the plan"
LIST_AFTER_VERB = re.compile(
    r"\b(?i:add|invite|remove|delete|include|cc|loop in|ping|notify|email|message|tell|ask|let):?[ \t]+"
    rf"((?:{NAME},[ \t]*){{1,8}}{NAME},?[ \t]+(?:and|&)[ \t]+{NAME})(?=[ \t]*(?:[.!?;,]|$)|[ \t]+(?:to|from|as|in|on|know)\b)",
    re.MULTILINE,
)


def _name_word(word: str, *, cased: bool) -> bool:
    low = word.lower().strip(".,'’")
    if not low or low in NOT_NAMES or low in stop_words() or common(low):
        return False
    if low in Names.first_names() and not plain(low):
        return True
    return cased and word[:1].isupper() and (no_dictionary_word(word) or unknown_word(word))


def _surname(word: str) -> bool:
    low = word.lower()
    return (listed_name(word) or no_dictionary_word(word)) and low not in stop_words() and low not in NOT_NAMES and not common(low)


def referred_names(text: str) -> list[tuple[int, int]]:
    """Names that a personal pronoun later in their sentence refers to."""
    cased = any(c.isupper() for c in text)
    out = []
    for m in SLOT_NAME.finditer(text):
        if cased and not m.group()[:1].isupper():
            continue  # in a message with capitals a name has one
        if DETERMINER_BEFORE.search(text, max(0, m.start() - 8), m.start()) or sentence_start(text, m.start()) \
                or not _name_word(m.group(), cased=cased):
            continue
        end = m.end()
        if (n := NEXT_WORD.match(text, end)) and (not cased or n.group(1)[:1].isupper()) and _surname(n.group(1)):
            end = n.end(1)  # "to Oria Vesketh although she ..."
        pronoun = PRONOUN_AFTER.match(text, end)
        if pronoun is None or re.search(r"[.!?;\n]", text[end : pronoun.end()]) or a_brand(text, m.start(), end):
            continue
        out.append((m.start(), end))
    return out


def listed_first_names(text: str) -> list[tuple[int, int]]:
    """The items of a list of three or more first names after a colon."""
    out = []
    for m in LIST_AFTER_COLON.finditer(text):
        items = [(i.start(), i.end()) for i in re.finditer(NAME, m.group(1)) if i.group().lower() not in ("and",)]
        words = [m.group(1)[s:e] for s, e in items]
        if any(w.lower() in NOT_NAMES or w.lower() in stop_words() or (common(w) and not listed_name(w)) for w in words):
            continue  # "Colours: red, green and blue"
        if sum(listed_name(w) and not plain(w) for w in words) * 2 < len(words):
            continue
        out += [(m.start(1) + s, m.start(1) + e) for s, e in items]
    for regex in (LIST_AFTER_COLON, COMMAS_AFTER_COLON, LIST_AFTER_VERB):
        for m in regex.finditer(text):
            items = [(i.start(), i.end()) for i in re.finditer(NAME, m.group(1)) if i.group().lower() != "and"]
            words = [m.group(1)[s:e].lower() for s, e in items]
            # every word a first name, two in three no word of Webster's too ("olive", "jade" are)
            if all(map(first_name_word, words)) and sum(not plain(w) for w in words) * 3 >= 2 * len(words):
                out += [(m.start(1) + s, m.start(1) + e) for s, e in items]
    return sorted(set(out))


def first_name_word(low: str) -> bool:
    """A first name of the lists, or of the world's list (policies/world_names.py) and no word of Webster's; never a word
    of a chat, a product's title, a country or a US state. Among other such words only: alone, the world's list knows
    "uber" or "jira" too."""
    if low in NOT_NAMES or low in stop_words() or low in product_titles() or low in _regions():
        return False
    return low in Names.first_names() or (WorldNames.known(low) and low not in NameWords.english())
