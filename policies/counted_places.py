"""Numbered parts of an app, a venue or a vehicle, and storage services, that the street rules take for streets.

- a seat, a gate or a desk and its number before an English street word and another number: "Seat 3 Row 18",
  "Gate 2 Lane 4" (a bare number is no word of a street's name: "Minta 3 utca 5" has none);
- an English street word written in lower case between a capitalised word and a number in a message that uses
  capitals: "Drag lane 3 above lane 1", "Pin row 12 to the top". Written the European way (name, type, number), an
  English street word is capitalised ("Church Lane 3"), and the street words of other languages ("Kossuth utca 12",
  "Laitisen tie 187") are not English words, so they stay streets;
- a number of days, weeks or months in lower case before a street word: "a 14 day pass", "a 3 month drive" (how long
  it lasts; chosen on bench/ordinary/dev_questions_privacy43.txt);
- a street word with no house number after what is saved, backed up or synced to it: "back up my chats to Google
  Drive" (policies/service_shapes.py's `KEPT_IN_BEFORE`, the same words that make a name an app).

Each is dropped only when the found address is that shape and nothing more (no place, postcode or unit after it).
Hand-written patterns, as the street rules they correct (policies/street_addresses.py): no library tells these apart.
"""

from __future__ import annotations

import re

from bot.core.pii_kinds import STREET_ADDRESS
from policies import street_words
from policies.pii_patterns import UPPER, Entity
from policies.service_shapes import KEPT_IN_BEFORE


def _alternatives(words: list[str] | tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


# the street words English writes ("lane", "row", "drive"), not those of other languages ("utca", "tie", "straße")
_FOREIGN = {w.lower() for w in street_words.FOREIGN_TYPE_AFTER}
ENGLISH_TYPES = _alternatives([w for w in street_words.TYPE_AFTER if w.isascii() and w.isalpha() and w.lower() not in _FOREIGN])
NUMBER = r"\d{1,5}[A-Za-z]?"
# "Seat 3 Row 18": a capitalised word and a bare number before the street word and its number
NUMBERED_BEFORE_TYPE = re.compile(rf"[{UPPER}][\w'’-]*[ \t]+{NUMBER}[ \t]+(?i:{ENGLISH_TYPES})\.?[ \t]+{NUMBER}")
# "Drag lane 3": a capitalised word, an English street word in lower case, a number
LOWER_TYPE_BETWEEN = re.compile(rf"[{UPPER}][\w'’-]*[ \t]+(?:{ENGLISH_TYPES})\.?[ \t]+{NUMBER}")
# "a 14 day pass", "the 3 month drive": a number of days or months, in lower case, then the street word: how long a thing
# lasts, not a house number and its street ("12 Day Street" is capitalised)
SPAN_OF_TIME = re.compile(rf"{NUMBER}[ \t-]+(?:day|week|month|year|hour|night|minute)s?[ \t-]+(?:{ENGLISH_TYPES})\.?")
# "to Google Drive", "in Dropbox Place": capitalised words and a street word, no number
NAMED_NO_NUMBER = re.compile(rf"(?:[{UPPER}][\w'’.&+-]*[ \t]+){{1,3}}(?i:{ENGLISH_TYPES})")


def counted_part(text: str, entity: Entity) -> bool:
    """Whether a found street address is rather a numbered part of an app or a venue, or a storage service (the
    module's docstring)."""
    if entity.kind != STREET_ADDRESS:
        return False
    value = entity.text
    if NUMBERED_BEFORE_TYPE.fullmatch(value):
        return True
    if LOWER_TYPE_BETWEEN.fullmatch(value) or SPAN_OF_TIME.fullmatch(value):
        return True
    return NAMED_NO_NUMBER.fullmatch(value) is not None \
        and KEPT_IN_BEFORE.search(text[max(0, entity.start - 50) : entity.start]) is not None


def without_counted_parts(text: str, entities: list[Entity]) -> list[Entity]:
    """The entities but the street addresses that are numbered parts of an app or a venue, or a storage service."""
    return [e for e in entities if not counted_part(text, e)]
