"""The place and postcode lines after every street line found, and the street lines that name their house number with a
word ("Av. Ejemplo N° 12", "Jl. Contoh No. 76", "Intrarea Exemplu Nr. 7").

policies/street_addresses.py follows its own street lines with the unit, place, postcode and country lines after them;
the street lines of policies/street_forms.py and policies/street_world.py stopped at their house number, so the place
and postcode after them reached the remote model ("Vesketh 5, 0123 Quillonby", "Calle Ejemplo 7\nQuillon, Región de
Vesketh, 1234567"). Here every street line gets the same tails (and the comma-separated parts up to a postcode, a place
line with its postcode before the province, a flat's or office's line), and two cuts that leave a piece of the address out are
closed:
- a span that ends inside a word or number ("...1234567" cut after six digits: Chile's postcodes have seven; an Irish
  Eircode "P991EK2" read as a British postcode up to "EK") runs to the end of it;
- a Canadian postcode whose first half was taken as a place's word ("Quillon, ON K1A 0B1") gets its second half.

General postal conventions (Canada Post, An Post, Correos de Chile, Correo Argentino, each country's "number" word), chosen on the tune half
of the shared PII file and on generated development sentences (bench/unseen_pii.py, seeds below 100, with
`MORE_LOCALES`), never on an evaluation file. Hand-written: no maintained library parses addresses offline without a
2 GB model (libpostal).
"""

from __future__ import annotations

import re

from bot.core.pii_kinds import STREET_ADDRESS
from policies.pii_patterns import UPPER, Entity
from policies.street_addresses import (
    ADDRESS_TAIL,
    LOWER_ADDRESS_TAIL,
    MAX_ADDRESS_TAIL,
    PLACE_TAIL,
)
from policies.street_words import TYPE_FIRST

# Canada's postcode: its first half ends the span, its second half follows ("K1A" then " 0B1")
CANADIAN_FIRST_HALF = re.compile(r"\b[A-Z]\d[A-Z]$")
CANADIAN_SECOND_HALF = re.compile(r"[ \t]?\d[A-Z]\d\b")
# the street words that come first and take a numbered house: the lists' own, and the ones only this shape makes safe
# (Indonesian "Gg."/"Gang", Malaysian "Lorong", Argentine "Blv.", Québec's "montée" and "rang")
MARKED_TYPES = sorted({*TYPE_FIRST, "gg", "gang", "lorong", "blv", "blvd", "montée", "rang", "drumul", "splaiul", "diag"} - {"via", "route", "passage"}, key=len, reverse=True)
# the words that say a number follows: Spanish and Portuguese "N°"/"Nº", "No."/"Nr."/"Núm."
NUMBER_WORD = r"(?:[Nn][°º]|(?i:no|nr|núm|num|nro)\.?(?=[ \t]?:?[ \t]?\d))"
# what a number after "no." in an ordinary message counts: "via ticket no. 5", "Plaza order no. 12"
COUNTED = r"(?i:ticket|order|invoice|case|issue|bug|item|job|task|room|seat|flight|page|step|version|plan|tier|model|part|account|card)"
NUMBER_WORD_HINT = re.compile(NUMBER_WORD)
MARKED_STREET = re.compile(
    rf"(?<![\w.])(?i:{'|'.join(re.escape(w) for w in MARKED_TYPES)})\.?[ \t]+(?!{COUNTED}\b)"
    rf"(?:(?:[{UPPER}0-9][\w'’.-]*|[a-zà-öø-ÿā-ž][\w'’.-]*)[ \t]+){{1,5}}?{NUMBER_WORD}[ \t]?:?[ \t]?\d{{1,5}}[A-Za-z]?(?:[/-]\d{{1,5}})?\b"
)
MAX_ROUNDS = 2
PLACE_WORDS = r"(?:[ \t]+(?!(?:and|or|for|to|in|on|at|please|thanks|after|before|the|my|your)\b)[^\W\d_][\w'’.-]*){1,4}"
# a place line with its postcode after the place's name, then its province ("\nLa Quillon 1900, Buenos Aires", Argentina)
PLACE_POSTCODE_REGION = re.compile(
    rf"[ \t]*,?[ \t]*\n[ \t>]*[^\W\d_][^\n\d,]{{0,40}}[ \t]\d{{4,5}}\b(?:,{PLACE_WORDS})?"
)
# comma-separated parts (a district, a village, a town) up to a postcode and its place: "..., Quillon Homes, Vesk, 0721
# Metro Vesk", "..., Seksyen 4, 86569 Bukit Quillon, Johor" (the postcode says the parts before are the address's)
PARTS_TO_POSTCODE = re.compile(
    rf"(?:,[ \t]*[^\W\d_][^\n,]{{0,30}}?){{0,3}},[ \t]*\d{{4,6}}{PLACE_WORDS}(?:,{PLACE_WORDS})?|(?:,[ \t]*[^\W\d_][^\n,\d]{{0,30}}?){{1,3}},[ \t]*\d{{4,6}}\b"
)
# a place line with its region and a postcode of four to seven digits at its end ("\nQuillon, Región de Vesk, 1234567")
PLACE_REGION_POSTCODE = re.compile(r"[ \t]*,?[ \t]*\n[ \t>]*[^\W\d_][^\n\d,]{0,40}(?:,[ \t]*[^\W\d_][^\n\d,]{0,60}){0,2},[ \t]*\d{4,7}\b")
# the place line under a line that is only a postcode ("...\n158281\nQuillon, Vesk")
POSTCODE_LINE_END = re.compile(r"\n[ \t>]*\d{4,7}$")
PLACE_LINE_BELOW = re.compile(r"[ \t]*\n[ \t>]*[^\W\d_][^\n\d.?!;:]{0,40}?(?=[ \t]*(?:[.?!;:\n]|$))")
# a line of a flat, tower, office or shop under a Colombian, Chilean or Argentine street ("\nTorre 1 apartamento 61",
# "\nBodega 38", " Of. 596")
UNIT_LINE = re.compile(
    r"(?:[ \t]*\n[ \t>]*|[ \t]+)(?:(?i:torre|bodega|local|apto|apartamento|interior|casa|oficina|piso|depto|dpto)|Of)\.?[ \t]?[\dA-Z]\w{0,4}\b"
    r"(?:[ \t]+(?i:apartamento|apto|piso|oficina|local|depto|dto)\.?[ \t]?\w{1,5}\b)?"
)
# a street's name right before its house number, where the number was found for the flat or office after it ("Los
# Quillones 930 Piso 7": the number, then a flat's word)
NAME_BEFORE = re.compile(rf"(?:\A|(?<=\n)|(?<=[,:]\s)|(?<=\b(?:at|to|on|in|is)\s))(?:[{UPPER}][\w'’-]*[ \t]+){{1,3}}$")
# a house or building number right before a street line that starts with its name or its own number ("7 Jl. Quillon",
# "12 4/5 Jalan Vesk"), where the number opens a line or follows a cue word
NUMBER_BEFORE = re.compile(r"(?:\A|(?<=\n)|(?<=[>:]\s)|(?<=\b(?:at|to|is|in)\s))[ \t>]*([A-Za-z]?-?\d{1,5}[A-Za-z]?(?:[/-]\d{1,5}[A-Za-z]?)*)[ \t]+$")
# a line that opens with a number and words right above a street line that opens its own line (">834 Quillon perivoj\n>
# Vesk 12": the first line of the address)
NUMBERED_LINE_ABOVE = re.compile(r"(?:\A|\n)[ \t>]*(\d{1,5}[A-Za-z]?(?:[/-]\d{1,5}[A-Za-z]?)*[ \t]+[^\W\d_][^\n\d]{0,40}?)[ \t,]*\n[ \t>]*$")
HOUSE_THEN_UNIT = re.compile(r"\d{1,5}[A-Za-z]?[ \t]+(?:(?i:piso|depto|dpto|oficina|apto|apt|suite|interior)|Of)\b")


def marked_streets(text: str) -> list[tuple[int, int]]:
    """The street lines whose house number follows a word for "number" ("Av. Ejemplo N° 12"), in any case: the street
    word before and the number word make it an address."""
    if not NUMBER_WORD_HINT.search(text):
        return []  # most messages have no number word: the street search at every word is skipped
    return [m.span() for m in MARKED_STREET.finditer(text)]


def _tail_end(text: str, end: int, *, cased: bool) -> int:
    for _ in range(MAX_ROUNDS):
        before = end
        for _ in range(MAX_ADDRESS_TAIL):
            tail = PLACE_TAIL.match(text, end) or (ADDRESS_TAIL if cased else LOWER_ADDRESS_TAIL).match(text, end)
            if tail is None or tail.end() <= end:
                break
            end = tail.end()
        for regex in (UNIT_LINE, PLACE_REGION_POSTCODE, PLACE_POSTCODE_REGION, PARTS_TO_POSTCODE):
            if m := regex.match(text, end):
                end = m.end()
        if POSTCODE_LINE_END.search(text, max(0, end - 12), end) and (m := PLACE_LINE_BELOW.match(text, end)):
            end = m.end()
        if cased and CANADIAN_FIRST_HALF.search(text, max(0, end - 4), end) and (m := CANADIAN_SECOND_HALF.match(text, end)):
            end = m.end()
        while end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
            end += 1  # a span never ends inside a word or number
        if end == before:
            break
    return end


def _head_start(text: str, start: int) -> int:
    if HOUSE_THEN_UNIT.match(text, start) and (m := NAME_BEFORE.search(text, max(0, start - 50), start)):
        start = m.start()
    if m := NUMBER_BEFORE.search(text, max(0, start - 14), start):
        start = m.start(1)
    if m := NUMBERED_LINE_ABOVE.search(text, max(0, start - 80), start):
        start = m.start(1)
    return start


def with_tails(text: str, entities: list[Entity]) -> list[Entity]:
    """Each street address with the place, postcode and country lines after it, merged with any street it then reaches."""
    cased = any(c.isupper() for c in text)
    spans = sorted((_head_start(text, e.start), _tail_end(text, e.end, cased=cased)) for e in entities if e.kind == STREET_ADDRESS)
    merged: list[list[int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [e for e in entities if e.kind != STREET_ADDRESS] + [Entity(STREET_ADDRESS, s, e, text[s:e]) for s, e in merged]
