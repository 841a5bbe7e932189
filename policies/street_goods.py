"""A count of a product line named like a street: "My 2 Hill Road chairs came without screws", "Is 12 Bridge Street
Blend coffee decaf?". Shops name collections, bundles and plans after streets; a count of them reads like a house number
and a street. The sentence tells them apart: after a street comes its verb and what the verb takes ("14 Elm Road needs
a new meter", "Mum's 14 Elm Road gets no post"); after a product line comes the plural thing counted and then what a
noun takes ("chairs came", "candles that I never opened", "licences for the team", "mugs are out of stock").

Asked by policies/street_addresses.py for a street found from its number, name and street word alone (no place, unit
or postcode after it, no word before it that says an address follows). Chosen on the development questions
(bench/ordinary/dev_questions*.txt) and the development PII files' streets (bench/dev_pii_messages*.txt); hand-written
because no library parses counts of product lines (spaCy's tagger reads "2 Hill Road chairs" either way).
"""

from __future__ import annotations

import re

from bot.core.words import stop_words
from policies.word_classes import WordClasses

# what a house, its rooms and the people living in it have: "our 14 Elm Road tenants are moving", "the 9 Oak Lane
# bins were not collected", "my 3 Mill Lane parcels are missing" speak of the address itself, never of a product line
OF_A_HOME = frozenset({
    "apartments", "bills", "bins", "doors", "drains", "flats", "gardens", "garages", "gates", "homes", "houses", "keys",
    "letters", "meters", "neighbors", "neighbours", "occupants", "offices", "packages", "parcels", "pipes", "premises",
    "properties", "residents", "roofs", "rooms", "tenants", "units", "utilities", "walls", "windows", "deliveries",
    "landlords", "owners", "people", "folks", "kids", "guys", "lads", "girls", "boys", "friends",
})
# after a verb of the street ("needs", "gets", "floods"): what the verb takes or how it goes on; after a plural noun
# these do not follow ("chairs the", "lamps my")
VERB_GOES_ON = frozenset({
    "a", "an", "the", "no", "my", "your", "his", "her", "its", "our", "their", "this", "these", "those", "some", "any", "every",
    "each", "all", "more", "less", "me", "us", "him", "them", "it", "you", "to", "up", "out", "down", "off", "over", "back",
    "away", "lots", "loads", "nothing", "anything", "something", "when", "whenever", "if", "because", "since", "after",
    "before", "during", "until", "while", "again", "too", "still", "now", "today", "tonight", "yesterday", "badly",
    "constantly", "often", "always", "never", "sometimes", "here", "there", "like", "as", "so", "very", "really", "at", "on",
    "by", "about", "around", "into", "onto", "through", "well", "fine", "ok", "okay", "just", "only", "even", "much", "many",
})
# what follows the plural thing a count names: a verb of what happened to it, a noun's preposition, a relative word
NOUN_GOES_ON = re.compile(
    r"[ \t]+(?:are|were|is|was|have|had|has|do|did|don['’]?t|didn['’]?t|doesn['’]?t|won['’]?t|can['’]?t|can|could|will|would|should|"
    r"aren['’]?t|weren['’]?t|isn['’]?t|wasn['’]?t|haven['’]?t|came|arrived|broke|stopped|went|got|smell|smelled|look|looked|"
    r"show|showed|shows|ship|shipped|expire|expired|renew|renewed|last|pair|go|come|fit|work|worked|keep|kept|"
    r"that|which|and|or|for|from|in|of|with|without|instead|made|covered|part|not|never|yet)\b"
    r"|[ \t]*(?:[?!.,;:)]|$)"
)
# a word of a product line's name after its street's ("12 Bridge Street Blend", "1 Canal Street Edition"): an edition,
# a size or a pack, never a place's name
EDITION_WORDS = frozenset({
    "blend", "bundle", "collection", "edition", "kit", "lite", "max", "mini", "pack", "plus", "pro", "range", "series", "set",
    "ultra",
})
# a product line's own noun right after its street's name, in the singular
LINE_NOUNS = frozenset({"bundle", "collection", "edition", "kit", "pack", "plan", "range", "series", "set", "subscription", "tier"})
COUNT = re.compile(r"\d{1,3}(?=\s)")
# a word of place right before the number: "deliver to 3 Oak Street", "the flat at 12 Mill Lane": an address follows
PLACE_BEFORE = re.compile(r"\b(?:at|to|on|from|near|in|into|outside|behind|opposite|of|via|towards?|address|live|lives|moved)[ \t]*[:,]?[ \t]*$", re.IGNORECASE)


def _plural_thing(word: str) -> bool:
    """A lower-case plural noun ("chairs", "licences", "hoodies"): a noun of WordNet's, or a word it does not know at all."""
    if not (word.isalpha() and word.islower() and word.endswith("s") and not word.endswith("ss") and len(word) > 3):
        return False
    if word in OF_A_HOME or word in stop_words():
        return False
    classes = WordClasses.classes(word)
    return not classes or "noun" in classes


def _modifier(word: str) -> bool:
    """A noun before the thing counted ("tea" sets, "vinyl" records): a singular noun that is no verb."""
    return word.isalpha() and word.islower() and not word.endswith("s") and word not in stop_words() and word not in VERB_GOES_ON \
        and "noun" in (classes := WordClasses.classes(word)) and "verb" not in classes


def counted_line(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Where a street found from a count, a name and a street word (`text[start:end]`, nothing after it) is a product
    line's name: the span of the count and the name, the thing counted after it; None when it may be an address."""
    if not COUNT.match(text, start) or PLACE_BEFORE.search(text, max(0, start - 12), start):
        return None
    edition = re.match(r"[ \t]+([A-Z][a-z]+)(?=[ \t]+[a-z]|[ \t]*[?!.]|[ \t]*$)", text[end:])
    if edition and edition.group(1).lower() in EDITION_WORDS:
        return start, end + edition.end()  # "Is 1 Canal Street Edition still on sale?": the line's edition word
    word = re.match(r"[ \t]+([^\W\d_][\w'’-]*)(?:[ \t]+([^\W\d_][\w'’-]*))?", text[end:])
    if word is None:
        return None
    if word.group(1) in LINE_NOUNS:
        return start, end  # "Does the 3 Market Square bundle include the stand?", "Is the 10 Pine Ridge plan cheaper?"
    thing, after_thing = word.group(1), end + word.end(1)
    if word.group(2) and _modifier(thing) and _plural_thing(word.group(2)):
        thing, after_thing = word.group(2), end + word.end(2)  # "The 11 Orchard Close tea sets are missing lids."
    if not _plural_thing(thing):
        return None
    nxt = re.match(r"[ \t]+([\w'’]+)", text[after_thing:])
    if nxt is not None and nxt.group(1).lower() in VERB_GOES_ON:
        return None  # "14 Elm Road needs a new meter", "floods every winter": the street's verb and what it takes
    if "verb" not in WordClasses.classes(thing):
        return start, end  # "Are 2 Church Lane lanterns waterproof?": no verb of the street's
    if nxt is None:
        return None  # "Water comes in whenever 14 Elm Road floods.": a verb of the street ends the sentence
    if not NOUN_GOES_ON.match(text, after_thing):
        return None
    return start, end
