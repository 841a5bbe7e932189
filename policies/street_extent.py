"""What a street address found by policies/street_addresses.py leaves out around it, and one shape it does not find.

- a word for the building right before a house number ("House 21, 4th Cross Road", "Plot 7 Ring Road", "Block C
  12 ..."): part of the address;
- a floor, door or flat written the Spanish and Portuguese way after the house number ("Calle Mayor 55, 2º dcha",
  "Rua X 120, 3º andar", "..., 4ª B", "bajo izq."): part of it too;
- a Japanese address: block numbers joined by hyphens (chome-ban-go), a district, and a ward, city or town with its
  suffix ("3-5-1 Nishi-Shinjuku, Shinjuku-ku"), which has no street word at all.

Hand-written: no maintained library parses addresses this way offline (libpostal needs a 2 GB model and a C build).
"""

from __future__ import annotations

import re

from bot.core.pii_kinds import STREET_ADDRESS
from policies.pii_patterns import UPPER, Entity
from policies.regex_gates import DIGIT, may_match
from policies.street_forms import other_streets, with_forms
from policies.street_shapes import shaped_streets
from policies.street_tails import marked_streets, with_tails

# a building's word and its number (or letter) right before where the street rules start: "House 21, 4th Cross Road"
BUILDING_BEFORE = re.compile(r"(?<![\w.-])(?i:house|building|bldg\.?|block|blk\.?|plot|lot|villa|door|no\.?|nr\.?|bâtiment|bât\.?|bloco|edificio|edifício)[ \t]+(?:[A-Z]|\d{1,5}[A-Za-z]?)?[ \t]*,?[ \t]*$")
# Spanish and Portuguese floors and doors: an ordinal number and the door's word, abbreviation or letter ("2º dcha",
# "4ª B", "1º andar"), or the ground floor ("bajo")
FLOOR_AFTER = re.compile(
    r",?[ \t]+(?:\d{1,2}[ \t]?[ºª°]\.?(?:[ \t]?(?:(?!(?:de|del|y|e|en|o)\b)[a-zñ]{1,10}\b\.?|[A-Z]\b|\d{1,2}\b))?"
    r"|(?i:bajo|entlo)\.?(?:[ \t](?:[A-Z]|\d{1,2})\b)?)"
)
# "3-5-1 Nishi-Shinjuku, Shinjuku-ku, Tokyo": block numbers, district, ward
JAPANESE = re.compile(
    rf"(?<![\w.-])\d{{1,4}}-\d{{1,4}}(?:-\d{{1,4}})?,?[ \t]+[{UPPER}][\w'’]*(?:-[\w'’]+)?"
    rf"(?:,?[ \t]+[{UPPER}][\w'’]*(?:-[\w'’]+)?)?,?[ \t]+[{UPPER}][\w'’]*-(?:ku|shi|cho|machi|mura|gun)\b"
)


def widened(text: str, entities: list[Entity]) -> list[Entity]:
    """The street addresses with the building's word before and the floor and door after them, and the Japanese ones
    (and policies/street_forms.py's and policies/street_tails.py's), each with its place and postcode lines."""
    out = []
    others = other_streets(text) + marked_streets(text) + shaped_streets(text)  # before and after the Japanese ones: the same spans, found once
    for e in with_forms(text, entities, others):
        if e.kind != STREET_ADDRESS:
            out.append(e)
            continue
        start, end = e.start, e.end
        if text[start : start + 1].isdigit() and (m := BUILDING_BEFORE.search(text, max(0, start - 20), start)):
            start = m.start()
        if (m := FLOOR_AFTER.match(text, end)) and re.search(r"\d[A-Za-z]?$", text[start:end]):
            end = m.end()
        out.append(Entity(STREET_ADDRESS, start, end, text[start:end]) if (start, end) != (e.start, e.end) else e)
    taken = [(e.start, e.end) for e in out if e.kind == STREET_ADDRESS]
    for m in JAPANESE.finditer(text) if may_match(JAPANESE, DIGIT.search(text) is not None) else ():  # policies/regex_gates.py
        if not any(s < m.end() and m.start() < e for s, e in taken):
            out.append(Entity(STREET_ADDRESS, m.start(), m.end(), m.group()))
    # other countries' shapes and the units after a street (policies/street_forms.py), then the place and postcode lines
    # after every street line (policies/street_tails.py)
    return with_tails(text, with_forms(text, out, others))
