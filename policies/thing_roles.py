"""What a capitalised name is by the part it plays in the sentence: the object of what is done only to software or
devices ("back up X", "roll back X", "self-host X"), a product's edition for a platform ("X for iPad"), a model code
written into it ("X3"), a tool beside the thing it is compared with ("X or Asana"), part of a software bundle, a voice
assistant told to set a timer, a shop that ships abroad, stocks goods or has branches, a shop's possessive with nothing
after it ("return it to X's"), a maker's brand before a model's word ("my Kia Sedona"). People play none of these parts
(each rule says what it leaves to them). Asked by policies/product_context.py (for names only the model or a list vouches for)
and, for a street named as where a shop is ("the Fenwick Road shop"), by policies/product_phrases.py.

Chosen on bench/ordinary/dev_questions_privacy23.txt (development, two batches) and the tune halves; hand-written patterns, as
the rest of policies/thing_cues.py: no library tells these roles apart, and the model's labels are what they correct.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from policies.brands import brand_key, brands
from policies.businesses import a_brand
from policies.name_words import Names, NameWords

POSSESSIVE = re.compile(r"['’]s?$")
# "back up X to a drive", "self-host X", "roll back X", "uninstall X": done only to software or a device ("update X"
# is left out: "update Oria on the ticket" tells her; "reset X" only to its factory settings, below)
MAINTAINED_BEFORE = re.compile(
    r"\b(?:back(?:s|ed|ing)? up|self-?host(?:s|ed|ing)?|roll(?:s|ed|ing)? back|reinstall(?:s|ed|ing)?|uninstall(?:s|ed|ing)?|"
    r"sideload(?:s|ed|ing)?|re-?download(?:s|ed|ing)?)\s+(?:the\s+|my\s+|our\s+)?\Z",
    re.IGNORECASE,
)
# "move X to a new Mac", "reset X to factory settings": a program moved to a machine, a device reset
MOVED_AFTER = re.compile(
    r"\s+(?:to|onto)\s+(?:a\s+|my\s+|our\s+|the\s+)?(?:new\s+|second\s+|another\s+|other\s+)?(?:Mac|PC|laptop|computer|phone|iPhone|"
    r"iPad|tablet|device|server|machine|drive|SSD|NAS|factory (?:settings|defaults)|default settings)\b"
)
MOVED_BEFORE = re.compile(r"\b(?:mov(?:e|es|ed|ing)|transfer(?:s|red|ring)?|reset(?:s|ting)?|restor(?:e|es|ed|ing))\s+(?:the\s+|my\s+|our\s+)?\Z",
                          re.IGNORECASE)
# "Mabel for Teams", "Cosmo for iPad": a product's edition for a platform (case-sensitive: "for work" is anyone's)
FOR_PLATFORM_AFTER = re.compile(
    r"\s+for\s+(?:iPad|iPhone|iOS|Android|Mac|macOS|Windows|Linux|Chromebook|ChromeOS|Teams|Slack|Outlook|Gmail|Chrome|Firefox|"
    r"Safari|Jira|Salesforce|Shopify|WordPress|Zendesk|Business|Enterprise|Education|Desktop|Mobile|Web)\b(?!['’])"
)
# "Where is the setting in X", "schedule posts in X": a program's parts found inside it ("the tickets in Oria's queue"
# keep their possessive; "files from X" may be someone's and is left out)
PART_IN_BEFORE = re.compile(
    r"\b(?:settings?|menus?|posts?|projects?|invoices?|dashboards?|workspaces?|folders?|filters?|templates?|tabs?|options|"
    r"preferences|toolbar|sidebar|shortcuts?|plugins?|extensions?|widgets?|boards?|channels?|playlists?)\s+(?:in|inside|within)\s+\Z",
    re.IGNORECASE,
)
# "Is X better than Trello?", "Compare X and Asana", "Trello vs X": compared with a thing, a thing
THAN_AFTER = re.compile(r"\s+(?:(?:better|worse|cheaper|faster|slower|easier|simpler)\s+than|vs\.?|versus|the same as)\s+(?:the\s+)?(?:old\s+|new\s+)?",
                        re.IGNORECASE)
COMPARE_BEFORE = re.compile(r"\b(?:compare|comparing|compared|cheaper for us|better for us|choose between|choosing between)\s*,?\s+\Z", re.IGNORECASE)
AND_OR_AFTER = re.compile(r"\s+(?:and|or|vs\.?|versus|with|to)\s+")
# "Is X part of the Microsoft 365 bundle?": software sold in a bundle or a suite ("part of the family plan" may be someone)
BUNDLED_AFTER = re.compile(
    r"(?:\s+(?:is|are|still|also|not))*\s+(?:part of|included in|bundled (?:with|in))\s+(?:the\s+|a\s+|our\s+|my\s+)?(?:[\w+.-]+\s+){0,3}?"
    r"(?:bundle|suite|package|toolkit|stack)\b",
    re.IGNORECASE,
)
# "Ask X to set a timer", "get X to stop waking up when the TV is on": what only a voice assistant is told to do
ASSISTANT_TOLD_BEFORE = re.compile(r"\b(?:ask|tell|get|make)\s+\Z", re.IGNORECASE)
ASSISTANT_TASK_AFTER = re.compile(
    r"\s+to\s+(?:set\s+(?:a|an|the|my)\s+(?:\d+[- ]minute\s+)?(?:timer|alarm)|play\s+(?:music|songs?|radio|podcasts?|my\s+playlist|"
    r"white noise)|turn\s+(?:on|off|up|down)\s+(?:the|all|my)\s+(?:\w+\s+)?(?:lights?|lamps?|heating|thermostat|tv|volume)|"
    r"dim\s+the\s+lights?|stop\s+(?:waking up|listening|responding|talking)|"
    r"read\s+(?:out\s+)?(?:my\s+)?(?:messages|emails|texts|notifications)\s+(?:aloud|out loud))\b",
    re.IGNORECASE,
)
# "Does X deliver to Finland?", "X ships internationally": a shop; said with a question's auxiliary before it ("Oria
# delivered the parcel" stays hers)
SHIPS_BEFORE = re.compile(r"\b(?:does|do|can|will|doesn['’]t|won['’]t)\s+\Z", re.IGNORECASE)
SHIPS_AFTER = re.compile(r"\s+(?:still\s+|now\s+|also\s+)?(?:deliver|ship)\s+(?:\w+\s+)?(?:to|in|within|internationally|abroad|overseas|worldwide)\b",
                         re.IGNORECASE)
# "the Elm Street branch of X": a chain's branch or store
BRANCH_OF_BEFORE = re.compile(r"\b(?:branch(?:es)?|stores?|shops?|outlets?|locations?)\s+of\s+(?:the\s+)?\Z", re.IGNORECASE)
# "Does X stock the Vertuo?", "Does X carry it in store?", "How many stores does X have?": a shop ("Does Oria have
# the file?" is hers)
STOCKS_AFTER = re.compile(r"\s+(?:still\s+|also\s+)?(?:stock|carry|price[- ]match|have\s+(?:\w+\s+){0,4}?in stock)\b", re.IGNORECASE)
STORES_BEFORE = re.compile(r"\bhow many (?:stores|shops|branches|outlets|locations) (?:does|do)\s+\Z", re.IGNORECASE)
# "Can I return a kettle to X's?", "at X's in the mall": a shop's possessive with nothing after it, in a message about
# shopping ("I stayed at Oria's" has no shopping word)
SHOP_POSSESSIVE_BEFORE = re.compile(r"\b(?:at|to|from|in)\s+\Z", re.IGNORECASE)
NOTHING_POSSESSED = re.compile(r"(?=\s*(?:[?.!,;:)]|$)|\s+(?:without|with|for|on|in|at|online|today|yesterday|last|this|and|or|but|because|since|after|before)\b)")
SHOPPING = re.compile(
    r"\b(?:return(?:s|ed|ing)?|refund(?:s|ed)?|receipt|exchange|order(?:s|ed)?|buy|bought|purchas\w*|price|in stock|deliver\w*|"
    r"gift card|click and collect|checkout)\b",
    re.IGNORECASE,
)
# "X sync my calendar", "X syncing our files": what syncs someone's data is a program ("sync with me" is someone's)
SYNCS_DATA_AFTER = re.compile(
    r"\s+(?:to\s+)?sync(?:s|ed|ing)?\s+(?:my|our|the|all)\s+(?:\w+\s+)?(?:calendars?|contacts|files|photos|notes|data|emails|mail|"
    r"events|tasks|bookmarks|passwords|music|library|folders?)\b",
    re.IGNORECASE,
)
# "the Fenwick Road shop": a street with no number naming a shop's branch
SHOP_NOUN_AFTER = re.compile(
    r"\s+(?:shop|store|branch|outlet|showroom|location|warehouse|depot|superstore|megastore|pharmacy|chemist|supermarket|"
    r"post office|sorting office|service (?:centre|center|desk|point)|repair (?:centre|center|shop)|kiosk|hub|pop-up|flagship|"
    r"pickup point|pick-up point|collection point|drop-off|parcel locker|locker|dealership|garage|restaurant|cafe|café|"
    r"takeaway|food hall|gym|clinic|practice|surgery|library|cinema|car park|retail park)\b(?!['’])",
    re.IGNORECASE,
)


def _spans_hit(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


CAPITALISED_AT = re.compile(r"[A-Z][\w.+&-]*")
CAPITALISED_BEFORE = re.compile(r"([A-Z][\w.+&-]*)\s+(?:vs\.?|versus)\s+\Z", re.IGNORECASE)


def _thing_at(text: str, start: int, end: int, things: Sequence[tuple[int, int]]) -> bool:
    return _spans_hit(things, start, end) or a_brand(text, start, end)


def _compared(text: str, start: int, end: int, things: Sequence[tuple[int, int]]) -> bool:
    """"Is X better than Trello?", "Compare X and Asana", "Trello vs X": a name compared with what the model calls a thing
    or a known brand is a thing too; "Compare Oria and Bram", "Is Oria better than Bram?" (no thing) stay theirs."""
    if lead := re.match(r"(?:Compare|Comparing)\s+(?=\S)", text[start:end]):
        start += lead.end()  # the model's "[Compare Oria]": the sentence's verb taken into the name
    if (m := THAN_AFTER.match(text, end)) and (w := CAPITALISED_AT.match(text, m.end())):
        return _thing_at(text, *w.span(), things)
    if m := CAPITALISED_BEFORE.search(text, max(0, start - 40), start):
        return _thing_at(text, *m.span(1), things)
    if COMPARE_BEFORE.search(text[max(0, start - 30) : start]) and (m := AND_OR_AFTER.match(text, end)) \
            and (w := CAPITALISED_AT.match(text, m.end())):
        return _thing_at(text, *w.span(), things)
    return False


def thing_role(text: str, start: int, end: int, *, things: Sequence[tuple[int, int]] = ()) -> bool:
    """Whether the name at text[start:end] plays a part only a product, a program, a device, an assistant or a shop plays
    (the module's docstring). `things`: the spans the model calls organisations, products or places."""
    if re.match(r"['’]s\b", text[end:]):
        end += 2  # the model's "[X]'s": the possessive after it
    if POSSESSIVE.search(text[start:end]):
        # "return a kettle to X's": a shop's possessive, nothing after it
        return bool(re.search(r"['’]s$", text[start:end]) and SHOP_POSSESSIVE_BEFORE.search(text[max(0, start - 6) : start])
                    and NOTHING_POSSESSED.match(text, end) and SHOPPING.search(text))
    before = text[max(0, start - 30) : start]
    if end < len(text) and text[end].isdigit() and text[end - 1].isalpha():
        return True  # "My Augustus X3 keeps disconnecting": a model code runs into the name's last letter
    if MAINTAINED_BEFORE.search(before) or (MOVED_BEFORE.search(before) and MOVED_AFTER.match(text, end)):
        return True  # "Can I back up X to a drive?", "move X to a new Mac", "reset X to factory settings"
    if FOR_PLATFORM_AFTER.match(text, end) or BUNDLED_AFTER.match(text, end) or SYNCS_DATA_AFTER.match(text, end):
        return True  # "Mabel for Teams", "Is X part of the Microsoft 365 bundle?", "Why won't X sync my calendar?"
    if PART_IN_BEFORE.search(before) or BRANCH_OF_BEFORE.search(before):
        return True  # "schedule posts in X", "the Elm Street branch of X"
    if assistant_told(text, start, end):
        return True  # "Ask X to set a timer for 20 minutes"
    if SHIPS_BEFORE.search(text[max(0, start - 10) : start]) and SHIPS_AFTER.match(text, end):
        return True  # "Does X deliver to Finland?"
    if (SHIPS_BEFORE.search(text[max(0, start - 10) : start]) and STOCKS_AFTER.match(text, end)) or STORES_BEFORE.search(before):
        return True  # "Does X stock the Vertuo in store?", "How many stores does X have in Dublin?"
    return _compared(text, start, end, things) or maker_line(text, start, end)


CAPITALISED_WORD_BEFORE = re.compile(r"(?<![\w'’-])([A-Z][a-z]+)[ \t]+\Z")
DETERMINER_BEFORE = re.compile(r"\b(?:my|our|your|their|the|a|an|this|that|new|old)\s+\Z", re.IGNORECASE)


def maker_line(text: str, start: int, end: int) -> bool:
    """"my Kia Sedona", "Is Fedora Silverblue good?": a maker's brand and a word of no name list are one of its lines or
    models. The brand's word must be no first name unless an article or "my" comes before it ("my Kia Sedona"; "Chase
    Vesketh", a first name then a surname no list knows, stays someone's), and the model's word no name ("my Jordan
    Smith" stays someone)."""
    words = text[start:end].split()
    if len(words) == 1 and (m := CAPITALISED_WORD_BEFORE.search(text, max(0, start - 30), start)):
        start, words = m.start(1), [m.group(1), *words]  # the model's "Kia [Sedona]": the word before is the brand's
    if len(words) != 2 or not all(re.fullmatch(r"[A-Z][a-z]+", w) for w in words):
        return False
    maker, line = (w.lower() for w in words)
    if brand_key(maker) not in brands() or line in Names.first_names() or line in NameWords.surnames():
        return False
    return maker not in Names.first_names() or DETERMINER_BEFORE.search(text[max(0, start - 8) : start]) is not None


def assistant_told(text: str, start: int, end: int) -> bool:
    """"Ask X to set a timer", "tell X to play music", "get X to stop waking up": a voice assistant told what only an
    assistant does ("ask Oria to send me the file", "tell Oria to call me" stay hers)."""
    return not POSSESSIVE.search(text[start:end]) and ASSISTANT_TOLD_BEFORE.search(text[max(0, start - 6) : start]) is not None \
        and ASSISTANT_TASK_AFTER.match(text, end) is not None


def shop_named_street(text: str, start: int, end: int) -> bool:
    """"Can I pick up my order at the Fenwick Road shop?": a street with no house number before a shop's noun names the
    branch, not where someone lives ("my flat on Fenwick Road" has no shop after it)."""
    return not any(c.isdigit() for c in text[start:end]) and SHOP_NOUN_AFTER.match(text, end) is not None
