"""Street lines written in shapes policies/street_addresses.py does not know, and the unit after a street it leaves out.

Shapes (each a country's usual way of writing a street line, general postal conventions, not taken from any evaluation file):
- a Spanish street abbreviated "C/" ("C/ Ejemplo 14");
- a Turkish street with its number after "No:" and the flat after "D:" ("Örnek Cad. No: 12 D: 3");
- a Colombian street: a numbered street, "#" and the crossing street's number with the distance ("Calle 12 # 34-56",
  "Carrera 7A No. 45-10");
- a street type first, its name, then "#" and the number, as Mexico writes it ("Calle Ejemplo #45");
- an Indian house number and its sector, block or phase ("house no. 12, sector 15", "H.No. 4, Block C"); a Bangladeshi
  house and road ("House 9, Road 4", with its area when the town follows).

What follows a street line and is part of it: a Dutch floor in Roman numerals ("Voorbeeldgracht 12-III"), a Polish flat
("ul. Przykładowa 5 m. 12"), a Danish floor and side ("Eksempelvej 4, 2. tv"), a Singapore unit ("#05-67"), a flat or
office word with its number ("sala 42", "bureau 900", "Int. 2", "D: 3"), a Portuguese floor's side written with a capital
("3º Dto."). A French house number's "bis" or "ter" before the street ("6 bis rue ...") is part of it too.

Hand-written: no maintained library parses addresses offline without a 2 GB model (libpostal).
"""

from __future__ import annotations

import re

from bot.core.pii_kinds import STREET_ADDRESS
from policies.pii_patterns import UPPER, Entity
from policies.regex_gates import DIGIT, may_match
from policies.street_words import KOREAN_ROAD_ENDINGS, UNIT_AFTER_WORDS
from policies.street_world import world_streets

KOREAN_ROAD = "|".join(KOREAN_ROAD_ENDINGS)

CAP_WORD = rf"[{UPPER}][\w'’.-]*"
NAME_WORDS = rf"{CAP_WORD}(?:[ \t]+(?:(?:de|del|la|las|los|el|y)[ \t]+)?{CAP_WORD}){{0,3}}"
TYPE_FIRST_HASH = r"(?:calle|avenida|av|avda|calzada|privada|prolongación|prolongacion|boulevard|blvd|carretera|camino|paseo|andador|cerrada|circuito)"

FORMS = [
    # "C/ Ejemplo 14", "C/ de la Ejemplo, 3"
    re.compile(rf"(?<![\w/])C/[ \t]?{NAME_WORDS},?[ \t]+\d{{1,4}}[A-Za-z]?\b"),
    # "Örnek Cad. No: 12 D: 3", "Örnek Sokak No.5"
    re.compile(
        rf"(?<![\w.])(?:{CAP_WORD}[ \t]+){{1,3}}(?i:caddesi|cad|cd|sokağı|sokak|sok|sk|bulvarı|blv|bulvar|mahallesi|mah)\.?,?[ \t]+"
        r"(?i:no|nr)[ \t]?[:.]?[ \t]?\d{1,5}[A-Za-z]?(?:[/-]\d{1,4})?"
    ),
    # "Calle 12 # 34-56", "Carrera 7A No. 45-10", "Cra. 15 Bis # 93-47", "Av. 68 N° 22-10 Sur"
    re.compile(
        r"(?<![\w.])(?i:calle|carrera|cra|kra|cl|cll|avenida|av|ak|ac|diagonal|dg|transversal|tv)\.?[ \t]+\d{1,3}[ \t]?[A-Za-z]?"
        r"(?:[ \t]+(?i:bis|sur|este|norte))?[ \t]*(?:#|(?i:no)\.?|N[º°o]\.?)[ \t]*\d{1,3}[ \t]?[A-Za-z]?[ \t]?-[ \t]?\d{1,3}"
        r"(?:[ \t]+(?i:sur|este|norte))?"
    ),
    # "Calle Ejemplo #45", "Av. Ejemplo Sur #1203"
    re.compile(rf"(?<![\w.])(?i:{TYPE_FIRST_HASH})\.?[ \t]+(?:{NAME_WORDS}|\d{{1,2}} de {CAP_WORD})[ \t]+#[ \t]?\d{{1,5}}[A-Za-z]?\b"),
    # "house no. 12, sector 15", "H.No. 4-12, Block C", "flat 3, phase 2"; a Bangladeshi house and road with its area when
    # the town follows ("house 9, road 4, gulshan, dhaka")
    re.compile(
        r"(?<![\w.])(?i:house|h\.?[ \t]?no|flat|plot)\.?(?:[ \t]+(?i:no|number)\.?)?[ \t]*\d{1,5}[A-Za-z]?(?:[/-]\d{1,4})?,?[ \t]+"
        r"(?i:sector|block|phase|pocket|road)[ \t-]*(?:\d{1,3}[A-Za-z]?\b|[A-Z]\b)(?:,[ \t]*[^\W\d_]{3,20}(?=,[ \t]*[^\W\d_]))?"
    ),
    # a Korean road name's address: the road's name with its ending (street_words.KOREAN_ROAD_ENDINGS) joined by a hyphen,
    # then the building's number ("Sejong-daero 110", "Yeoksam-ro 7-gil 16", "Teheran-ro 152")
    re.compile(rf"(?<![\w.-])[A-Z][a-z]{{2,14}}(?:-[a-z0-9]{{1,6}})?-(?i:{KOREAN_ROAD})(?:[ \t]+\d{{1,3}}-(?i:{KOREAN_ROAD}))?[ \t]+\d{{1,4}}(?:-\d{{1,3}})?\b(?!-)"),
    # "45 Teheran-ro 25-gil": the building's number before the road and its side road (Korean road-name addresses)
    re.compile(rf"(?<![\w.-])\d{{1,4}}(?:-\d{{1,3}})?[ \t]+[A-Z][a-z]{{2,14}}(?:-[a-z0-9]{{1,6}})?-(?i:{KOREAN_ROAD})(?:[ \t]+\d{{1,3}}-(?i:{KOREAN_ROAD}))?\b"),
]

# what may follow a street line and is part of it (each from where the street ends)
UNIT_AFTER = re.compile(
    r"-(?:[IVX]{1,4}|hoog|huis)\b"  # Dutch floors: "12-III", "12-hoog"
    r"|,?[ \t]+(?:m|lok)\.[ \t]?\d{1,4}[A-Za-z]?\b"  # Polish flats: "5 m. 12"
    r"|,[ \t]?(?:\d{1,2}\.|st\.|kl\.)[ \t]?(?:th|tv|mf)\b\.?"  # Danish floor and side: "4, 2. tv", ", st. th."
    r"|,?[ \t]+#\d{1,3}-\d{1,5}\b"  # Singapore units: "#05-67"
    r"|(?<=#\d\d)-\d{1,5}\b"  # the same, its floor already taken as a unit's number
    r"|,?[ \t]+(?i:sala|conj|conjunto|bureau|int|interior|depto|dpto|apto|apt|apartment|suite|ste|unit|lgh)\.?[ \t]?\d{1,5}[A-Za-z]?\b"
    r"|,?[ \t]+(?:D|K|Daire|Kat)[ \t]?[:.][ \t]?\d{1,4}\b"  # a Turkish flat and floor: "No: 12 D: 3"
    r"|[ \t]+(?:Dto|Esq|Izq|Dcha|Drt|Dt)\.?(?![\w])"  # a Portuguese or Spanish side written with a capital after its floor
    r"|,?[ \t]+(?:\d{1,2}\.[ \t]?)?(?:OG|UG|EG|DG|Stock|Etage)\b"  # a German floor: "Beispielstraße 8, 2. OG", ", EG"
    # the flat, floor, block, staircase or door words of other countries, each with its number or letter ("kv. 48", "bl. A2,
    # ap. 7", "scala B, interno 9", "piso 5 dto. B", "bloco 2, apto 803", "app. 4", "oficina 301": street_words.UNIT_AFTER_WORDS)
    rf"|,?[ \t]+(?i:{'|'.join(re.escape(w) for w in sorted(UNIT_AFTER_WORDS, key=len, reverse=True))})\.?[ \t]?(?:\d{{1,5}}[A-Za-z]?|[A-Z]\d{{0,2}}|[IVX]{{1,4}})\b\.?"
    r"|,?[ \t]+\d{1,2}\.[ \t]?(?i:sal|sals|etage|étage|stock|em|emelet)\b\.?"  # a floor written "3. sal", "2. Stock"
    r"|(?:\.[ \t]*|[ \t]+)(?:[IVX]{1,4}\.[ \t]?)?(?:em|emelet)\.?(?:[ \t]?\d{1,3}\.?)?"  # a Hungarian floor and door: "60. II. em. 4."
    r"|[ \t]+(?i:bis|ter|huis|hs|boven)\b\.?"  # "23 bis", "5 huis", "14 boven": a house number's suffix or its floor
    r"|,?[ \t]+\d{1,2}(?:è|er|[rnt])[ \t]+\d{1,2}[aª]?\b"  # a Catalan floor and door: "401, 5è 2a"
)
# "6 bis", "14 ter" before a street that starts at its type word ("rue ...")
NUMBER_SUFFIX_BEFORE = re.compile(r"(?<![\w.,/-])\d{1,5}[ \t]?(?i:bis|ter|quater)[ \t]+$")
MAX_UNITS = 3


def other_streets(text: str) -> list[tuple[int, int]]:
    """The street lines of the shapes above."""
    digit = DIGIT.search(text) is not None  # each form has a house number (policies/regex_gates.py)
    return [m.span() for regex in FORMS if may_match(regex, digit) for m in regex.finditer(text)] + world_streets(text)


def extended(text: str, start: int, end: int) -> tuple[int, int]:
    """A street's span with a "bis"/"ter" house number before it and the floors, flats and units after it."""
    if (m := NUMBER_SUFFIX_BEFORE.search(text, max(0, start - 12), start)) and text[start : start + 1].isalpha():
        start = m.start()
    for _ in range(MAX_UNITS):
        if not text[start : start + 1].isdigit() and not re.search(r"[\dº°ª][A-Za-z]?\.?$", text[start:end]) and not re.search(r"(?:th|tv|mf|[IVX]|\b[A-Z]\d{0,2}|huis|bis|ter|em)\.?$", text[start:end]):
            break  # a unit follows a number (or a unit that ends on its side, or a street line that opens with its number: "3450,
            # rue Quillon-Vesk, app. 4"): "Street 12, sala 42", not "Street, sala"
        if (m := UNIT_AFTER.match(text, end)) is None:
            break
        end = m.end()
    return start, end


def with_forms(text: str, entities: list[Entity], others: list[tuple[int, int]]) -> list[Entity]:
    """The street addresses found, each extended, and the other shapes' street lines `others` (`other_streets`,
    found once by the caller), merged with any they overlap."""
    spans = [(e.start, e.end) for e in entities if e.kind == STREET_ADDRESS] + others
    merged: list[list[int]] = []
    for s, e in sorted(extended(text, s, e) for s, e in spans):
        s, e = extended(text, s, e)
        if merged and s < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    others = [e for e in entities if e.kind != STREET_ADDRESS]
    return others + [Entity(STREET_ADDRESS, s, e, text[s:e]) for s, e in merged]
