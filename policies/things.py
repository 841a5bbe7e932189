"""What a capitalised run found as a name is rather: a product, a service or a place ("sync with Google
Drive", "YouTube Shorts", "Fedora 39", "deliver to Valencia"). Split from policies/person_names.py, which
asks `a_thing` about each name that only the model or a name list vouches for. Whether it is a brand's or a
shop's name is policies/businesses.py's to say; the words around a name that tell it (patterns only) are in
policies/thing_cues.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from policies.businesses import a_brand, card_brand
from policies.name_cues import ASKED_BEFORE, RELATIONS, SPOKEN_TO, WORK_AFTER
from policies.name_words import (
    EDITION_WORDS,
    Names,
    joined_word,
    name_word,
    no_dictionary_word,
    plain,
    product_end,
    product_end_only,
    product_word,
    surname,
    unknown_word,
)
from policies.noun_modifiers import modifies_noun
from policies.offer_shapes import offered_shape
from policies.places import region_after_city, travel_end
from policies.product_context import product_context
from policies.program_cues import (
    CERTIFIED_FOR,
    PRICE_ASKED,
    capability_asked,
    possessive_feature,
    set_up,
    tried_out,
)
from policies.thing_cues import (
    ARTEFACT_SUBJECT,
    COUNTED_BEFORE,
    DEVICE_SAID,
    DISH_BEFORE,
    FAILS_WITH,
    GOODS_AFTER,
    GOODS_GIVEN_BEFORE,
    MADE_BY,
    NAME_PREFIX,
    NAMED_AFTER,
    NOT_TOOL_BEFORE,
    OWNER_BEFORE,
    PLACE_BEFORE,
    POSSESSIVE_TITLE,
    PRODUCT_NEXT,
    PRODUCT_SAID,
    RELEASE_OF,
    SOFTWARE_SAID,
    SPEAK_WITH_BEFORE,
    SUPPORTED_AFTER,
    SYNCS_WITH,
    TEAM_AFTER,
    THE_BEFORE,
    THING_AFTER,
    THING_APPOSITIVE,
    THING_CONTEXT,
    THING_EPITHET,
    THING_PREDICATE,
    TOOL_RECORDS,
    VERSION_AFTER,
    VERSION_SOON_AFTER,
    WORK_TITLE_AFTER,
)

# what a product, a service or a place is called, rather than a person
THING_LABELS = frozenset({"ORG", "PRODUCT", "GPE", "LOC", "FAC", "NORP", "WORK_OF_ART", "LAW", "EVENT", "LANGUAGE"})

def a_thing(
    text: str, start: int, end: int, *, things: list[tuple[int, int]], persons: list[tuple[int, int]],
    nationalities: Sequence[tuple[int, int]] = (), declared: bool = False, common: Callable[[str], bool] = lambda _: False,
) -> bool:
    """Whether a capitalised run found as a name is rather what a product, a service or a place is
    called: "sync with Google Drive", "YouTube Shorts", "Fedora 39", "Focus Mode", "deliver to Valencia".
    Never when the message says it is a name ("my name is", a title, a greeting, a signature)."""
    if declared:
        return False
    if a_brand(text, start, end):
        return True  # "Is Wells Fargo a partner for rewards?", "Can Evri redeliver on Saturday?"
    if card_brand(text, start, end):
        return True  # "card Visa 4111 1111 1111 1111": a card network before a card's number
    if region_after_city(text, start, end):
        return True  # "Savannah, Georgia", "a hotel for st charles missouri": a state or a country after a city
    if travel_end(text, start, end):
        return True  # "the 7:45 train from X", "flights to X": where a train or a flight goes is a place
    if offered_shape(text, start, end, nationalities=nationalities):
        return True  # "Is X available in the Enterprise plan?", "... in Spanish?": policies/offer_shapes.py
    if product_context(text, start, end, things=things, persons=persons):
        return True  # "my Bolt EUV battery", "pay with Klarna at X", "Can X's turret be upgraded?": policies/product_context.py
    words = [w.strip(".,'’") for w in text[start:end].split()]
    words = [w for w in words if w]
    if not words:
        return False
    first_names = Names.first_names()
    if len(words) > 1 and (product_word(words[-1]) or product_end_only(words[-1])) and not re.search(r"\n|['’]s\b|\b[A-Z]\.", text[start:end]):
        # "Adobe Acrobat", "Royal Mail", "Meta Ads Manager": what a product or a service is called ends on an
        # ordinary word; not over a line, a possessive or an initial ("Dagny D. Dam", "Vesketh's Cautionary Tales")
        return True
    if (m := PRODUCT_NEXT.match(text, end)) and product_end(m.group(1)) and not re.search(r"['’]s?$", text[start:end]) \
            and not any(unknown_word(w) for w in words) and not ASKED_BEFORE.search(text[max(0, start - 30) : start]):
        # "set up Jira Software", "Jira Work Management": the name is the first word of a product's; not someone's
        # ("Vesketh's Cautionary Tales"), a word with letters English does not use ("Sítio Porto St."), or someone
        # asked or spoken to ("Please ask Oria Manager to call me back")
        return True
    if THING_APPOSITIVE.match(text, end) or THING_EPITHET.match(text, end):
        return True  # "Can Ada, our chatbot, hand off to Zendesk?"
    if DEVICE_SAID.match(text, end):
        return True  # "Quill Dock not detected by the app", "Milo Buds won't pair"
    if re.search(r"['’]s?$", text[start:end]) and POSSESSIVE_TITLE.match(text, end):
        return True  # "Does Cormac's Keep 2 support co-op?": a possessive opening a numbered title
    if WORK_TITLE_AFTER.match(text, end):
        return True  # "Is Harold and the Purple Crayon on the plan?": the title of a work
    if (m := MADE_BY.match(text, end)) and any(s == m.end() for s, _ in things):
        return True  # "Is Quill by Revolut a savings account?": a product by the organisation after it
    if len(words) == 2 and joined_word(*words):
        return True  # "where does the sun flower grow": one word written in two
    if DISH_BEFORE.search(text[max(0, start - 60) : start]):
        return True  # "what ingredients i need for pollo asado"
    if GOODS_AFTER.match(text, _run_end(text, end)) and text[:start].strip() and not GOODS_GIVEN_BEFORE.search(text[max(0, start - 12) : start]) \
            and not ASKED_BEFORE.search(text[max(0, start - 30) : start]) and "\n" not in text[start:end]:
        return True  # "Is Betty Quill popcorn gluten free?"
    if len(words) == 1 and TOOL_RECORDS.match(text, end) and not NOT_TOOL_BEFORE.search(text[max(0, start - 12) : start]):
        return True  # "Can I see Tallow call recordings?"
    if (m := SYNCS_WITH.match(text, end)) and m.group(1).lower().strip(".,'’") not in first_names:
        return True  # "Does Clio sync with Outlook?"
    if NAMED_AFTER.match(text, end):
        return True  # "the George Vesketh bridge", "Quillon Memorial Hospital": a place named after someone
    if re.search(r"\b[A-Z][\w'’&.-]* (?:of|de|del|do|da) $", text[max(0, start - 40) : start]):
        return True  # "Bank of America", "University of Texas": part of what a thing is called
    if SUPPORTED_AFTER.match(text, end) or THING_PREDICATE.match(text, _run_end(text, end)):
        # "Is Ivy supported?", "Is Nell Vesketh a partner brand?" (said of the whole capitalised run: a first name
        # the lists find alone grows over the words after it)
        return True
    if SPOKEN_TO.search(text[max(0, start - 40) : start]):
        return False  # "said Oria to Bram", "had given Quill": someone spoken to or given to
    if len(words) == 1 and PRICE_ASKED.search(text[max(0, start - 20) : start]) and not ASKED_BEFORE.search(text[max(0, start - 30) : start]) \
            and not re.match(r"(?:['’]s)?\s+(?:\w+ing|owed|paid|due|worth)\b", text[end:]):
        return True  # "How much is X for a team of 12?": what has a price ("How much is Oria owed?", "... Oria charging?" are hers)
    if len(words) == 1 and (SOFTWARE_SAID.match(text, end) or ARTEFACT_SUBJECT.match(text, end) or set_up(text, start, end)
                            or possessive_feature(text, start, end) or CERTIFIED_FOR.match(text, end) or tried_out(text, start, end)
                            or capability_asked(text, start, end)) \
            and not ASKED_BEFORE.search(text[max(0, start - 30) : start]):
        return True  # "Why does Bexley crash on startup?", "Can Miro boards be embedded?": software, not someone
    if edition_product(text, start, end):
        return True  # "Does the Luna Max support Bluetooth?"
    if len(words) == 1 and modifies_noun(text, start, end):
        return True  # "Luigi scheduler UI shows every task as pending"
    if (len(words) > 1 and words[0].lower() in first_names and (surname(words[-1]) or not plain(words[-1]) or not plain(words[0])) and not any(c.isdigit() for c in text[start:end])
            and not any(_coined(w) for w in words) and not VERSION_SOON_AFTER.match(text, end)
            and not THING_CONTEXT.search(text[max(0, start - 50) : start]) and not re.search(r"\b(?:my|our|your|their)\s+$", text[:start], re.IGNORECASE)
            and not (re.search(r"[a-z][ \t]+the[ \t]+$", text[max(0, start - 12) : start]) and not WORK_AFTER.match(text, end))):
        return False  # "The Oria Vesketh version": a first name and a surname are a person whatever follows (not after a
        # lower-case "the" inside a sentence that no work's word follows: "Is the Oria Vesketh waterproof?" asks about a thing)
    if 1 < len(words) <= 3 and all(no_dictionary_word(w) for w in words) and not THING_CONTEXT.search(text[max(0, start - 50) : start]) \
            and not re.search(r"\b(?:my|our|your|their|the|a|an|this|that|his|her)\s+$", text[max(0, start - 8) : start], re.IGNORECASE) \
            and not VERSION_SOON_AFTER.match(text, end) and not THING_AFTER.match(text, end) and not SOFTWARE_SAID.match(text, end):
        return False  # "Oria Vesketh is our contact": two or three words no dictionary or vocabulary knows are a person's (not
        # after an article or "my": "my Vexo Plinth will not charge")

    if THE_BEFORE.search(text[max(0, start - 5) : start]) or (
            len(words) > 1 and OWNER_BEFORE.search(text[max(0, start - 7) : start]) and words[0].lower() not in first_names
            and not re.fullmatch(RELATIONS, words[0].lower())):
        # "the Domino's tracker", "my Quillbox Gamecard": a person's name takes no article, nor "my" before a whole name
        # that opens with no first name ("my Aunt Oria Vesk", "my Oria Vesk" stay someone's)
        return True
    for w in words:
        if any(c.isdigit() for c in w) or re.match(r"^[A-Z]{2,}", w) or (re.search(r"[a-z][A-Z]", w) and not NAME_PREFIX.match(w)):
            return True  # "YouTube", "iOS", "MX Keys", "5th Gen"
    if re.search(r"\d\w*\s+$", text[max(0, start - 8) : start]):
        return True  # "5th Gen", "2 Pro"
    if VERSION_AFTER.match(text, end) or THING_AFTER.match(text, end) or THING_CONTEXT.search(text[max(0, start - 50) : start]) \
            or FAILS_WITH.search(text[max(0, start - 20) : start]) or RELEASE_OF.search(text[max(0, start - 30) : start]) \
            or (VERSION_SOON_AFTER.match(text, end) and not ASKED_BEFORE.search(text[max(0, start - 30) : start])):
        return True
    if len(words) <= 2 and words[0].lower() in first_names and SPEAK_WITH_BEFORE.search(text[max(0, start - 20) : start]) \
            and not TEAM_AFTER.match(text, end):
        return False  # "Talk to Priya please", "Can I speak with Jordan?": someone to speak with, whatever the model calls it
    nationality = any(s < end and start < e for s, e in nationalities)  # "German", "French": Webster's capitalises them
    known_first = words[0].lower() in first_names or ((name_word(words[0]) or unknown_word(words[0])) and not nationality)
    labelled = any(s < end and start < e for s, e in things) and not any(s < end and start < e for s, e in persons)
    place_before = PLACE_BEFORE.search(text[max(0, start - 12) : start])
    if place_before and place_before.group().lower().startswith("of") and words[0].lower() in first_names:
        place_before = None  # "the true gender of Oria": "of" before a first name is no place
    if labelled and len(words) == 1 and plain(words[0]):
        return True  # "infected by Corona": the model calls it a place or a thing, and it is an ordinary word too
    if labelled and (not known_first or (len(words) == 1 and place_before)):
        # the model calls it an organisation, a product or a place, not a person; the small model often
        # says so of real names too, so a first name stands unless a place word comes before ("deliver to Valencia")
        return True
    if len(words) > 1 and not known_first and common(words[-1]) and (plain(words[-1]) or (words[-1].endswith("s") and plain(words[-1][:-1]))):
        # "Focus Mode", "Confluence Cloud", "Zoho Books": a name and a common noun (or its plural); not a surname of the
        # lists that the embedding model's vocabulary holds but no dictionary lists as a word ("Vargas", "Schmidt": someone's)
        return True
    return False


def _coined(word: str) -> bool:
    """A word no name is written as: an acronym ("AI", "HUB") or a capital inside it ("DevTools", "iOS"; not "McDonald")."""
    return bool(re.fullmatch(r"[A-Z]{2,}", word) or (re.search(r"[a-z][A-Z]", word) and not NAME_PREFIX.match(word)))


CAPITALISED_NEXT = re.compile(r"[ \t]+[A-Z][a-z]+\b(?![’'-])")


def _run_end(text: str, end: int) -> int:
    """Where the capitalised words right after a found name end ("[Nell] Vesketh a brand": after "Vesketh")."""
    for _ in range(2):
        if not (m := CAPITALISED_NEXT.match(text, end)):
            break
        end = m.end()
    return end


EDITION_BEFORE = re.compile(r"(?<![\w'’-])[A-Z][a-z]+ \Z")


def edition_product(text: str, start: int, end: int) -> bool:
    """"Does the Luna Max support Bluetooth?", "two Zeno Lite speakers", "Is Pearl Lite available?": an edition's word
    that is a first name too ("Max", "Lite") ends a product's name after a capitalised word when the message speaks of
    a thing (an article or a number before it, what is said of a device after it). The edition's word found alone is
    read with the word before it. "I met Oria Max yesterday", "Please ask Oria Max to call me" stay people."""
    span = text[start:end]
    if re.search(r"\n|['’]s\b|\b[A-Z]\.", span) or span.split()[-1].lower() not in EDITION_WORDS:
        return False
    if len(span.split()) == 1:
        if not (m := EDITION_BEFORE.search(text, max(0, start - 30), start)):
            return False
        start = m.start()
    return not ASKED_BEFORE.search(text[max(0, start - 30) : start]) and bool(
        COUNTED_BEFORE.search(text[max(0, start - 8) : start]) or PRODUCT_SAID.match(text, end) or THING_AFTER.match(text, end))
