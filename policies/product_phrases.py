"""Phrases around a name that say it is a product, an assistant, a game's character or a shop, not a person, for any
tenant (no product's name is listed here). Asked by policies/product_context.py about a name that only the model or a
name list vouches for, and by policies/street_addresses.py about a street with no house number:

- the name with what it is after "the": "X the Discord bot still ...", "X the Overwatch hero's bubble", "X the smart
  speaker from ...", "X the Python library" (not "X the app developer": the noun there opens a longer one);
- an assistant inside a program: "X from our bank's app", "X in the Fargo app";
- a yes/no question about what a name "from" an organisation does in general: "Does X from Bank of America show
  pending payments?", "Does X from Cognition work with GitLab repos?" (the capability rules of
  policies/program_cues.py with the organisation between);
- what a company has after its name's possessive: "X's app", "X's online shop", "X's Hub M3" (a model of capitals
  and digits);
- a website's name: "X.com", "X.de";
- a street named with no house number as where a shop or a branch is: "the Boots on Princes Street", "the Vodafone
  shop on Queen Street", "a shop on Queen Street", a brand's name before it ("the Hilton Park Lane") ("I live on Queen
  Street", "my flat on Queen Street" stay addresses).

Chosen on ordinary questions written for this and kept out of the repository (about 150, written after the seventh blind
set was committed), the blind set's tune half and the PII file's tune half; the report halves and the blind sets 2-7 only
measured.
"""

from __future__ import annotations

import re

from policies.brands import brand_key, brands
from policies.program_cues import CAPABILITY_BEFORE, capability_asked
from policies.thing_roles import shop_named_street
from policies.thing_shapes import subject_branch_street
from policies.word_classes import WordClasses

# what a product, an assistant or a game's character is called after its name and "the"
THING_NOUN = (
    r"(?:chat ?bot|bot|app|application|robot|robot vacuum|vacuum|speaker|smart speaker|hero|"
    r"character|mascot|avatar|npc|villain|widget|plug-?in|extension|skill|ai|doorbell|camera|thermostat|"
    r"(?:python |javascript |java |ruby |rust |go )?(?:library|package|module|framework)|game|service|platform|tool|"
    # devices and programs (not what a person is too: "translator", "runner", "monitor")
    r"client|editor|browser|generator|compiler|linter|bundler|crawler|scraper|mower|printer|router|scanner|tracker|lamp|"
    r"bulb|lock|feeder|purifier|wallet|calculator|converter|dashboard|tablet|flask|kettle|reminder|company|brand|engine)"
)
# "X the Discord bot", "X the smart speaker", "X the Overwatch hero's": up to two words between, then the noun
# (tried with the fewest words between and with the most: "the robot mower" ends on "mower", not "robot")
EPITHETS = [
    re.compile(rf"[ \t]+the[ \t]+(?:[\w+.'’-]+[ \t]+){{0,2}}{lazy}{THING_NOUN}(?=(['’]s\b)|[ \t]*[,.;:!?)]|[ \t]*$|[ \t]+([\w'’-]+))", re.IGNORECASE)
    for lazy in ("?", "")
]
# "X from our bank's app", "X in the Fargo app": an assistant inside a program
SOFTWARE = r"(?:app|application|website|site|portal|dashboard|chat|chat ?window|extension)"
INSIDE_SOFTWARE = re.compile(
    rf"[ \t]+(?:from|in|inside|on)[ \t]+(?:the|our|my|your|their)?[ \t]*(?:[\w'’.-]+[ \t]+){{0,2}}?{SOFTWARE}"
    rf"(?=[ \t]*[,.;:!?)]|[ \t]*$|[ \t]+([\w'’-]+))",
    re.IGNORECASE,
)
# "from Bank of America", "from Capital One", "from Cognition": an organisation's capitalised name (not "from billing")
FROM_ORGANISATION = re.compile(r"[ \t]+from[ \t]+(?:the[ \t]+)?[A-Z][\w&'’.+-]*(?:[ \t]+(?:of[ \t]+|&[ \t]+)?[A-Z][\w&'’.+-]*){0,3}")
# "work with" what is no one: a lower-case thing or a capitalised product ("work with me", "with our team" are someone's)
WORKS_WITH_THING = re.compile(r"[ \t]+work[ \t]+with[ \t]+(?!(?:me|us|you|him|her|them|my|our|your|his|their)\b)(?:[a-z][\w-]*|[A-Z][\w-]*[ \t]+[a-z])")
# "X's app", "X's website", "X's servers": what a company has, after its name's possessive
COMPANY_HAS = re.compile(r"['’]s[ \t]+(?:mobile[ \t]+|new[ \t]+|own[ \t]+)?(?:app|apps|website|servers|help center|help centre|status page|online (?:shop|store)|web ?shop)\b(?![’'-])")
SPOKEN_OF = re.compile(r"\b(?:he|she|him|his|her|hers)\b", re.IGNORECASE)
# "X's Hub M3", "X's Cam v3": a capitalised product then its model of one or two capitals and digits
COMPANY_MODEL = re.compile(r"['’]s[ \t]+[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+)?[ \t]+(?:[A-Z]{1,2}\d{1,4}[a-z]?|v\d{1,2})\b")
# "Zara.com", "bol.de": a name that is a website's (a domain's ending right after it, then no letter)
DOMAIN_AFTER = re.compile(r"\.(?:com|net|org|io|co|shop|store|app|[a-z]{2})(?:\.[a-z]{2})?(?![\w@.-]*\w)")
# what is after a shop's name before its street: "the Boots on", "the Vodafone shop on", "the Lidl at"
SHOP_NOUN = r"(?:shop|store|branch|outlet|supermarket|pharmacy|chemist|restaurant|cafe|café|showroom|mall)"
SHOP_BEFORE = re.compile(
    rf"\bthe[ \t]+(?:(?:[A-Z][\w&'’.+-]*[ \t]+){{1,3}}(?:{SHOP_NOUN}[ \t]+)?|(?:[\w-]+[ \t]+)?{SHOP_NOUN}[ \t]+)(?:on|at|in)[ \t]+(?:the[ \t]+)?\Z"
    # "Do you still have a shop on Queen Street?", "is there any branch on ...", "your store on ...": a shop no one owns
    rf"|\b(?i:a|an|any|another|one|your|no)[ \t]+(?:[\w-]+[ \t]+)?{SHOP_NOUN}[ \t]+(?:on|at|in)[ \t]+(?:the[ \t]+)?\Z"
)


def _ends_its_noun(word: str | None) -> bool:
    """The word after the noun does not make it part of a longer one: "the app developer" (a noun only) does."""
    return word is None or WordClasses.classes(word.lower()) != {"noun"}


def thing_epithet(text: str, start: int, end: int) -> bool:
    """"X the Discord bot", "X the smart speaker from ...", "X the Overwatch hero's bubble"."""
    return any(m is not None and (m.group(1) is not None or _ends_its_noun(m.group(2))) for m in (e.match(text, end) for e in EPITHETS))


def inside_software(text: str, start: int, end: int) -> bool:
    """"X from our bank's app", "X in the Fargo app": not "X from the app team"."""
    m = INSIDE_SOFTWARE.match(text, end)
    return m is not None and _ends_its_noun(m.group(1))


def organisation_capability(text: str, start: int, end: int) -> bool:
    """"Does X from Bank of America show pending payments?": a yes/no question opening a sentence about what a name
    from an organisation does in general (policies/program_cues.py `capability_asked`, the organisation skipped), or
    whether it works with a thing ("Does X from Cognition work with GitLab repos?")."""
    m = FROM_ORGANISATION.match(text, end)
    if m is None or not CAPABILITY_BEFORE.search(text[max(0, start - 24) : start]):
        return False
    return WORKS_WITH_THING.match(text, m.end()) is not None or capability_asked(text[:end] + text[m.end() :], start, end)


def company_possessive(text: str, start: int, end: int) -> bool:
    """"X's app", "X's Hub M3", whether the found span took its "'s" or not: a lone word, in a message that speaks of no
    one as "he" or "she" ("Gideon's app keeps freezing, he says" is someone's app)."""
    if len(text[start:end].split()) != 1 or SPOKEN_OF.search(text):
        return False
    if re.search(r"['’]s$", text[start:end]):
        end -= 2
    return COMPANY_HAS.match(text, end) is not None or COMPANY_MODEL.match(text, end) is not None


def website(text: str, start: int, end: int) -> bool:
    """"Can I pay with Bizum on Zara.com?": the name is a website's."""
    return DOMAIN_AFTER.match(text, end) is not None


def shop_street(text: str, start: int, end: int) -> bool:
    """A street with no house number, named as where a shop is: "Does the Boots on Princes Street ...", "the Vodafone
    shop on Queen Street" (not "I live on", "my flat on", "the house on": where someone lives)."""
    if any(c.isdigit() for c in text[start:end]):
        return False
    return SHOP_BEFORE.search(text[max(0, start - 60) : start]) is not None or shop_named_street(text, start, end) \
        or subject_branch_street(text, start, end)  # "Target on Market Street has ..." (policies/thing_shapes.py)


def branded_street(street: str) -> bool:
    """"my booking at the Hilton Park Lane": a well-known brand's name (policies/brands.py) opening a street with no house
    number, and two words or more after it, names the brand's hotel or shop on that street (asked of a street found,
    by policies/street_addresses.py: a person's name is never read with it)."""
    if any(c.isdigit() for c in street):
        return False
    words = re.sub(r"^(?i:the)\s+", "", street).split()
    return any(len(words) - n >= 2 and brand_key(" ".join(words[:n])) in brands() for n in (1, 2))


def product_phrase(text: str, start: int, end: int) -> bool:
    """Any of the above about a name; a name right after a shop's "on" is its street ("the Vodafone shop on Queen Street")."""
    return thing_epithet(text, start, end) or inside_software(text, start, end) or organisation_capability(text, start, end) \
        or company_possessive(text, start, end) or website(text, start, end) or shop_street(text, start, end)
