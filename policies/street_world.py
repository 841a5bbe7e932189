"""Street lines the world writes in shapes policies/street_addresses.py and policies/street_forms.py do not know, and the
streets an ordinary question names as where a company is.

Shapes (general postal conventions of each country, chosen on bench/dev_pii_messages_privacy35.txt and the other
development files, never on an evaluation file):
- after words that say an address follows ("my address is", "Adresa:", "I live at"), a street's name with no street word
  and its house number ("Obchodná 52", "Am Sonnenhang 12a", "laugavegur 28"), and in any case after "ship / deliver /
  send to" when a postcode and a place follow on the same line ("Vinohradská 1511/230, 100 00 Praha 10");
- a name and a house number before a postcode and a capitalised place on the same line, the way continental Europe
  writes an address on one line ("Rynek Główny 28, 31-010 Kraków");
- a house's name above a street with no number, above the place and a postcode line ("The Old Rectory\nChurch Lane\n
  Ashwell\nSG7 5QT"), as British villages write them;
- a street type first and its name with no number above a postcode and a place ("rue de la Paix\n75002 Paris");
- a Norwegian or Danish street named in the genitive with its word apart ("Thorvald Meyers gate 52", "Ole Bulls vei 3");
- a Russian or Ukrainian street with its house after "d." ("ul. Tverskaya, d. 12");
- a Canadian rural route ("RR 2, Site 5, Comp 18");
- a South Asian or Gulf house, flat or villa number with its numbered street or road ("House 45, Street 7",
  "h.no 8-2-293/82, road no. 12");
- a Czech or Slovak street named by a preposition ("Na Quillonu 86") or an adjective ("Quillonská 2") with its number;
- a street word no English sentence has, with no number, after "on", "at", "near" ("lives on Quillon utca");
- a British address's lines in any case down to its postcode, an Indian one down to its PIN code, a Dutch postcode line and
  the place below it;
- a Japanese block address written all in lower case ("4-15-2 quillon-dai, vesketh-ku").

Hand-written: no maintained library parses addresses offline without a 2 GB model (libpostal); Faker's street lists
are what the unseen benchmark sentences are made of, so taking words from them would measure nothing.
"""

from __future__ import annotations

import re

from bot.core.words import stop_words
from policies.pii_patterns import UPPER
from policies.street_words import TYPE_FIRST, UNMISTAKABLE_TYPE_AFTER
from policies.word_classes import WordClasses

WORD = r"[^\W\d_][\w'’.-]*"
HOUSE = r"\d{1,5}[A-Za-z]?(?:[/-]\d{1,5}[A-Za-z]?){0,2}\b(?![.,]\d)"
# postcodes that are no year or count: "31-010", "100 00", "1016 GV", "1100-053", "05415-020", "10969", "D04 K2X9"; a
# four-digit one ("2900 Hellerup") only with a capitalised place after it
POSTCODE = r"(?:\d{2}-\d{3}|\d{3}[ \t]\d{2}|\d{4}[ \t]?[A-Z]{2}|\d{4}-\d{3}|\d{5}(?:-\d{3,4})?|[A-Z]\d{2}[ \t][A-Z\d]{4}|\d{4})\b"
PLACE = rf"[{UPPER}][\w'’-]+"
FUNCTION_WORDS = (
    r"(?:for|and|with|from|into|your|our|my|the|this|that|at|to|in|on|by|please|how|is|are|was|a|an|it|me|us|you|"
    r"them|him|her|version|v|plan|tier|level|order|invoice|ticket|page|step|item|number|no)"
)
NAME = rf"(?!{FUNCTION_WORDS}\b)(?i:{WORD})"
# words that say an address follows, and the street's name and number right after them
STRONG_CUE = re.compile(
    r"(?i:\b(?:address|adresse|adresa|adres|adresim|"
    r"dirección|direccion|indirizzo|endereço|endereco|morada|domicilio|anschrift|osoite|leveringsadresse|lieferadresse)"
    r"(?:[ \t]+is)?[ \t]*:?|\b(?:i|we)[ \t]+(?:now[ \t]+)?live[ \t]+at|\bi['’]?m[ \t]+at)[ \t]*\n?[ \t]*"
)
SEND_CUE = re.compile(r"(?i:\b(?:ship|deliver|send|post|mail)(?:[ \t]+(?:it|this|them|the[ \t]+\w+))?[ \t]+to|\bplease[ \t]+use)[ \t]*:?[ \t]*")
NAMED_HOUSE = re.compile(rf"{NAME}(?:[ \t]+{NAME}){{0,3}},?[ \t]+{HOUSE}")
# what ends a street line after a strong cue: a comma, a line break, a full stop, "in" a place, the message's end
AFTER_STREET = re.compile(r"[ \t]*(?:[,;\n]|\.(?:\s|$)|$|[ \t]in[ \t])")
ONE_LINE_PLACE = re.compile(rf",[ \t]*{POSTCODE}[ \t]+{PLACE}")
# "Rynek Główny 28, 31-010 Kraków": a capitalised name, a house number, a postcode and a capitalised place
NAME_NUMBER_POSTCODE = re.compile(
    rf"(?<![\w.,/-])(?!(?:I|The|My|Our|Your|Is|Are|Can|Do|Does|How|What|Why|Version|Windows|Office|Plan|Order|Invoice)\b)"
    rf"[{UPPER}][\w'’.-]*(?:[ \t]+(?:{NAME})){{0,3}}[ \t]+{HOUSE}(?={ONE_LINE_PLACE.pattern})"
)
STREET_TYPE_WORDS = r"(?:Street|St|Road|Rd|Lane|Ln|Avenue|Ave|Drive|Dr|Close|Way|Row|Hill|Green|Place|Terrace|Crescent|Gardens|Court|Walk|Mews|Grove)"
UK_POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[A-Z]{2}"
CAP_LINE = rf"[{UPPER}][\w'’.-]*(?:[ \t]+[{UPPER}][\w'’.-]*){{0,4}}"
# "The Old Rectory\nChurch Lane\nAshwell\nSG7 5QT": a house's name, a street with no number, place lines, a postcode
HOUSE_NAME_BLOCK = re.compile(
    rf"(?:^|(?<=\n))[ \t>]*(?:({CAP_LINE})[ \t]*,?[ \t]*\n[ \t>]*)?({CAP_LINE}[ \t]+{STREET_TYPE_WORDS}\.?)[ \t]*,?[ \t]*\n"
    rf"(?:[ \t>]*{CAP_LINE}[ \t]*,?[ \t]*\n){{1,2}}[ \t>]*(?:{CAP_LINE}[ \t]+)?{UK_POSTCODE}\b"
)
# "rue de la Paix\n75002 Paris", "avenue Foch\n69006 Lyon": a street type first and its name with no number, above a line
# of a postcode and a place
TYPE_FIRST_WORDS = "|".join(sorted((re.escape(w) for w in TYPE_FIRST), key=len, reverse=True))
UNNUMBERED_ABOVE_POSTCODE = re.compile(
    rf"(?<![\w.])(?i:{TYPE_FIRST_WORDS})\.?[ \t]+(?:[\w'’-]+[ \t]+){{0,3}}[^\W\d_][\w'’-]*(?=[ \t]*,?[ \t]*\n[ \t>]*\d{{4,5}}[ \t]+[^\W\d_])"
)
# "Thorvald Meyers gate 52", "Ole Bulls vei 3", "Kongens gate 7": a genitive name and the street word apart, in lower case
GENITIVE_STREET = re.compile(
    rf"(?<![\w.])(?:[{UPPER}][\w'’-]+[ \t]+){{0,2}}[{UPPER}][\w'’-]*s[ \t]+(?:gate|gata|vei|veg|vej|gade|plass|plads|allé|torg|torv)[ \t]+{HOUSE}"
)
# "ul. Tverskaya, d. 12", "prospekt Mira, dom 5": a Russian or Ukrainian street, then the house after "d." or "dom"
CYRILLIC_HOUSE = re.compile(
    rf"(?<![\w.])(?i:ul|ulitsa|vul|vulytsia|prospekt|prosp|pr|per|pereulok|shosse|nab|naberezhnaya|pl|ploshchad)\.?[ \t]+"
    rf"[{UPPER}][\w'’-]*(?:[ \t]+[{UPPER}][\w'’-]*){{0,2}},?[ \t]+(?i:d|dom)\.?[ \t]?\d{{1,4}}[A-Za-z]?(?:/\d{{1,3}})?\b"
)
# "RR 2, Site 5, Comp 18": a Canadian rural route with its site and compartment
RURAL_ROUTE = re.compile(r"(?<![\w.])(?:RR|R\.R\.|Rural Route)[ \t]?\d{1,3}(?:,?[ \t]+(?:Site|Comp|Box|Stn)[ \t]?\d{1,4})*", re.IGNORECASE)
# "House 45, Street 7", "h.no 8-2-293/82, road no. 12", "Villa 23, Street 12b": a building's number and a numbered street
HOUSE_AND_NUMBERED_STREET = re.compile(
    r"(?<![\w.])(?i:house|h\.?[ \t]?no|flat|plot|villa|building|bldg)\.?(?:[ \t]+(?i:no|number)\.?)?[ \t]*\d{1,5}[A-Za-z]?(?:[/-]\d{1,4}){0,3},?[ \t]+"
    r"(?i:street|road|lane|st|rd)(?:[ \t]+(?i:no)\.?)?[ \t]*\d{1,3}[A-Za-z]?\b(?:,[ \t]*[A-Z]-\d{1,2}(?:/\d)?\b)?"  # Islamabad's sector: ", F-8/3"
)
# "4-15-2 quillon-dai, vesketh-ku": a Japanese block address in lower case (its capitalised twin: policies/street_extent.py)
JAPANESE_LOWER = re.compile(
    r"(?<![\w.-])\d{1,4}-\d{1,4}(?:-\d{1,4})?,?[ \t]+[a-z][a-z'’]*(?:-[a-z'’]+)?(?:,?[ \t]+[a-z][a-z'’]*(?:-[a-z'’]+)?)?,?[ \t]+"
    r"[a-z][a-z'’]*-(?:ku|shi|cho|machi|mura|gun)\b"
)


CAP_ITEM = rf"[{UPPER}][\w'’-]*(?:[ \t]+[{UPPER}][\w'’-]*){{0,3}}"
# after a strong cue, an Indian flat and its building and area ("B-204, Shanti Niketan, Andheri West, Mumbai 400058") or an
# Irish rural address, named places before its county or Eircode ("Knockbrack, Ballymore, Co. Westmeath, N91 X2F4")
FLAT_BUILDING_AREA = re.compile(rf"[A-Z]{{1,2}}-?\d{{1,4}}[A-Z]?,[ \t]+{CAP_ITEM}(?:,[ \t]+{CAP_ITEM})?(?=,)")
EIRCODE = r"(?:[AC-FHKNPRTV-Y]\d{2}|D6W)[ \t]?[\dAC-FHKNPRTV-Y]{4}\b"
RURAL_PLACES = re.compile(rf"{CAP_ITEM}(?:,[ \t]+{CAP_ITEM}){{1,2}}(?=,[ \t]*(?:Co\.|County)[ \t]+[{UPPER}]|,[ \t]*{EIRCODE})")


# "Na Quillonu 86", "Pod Quillonem 5", "U Veskethy 3": a Czech or Slovak street named by a preposition and a place in its
# case; "Quillonská 2", "Veskethého 15": one named by an adjective of a place or a person (endings no English word has)
CZECH_STREET = re.compile(
    r"(?<![\w.])(?<!\bthe )(?:(?:Na|Nad|Pod|Za|Před|Při|U|K|Ke|V|Ve)[ \t]+[A-ZÁ-Ž][a-zá-ž]+(?:ě|i|u|y|e|em|ou|ách|ích|ami)"
    r"|[A-ZÁ-Ž][a-zá-ž]+(?:ská|cká|ého|ná))[ \t]+\d{1,4}(?:/\d{1,4})?[a-z]?\b(?![.,]\d)"
)
# "lives on Quillon utca", "the station is on vesketh utca": a street with a word no English sentence has and no number, after
# a word that says it is a place
ON_FOREIGN_STREET = re.compile(
    rf"(?:(?<=\bon )|(?<=\bat )|(?<=\bnear )|(?<=\bof ))(?:the[ \t]+)?(?!the\b)(?:[^\W\d_][\w'’-]*[ \t]+){{1,3}}(?:{'|'.join(UNMISTAKABLE_TYPE_AFTER)})\b"
)
UK_POSTCODE_ANY = r"[A-Za-z]{1,2}\d[A-Za-z\d]?[ \t]?\d[A-Za-z]{2}"
# "flat 3\nquillon courts\nport vesketh\nab1 2cd", "14 oria green\nlake bramwen\nxy1x 2tz": a British address's lines in any
# case, a postcode on the last
UK_BLOCK = re.compile(
    rf"(?:^|(?<=\n))[ \t>]*(?:(?:flat|apartment|apt|studio|unit)[ \t]+\w{{1,4}}[ \t]*,?[ \t]*\n[ \t>]*)?(?:\d{{1,5}}[a-zA-Z]?[ \t]+)?"
    rf"[^\W\d_][^\n\d]{{2,40}}\n(?:[ \t>]*[^\W\d_][^\n\d]{{2,40}}\n){{1,2}}[ \t>]*{UK_POSTCODE_ANY}\b"
)
# "66/93\nquillon path\nvesketh 411001", "h.no. 06\noria marg\nbramwen-560001": an Indian house number on a line of its own, its
# street or area, and the place with its six-digit PIN code
INDIAN_BLOCK = re.compile(
    r"(?<![\w/.-])(?i:h\.?[ \t]?no\.?[ \t]*)?\d{1,4}(?:/\d{1,4})?[A-Za-z]?(?:,[ \t]*[^\W\d_][^\n\d]{1,40})?[ \t]*\n"
    r"(?:[ \t]*[^\W\d_][^\n\d]{1,40}\n)?[ \t]*[^\W\d_][^\n\d]{1,40}?[ \t]*[-,]?[ \t]*\d{6}\b"
)
# "quillonsingel 3\n1234 ab\nvesketh": a Dutch postcode alone on its line, its place on the next
DUTCH_POSTCODE_LINES = re.compile(r"(?<=\n)[ \t>]*\d{4}[ \t]?[A-Za-z]{2}[ \t]*\n[ \t>]*[^\W\d_][\w'’ -]{1,40}")


def _cued(text: str) -> list[tuple[int, int]]:
    """A street's name and number right after words that say an address follows."""
    spans = []
    for cue in STRONG_CUE.finditer(text):
        m = NAMED_HOUSE.match(text, cue.end())
        if not (m and AFTER_STREET.match(text, m.end())):
            m = FLAT_BUILDING_AREA.match(text, cue.end()) or RURAL_PLACES.match(text, cue.end())
        if m:
            spans.append(m.span())
    for cue in SEND_CUE.finditer(text):
        m = NAMED_HOUSE.match(text, cue.end())
        if m and ONE_LINE_PLACE.match(text, m.end()):
            spans.append(m.span())
    return spans


FOREIGN_TYPE_WORD = re.compile(rf"(?i:{'|'.join(UNMISTAKABLE_TYPE_AFTER)})\b")


def world_streets(text: str) -> list[tuple[int, int]]:
    """The street lines of the shapes above (each shape but one has a digit; the blocks of lines have a line break)."""
    spans = [m.span() for m in ON_FOREIGN_STREET.finditer(text)] if FOREIGN_TYPE_WORD.search(text) else []
    if not any(map(str.isdigit, text)):
        return [(s, e) for s, e in spans if not business_street(text, s, e)]
    spans += _cued(text)
    spans += [m.span() for regex in (NAME_NUMBER_POSTCODE, GENITIVE_STREET, CYRILLIC_HOUSE, RURAL_ROUTE, HOUSE_AND_NUMBERED_STREET, CZECH_STREET)
              for m in regex.finditer(text)]
    if "\n" in text:
        for m in HOUSE_NAME_BLOCK.finditer(text):
            spans += [m.span(g) for g in (1, 2) if m.group(g)]
        spans += [m.span() for regex in (UNNUMBERED_ABOVE_POSTCODE, UK_BLOCK, INDIAN_BLOCK) for m in regex.finditer(text)]
        # a Dutch postcode's lines only below a street line found
        spans += [m.span() for m in DUTCH_POSTCODE_LINES.finditer(text) if re.search(r"\d[A-Za-z]?[ \t]*\n[ \t>]*$", text[: m.start()])]
    if not any(c.isupper() for c in text):
        spans += [m.span() for m in JAPANESE_LOWER.finditer(text)]
    return [(s, e) for s, e in spans if not business_street(text, s, e)]


# a company's place of business named by its street, with no house number: "the Orchard Road flagship", "offices on
# Wall Street", "the warehouse on Industriestraße", "a service centre near Nanjing Road" (a shop's own nouns:
# policies/thing_roles.py and policies/product_phrases.py)
BUSINESS = (
    r"(?:flagship|boutique|kiosk|offices?|headquarters|hq|coworking(?:[ \t]+space)?|warehouses?|depots?|showrooms?|factory|"
    r"service[ \t]+cent(?:re|er)s?|repair[ \t]+cent(?:re|er)s?|pop-up|stores?|shops?|branch(?:es)?|outlets?|locations?)"
)
BUSINESS_AFTER = re.compile(rf"[ \t]+{BUSINESS}\b(?!['’])", re.IGNORECASE)
THE_BEFORE = re.compile(r"\b(?:the|your|their|its|that)[ \t]+$", re.IGNORECASE)
BUSINESS_BEFORE = re.compile(rf"\b{BUSINESS}[ \t]+(?:on|near|at|in|along|off)[ \t]+(?:the[ \t]+)?$", re.IGNORECASE)
# "the Bond Street repair desk", "the Portobello Road stall", "our Mill Lane depot": after "the" or a possessive, a
# street's name right before a noun is that noun's modifier, the landmark or the business there; a home is written
# "my flat on Mill Lane" (chosen on bench/ordinary/dev_questions_privacy41.txt: no street of the PII tune sides is
# named so)
NOUN_AFTER = re.compile(r"[ \t]+([a-z]{3,})\b(?!['’-])")


def business_street(text: str, start: int, end: int) -> bool:
    """A street with no house number named as where a company's store, office or depot is."""
    if any(c.isdigit() for c in text[start:end]):
        return False
    before = text[max(0, start - 40) : start]
    named_the = text[start : start + 4].lower() == "the " or THE_BEFORE.search(before) is not None
    return BUSINESS_BEFORE.search(before) is not None or (named_the and (BUSINESS_AFTER.match(text, end) is not None or _noun_after(text, end)))


def _noun_after(text: str, end: int) -> bool:
    """A noun and no verb right after: "the Bond Street repair desk", not "the Mill Lane is closed"."""
    m = NOUN_AFTER.match(text, end)
    return m is not None and m.group(1) not in stop_words() and "noun" in WordClasses.classes(m.group(1)) \
        and m.group(1) not in WordClasses.verb_forms() and not m.group(1).endswith("ing")
