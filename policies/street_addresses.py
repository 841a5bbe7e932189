"""Street addresses: a house number and a street word (policies/street_words.py) in the orders the
world writes them, or a street line with its place and postcode below, continued over the unit, city,
postcode and country lines that follow.
"""

from __future__ import annotations

import re

from bot.core.pii_kinds import STREET_ADDRESS
from bot.core.words import stop_words
from policies import street_words
from policies.pii_patterns import UPPER, Entity
from policies.product_phrases import branded_street, shop_street
from policies.regex_gates import DIGIT, may_match
from policies.street_goods import counted_line
from policies.street_world import FUNCTION_WORDS, business_street


def _alternatives(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


TYPE_AFTER = _alternatives(street_words.TYPE_AFTER)
TYPE_FIRST = _alternatives(street_words.TYPE_FIRST)
COMPOUND = _alternatives(street_words.COMPOUND_ENDINGS)
FOREIGN_COMPOUND = _alternatives([w for w in street_words.COMPOUND_ENDINGS if w not in street_words.ENGLISH_WORD_ENDINGS])
CAP_WORD = rf"[{UPPER}][\w'’.-]*"
# (Italian "dei", "della": "Via dei Quilloni"; and those inside places' names: Czech "u", "v", Dutch "en", German "am", "im", "an", Polish "i": "Vesketh u Quillonu",
# "Quillon en Dal", "Vesketh im Quillontal", "Oria i Quillona")
PARTICLE = r"(?:de|del|des|da|do|dos|das|di|du|la|le|los|las|el|van|von|der|den|y|e|of|the|nad|pod|op|aan|u|v|en|am|im|an|i|dei|degli|della|delle|dello)"
# "San Clara de la Montaña", "Týn nad Vltavou": up to two particles between capitalised words
CAP_WORDS = rf"{CAP_WORD}(?:[ -](?:{PARTICLE}[ -]){{0,2}}{CAP_WORD}){{0,3}}"
# "12", "221B", "04/82", "96-25", "101/3/14" (an Austrian house, staircase and door); not a decimal ("Cedar Hill 2.1",
# "Ruby Lane 2.3": versions)
HOUSE = r"\d{1,5}(?:[A-Za-z]?[/-]\d{1,5}){0,2}[A-Za-z]?\b(?![.,]\d)"  # "9a/5" too: a house's letter, then its flat
UNIT = rf"(?i:(?:{_alternatives(street_words.UNIT_WORDS)})\.?|#)\s*\d+[A-Za-z]?"
# a word of a street's name: capitalised, or a particle; in a message written all in lower case, any
# word that is no function word ("185 willis parade")
NAME_CAP = rf"(?:[{UPPER}0-9][\w'’.-]*|{PARTICLE})"
NAME_ANY = rf"(?:{NAME_CAP}|(?-i:(?!(?:for|and|with|from|into|your|our|my|the|this|that|at|to|in|on|by|please|how|move|close)\b)[a-zà-öø-ÿā-ž][\w'’-]{{2,}}))"
NAMED_STREET = (rf"(?:the )?{CAP_WORD}(?: {CAP_WORD}){{0,2}} (?:(?i:street)|St\.|Avenue|Ave\.|Road|Rd\.|Lane|Boulevard|Blvd\.?|Drive|"
                r"Parkway|Square|Terrace|Crescent|Highway|Gateway|Way|Place|Court|Pass|Parks?|Union)(?!\w)")
NOT_A_STREET_NAME = r"(?!(?:I|Please|How|What|Why|When|Where|Which|Who|Can|Could|Would|Should|Will|Do|Does|Did|Is|Are|Was|Were|Has|Have|Had|The|My|Our|Your|Move|Close)\b)"


def _street_patterns(name_part: str, head: str, type_after: str) -> list[re.Pattern[str]]:
    return [
        # "12 Sample Street", "221B Example St.", "18 Quillon Parade", "370 12 Third Avenue": number, name, type
        # (not particles alone before the type: "Unit 4 of the course won't load" counts a part of something; nor "of"
        # right after the number: "Unit 3 of the Duolingo course", "2 of the Oak tables" count, no street opens with it)
        re.compile(rf"(?<![:.])\b\d{{1,6}}[A-Za-z]?(?:[/-]\d{{1,5}}|-[A-Z](?=\s))?,?\s+(?!(?:{PARTICLE}\s+)+(?i:{TYPE_AFTER})\b)(?!of\s)(?:{name_part}\s+){{1,4}}?(?i:{TYPE_AFTER})\b\.?"),
        # "Rua do Exemplo 16", "ul. Przykładowa 04/82", "Calle Ejemplo, 5", "Via Esempio 12": type, name, number
        re.compile(rf"(?<![\w.])(?i:{TYPE_FIRST})\.?\s+(?:{name_part}[ ,]+){{1,4}}?{HOUSE}"),
        # "Esimerkkikatu 25", "Beispielstraße 5", "Muster-Beispiel-Straße 31/69": a one-word street name and a number
        # (a hyphen before an ending no English word has too, in any case: "quillon-platz 98")
        re.compile(rf"\b[^\W\d_]{{2,}}(?:-[^\W\d_]+)*(?:(?i:{COMPOUND})|-(?i:{FOREIGN_COMPOUND}))\.?\s+{HOUSE}"),
        # "Minta utca 125", "Muster Strasse 89", "Udaharan Marg 12": name, type, number
        # (the street's words on one line: the name on the line above is no part of it)
        re.compile(rf"\b{head}(?:[ \t]+(?:{name_part})){{0,2}}[ \t]+(?i:{type_after})\.?,?\s+{HOUSE}"),
        # "889 Incrocio Esempio", "12 rue de la Paix": number, type, name
        re.compile(rf"\b\d{{1,6}}[A-Za-z]?,?\s+(?i:{TYPE_FIRST})\.?\s+(?:{PARTICLE}\s+)*{CAP_WORD}(?:\s+(?:{PARTICLE}\s+)*{CAP_WORD}){{0,3}}"),
        # "6750 Esimerkkikatu 25", "19902 Příkladová 1394": number, word(s), number
        re.compile(rf"\b\d{{2,6}}\s+(?![A-Z]{{2,}}\b)[{UPPER}][\w'’.-]+(?:\s+(?!(?:for|of|to|in|on|at|and|or|per|from|with)\b)[^\W\d_][\w'’.-]+){{0,3}}\s+\d{{1,5}}[A-Za-z]?\b(?!-)"),
        # "lives on Quillon Fort Street", "the corner of Vesketh Gateway St.": a named street with no number, where
        # the words before say it is a place (what follows the type is no letter: "St." then a space is one too); after
        # "to" only with its place after it ("deliver to Quillon Road, Vesketh", "refers to Quillon street in Oria"):
        # alone it is where one goes, a station or a square ("from Oxford Circus to Liverpool Street")
        re.compile(rf"(?:(?<=\bon )|(?<=\bat )|(?<=\bof )|(?<=\bnear )){NAMED_STREET}"),
        re.compile(rf"(?<=\bto ){NAMED_STREET}(?=,[ \t]*[{UPPER}]|[ \t]+in[ \t]+[{UPPER}])"),
        # military and post boxes: "PSC 1234, Box 5678", "P.O. Box 12", "Postbox 21"
        re.compile(rf"\b(?:{_alternatives(street_words.MILITARY_POST)})\s+\d{{3,5}},?\s+Box\s+\d{{3,5}}|\b(?:P\.?\s?O\.?\s?Box|{_alternatives(street_words.POST_BOX)})\s+\d{{1,6}}", re.I),
        # a ship's military post: "USNS Example\nFPO AE 12345", "uss example, fpo ap 12345" (the line of the post office
        # says what the ship's name alone does not)
        re.compile(rf"\b(?:{_alternatives(street_words.MILITARY_SHIPS)})\s+[^\W\d_][\w'’-]*(?:[ \t]+[^\W\d_][\w'’-]*)?,?[ \t]*\n?[ \t>]*(?:APO|FPO|DPO)\s+A[AEP]\s+\d{{5}}\b", re.I),
        # "the corner of X and Y"
        re.compile(rf"(?:\bthe )?\bcorner of\s+(?:[\w'’.-]+\s+){{0,4}}?(?:and|&)\s+(?:{CAP_WORDS}|[\w'’-]+(?: [\w'’-]+)?)", re.I),
        # "lives on Estrada Exemplo", "the north side of rue Quillon Vesketh": a street type first, no number
        re.compile(rf"(?:(?<=\bon )|(?<=\bat )|(?<=\bof )|(?<=\bto )|(?<=\bnear ))(?!(?:via|al|os|int|bd|av|ul)\b)(?i:{TYPE_FIRST})\.?\s+(?:{PARTICLE}\s+)*{CAP_WORD}(?:\s+(?:{PARTICLE}\s+)*{CAP_WORD}){{0,3}}"),
    ]


# the structure of a postal address, whatever its street is called: a street line (a house number before
# or after the street's words) and, on the next line or two, a place with its postcode
PLACE_LINE = rf"(?:{CAP_WORDS},?\s+(?:[A-Z]{{2,3}},?\s+)?(?:{{postcode}})|(?:[A-Z]{{1,2}}\s+)?(?:{{postcode}}),?\s+{CAP_WORDS})"
STREET_LINE_THEN_PLACE = [
    # "9 Quillon Link\nBramwen Vale, NT, 2920", "88 Vesketh Fall\nEast Dornacre\nN6 5LN"
    rf"\b\d{{1,5}}[A-Za-z]?,?\s+{CAP_WORDS}[ \t]*(?:,[ \t]*)?\n(?:[ \t>]*{CAP_WORDS}[ \t]*\n)?[ \t>]*{PLACE_LINE}",
    # "Příkladová 38\n357 59 Ukázkov", "Fazenda Exemplo, 990\nBairro\n42066-938 Quillonópolis", "Παράδειγμα 6,\n54838 Πόλη"
    # (its words after the first in any case, the place line below says what it is: "Quillonska pot 3\n1234 Vesk", "Pod
    # quillonom 76\n017 75 Vesk")
    rf"{NOT_A_STREET_NAME}{CAP_WORD}(?:[ -](?:{PARTICLE}[ -])?(?:{CAP_WORD}|(?!{FUNCTION_WORDS}\b)[a-zà-öø-ÿā-ž][\w'’-]+)){{0,3}},?\s+{HOUSE}[ \t]*,?[ \t]*\n(?:[ \t>]*{CAP_WORDS}[ \t]*\n)?[ \t>]*{PLACE_LINE}",
]
# words before an address: the number and word(s) after them are a street ("lives at 497 Przykładowa, Miasto")
ADDRESS_CUE = re.compile(
    r"(?:\blives? (?:at|on|in)|\baddress(?:es)?(?: is| to)?:?|\blocated at|\boffice is at|\bmeet (?:me|you) at|\bsent to|\btaxi to|\bstop at)\s*",
    re.I,
)
CUED_STREET = re.compile(rf"\d{{1,5}}[A-Za-z]?(?:[/-]\d{{1,5}})?\.?,?\s+{CAP_WORDS}(?:\s+{HOUSE})?(?=\s*(?:,|\n|$))")


STREET_PATTERNS = _street_patterns(NAME_CAP, NOT_A_STREET_NAME + CAP_WORD, f"{TYPE_AFTER}|{COMPOUND}")
# "Oria-Vesketh-Allee 559", "Quillon-Bramwen-Gasse": a street named after someone, joined by hyphens
STREET_PATTERNS.append(re.compile(rf"\b[{UPPER}][^\W\d_]+(?:-[{UPPER}][^\W\d_]+)*-(?:{COMPOUND})\b\.?(?:\s+{HOUSE})?", re.I))
# "at 12 Birkenweg", "lives on the north side of Tammikuja": a one-word street whose ending no English word has,
# with its house number before it, or with none after a word that says it is a place
STREET_WORD = rf"[^\W\d_]{{2,}}(?:-[^\W\d_]+)*-?(?i:{FOREIGN_COMPOUND})\b"
ONE_WORD_STREETS = [
    re.compile(rf"\b\d{{1,5}}[A-Za-z]?,?\s+{STREET_WORD}"),
    re.compile(rf"(?:(?<=\bon )|(?<=\bat )|(?<=\bof )|(?<=\bto )|(?<=\bnear )|(?<=\bin )){STREET_WORD}"),
]
STREET_PATTERNS += ONE_WORD_STREETS
UNMISTAKABLE = _alternatives(street_words.UNMISTAKABLE_TYPE_AFTER)
STREET_PATTERNS += [
    # "Kossuth lajos utca 12", "12. Kossuth utca": a street word no English sentence has, after a capitalised word and
    # up to two more in any case, with its number after or (with or without a full stop) before
    re.compile(rf"\b{NOT_A_STREET_NAME}{CAP_WORD}(?:[ \t]+{NAME_ANY}){{0,2}}[ \t]+(?i:{UNMISTAKABLE})\.?,?\s+{HOUSE}"),
    re.compile(rf"(?<![\w.,/-])\d{{1,5}}\.?\s+{CAP_WORD}(?:\s+{NAME_ANY}){{0,2}}\s+(?i:{UNMISTAKABLE})(?!\w)"),
]
# all in lower case ("185 willis parade", "soproni utca 125"), where an English street word after
# ordinary words ("move row 500", "close 2") must not make an address
LOWER_STREET_PATTERNS = _street_patterns(NAME_ANY, NAME_ANY, f"{_alternatives(street_words.FOREIGN_TYPE_AFTER)}|{COMPOUND}") + ONE_WORD_STREETS
# in a message all in lower case: a line of words with a house number before or after them, when the next line is a
# place line ("lipová 12\n345 67 horní ves", "12, rue des lilas\n75001 villeneuve", "7 wattle formation\nnorth ryde,
# nsw, 2113"): the lower-case twin of PLACED_STREETS, whatever the street is called
LOWER_PLACED_STREET = re.compile(
    rf"(?<![\w.,/-])(?:\d{{1,5}}[a-z]?(?:[/-]\d{{1,5}})?,?[ \t]+{NAME_ANY}(?:[ \t-]+{NAME_ANY}){{0,3}}|{NAME_ANY}(?:[ \t-]+{NAME_ANY}){{0,2}},?[ \t]+{HOUSE})"
    r"(?=[ \t]*,?[ \t]*\n[ \t>]*(?:(?:[a-z]{1,2}-)?\d{4,6}(?:-\d{3,4})?,?[ \t]+[^\W\d_]|\d{3} \d{2}[ \t]+[^\W\d_]"
    r"|[^\W\d_][^\n\d,]{0,40},[ \t]*(?:[a-z.]{2,5},?[ \t]+)?\d{4,5}\b))"
)
POSTCODE = r"(?:[A-Z]{1,2}-)?\d{4,6}(?:-\d{3,4})?|\d{8}\b|\d{2}-\d{3}|\d{3} \d{2}|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|\d{4} ?[A-Z]{2}\b|[A-Z]\d[A-Z] ?\d[A-Z]\d"
ADDRESS_TAIL = re.compile(
    # what may follow a street line: unit, city, state or region code, postcode, country
    rf"\.?(?:\s*(?:,|\n)[\s>]*|\s+)(?:{UNIT}|(?:{POSTCODE})(?:,?\s+{CAP_WORDS})?|{CAP_WORDS}(?:[- ](?:{POSTCODE}))?|[A-Z]{{2,3}}|\((?:{CAP_WORDS}|[A-Z]{{2}})\)|(?:APO|FPO|DPO) A[AEP] \d{{5}}|/ [A-Z]{{2}}\b)"
    # a second number after the house number, on the same line ("Calle Quillon 712 661": the interior)
    rf"|[ \t]+\d{{1,5}}[A-Za-z]?\b(?![.,]?\d)",
)
# in a message all in lower case: a unit, a military post office ("\ndpo ap 12345"), or a postcode line with its place
# ("\nh-5644 vesketh", ", 11678 quillonby")
LOWER_ADDRESS_TAIL = re.compile(
    rf"\.?(?:\s*,\s*|[ \t]*\n[\s>]*)(?:{UNIT}|(?:apo|fpo|dpo) a[aep] \d{{5}}|(?:[a-z]{{1,2}}-)?\d{{2,6}}(?:[- ]\d{{2,4}})?(?:[ ,]+[^\W\d_][\w'’-]*){{0,3}})"
)
# a place line that ends a written address, in any case: its region code and postcode ("Westfield, NJ 07090",
# "west field, nsw, 2000", "San Tomás los pinos, OAX 68000"), a postcode alone ("toledo, 45001"), a state after a
# slash ("01000-000 Vila Serena / SP") or a province in brackets ("00100, roma (rm)"); what ends it lets the words
# before be any words, and one line between the street and it ("Centro") is the district
PLACE_TAIL = re.compile(
    r"(?:[ \t]*,?[ \t]*\n[\s>]*(?:[^\n]{1,40}[ \t]*\n[\s>]*)?|[ \t]+)(?:\d[\d-]{3,9},?[ \t]+)?[^\W\d_][^\n\d,/()]{0,40}?"
    r"(?:,[ \t]*[^\W\d_][\w.]{1,3}(?:[ \t][^\W\d_]{2,4}\.?)?,?[ \t]+\d{4,5}(?:-\d{3,4})?|,[ \t]*\d{5}|[ \t]/[ \t][A-Za-z]{2}|[ \t]\([A-Za-z]{2}\))(?![\w-])"
)
# words that close a request, not a place: "..., nj 07090 please"
NOT_PLACES = frozenset({"please", "pls", "plz", "thanks", "thank", "thx", "asap", "today", "tomorrow", "now", "instead", "too", "again"})
UK_INWARD = re.compile(r"[ \t]+\d[A-Z]{2}\b")
UK_OUTWARD_END = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?$")
# in lower case, a place word or two right after a postcode that ends the message, a line or a clause
LOWER_CITY_AFTER_POSTCODE = re.compile(r"[ \t]+([^\W\d_][\w'’-]+(?:[ \t][^\W\d_][\w'’-]+)?)(?=[ \t]*(?:[,.;!?\n]|$))")
ADDRESS_HEAD = re.compile(rf"(?:{CAP_WORD} ){{1,2}}$")
MAX_ADDRESS_TAIL = 6
PLACED_STREETS = [re.compile(p.replace("{postcode}", POSTCODE)) for p in STREET_LINE_THEN_PLACE]
# a street line right above the line found ("> 38 Esimerkkikatu\n> Apt. 401", "Příkladová 76\nSuite 5"), quote marks before each
LINE_ABOVE = re.compile(
    rf"(?:^|\n)[ \t>?]*((?:\d{{1,5}}[A-Za-z]?(?:[/-]\d{{1,5}})?\.?\s+)?(?:{CAP_WORDS})(?:,?\s+{HOUSE})?)[ \t]*,?\n[ \t>?]*$"
)
UNIT_START = re.compile(rf"{UNIT}|(?:{POSTCODE})\b")
# a flat, suite or room number ("Apt. 401", "Suite 5"; not "#12588": an invoice): an address only where
# `_unit_of_address` finds it in one; alone ("join Room 12", "Floor 3 is not loading") it names no one
UNIT_NEAR_STREET = re.compile(r"[^\w\n]*\n?[^\w\n]*")
UNIT_THEN_HOUSE = re.compile(r",?[ \t]+\d{1,5}[A-Za-z]?\b")
LINE_OPENING = re.compile(r"(?:^|\n)[^\w\n]*", re.M)
# a line of a written address opens with a number and words ("36-20 beispielallee", "246 12 quillon foreshore")
NUMBERED_LINE = re.compile(r"(?:^|\n)[^\w\n]*\d[\d/.-]*(?:[ \t,]+\d[\d/.-]*)*,?[ \t]+[^\W\d_][^\n]*\n?[^\n]*$")
LONE_UNIT = re.compile(rf"(?<![\w.])(?i:(?:{_alternatives(street_words.UNIT_WORDS)})\.?)\s*\d+[A-Za-z]?\b")
# "8 24/29 Quillon Estate", "240. Minta utca"; a building's number joined to the house's by a slash or a hyphen
# ("11/20 pl. Rynek 347", "51-36 Quillon-Ring 1"), or two of them ("684 3 Vesketh Lane"); a range of house numbers
# before a street found from its name ("4-6 Quillon-Straße 98": the street starts at "4", not at its name)
HOUSE_BEFORE = re.compile(r"(?<![\w.,:/-])\d{1,5}[A-Za-z]?(?:[/-]\d{1,5}[A-Za-z]?(?=[ \t]))?(?:\.?[ \t]+|[/-])$")
MAX_HOUSES_BEFORE = 2
# what a number right after counts, where a house number never stands: "Build 1234 Main Branch failed", "Ticket 4471 Oak
# Lane issue", "Sprint 12 Harbor Drive notes" (with a place line after it, "... 12 Harbor Drive, Leeds LS1 4AB", still a street)
COUNTED_BEFORE = re.compile(
    r"(?<![\w-])(?:ticket|order|invoice|case|issue|bug|incident|build|version|release|sprint|row|column|page|step|lesson|chapter|"
    r"episode|season|level|port|line|item|job|task|story|epic|pr|slide|track|seat|gate|flight|model|module|section|week|day)"
    r"s?(?:[ \t]+(?:no\.?|number|#))?[ \t]*#?[ \t]*$",
    re.IGNORECASE,
)


def address_entities(text: str) -> list[Entity]:
    """The street addresses in the text, each with the unit, place, postcode and country lines after it."""
    spans: list[tuple[int, int]] = []
    units: list[tuple[int, int]] = []
    cased = any(c.isupper() for c in text)
    digit = DIGIT.search(text) is not None  # most patterns need one (policies/regex_gates.py): without, they are not tried
    found = [m for regex in (STREET_PATTERNS + PLACED_STREETS if cased else [*LOWER_STREET_PATTERNS, LOWER_PLACED_STREET])
             if may_match(regex, digit) for m in regex.finditer(text)]
    found += list(LONE_UNIT.finditer(text)) if may_match(LONE_UNIT, digit) else []
    if cased:
        for cue in ADDRESS_CUE.finditer(text):
            m = CUED_STREET.match(text, cue.end() + len(text[cue.end():]) - len(text[cue.end():].lstrip()))
            if m:
                found.append(m)
    for m in found:
        start, end = m.start(), m.end()
        for _ in range(MAX_HOUSES_BEFORE):
            before = HOUSE_BEFORE.search(text, max(0, start - 8), start)
            if before is None:
                break
            start = before.start()
        above = LINE_ABOVE.search(text, max(0, start - 80), start)
        if above and any(c.isdigit() for c in above.group(1)) and (text[start].isdigit() or UNIT_START.match(text, start)):
            start = above.start(1)
        if text[start].isalpha() and m.re is not LONE_UNIT:
            # "Muster Strasse 89": the capitalised words before a street word belong to it (not before a unit
            # alone: "Which floor 2 plan?" names no street)
            head = ADDRESS_HEAD.search(text, max(0, start - 40), start)
            if head and "\n" not in head.group():
                start = head.start()
        for _ in range(MAX_ADDRESS_TAIL):
            tail = PLACE_TAIL.match(text, end) or (ADDRESS_TAIL if cased else LOWER_ADDRESS_TAIL).match(text, end)
            if tail is None:
                break
            end = tail.end()
        if (inward := UK_INWARD.match(text, end)) and UK_OUTWARD_END.search(text, max(0, end - 5), end):
            end = inward.end()  # "Vesketh NW8 9AY": the place's words took the postcode's first half as a capitalised word
        elif not cased and (city := LOWER_CITY_AFTER_POSTCODE.match(text, end)) and re.search(r"\b\d{4,6}$", text[max(0, end - 7) : end]) \
                and not any(w in stop_words() or w in NOT_PLACES for w in city.group(1).split()):
            end = city.end(1)  # "calle de alcala, 28014 madrid": the postcode taken as the house number, the city after it
            # (no English word: "westfield, nj 07090 please")
        if text[m.start()].isdigit() and end == m.end() and start == m.start() and COUNTED_BEFORE.search(text, max(0, start - 24), start):
            continue  # "Build 1234 Main Branch failed": the build's number
        if m.re is STREET_PATTERNS[0] and start == m.start() and (line := counted_line(text, m.start(), m.end())) and end <= line[1]:
            continue  # "My 2 Hill Road chairs came without screws": a count of a product line (policies/street_goods.py)
        # a unit alone, or with capitalised words after it and no place line ("Room 12 Conference calendar"): only where
        # `_unit_of_address` finds it in an address
        (units if m.re is LONE_UNIT and start == m.start() and not re.search(r"[\d\n]", text[m.end() : end]) else spans).append((start, end))
    spans += [(s, e) for s, e in units if _unit_of_address(text, s, e, spans)]
    # a street with no number where a shop is ("the Boots on Princes Street", "the Hilton Park Lane"): policies/product_phrases.py;
    # where a company's office, depot or flagship is ("offices on Wall Street", "the Orchard Road flagship"): policies/street_world.py
    return [Entity(STREET_ADDRESS, s, e, text[s:e]) for s, e in _union(spans, text)
            if not shop_street(text, s, e) and not branded_street(text[s:e]) and not business_street(text, s, e)]


def _unit_of_address(text: str, start: int, end: int, streets: list[tuple[int, int]]) -> bool:
    """Whether a flat, suite or room number found alone is part of a written address (alone it is a room or a
    floor): inside or next to a street ("h.no. 12, Udaharan Marg"), on the line after it ("38 Esimerkkikatu\n>
    Apt. 401"), before a house number ("apt. 5 81 przykładowa"); in a message of several lines, also on a line of
    its own, or on or below a line that opens with a number and words or with a unit."""
    if UNIT_THEN_HOUSE.match(text, end) or any(
        (a < end and start < b) or UNIT_NEAR_STREET.fullmatch(text, b, start) or UNIT_NEAR_STREET.fullmatch(text, end, a) for a, b in streets
    ):
        return True
    if "\n" not in text.strip():
        return False
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    if not re.search(r"\w", text[line_start:start] + text[end : len(text) if line_end < 0 else line_end]):
        return True  # a line of its own: "\n suite 6\n"
    above = text.rfind("\n", 0, max(0, line_start - 1)) + 1
    return NUMBERED_LINE.search(text[above:start]) is not None or any(
        m.end() < start and LONE_UNIT.match(text, m.end()) for m in LINE_OPENING.finditer(text, above, start)
    )


def _union(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Overlapping or touching spans (only spaces, commas or line breaks between) become one."""
    out: list[list[int]] = []
    for start, end in sorted(spans):
        if out and (start <= out[-1][1] or not text[out[-1][1] : start].strip(" ,\n")):
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]
