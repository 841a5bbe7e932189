"""Whether a name found in a message is what a brand or a shop is called: "Is Wells Fargo a partner?", "Can Evri
redeliver on Saturday?", "Does Rosa's take cash?", "a table at cafe oria". Split from policies/things.py, whose
`a_thing` asks `a_brand` first; policies/person_names.py asks `a_business` of every name.
"""

from __future__ import annotations

import re

from policies.brands import CARD_NETWORKS, CARRIERS, brand_key, brands
from policies.name_cues import ASKED_BEFORE, SPOKEN_TO
from policies.name_words import EDITION_WORDS, Names, NameWords, compound_word, ordinary

# a restaurant or a shop named after its owner: "Mr Joe's Pizza", "at Hun Lee's Kitchen", "Rosa's Cantina"
BUSINESS_AFTER = re.compile(
    r"(?:['’]?s)?\s+(?:pizza|pizzeria|trattoria|restaurant|cafe|café|coffee|bakery|diner|grill|bistro|steakhouse|kitchen|deli|"
    r"pub|tavern|brewery|cantina|taqueria|burgers?|tacos|sushi|bbq|bagels|donuts|noodles?|"
    # what a firm's name ends on: "Baxter Brothers", "Vesketh Bros", "Quill Ltd"
    r"brothers|bros|ltd|limited|inc|llc|plc|gmbh)\b",
    re.IGNORECASE,
)
# "Does Rosa's take cash?", "Can Bram's deliver?": a name's possessive asked to act is a shop ("Does Rosa's son take
# the bus?" asks about someone's son: a noun after the possessive, then the verb)
SHOP_ASKED = re.compile(r"\b(?:does|do|did|can|could|will|would|should)\s+$", re.IGNORECASE)
# "Is Rosa's open on Sunday?", "Is Bram's having a sale?": what a shop is or is doing
SHOP_ASKED_STATE = re.compile(r"\b(?:is|are|was)\s+$", re.IGNORECASE)
SHOP_STATE = re.compile(
    r"\s+(?:(?:still|also|now|really)\s+)?(?:open|closed|having|hiring|delivering|accepting|selling|offering|running|doing)\b",
    re.IGNORECASE,
)
SHOP_DOES = re.compile(
    r"\s+(?:(?:still|also|really|ever|even|now)\s+)?(?:use|take|accept|have|offer|sell|serve|deliver|ship|"
    r"open|close|carry|stock|make|price[- ]match|allow|let|honou?r|give|provide|charge|refund|require|do)\b(?!\s+of\b)",
    re.IGNORECASE,
)
# a place to eat or stay, right after a preposition, before its name: "a reservation for bar les quill", "a table at cafe
# oria", "stay at hotel bramwen" ("the restaurant Oria recommended" is what she did)
BUSINESS_BEFORE = re.compile(
    r"\b(?:at|for|to|from|in|of) (?:bar|pub|cafe|café|bistro|brasserie|trattoria|pizzeria|taverna|ristorante|restaurant|hotel|"
    r"motel|hostel|inn)\s+$",
    re.IGNORECASE,
)
TITLE_BEFORE = re.compile(r"\b(?:mr|mrs|ms|dr)\.?\s+$", re.IGNORECASE)
# a label named after its founder, asked what only a shop does: "Does Oria Vesketh ship dresses to Canada?", "Is Oria
# Vesketh having a sale?", "Is Oria Vesketh stocked in the Leeds branch?" (not "Can Oria ship it today?", someone asked
# to, nor "Does Oria have access?", what a person has)
LABEL_ASKED = re.compile(r"(?:^|[.!?]\s+|\n)(?:does|do|is|are)\s+(?:(?:mr|mrs|ms|dr)\.?\s+)?$", re.IGNORECASE)
LABEL_DOES = re.compile(
    r"\s+(?:(?:still|also|really|ever|even|now)\s+)?(?:ship|stock|sell|price[- ]?match|wrap gifts|engrave|accept returns|"
    r"offer (?:free|student|a discount|discounts|gift|alterations|click and collect)|do (?:student|gift|free|price|click and collect)|"
    r"having a sale|have a sale|stocked|in stock|sold in|on sale)\b",
    re.IGNORECASE,
)

# what a service does, never said of a person named like it: "Can Evri redeliver on Saturday?", "Does Chase refund the fee?"
SERVICE_AFTER = re.compile(
    r"(?:['’]s?)?\s+(?:(?:also|still|not|now|really|ever|usually|even)\s+)*"
    r"(?:re-?deliver|deliver|ship|dispatch|sell|stock|refund|charge|accept|support|offer|integrate|sync|process|import|export|"
    r"host|stream|generate|render|embed|encrypt|back ?up)\w*\b",
    re.IGNORECASE,
)
PARCEL_WORDS = re.compile(
    r"\b(?:parcels?|packages?|deliver\w*|redeliver\w*|couriers?|tracking|track(?:ed)?|shipments?|shipping|shipped|drivers?|depot|"
    r"collect(?:ed|ion)?|pick-?up|picked up|returns?|returned|label|postage|post office|sorting office|customs)\b",
    re.IGNORECASE,
)
BRAND_TOKEN = re.compile(r"[^\W_][\w'’&.+*-]*|&")
# small words inside a brand's name: "Bank of America", "Ben & Jerry's", "Jack in the Box"
BRAND_JOINERS = frozenset("of & and de du la le el by the for in n on".split())


def a_brand(text: str, start: int, end: int) -> bool:
    """Whether a name found at start:end is a well-known brand's name or part of one (policies/brands.py): "Is Wells
    Fargo a partner?", "Does Goldman Sachs accept the export?". A lone word that is a first name or a frequent
    surname too ("Chase", "Otto", "Ford") only before what a service does ("Does Chase refund fees?"); never someone
    asked or spoken to ("Please ask Ford to call me")."""
    tokens = list(BRAND_TOKEN.finditer(text))
    inside = [i for i, t in enumerate(tokens) if t.start() < end and start < t.end()]
    if not inside:
        return False
    cased = any(c.isupper() for c in text)

    def joins(i: int) -> bool:  # the word at i can be part of a brand's name with its neighbours
        word = tokens[i].group()
        return not cased or word[:1].isupper() or word[:1].isdigit() or word.lower() in BRAND_JOINERS

    found: tuple[int, int] | None = None
    for a in range(inside[0], max(-1, inside[0] - 3), -1):
        if a < inside[0] and (not joins(a) or text[tokens[a].end() : tokens[a + 1].start()] != " "):
            break
        for b in range(inside[-1], min(len(tokens), inside[-1] + 4)):
            if b > inside[-1] and (not joins(b) or text[tokens[b - 1].end() : tokens[b].start()] != " "):
                break
            if brand_key(text[tokens[a].start() : tokens[b].end()]) in brands() and (found is None or b - a > found[1] - found[0]):
                found = (a, b)
    if found is None:
        return _brand_part(text, [tokens[i] for i in inside])
    b_start, b_end = tokens[found[0]].start(), tokens[found[1]].end()
    if ASKED_BEFORE.search(text[max(0, b_start - 30) : b_start]) or SPOKEN_TO.search(text[max(0, b_start - 40) : b_start]):
        return False
    if found[1] > found[0]:
        return True  # "Wells Fargo", "Goldman Sachs": a brand's whole name of two words or more
    stem = re.sub(r"['’]s?$", "", tokens[found[0]].group()).lower()
    if stem not in Names.first_names() and stem not in NameWords.frequent_surnames():
        return True  # "Gusto", "Zapier": no first name, no frequent surname
    if brand_key(tokens[found[0]].group()) in CARRIERS and PARCEL_WORDS.search(text):
        return True  # "Hermes lost my parcel": a carrier in a message about a parcel
    return SERVICE_AFTER.match(text, b_end) is not None


# what follows a card network's name on a card: the number (12 to 19 digits, grouped or not), or its last four digits
# ("ending in 4242", "**** 4242"), after the words that name the card ("debit card", "card number:")
CARD_NUMBER_AFTER = re.compile(
    r"(?:['’]s)?(?:[ \t]+(?:(?:debit|credit|prepaid|gift|business|corporate|gold|platinum|card|number|no)\b\.?|#))*"
    r"(?:[ \t:#]+(?:\d(?:[ -]?\d){11,18}\b|[*xX•]{2,}[ -]?\d{4}\b)|[ \t]+(?:ending|ends)[ \t]+(?:in|with)[ \t:]+\d{4}\b)",
    re.IGNORECASE,
)


def card_brand(text: str, start: int, end: int) -> bool:
    """Whether a name found at start:end is a card network's name right before a card's number: "my Visa 4111 1111 1111
    1111", "Amex ending in 4242", "Mastercard debit card **** 4444"."""
    return brand_key(text[start:end]) in CARD_NETWORKS and CARD_NUMBER_AFTER.match(text, end) is not None


def _brand_part(text: str, tokens: list[re.Match[str]]) -> bool:
    """"Can Bixby Routines dim the lights?", "Zapier Tables": a brand no person is named like, then what one of its parts
    is called (ordinary words, or English words written together)."""
    if len(tokens) < 2 or brand_key(tokens[0].group()) not in brands():
        return False
    stem = re.sub(r"['’]s?$", "", tokens[0].group()).lower()
    if stem in Names.first_names() or stem in NameWords.frequent_surnames() or ASKED_BEFORE.search(text[max(0, tokens[0].start() - 30) : tokens[0].start()]):
        return False
    return all(ordinary(t.group()) or compound_word(t.group()) or t.group().lower() in EDITION_WORDS for t in tokens[1:])


def a_business(text: str, start: int, end: int) -> bool:
    """Whether a name is what a restaurant or a shop is called ("is mr joes pizza open", "Rosa's Cantina", "Does
    Rosa's take cash?", "a table at bistro oria"): asked of every name, found with a title too, unless the message
    says it is someone's ("under the name")."""
    words = text[start:end].split()
    after = end + 2 if text[end : end + 2] in ("'s", "’s") else end + 1 if text[end : end + 1] in ("'", "’") else end
    owned = after > end or re.search(r"['’]s?$|s['’]$", text[start:end]) is not None
    before = text[max(0, start - 12) : start]
    if owned and ((SHOP_ASKED.search(before) and SHOP_DOES.match(text, after)) or (SHOP_ASKED_STATE.search(before) and SHOP_STATE.match(text, after))):
        return True  # "Does Rosa's take cash?", "Is Rosa's open?": what a name's possessive is asked to do or be, a shop does or is
    if (len(words) > 1 or TITLE_BEFORE.search(text[max(0, start - 6) : start])) and LABEL_ASKED.search(text[max(0, start - 12) : start]) \
            and LABEL_DOES.match(text, after):
        return True  # "Does Oria Vesketh ship dresses to Canada?", "Is Oria Vesketh having a sale this weekend?"
    if (firm := _ampersand_firm(text, start, end)) and LABEL_ASKED.search(text[max(0, firm[0] - 12) : firm[0]]) \
            and LABEL_DOES.match(text, firm[1]):
        return True  # "Does Harlow & Finch sell gift cards?": two names joined by "&" asked what a shop does
    if BUSINESS_BEFORE.search(text[max(0, start - 24) : start]):
        return True  # "a reservation for bistro les quill", "at cafe oria"
    if len(words) > 1 and BUSINESS_AFTER.fullmatch(" " + words[-1]):
        return True  # "Rosa's Cantina"
    # "Joe's Pizza", "mr joes pizza"; not "Oria Vesketh grill order", a person's name before an ordinary word
    possessive = re.search(r"['’]s$", words[-1]) is not None or text[end : end + 2] in ("'s", "’s")
    titled = words[-1].endswith("s") and TITLE_BEFORE.search(text[max(0, start - 6) : start]) is not None
    return (possessive or titled) and BUSINESS_AFTER.match(text, end) is not None


AMPERSAND_AFTER = re.compile(r"[ \t]+&[ \t]+[A-Z][\w'’-]*")
AMPERSAND_BEFORE = re.compile(r"[A-Z][\w'’-]*[ \t]+&[ \t]+\Z")


def _ampersand_firm(text: str, start: int, end: int) -> tuple[int, int] | None:
    """"Harlow & Finch": a name and the capitalised word an ampersand joins to it, as one firm's name (start, end)."""
    if m := AMPERSAND_AFTER.match(text, end):
        return start, m.end()
    if m := AMPERSAND_BEFORE.search(text, max(0, start - 30), start):
        return m.start(), end
    return None
