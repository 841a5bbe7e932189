"""Shapes of a sentence that make a capitalised name a product, a shop or a place, whatever the name is (no name is
listed here): the words right around it say what it is, and a person's name never stands in these places.

- a release's or a sequel's number or a model's code after the name, then what is said of software, a game or a
  device: "X 3 won't launch on Windows", "Is X 2 out?", "X 4xe won't charge" ("I spoke with X 2 days ago", "X 35 years
  old", "call X 3pm" stay people's: a count or a time follows);
- a shop with goods in stock, a device that will not sync with another: "X Oxford Street has the Airwrap in stock?",
  "X won't sync with OverDrive" (a capitalised program or device after "with": "won't sync with me" is no one's);
- a device's or a service's part right after the name, then what it does or is: "X remote won't pair", "X internet slow
  after 8 pm" (a person's would be "X's remote");
- a bot's name written with "-bot": "X-bot reaction roles";
- a possessive opening its sentence that is itself the subject of a verb: "X's says my stamp didn't register", "X's on
  Broadway doesn't show up" (a person's possessive needs a noun after it; "X's" for "X is" or "X has" takes no "says");
- what sits in a library, a basket or a wish list: "says X isn't in my library";
- the end of a journey whose other end is a place: "from Leeds to X" (a ticket "moved from X to Y" between people:
  neither end is a place); a train or a flight from a place to a place that is late: "X from Washington to New York
  delayed 2 hours";
- a shop's opening hours: "Is X open on bank holidays?", "Is X closed today?" ("Is X open to a call?" is someone's);
- a maker's name between an article and the goods it makes: "a X coat", "my X kettle" (goods only, listed: "a X
  concert", "a X book" are of a person's work); or before goods that are nothing but a noun, which then do or are
  something: "Does X blender come with a warranty?", "X serum is cheaper on Amazon"; goods that are a verb too only
  with a verb after them: "X grill smokes a lot" ("Can X watch the kids?", "Does X grill steaks?" stay someone's);
- software that runs on a device or a system: "Can X run on a Fire TV Stick?", "Does X run on Linux?" ("Can X run on
  Monday?" is someone's: a day or a month is no system);
- a shop that takes a way of paying: "Does X take Apple Pay?" (not "cash" or "PayPal", which people take too);
- what is asked only of an app, a service or a device: "Does X work with Outlook?", "Does X have a free trial?", "Is my
  data stored in X?" (policies/service_shapes.py).

Chosen on bench/ordinary/dev_questions_privacy25.txt (development, written after bench/ordinary/blind_questions_9.txt was
committed) and the tune halves; the PII tune half, seed 11 and the development PII files were searched for each shape
around a labelled person or street (none found). Hand-written patterns, as policies/thing_roles.py: the model's labels are
what they correct, and no library tells these parts apart.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from policies.service_shapes import service_shape
from policies.word_classes import noun_only

# "X 3 won't launch", "X 2 crashes", "Is X 4 out?": a sequel's or a release's number, then what software or a game does
# (not a count or a time: "X 2 days ago", "X 3 times", "X 35 years old")
NUMBERED_AFTER = re.compile(
    r"[ \t]+(?:\d{1,2}|(?!\d+(?:am|pm|th|st|nd|rd|hrs?|mins?|s|k|x)\b)\d{1,4}[a-z]{1,3}|[A-Z]{1,2}\d{1,4}[a-z]?)(?:[ \t]+(?:Remastered|Remake|Deluxe|Reloaded|Definitive|Edition|Ultimate))?(?:"
    r"[ \t]+(?:won['’]t|doesn['’]t|can['’]t|isn['’]t|keeps|crash(?:es|ed)?|stutters|freezes|froze|lags|save|saves|servers?|"
    r"multiplayer|co-?op|DLC|update|patch|online|cross-?play|is[ \t]+out|out[ \t]+on|run[ \t]+on|runs[ \t]+on|battery|"
    r"charger|screen|firmware|app)\b|[ \t]*[?!]|[ \t]*$)"
)
# "X remote won't pair", "X internet slow after 8 pm": a device's or a service's part, then what it does or is
PART_THEN_STATE = re.compile(
    r"[ \t]+(?:remote|router|modem|internet|broadband|wi-?fi|box|hub|dongle|receiver|charger|adapter|headset|earbuds|"
    r"controller|console|speaker|doorbell|thermostat|sensor|dock|base station|tv)[ \t]+(?:still[ \t]+|now[ \t]+)?"
    r"(?:won['’]t|doesn['’]t|didn['’]t|can['’]t|isn['’]t|keeps|kept|is|was|shows|says|stopped|drops|dropped|slow|down|offline|"
    r"dead|broken|not)\b",
    re.IGNORECASE,
)
# "X Oxford Street has the Airwrap in stock?": a shop (its branch's words between)
IN_STOCK_AFTER = re.compile(
    r"(?:[ \t]+[A-Z][\w'’.-]*){0,3}[ \t]+(?:still[ \t]+)?(?:has|have|had|got)[ \t]+(?:[\w+.'’-]+[ \t]+){0,5}?in[ \t]+stock\b"
)
# "X won't sync with OverDrive": a device or a program that syncs with another (capitalised, not "with me")
SYNCS_WITH_AFTER = re.compile(
    r"[ \t]+(?:won['’]t|doesn['’]t|didn['’]t|can['’]t|isn['’]t|stopped|keeps[ \t]+failing[ \t]+to)[ \t]+sync(?:ing)?[ \t]+with[ \t]+"
    r"(?:the[ \t]+|my[ \t]+)?[A-Z][\w.+-]*"
)
BOT_AFTER = re.compile(r"-bot\b", re.IGNORECASE)
# a possessive opening a sentence, then at most a place ("on Broadway", "in Leeds"), then a verb of its own
SENTENCE_OPENS = re.compile(r"(?:\A|[.!?]\s+|\n\s*)\Z")
POSSESSIVE_SUBJECT_AFTER = re.compile(
    r"['’]s(?:[ \t]+(?:on|in|at)[ \t]+[A-Z][\w'’.-]*(?:[ \t]+[A-Z][\w'’.-]*){0,2})?[ \t]+"
    r"(?:says|said|doesn['’]t|won['’]t|didn['’]t|can['’]t|isn['’]t|wasn['’]t|keeps|takes|accepts|delivers|ships|sells|stocks|"
    r"opens|closes|offers|charges|has[ \t]+(?:no|a|an|the)|is[ \t]+(?:out|closed|open)|doesn['’]t)\b"
)
IN_MY_COLLECTION_AFTER = re.compile(
    r"[ \t]+(?:is[ \t]+|isn['’]t[ \t]+|is[ \t]+not[ \t]+|was[ \t]+|wasn['’]t[ \t]+)?(?:still[ \t]+)?(?:not[ \t]+)?in[ \t]+my[ \t]+"
    r"(?:library|game library|basket|cart|shopping cart|wish ?list|collection|playlist)\b",
    re.IGNORECASE,
)
# "X from Washington to New York delayed": a train or a flight between two places that is late or cancelled
JOURNEY_LATE_AFTER = re.compile(
    r"[ \t]+from[ \t]+([A-Z][\w'’.-]*(?:[ \t]+[A-Z][\w'’.-]*){0,2})[ \t]+to[ \t]+([A-Z][\w'’.-]*(?:[ \t]+[A-Z][\w'’.-]*){0,2})"
    r"[ \t]+(?:is[ \t]+|was[ \t]+|got[ \t]+|has[ \t]+been[ \t]+)?(?:delayed|cancell?ed|late|sold[ \t]+out|overbooked)\b"
)
# "Is X open on bank holidays?", "Is X closed today?": a shop's hours
HOURS_BEFORE = re.compile(r"\b(?:is|are|was|isn['’]t)[ \t]+\Z", re.IGNORECASE)
HOURS_AFTER = re.compile(
    r"(?:['’]s)?[ \t]+(?:still[ \t]+)?(?:open|closed)[ \t]+(?:on[ \t]+(?:\w+[ \t]+)?(?:holidays?|sundays?|saturdays?|weekends?|"
    r"mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|christmas|easter|boxing day|new year)|today|tonight|tomorrow|now|late|"
    r"until|till|til|24|at[ \t]+\d|after[ \t]+\d|before[ \t]+\d|this[ \t]+(?:weekend|sunday|saturday|evening))\b",
    re.IGNORECASE,
)
# "a X coat", "my X kettle": goods of a maker (not a person's work: "a X concert", "a X book")
GOODS = (
    r"(?:coat|jacket|dress|shirt|blouse|jeans|trousers|sweater|jumper|hoodie|scarf|hat|cap|gloves|belt|suit|shoes|boots|sneakers|"
    r"trainers|sandals|heels|bag|handbag|backpack|suitcase|wallet|purse|watch|perfume|fragrance|cologne|lipstick|mascara|"
    r"foundation|serum|moisturi[sz]er|shampoo|razor|paint|primer|grill|kettle|toaster|mixer|blender|juicer|fryer|air fryer|"
    r"oven|fridge|freezer|dishwasher|washer|dryer|vacuum|hoover|mattress|pillow|duvet|sofa|couch|chair|desk|lamp|tent|bike|"
    r"helmet|charger|cable|headphones|earbuds|speaker|glasses|sunglasses|frames|lenses|stroller|pram|car seat|mug|bottle|tumbler|"
    r"cleanser|toner|lotion|conditioner|palette|blush|eyeliner|concealer|vase|wallpaper|rug|curtains|cushion|candle|bedding|"
    r"towel|bin|kitchen bin|cookware|saucepan|frying pan|casserole)"
)
# what goods do or are after their maker's name: "X blender come with", "X serum is cheaper"
GOODS_STATE_AFTER = re.compile(
    r"[ \t]+(?:is|are|was|were|come|comes|came|won['’]t|doesn['’]t|didn['’]t|can['’]t|isn['’]t|keeps|stopped|broke|leaks|leaked|"
    r"need|needs|work|works|cost|costs|still|smokes|overheats|beeps|rattles|squeaks|drips)\b|[ \t]*\?"
)
GOODS_VERB_AFTER = re.compile(
    r"[ \t]+(?:is|are|was|were|comes?|came|won['’]t|doesn['’]t|didn['’]t|can['’]t|isn['’]t|keeps|stopped|broke|leaks|leaked|needs?|"
    r"smokes|overheats|beeps|rattles|squeaks|drips)\b"
)
MAKER_BEFORE = re.compile(r"\b(?:a|an|my|our|the|this|that|new)[ \t]+\Z", re.IGNORECASE)
GOODS_AFTER = re.compile(rf"[ \t]+{GOODS}s?\b(?!['’-])", re.IGNORECASE)
RUNS_ON_AFTER = re.compile(
    r"[ \t]+(?:still[ \t]+)?(?:run|runs|work|works)[ \t]+on[ \t]+(?:a[ \t]+|an[ \t]+|the[ \t]+|my[ \t]+|our[ \t]+)?"
    r"(?:(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|"
    r"September|October|November|December|Christmas|Easter)\b)[A-Z][\w.+-]*|(?:mac|pc|laptop|chromebook|tablet|phone|smart ?tv|tv|console|raspberry pi|server|arm64|m1|m2|m3)\b)"
)
TAKES_PAYMENT_AFTER = re.compile(
    r"[ \t]+(?:still[ \t]+)?(?:take|takes|accept|accepts)[ \t]+(?:Apple[ \t]+Pay|Google[ \t]+Pay|Samsung[ \t]+Pay|contactless|Amex|"
    r"American[ \t]+Express|gift[ \t]+cards?|vouchers?|Klarna|Afterpay|Clearpay|Alipay|WeChat[ \t]+Pay)\b",
    re.IGNORECASE,
)
ROUTE_TO_BEFORE = re.compile(r"\bfrom[ \t]+((?:[A-Z][\w'’.-]*[ \t]+){1,3})to[ \t]+\Z")
ROUTE_FROM_AFTER = re.compile(r"[ \t]+to[ \t]+([A-Z][\w'’.-]*(?:[ \t]+[A-Z][\w'’.-]*){0,2})")


def _bare(text: str, start: int, end: int) -> bool:
    return re.search(r"['’]s?$", text[start:end]) is None


def numbered_title(text: str, start: int, end: int) -> bool:
    """"Max Payne 3 won't launch": a sequel's or a release's number, then what software or a game does."""
    return _bare(text, start, end) and NUMBERED_AFTER.match(text, end) is not None


def device_part(text: str, start: int, end: int) -> bool:
    """"Sky Q remote won't pair", "Bell Fibe internet slow after 8 pm": the brand of a device's or a service's part."""
    return _bare(text, start, end) and PART_THEN_STATE.match(text, end) is not None


def possessive_subject(text: str, start: int, end: int) -> bool:
    """"Nando's says my stamp didn't register", "Carmine's on Broadway doesn't show up": a shop's possessive that is the
    subject of its sentence."""
    stem = end - 2 if re.search(r"['’]s$", text[start:end]) else end
    return SENTENCE_OPENS.search(text[max(0, start - 4) : start]) is not None and POSSESSIVE_SUBJECT_AFTER.match(text, stem) is not None


def route_end(text: str, start: int, end: int, things: Sequence[tuple[int, int]]) -> bool:
    """"from Leeds to X", "from X to Leeds": one end of a journey whose other end the model calls a place."""
    def place(s: int, e: int) -> bool:
        return any(ts <= s and e <= te for ts, te in things)

    if m := ROUTE_TO_BEFORE.search(text, max(0, start - 60), start):
        other = m.group(1).rstrip()
        return place(m.start(1), m.start(1) + len(other))
    if re.search(r"\bfrom[ \t]+\Z", text[max(0, start - 6) : start]) and (m := ROUTE_FROM_AFTER.match(text, end)):
        return place(*m.span(1))
    m = JOURNEY_LATE_AFTER.match(text, end)
    return m is not None and place(*m.span(1)) and place(*m.span(2))


def shop_hours(text: str, start: int, end: int) -> bool:
    """"Is X open on bank holidays?", "Is X closed today?": a shop's opening hours."""
    return HOURS_BEFORE.search(text[max(0, start - 8) : start]) is not None and HOURS_AFTER.match(text, end) is not None


def makers_goods(text: str, start: int, end: int) -> bool:
    """"a Ted Baker coat", "my Henry vacuum": a maker's name between an article and the goods it makes; "Does X blender
    come with a warranty?": before goods that are nothing but a noun, which then do or are something."""
    if not _bare(text, start, end) or (m := GOODS_AFTER.match(text, end)) is None:
        return False
    if MAKER_BEFORE.search(text[max(0, start - 6) : start]) is not None:
        return True
    goods = m.group().strip().lower()
    if all(noun_only(w) for w in goods.split()):
        return GOODS_STATE_AFTER.match(text, m.end()) is not None
    # goods that are a verb too ("paint", "grill", "watch"): only a verb after them makes them the noun ("Does X paint need
    # a primer?", "X grill smokes a lot"; "Can X watch the kids?", "Does X grill steaks?" stay someone's)
    return GOODS_VERB_AFTER.match(text, m.end()) is not None


def thing_shape(text: str, start: int, end: int, *, things: Sequence[tuple[int, int]] = ()) -> bool:
    """Whether the sentence's shape around text[start:end] makes it a product, a shop or a place (the module's docstring).
    `things`: the spans the model calls places, organisations or products."""
    return numbered_title(text, start, end) or device_part(text, start, end) or BOT_AFTER.match(text, end) is not None \
        or possessive_subject(text, start, end) or IN_MY_COLLECTION_AFTER.match(text, end) is not None \
        or route_end(text, start, end, things) or IN_STOCK_AFTER.match(text, end) is not None \
        or SYNCS_WITH_AFTER.match(text, end) is not None or shop_hours(text, start, end) or makers_goods(text, start, end) \
        or RUNS_ON_AFTER.match(text, end) is not None or TAKES_PAYMENT_AFTER.match(text, end) is not None \
        or service_shape(text, start, end)  # what is asked only of an app or a service (policies/service_shapes.py)


# "Target on Market Street has no ...", "Whole Foods on Union Street doesn't take ...": a capitalised name opening its
# sentence, "on" and a street with no house number, then a verb: the branch of a shop the sentence is about
SUBJECT_ON_BEFORE = re.compile(
    r"(?:\A|[.!?]\s+|\n\s*)(?:[A-Z][\w&'’.+-]*[ \t]+){1,4}(?:(?:store|shop|branch|outlet|showroom|restaurant)[ \t]+)?(?:on|at)[ \t]+\Z"
)
BRANCH_VERB_AFTER = re.compile(
    r"[ \t]+(?:still[ \t]+)?(?:has|have|is|isn['’]t|was|wasn['’]t|doesn['’]t|don['’]t|didn['’]t|won['’]t|can['’]t|takes|accepts|"
    r"opens|closes|sells|stocks|says|said)\b"
)


def subject_branch_street(text: str, start: int, end: int) -> bool:
    """A street with no house number between a shop's name opening the sentence and the sentence's verb: "Target on
    Market Street has no Starbucks anymore?" ("my flat on Market Street", "I live on Market Street" have no name before)."""
    return not any(c.isdigit() for c in text[start:end]) and SUBJECT_ON_BEFORE.search(text[max(0, start - 60) : start]) is not None \
        and BRANCH_VERB_AFTER.match(text, end) is not None
