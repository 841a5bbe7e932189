"""Person names: what the spaCy model finds, checked and extended with the evidence around it.

NER runs only where a name could be (policies/name_presence.py `may_hold_a_name`); its PERSON spans, the
runs of capitalised words and the names of the lists are weighed with the words around them ("my name
is ...", signatures above contact details, transcript speakers, vocatives, lists of founders; the cues
live in policies/name_cues.py), then grown to the whole name. A name that only the model or a list
vouches for is dropped when it is rather what a product or a place is called (policies/things.py).
"""

from __future__ import annotations

import re

from bot.core.words import stop_words
from policies.businesses import a_brand, a_business
from policies.colleagues import from_our_unit
from policies.lowercase_names import cued_names, lowercase_names
from policies.name_cues import (
    ASKED_BEFORE,
    LIST_OF_NAMES,
    NAME_CUE,
    NAME_CUE_STRONG,
    NAME_TITLE,
    NAME_WORD,
    NOT_SPEAKERS,
    PERIOD_BEFORE,
    PERSON_TELLS,
    PERSON_VERB,
    POSSESSIVE_PERSONAL,
    QUOTE_END,
    RELATIONS,
    SAID,
    SPEAKER,
    TRADE_CUE,
    VOCATIVE,
    WORK_AFTER,
    common,
    common_word_set,
    declared_name,
    foreign,
    in_named_list,
    initialled_names,
    introduced_here,
    is_cap,
    listed_name,
    name_like,
    sentence_start,
    signature,
    spoken_of,
    verb_follows,
)
from policies.name_extent import (
    grown,
    same_names,
    with_initials_between,
    with_particles,
    with_titles,
    without_article,
    without_foreign_lead,
    without_leading_words,
    without_pronoun,
)
from policies.name_pairs import name_pairs
from policies.name_requests import (
    joined_after_request,
    lone_request_verb,
    requested_names,
    requested_pair,
    without_opening_verb,
)
from policies.name_slots import ROLE_AFTER, recipient_names, slot_names
from policies.name_spans import lexicon_spans, listed_names, titled_lowercase
from policies.name_words import (
    NOT_NAMES,
    Names,
    foreign_function_word,
    no_dictionary_word,
    plain,
    unknown_word,
)
from policies.person_slots import couples, paired_names, person_slots
from policies.pii_patterns import PERSON, UPPER, Entity
from policies.product_context import assistant_asked, without_question_word
from policies.product_names import product_titles
from policies.romanised_names import korean_given_names
from policies.street_words import TYPE_AFTER as STREET_TYPE_WORDS
from policies.things import THING_LABELS, a_thing

# the small words inside names and places' names ("Le Roux", "Van Dyke", "Saint Oria"), no ordinary words there
NAME_PARTICLES = frozenset({
    "le", "la", "les", "de", "del", "della", "di", "da", "das", "dos", "du", "van", "von", "der", "den", "ter", "ten", "st", "saint",
    "sainte", "san", "santa", "mac", "mc",
})
STREET_TYPES = frozenset(w.lower() for w in STREET_TYPE_WORDS)
GREEK_WORD = re.compile(r"[Α-ΩΆ-Ώ][α-ωά-ώ]+")


# Dutch, German and Portuguese particles (not "de", "la": words of Spanish and French places) then a surname
PARTICLE_SURNAME = re.compile(rf"(?<![\w'’-])(?:van(?: (?:der|den|de))?|von|ten|ter|da|dos|das) ({NAME_WORD})")
# a preposition before a word makes it its object, not someone spoken to: "we're moving off Quillbox, can we ..."
OBJECT_BEFORE = re.compile(r"\b(?:off|from|to|into|onto|with|on|in|at|via|for|by|of|over)\s+$", re.IGNORECASE)
LONE_NAME = re.compile(rf"\s*([{UPPER}][\w'’-]+(?:\s+[{UPPER}][\w'’-]+){{1,2}})(?:\s+here)?\s*[.!]?\s*")
NAME_RUN = re.compile(rf"{NAME_WORD}(?:\s(?:[{UPPER}]\.?\s)?{NAME_WORD}){{0,3}}")


def _no_name(words: list[str]) -> bool:
    """What a request's verb leaves is ordinary words only: "Email Support and Billing", "Ask Sales and Billing"."""
    return all(common(w) or w.lower().strip(".,'’") in NOT_NAMES for w in words)


RUN_WORD_BEFORE = re.compile(rf"(?<![\w'’.-])([{UPPER}][\w'’&-]*|[a-z]+[A-Z][\w-]*)[ \t]+$")
RUN_WORD_AFTER = re.compile(rf"[ \t]+([{UPPER}][\w'’&-]*|[a-z]+[A-Z][\w-]*)(?![\w'’])")


def _capitalised_run(text: str, start: int, end: int) -> tuple[int, int]:
    """The capitalised words around a found name, as far as they go on one line ("Pipedesk Round [Oria]", "Helpdesk
    [Lumi] AI"); a sentence's first word joins only when no ordinary word ("Ask [Oria]", "Hi [Oria]" stay apart)."""
    for _ in range(3):
        if not (m := RUN_WORD_BEFORE.search(text, max(0, start - 40), start)):
            break
        if sentence_start(text, m.start(1)) and (common(m.group(1)) or m.group(1).lower() in NOT_NAMES or m.group(1).lower() in stop_words()):
            break
        if m.group(1).isupper() or re.search(r"['’]s$", m.group(1)):
            break  # "Our CTO Oria Vesk": a role before a name; "Oria's Quill": the possessive ends the run
        start = m.start(1)
    for _ in range(3):
        if re.search(r"['’]s?$", text[:end]) or not (m := RUN_WORD_AFTER.match(text, end)) or m.group(1).lower() in stop_words():
            break  # "Oria Vesk's Payroll account": her account
        end = m.end(1)
    return start, end


def _not_all_names(text: str, run: tuple[int, int], found: tuple[int, int]) -> bool:
    """Whether the run's words beside the found name hold one no name is made of: an ordinary word ("Round"), an acronym
    ("AI"), a word with a capital inside or a digit. A run of names only ("Oria [Vesketh's]") stays the model's call."""
    beside = (text[run[0] : found[0]] + " " + text[found[1] : run[1]]).split()
    if text[found[1] : run[1]].split() and text[found[1] : run[1]].split()[-1].lower().strip(".") in STREET_TYPES:
        return False  # "on Vesketh Cove": a street named after someone is an address, the name stays found
    return any((common(w) and w.lower() not in NAME_PARTICLES) or re.fullmatch(r"[A-Z]{2,}", w) or re.search(r"[a-z][A-Z]|\d", w)
               for w in beside)


# "The technician, Oria, never came": someone's role, then their name between commas
ROLE_APPOSITIVE = re.compile(
    rf"\b(?i:the|your|our|my|a|an|his|her|their) (?:{RELATIONS}|technician|tech|installer|engineer|agent|rep|representative|"
    r"courier|driver|delivery (?:guy|man|woman|driver|person)|supervisor|advisor|adviser|consultant|specialist|nurse|doctor|"
    r"plumber|electrician|cleaner|inspector|officer|clerk|cashier|receptionist|guy|lady|woman|man|person|assistant|secretary|"
    r"bookkeeper|office manager|account manager)"
    rf"\s*,\s*({NAME_WORD}(?: {NAME_WORD})?)\s*(?:,|[.!?]?\s*\Z)"
)
INITIAL_BEFORE = re.compile(r"(?<![\w.])[A-Z]\. $")


def _after_trade(text: str, start: int, end: int) -> bool:
    """"our engineer Bramwen gets a 403": a name right after one's trade's word, when no word of it is an ordinary
    word or a brand's ("our developer Portal is down", "our designer Figma files" are things)."""
    return TRADE_CUE.search(text[max(0, start - 30) : start]) is not None and not a_brand(text, start, end) \
        and not any(common(w) or w.lower().strip(".,'’") in NOT_NAMES for w in text[start:end].split())


def _role_appositives(text: str) -> list[tuple[int, int]]:
    return [m.span(1) for m in ROLE_APPOSITIVE.finditer(text)
            if not any(common(w) or w.lower() in NOT_NAMES or w.lower() in stop_words() for w in m.group(1).split())]


def _with_initial_before(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """"someone called R. Vesketh": a lone initial right before a name is its first name's."""
    return [(s - 3, e) if s >= 3 and INITIAL_BEFORE.search(text, s - 3, s) else (s, e) for s, e in spans]


# a closing on the line before the message's last line ("Thanks so much,\nOria", "Cheers\nOria Vesk")
CLOSING_THEN_NAME = re.compile(
    r"(?i:\b(?:thanks|thank you|thx|cheers|regards|best|best wishes|sincerely|warmly|ta|love|all the best|talk soon|"
    r"(?:thanks|thank you) (?:so|very) much|many thanks|much appreciated|sent from my [^\n]{1,40}))[ \t]*[,.!]*[ \t]*\n[ \t>-]*"
    rf"({NAME_WORD}(?: {NAME_WORD}){{0,2}})[ \t]*\Z"
)


def _closing_name(text: str) -> list[tuple[int, int]]:
    """The last line of a message, one to three capitalised words under a closing, is who signs it."""
    m = CLOSING_THEN_NAME.search(text)
    if m is None or any(common(w) or w.isupper() or w.lower() in NOT_NAMES or w.lower() in stop_words() for w in m.group(1).split()):
        return []
    return [m.span(1)]


def _counted(text: str, start: int, end: int) -> bool:
    """Ordinary words with a number after them are something counted or numbered, not a name: "says Warning 12"."""
    words = [w for w in re.split(r"\s+", text[start:end]) if w]
    alpha = [w for w in words if not w.strip(".,#").isdigit()]
    numbered = len(alpha) < len(words) or re.match(r"[ \t]+#?\d+\b", text[end:]) is not None
    return bool(alpha) and numbered and all(common(w) and w.lower().strip(".,") not in Names.first_names() for w in alpha)


def people(doc, text: str) -> list[Entity]:  # noqa: ANN001, C901 - one pass per kind of evidence
    """Person names in `text`. `strong` spans come with words that say a name follows (a cue, a title,
    a greeting, a signature, a transcript speaker); `weak` ones only with the model or a first-name
    list, and are dropped when they look like what a product or a place is called (`a_thing`)."""
    first_names = Names.first_names()
    cased = any(c.isupper() for c in text)
    weak: list[tuple[int, int]] = []
    strong: list[tuple[int, int]] = []
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        words = ent.text.split()
        # the small model tags chat slang ("wanna", "ya") as people: a name has a capital
        if not any(is_cap(w) for w in words):
            continue
        if len(words) == 1 and (words[0].lower() in NOT_NAMES or (words[0].isupper() and len(words[0]) <= 4)):
            continue  # "ETA", "PIN": acronyms
        start, words = without_question_word(text, *without_foreign_lead(text, *without_article(text, ent.start_char, words)))
        if len(words) == 1 and lone_request_verb(text, start, words[0]):
            continue  # "Thanks for the help; Tell support I said thanks": the verb, no name
        told = len(words)
        start, words = without_opening_verb(text, start, words)  # what the model tagged after it stays its name
        after_verb = len(words) < told
        if after_verb and _no_name(words):
            continue  # "Email Support and Billing": what is left after the verb is no name
        if NAME_CUE_STRONG.search(text[max(0, start - 30) : start]) or NAME_TITLE.search(text[max(0, start - 11) : start]) or in_named_list(text, start) \
                or _after_trade(text, start, ent.end_char):
            strong.append((start, ent.end_char))
        elif not cased:
            continue  # in a message all in lower case the model guesses ("olf", "yup"): the name lists decide
        elif len(words) > 1 or after_verb or words[0].strip(".,'’").lower() in first_names or re.match(r"'s\b| is\b| was\b| said\b", text[ent.end_char :]):
            weak.append((start, ent.end_char))
        elif unknown_word(words[0]) and not sentence_start(text, start):
            weak.append((start, ent.end_char))  # "Why is Quillor so impulsive?": no word of any dictionary
        # else a lone unknown word ("integrate with Salesforce", "my Gmail password"): a product, not a person
    for m in NAME_RUN.finditer(text):
        start, words = without_foreign_lead(text, *without_leading_words(text, m.start(), m.group().split()))
        told = len(words)
        start, words = without_opening_verb(text, start, words)
        if len(words) < told and _no_name(words):
            continue  # "Ask Sales and Billing": what is left after a request's verb is no name
        if len(words) > 1 and text[max(0, start - 3) : start].lower() == "ex-":
            start = text.index(words[1], start + len(words[0]))  # "by ex-Zombie Quillon": the band is no part of the name
            words = words[1:]
        if not words or (len(words) == 1 and lone_request_verb(text, start, words[0])):
            continue  # "Thanks for the help; Tell support I said thanks"
        if len(words) == 1 and words[0].isupper() and len(words[0]) <= 4:
            continue  # "ETA", "PIN"
        if len(words) == 1 and NAME_TITLE.search(words[0] + ". ") and text.startswith(".", start + len(words[0])):
            continue  # "this is Mr. Lo Vesketh": the title is no name (`with_titles` puts it back before the name)
        first = words[0].rstrip(".,'’").lower()
        end = m.end()
        before = text[max(0, start - 30) : start]
        title = NAME_TITLE.search(text[max(0, start - 11) : start])
        cue = NAME_CUE.search(before) or title
        # a first name that is a function word too ("Even") is still here only when a surname follows (`without_leading_words`)
        known = first in first_names and first not in NOT_NAMES and (first not in stop_words() or len(words) > 1)
        if known and len(words) == 1 and re.search(r"\b(?:my|your|our|their|the|a|an|this|that)\s+$", text[max(0, start - 8) : start], re.I):
            known = False  # "my Mac", "the Opera app": a thing, not a person
        greek = len(words) > 1 and all(GREEK_WORD.fullmatch(w.rstrip(".,")) for w in words)
        possessive = len(words) == 1 and re.search(r"['’]s$", words[0]) is not None
        if _after_trade(text, start, end):
            strong.append((start, end))  # "our engineer Oria-Bram Vesketh gets a 403"
            continue
        if ROLE_AFTER.match(text, end) and first not in NOT_NAMES and not all(common(w) for w in words):
            strong.append((start, end))  # "add Oria Vesketh as guardian"
            continue
        if possessive and POSSESSIVE_PERSONAL.match(text, end - 2) and not common(words[0][:-2]):
            strong.append((start, end - 2))  # "Quillon's kid"
        elif NAME_CUE_STRONG.search(before) or title:
            listed = listed_name(words[-1])
            if (first not in NOT_NAMES or (len(words) > 1 and listed)) and (
                not SAID.search(before) or known or not common(words[0]) or (listed and QUOTE_END.match(text, end))
            ):
                strong.append((start, end))  # "My name is Quillon", "What's your last name? Dornacre", "says Vesketh", "Directed By: April Dornacre"
        elif len(words) == 1 and text[:start].endswith(", ") and re.match(r"[!?]", text[end:]) and not common(words[0]) \
                and first not in NOT_NAMES and not sentence_start(text, start):
            strong.append((start, end))  # "Don't go to town, Quillon!": someone spoken to
        elif re.search(r"\bthe\s+$", before, re.IGNORECASE) and WORK_AFTER.match(text, end) and all(
                listed_name(w) or not common(w) for w in words) and first not in NOT_NAMES:
            strong.append((start, end))  # "Unlike the Vesketh novel": who wrote it
        elif len(words) == 1 and VOCATIVE.match(text, end) and first not in common_word_set() and first not in NOT_NAMES \
                and not OBJECT_BEFORE.search(before):
            strong.append((start, end))  # "Quillon, can I please speak to your boss?"
        elif len(words) <= 3 and PERSON_VERB.match(text, end) and not any(common(w) or w.lower() in NOT_NAMES for w in words):
            strong.append((start, end))
        elif len(words) <= 3 and PERSON_TELLS.match(text, end) and not any(plain(w) or w.lower() in NOT_NAMES for w in words) \
                and not a_brand(text, start, end) and not (len(words) == 1 and words[0].lower() in product_titles()) \
                and not any(e.label_ in ("ORG", "PRODUCT") and e.start_char <= start < e.end_char for e in doc.ents):
            strong.append((start, end))  # "Prescott emailed me", "Vesketh hasn't replied to me"; not "Zendesk emailed me", nor
            # a company the model knows ("Amazon emailed me")
        elif (known or greek) and (len(words) > 1 or not sentence_start(text, start) or cue or verb_follows(text, end)):
            weak.append((start, end))
        elif cue and len(words) > 1 and all(w.rstrip(".").lower() not in NOT_NAMES for w in words):
            weak.append((start, end))
        elif len(words) <= 2 and PERIOD_BEFORE.search(before) and re.match(r"[?!.]", text[end:]) and all(name_like(w) or not common(w) for w in words):
            strong.append((start, end))  # "than early Vesketh?"
        elif len(words) <= 3 and all(name_like(w) or (not common(w) and w.lower() not in NOT_NAMES) for w in words) and sentence_start(text, start) \
                and spoken_of(text, end):
            strong.append((start, end))  # "Dornacre began writing, publishing her first story"
        elif len(words) <= 3 and all(name_like(w) for w in words) and verb_follows(text, end):
            weak.append((start, end))  # "Vesketh was influenced by", "Vesketh began writing, publishing her first story"
        elif 1 < len(words) <= 3 and all(no_dictionary_word(w) for w in words) and (verb_follows(text, end) or cue):
            weak.append((start, end))  # "Oria Vesketh is our billing contact": two or three words nothing knows, then a verb
    lone = LONE_NAME.fullmatch(text)
    if lone and not any(common(w) or w.lower().strip(".,") in NOT_NAMES for w in lone.group(1).split()) \
            and not a_brand(text, *lone.span(1)) and not a_business(text, *lone.span(1)):
        # a message that is only two or three capitalised words of no dictionary ("Olumide Adeyemi"): the customer's
        # name, given first. The sentence's first word was left out as any sentence's capital, and "Olumide" stayed
        strong.append(lone.span(1))
    speakers = [m for m in SPEAKER.finditer(text) if m.group(1).lower() not in NOT_SPEAKERS]
    for m in speakers:  # chat transcripts: "Ana: What a wife." (a known name, or two speakers or more)
        if (m.group(1).lower() in first_names and is_cap(m.group(1))) or len({s.group(1).lower() for s in speakers}) >= 2:
            strong.append((m.start(1), m.end(1)))
    strong += cued_names(text)  # "my name is quillon", "call me bramwen", "this is quillon t. vesketh"
    strong += signature(text)
    strong += introduced_here(text) + initialled_names(text) + from_our_unit(text)
    strong += requested_pair(text) + requested_names(text)
    strong += listed_names(text) + _role_appositives(text) + _closing_name(text)
    strong += recipient_names(text, common=common)
    strong += person_slots(text) + couples(text) + korean_given_names(text)
    if not cased:
        strong += titled_lowercase(text) + slot_names(text)
    for m in LIST_OF_NAMES.finditer(text):  # "our 3 founders: A, B and C", "A and B were engineers"
        before = text[max(0, m.start() - 30) : m.start()]
        if NAME_CUE_STRONG.search(before) or re.match(r" (?:were|are|have|had|both|together)\b", text[m.end():]):
            strong += [(m.start() + i.start(), m.start() + i.end()) for i in re.finditer(NAME_WORD, m.group())
                       if i.group().lower() not in NOT_NAMES and i.group().lower() not in stop_words()]
    if not cased:
        weak += lowercase_names(text, in_context=True)
    weak += lexicon_spans(text, not_names=NOT_NAMES)
    things = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in THING_LABELS]
    persons = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PERSON"]
    nationalities = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in ("NORP", "LANGUAGE")]
    weak += name_pairs(text, cased=cased)
    if cased:  # "early van der Vesketh?", "starring da Quillon": particles in lower case open a surname
        weak += [(m.start(), m.end()) for m in PARTICLE_SURNAME.finditer(text) if not common(m.group(1)) and m.group(1).lower() not in NOT_NAMES]
    if weak and cased and foreign(text):
        # in German every noun is capitalised, and the English model takes "Rechnung" or "Meine Pläne" for a
        # person: in a message in another language, only a name of the lists vouches for a name without a cue
        weak = [(s, e) for s, e in weak if any(listed_name(w) and not plain(w) and not foreign_function_word(w) for w in text[s:e].split())]
    def thing(s: int, e: int) -> bool:
        return a_thing(text, s, e, things=things, persons=persons, nationalities=nationalities, common=common,
                       declared=declared_name(text, s) or bool(NAME_CUE_STRONG.search(text[max(0, s - 30) : s])))

    # a name inside a longer capitalised run is what the run is: "Pipedesk Round Oria", "Helpdesk Lumi AI"
    spans = strong + [(s, e) for s, e in weak if not thing(s, e) and not ((run := _capitalised_run(text, s, e)) != (s, e)
                                                                         and _not_all_names(text, run, (s, e)) and thing(*run)
                                                                         and not ASKED_BEFORE.search(text[max(0, run[0] - 30) : run[0]]))]
    spans = [(s, e) for s, e in spans if not _counted(text, s, e)]
    spans = grown(spans, text, cased=cased)
    spans += joined_after_request(spans, text)
    spans += [p for p in paired_names(text, spans) if not any(s <= p[0] < e for s, e in spans)]
    spans = [(s, e) for s, e in spans if not a_business(text, s, e) or NAME_CUE_STRONG.search(text[max(0, s - 30) : s])]
    spans = [(s, e) for s, e in spans if not assistant_asked(text, s, e)]  # "ask X to show my spending": an app's assistant
    spans = _with_initial_before(with_titles(spans, text), text)
    spans += same_names(spans, text)
    spans = without_pronoun(with_initials_between(with_particles(spans, text, cased=cased), text), text)
    return [Entity(PERSON, s, e, text[s:e]) for s, e in spans]
