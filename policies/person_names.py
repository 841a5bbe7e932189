"""Person names: where the spaCy model must look, and what it finds that is really a person.

NER runs only where a name could be (`may_hold_a_name`), and its PERSON spans are checked and
extended with context rules: "my name is ...", signatures above contact details, transcript
speakers, vocatives, lists of founders; a first-name gazetteer (gender-guesser) vouches for single
words.
"""

from __future__ import annotations

import re

from bot.core.words import stop_words
from policies.name_words import (
    NOT_NAMES,
    Names,
    NameWords,
    foreign_function_word,
    lexicon_spans,
    listed_names,
    not_a_name,
    ordinary,
    plain,
    titled_lowercase,
    unknown_word,
)
from policies.pii_patterns import (
    EMAIL_RE,
    NANP_PHONE,
    PERSON,
    PLACEHOLDER_RE,
    UPPER,
    Entity,
)
from policies.things import THING_LABELS, a_thing

CAPITALISED = re.compile(r"(?<![\w<])[A-ZÀ-ÖØ-ÞĀ-ŽΑ-ΩА-Я][^\W\d_]*")


def may_hold_a_name(text: str) -> bool:
    if LOWER_CUED.search(text) or LOWER_CUED_WEAK.search(text) or SIGNATURE_LINE.match(text) or len(SPEAKER.findall(text)) >= 2:
        return True
    for m in CAPITALISED.finditer(mask_placeholders(text)):
        word = m.group()
        if word == "I" or (word.isupper() and len(word) <= 4):
            continue  # "I", "FAQ", "2FA"
        if not _sentence_start(text, m.start()) or word.lower() in Names.first_names() or word.lower() not in _common_words():
            return True
    # all in lower case: the model only where the name lists see a name (the model alone tags "olf", "yup")
    return not any(c.isupper() for c in text) and bool(
        lexicon_spans(text, not_names=NOT_NAMES) or _lowercase_names(text, in_context=True) or titled_lowercase(text) or listed_names(text)
    )


def _common_words() -> frozenset[str]:
    from bot.core.common_words import common_words

    return common_words()


def mask_placeholders(text: str) -> str:
    # keep offsets; stop NER from reading "<PERSON_1>" as a name
    return PLACEHOLDER_RE.sub(lambda m: " " * len(m.group()), text)


# titles of English and of the other languages customers write in: "Herr Bauer", "Sra. Pérez", "Mme Leroy"
NAME_TITLE = re.compile(r"\b(?:mr|mrs|ms|miss|dr|prof|sir|madam|herr|herrn|frau|sr|sra|srta|señor|señora|mme|mlle|sig|sig\.ra|signor|signora)\.?\s+$", re.IGNORECASE)
# words right before a name: "my name is Quillon", "my kid Bramwen", "Directed By: Oria T. Vesketh"
NAME_CUE = re.compile(
    r"(?:\bmy name is|\bname:|\bi am|\bi'm|\bthis is|\bcall me|\bsigned|\bregards,?|\bthanks,?|"
    r"\b(?:my|our) (?:kid|son|daughter|wife|husband|partner|mother|father|mom|dad|friend|colleague|boss|manager)|"
    r"\bdirected by:?|\bwritten by:?|\bby|\bunder|\bwith|\bfrom|\bto|\bdear|\bhi|\bhello|\bcontact)\s*$",
    re.I,
)
NAME_WORD = rf"[{UPPER}][^\W\d_]*(?:['’-][^\W\d_]+)*"  # letters only: "GB82" is no name
# cues strong enough to take a lone unknown capitalised word for a name
NAME_CUE_STRONG = re.compile(
    r"(?:\bmy name is|\bname:|\bi am|\bi'm|\bthis is|\bcalls? me|\bsigned|\bregards,?|\bdear|\bhi|\bhey|\bhello|\blast name\??|"
    r"\bnamed|\bsaid|\bsays|\basked|\btold|\breplied|\bname(?: on the (?:account|card))?\?\s*(?:[^\W\d_]+:)?|"
    r"\b(?:my|our|his|her) (?:kid|son|daughter|wife|husband|partner|mother|father|mom|dad|friend|colleague|boss|manager)|"
    r"\bdirected by:?|\bwritten by:?|\bfounders?:?|\b(?:change|correct|update|rename)\w* (?:it|my name|the name|his name|her name) to|"
    r"['’]s name|\bunder (?:the )?name|\bnamed (?:him|her|them)|"
    r"\b(?:mother|father|grandmother|grandfather|son|daughter|kid|sister|brother|wife|husband|aunt|uncle|cousin) (?:was|is) (?:called|named)|"
    r"\b(?:player|producer|commenter|songwriter|singer|actor|actress|starring|featuring|tribute to|assistant to|ex-[^\W\d_]+))\s*$",
    re.I,
)
# "Quillon's kid", "Vesketh's address": someone's family or personal details
POSSESSIVE_PERSONAL = re.compile(
    r"['’]s (?:kid|kids|son|daughter|wife|husband|partner|mother|father|mom|dad|brother|sister|family|address|birthday|phone)\b", re.I
)
# a sentence's first word that is no ordinary word, then what people do: "Quillon spent a year", "Bramwen had given"
PERSON_VERB = re.compile(r" (?:had given|spent|lives|lived|shouted|is from|from \S+ is the)\b")
GREEK_WORD = re.compile(r"[Α-ΩΆ-Ώ][α-ωά-ώ]+")
NAME_RUN = re.compile(rf"{NAME_WORD}(?:\s(?:[{UPPER}]\.?\s)?{NAME_WORD}){{0,3}}")
SPEAKER = re.compile(r"^([^\W\d_][\w'’-]*):", re.M)
def _is_cap(word: str) -> bool:
    return bool(word) and word[0].isupper()


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
        if not any(_is_cap(w) for w in words):
            continue
        if len(words) == 1 and (words[0].lower() in NOT_NAMES or (words[0].isupper() and len(words[0]) <= 4)):
            continue  # "ETA", "PIN": acronyms
        start, words = _without_foreign_lead(text, ent.start_char, words)
        if NAME_CUE_STRONG.search(text[max(0, start - 30) : start]) or NAME_TITLE.search(text[max(0, start - 8) : start]) or _in_named_list(text, start):
            strong.append((start, ent.end_char))
        elif not cased:
            continue  # in a message all in lower case the model guesses ("olf", "yup"): the name lists decide
        elif len(words) > 1 or words[0].strip(".,'’").lower() in first_names or re.match(r"'s\b| is\b| was\b| said\b", text[ent.end_char :]):
            weak.append((start, ent.end_char))
        elif unknown_word(words[0]) and not _sentence_start(text, start):
            weak.append((start, ent.end_char))  # "Why is Quillor so impulsive?": no word of any dictionary
        # else a lone unknown word ("integrate with Salesforce", "my Gmail password"): a product, not a person
    for m in NAME_RUN.finditer(text):
        start, words = _without_leading_words(text, m.start(), m.group().split())
        start, words = _without_foreign_lead(text, start, words)
        if len(words) > 1 and text[max(0, start - 3) : start].lower() == "ex-":
            start = text.index(words[1], start + len(words[0]))  # "by ex-Zombie Quillon": the band is no part of the name
            words = words[1:]
        if not words:
            continue
        if len(words) == 1 and words[0].isupper() and len(words[0]) <= 4:
            continue  # "ETA", "PIN"
        first = words[0].rstrip(".,'’").lower()
        end = m.end()
        before = text[max(0, start - 30) : start]
        title = NAME_TITLE.search(text[max(0, start - 8) : start])
        cue = NAME_CUE.search(before) or title
        known = first in first_names and first not in NOT_NAMES and first not in _stop_words()
        if known and len(words) == 1 and re.search(r"\b(?:my|your|our|their|the|a|an|this|that)\s+$", text[max(0, start - 8) : start], re.I):
            known = False  # "my Mac", "the Opera app": a thing, not a person
        greek = len(words) > 1 and all(GREEK_WORD.fullmatch(w.rstrip(".,")) for w in words)
        possessive = len(words) == 1 and re.search(r"['’]s$", words[0]) is not None
        if ROLE_AFTER.match(text, end) and first not in NOT_NAMES and not all(_common(w) for w in words):
            strong.append((start, end))  # "add Oria Vesketh as guardian"
            continue
        if possessive and POSSESSIVE_PERSONAL.match(text, end - 2) and not _common(words[0][:-2]):
            strong.append((start, end - 2))  # "Quillon's kid"
        elif NAME_CUE_STRONG.search(before) or title:
            listed = _listed_name(words[-1])
            if (first not in NOT_NAMES or (len(words) > 1 and listed)) and (
                not SAID.search(before) or known or not _common(words[0]) or (listed and QUOTE_END.match(text, end))
            ):
                strong.append((start, end))  # "My name is Quillon", "What's your last name? Dornacre", "says Vesketh", "Directed By: April Dornacre"
        elif len(words) == 1 and text[:start].endswith(", ") and re.match(r"[!?]", text[end:]) and not _common(words[0]) \
                and first not in NOT_NAMES and not _sentence_start(text, start):
            strong.append((start, end))  # "Don't go to town, Quillon!": someone spoken to
        elif re.search(r"\bthe\s+$", before, re.IGNORECASE) and WORK_AFTER.match(text, end) and all(
                _listed_name(w) or not _common(w) for w in words) and first not in NOT_NAMES:
            strong.append((start, end))  # "Unlike the Vesketh novel": who wrote it
        elif len(words) == 1 and VOCATIVE.match(text, end) and first not in _common_words() and first not in NOT_NAMES:
            strong.append((start, end))  # "Quillon, can I please speak to your boss?"
        elif len(words) <= 3 and PERSON_VERB.match(text, end) and not any(_common(w) or w.lower() in NOT_NAMES for w in words):
            strong.append((start, end))
        elif (known or greek) and (len(words) > 1 or not _sentence_start(text, start) or cue or _verb_follows(text, end)):
            weak.append((start, end))
        elif cue and len(words) > 1 and all(w.rstrip(".").lower() not in NOT_NAMES for w in words):
            weak.append((start, end))
        elif len(words) <= 2 and PERIOD_BEFORE.search(before) and re.match(r"[?!.]", text[end:]) and all(_name_like(w) or not _common(w) for w in words):
            strong.append((start, end))  # "than early Vesketh?"
        elif len(words) <= 3 and all(_name_like(w) or (not _common(w) and w.lower() not in NOT_NAMES) for w in words) and _sentence_start(text, start) \
                and _spoken_of(text, end):
            strong.append((start, end))  # "Dornacre began writing, publishing her first story"
        elif len(words) <= 3 and all(_name_like(w) for w in words) and _verb_follows(text, end):
            weak.append((start, end))  # "Vesketh was influenced by", "Vesketh began writing, publishing her first story"
    speakers = [m for m in SPEAKER.finditer(text) if m.group(1).lower() not in NOT_SPEAKERS]
    for m in speakers:  # chat transcripts: "Ana: What a wife." (a known name, or two speakers or more)
        if (m.group(1).lower() in first_names and _is_cap(m.group(1))) or len({s.group(1).lower() for s in speakers}) >= 2:
            strong.append((m.start(1), m.end(1)))
    cued = [(m, True) for m in LOWER_CUED.finditer(text)] + [(m, False) for m in LOWER_CUED_WEAK.finditer(text)]
    for m, sure in cued:  # "my name is quillon", "call me bramwen", "maiden name is vesketh"; "this is quillon t. vesketh"
        words = m.group(1).split()
        if sure and not_a_name(words[0]):
            continue  # "my name is going to be ...", "call me dad": an ordinary word, not a name
        if not sure and (
            _common(words[0]) or words[0].lower() in _stop_words() or _is_cap(words[0]) or re.search(r"['’]", words[0])
            or (words[0].lower() not in Names.first_names() and (len(words) < 2 or _common(words[-1])))
        ):
            continue  # "this is urgent", "I'm famished", "thanks, you've": a word, not a name (capitalised ones are the model's)
        keep = words[:1]
        for w in words[1:]:  # initials, and a surname that is no ordinary word
            if len(w.rstrip(".")) == 1 or (w.lower() not in _stop_words() and w.lower() not in NOT_NAMES and (sure or not _common(w))):
                keep.append(w)
            else:
                break
        while len(keep) > 1 and len(keep[-1].rstrip(".")) == 1:
            keep.pop()
        if words[0].lower() not in NOT_NAMES and words[0].lower() not in _stop_words():
            strong.append((m.start(1), m.start(1) + len(" ".join(keep))))
    strong += _signature(text)
    strong += listed_names(text)
    if not cased:
        strong += titled_lowercase(text)
    for m in LIST_OF_NAMES.finditer(text):  # "our 3 founders: A, B and C", "A and B were engineers"
        before = text[max(0, m.start() - 30) : m.start()]
        if NAME_CUE_STRONG.search(before) or re.match(r" (?:were|are|have|had|both|together)\b", text[m.end():]):
            strong += [(m.start() + i.start(), m.start() + i.end()) for i in re.finditer(NAME_WORD, m.group())
                       if i.group().lower() not in NOT_NAMES and i.group().lower() not in _stop_words()]
    if not cased:
        weak += _lowercase_names(text, in_context=True)
    weak += lexicon_spans(text, not_names=NOT_NAMES)
    things = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in THING_LABELS]
    persons = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PERSON"]
    nationalities = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in ("NORP", "LANGUAGE")]
    weak += _name_pairs(text, cased=cased)
    if weak and cased and _foreign(text):
        # in German every noun is capitalised, and the English model takes "Rechnung" or "Meine Pläne" for a
        # person: in a message in another language, only a name of the lists vouches for a name without a cue
        weak = [(s, e) for s, e in weak if any(_listed_name(w) and not plain(w) and not foreign_function_word(w) for w in text[s:e].split())]
    spans = strong + [(s, e) for s, e in weak if not a_thing(
        text, s, e, things=things, persons=persons, nationalities=nationalities, common=_common,
        declared=declared_name(text, s) or bool(NAME_CUE_STRONG.search(text[max(0, s - 30) : s])))]
    spans = _grown(spans, text, cased=cased)
    spans = _with_titles(spans, text)
    spans += _same_names(spans, text)
    return [Entity(PERSON, s, e, text[s:e]) for s, e in spans]


# what a person is made on an account: "add X as a beneficiary", "X as guardian"
ROLE_AFTER = re.compile(
    r"\s+as (?:an? |the |my |our )?(?:beneficiary|beneficiaries|guardian|co-?signer|co-?owner|joint (?:owner|holder)|authori[sz]ed user|"
    r"next of kin|emergency contact|dependent|dependant|nominee|executor|trustee|power of attorney)\b",
    re.IGNORECASE,
)
SAID = re.compile(r"\b(?:said|says|asked|told|replied)\s*$", re.I)
# after "says Vesketh": the quote's attribution ends ("says Carpenter.", "says Carpenter in an interview")
QUOTE_END = re.compile(r"\s*(?:[.!?,;]|$|\s+in\b)")
# a work called by its author's name: "the Vesketh novel", "the Quillon biography"
WORK_AFTER = re.compile(
    r"\s+(?:novel|novels|biography|memoir|memoirs|poem|poems|painting|paintings|estate)\b", re.IGNORECASE
)
# "than early Vesketh?", "late Quillon": an artist's period
PERIOD_BEFORE = re.compile(r"\b(?:early|late)\s+$")


PAIR_WORD = r"[^\W\d_][^\W\d_]*(?:-[^\W\d_]+)?"
NAME_PAIR = re.compile(rf"(?<![\w'’-])({PAIR_WORD})(?: [^\W\d_]\.)? ({PAIR_WORD})(?![\w'’-])")


def _name_pairs(text: str, *, cased: bool) -> list[tuple[int, int]]:
    """A first name of the lists then a surname of the lists, neither an ordinary word in a chat ("Oliver N.
    Ebert", "beth nilsson"): a person, even when the dictionaries know one of the two as a rare word."""
    out = []
    for m in NAME_PAIR.finditer(text):
        first, last = m.group(1), m.group(2)
        if cased and not (_is_cap(first) and _is_cap(last)):
            continue
        if not cased and re.search(r"\b(?:to|in|from|at|near|into|via|visit|visiting|around|of|san|santa|los|las)\s+$", text[max(0, m.start() - 12) : m.start()]):
            continue  # "going to san jose", "be in hong kong": places (written capitalised, the model tells them)
        firsts = first.lower().split("-")
        surname = last.split("-")[-1]
        rare_surname = not ordinary(surname)  # "Nilsson": no dictionary knows it, so "Beth" before it is a name too
        if all(f in Names.first_names() and (rare_surname or not plain(f)) and f not in LEADING for f in firsts) \
                and _listed_name(surname) and not plain(surname):
            out.append((m.start(), m.end()))
    return out


def _name_like(word: str) -> bool:
    """A surname or first name of the lists that is no ordinary word in a chat, or a word no dictionary knows."""
    w = word.rstrip(".,'’")
    return w.lower() not in NOT_NAMES and ((_listed_name(w) and not plain(w)) or unknown_word(w))


# what the rest of a sentence says of a person: "began writing as a teenager, publishing her first story"
SPOKEN_OF = re.compile(r" [a-z][^.!?\n]{0,80}?\b(?:she|he|her|his|him|herself|himself|person)\b")


def _spoken_of(text: str, end: int) -> bool:
    return SPOKEN_OF.match(text, end) is not None


def _foreign(text: str) -> bool:
    """Whether the message is clearly in another language than English (bot/core/language.py's guess)."""
    from bot.core.language import ENGLISH, telling_language

    return telling_language(text) not in (None, ENGLISH)


def _listed_name(word: str) -> bool:
    """A first name or a surname of the lists, even one that is an ordinary word too ("Bonnet", "Riddle")."""
    w = word.lower().strip(".,'’")
    return len(w) > 2 and (w in Names.first_names() or w in NameWords.surnames()) and w not in NOT_NAMES
LEADING = frozenset(
    "hi hello hey dear thanks thank maybe why when where what who how the a an and but or so yes no ok okay please "
    "i i'm i’m im i'd i've it's that's he's she's "
    # a role before a name ("Producer Oria Vesketh explained"): NAME_CUE_STRONG then sees the role
    "producer director singer actor actress writer author composer player coach president ceo manager doctor professor".split()
)


TITLE_WORDS = frozenset("herr herrn frau sr sra srta señor señora mme mlle signor signora".split())


def _without_foreign_lead(text: str, start: int, words: list[str]) -> tuple[int, list[str]]:
    """"Können Sie Frau Öztürk", "ich bin Quillon": another language's function words and titles before a
    name are no part of it (a title is put back by `_with_titles`). Particles stay ("de Vries")."""
    while len(words) > 1 and (
        (foreign_function_word(words[0]) and words[0].lower() not in NAME_PARTICLES_KEPT) or words[0].lower().rstrip(".") in TITLE_WORDS
    ):
        start = text.index(words[0], start) + len(words[0])
        start += len(text[start:]) - len(text[start:].lstrip())
        words = words[1:]
    return start, words


# particles that are function words too but open a surname: "de Vries", "van Dijk", "da Silva"
NAME_PARTICLES_KEPT = frozenset("de del della da das dos do di du la le van von der den ten ter".split())


def _without_leading_words(text: str, start: int, words: list[str]) -> tuple[int, list[str]]:
    """"Hi Quillon", "Maybe Bramwen": a greeting or a sentence's first function word is no part of the name."""
    while words and (words[0].lower().strip(",.") in LEADING or words[0].lower() in _stop_words()):
        start = text.index(words[0], start) + len(words[0])
        start += len(text[start:]) - len(text[start:].lstrip())
        words = words[1:]
    return start, words


# what is said of a person right after a name written in lower case: "oria is very reliable", "bram had given"
LOWER_PERSON_AFTER = re.compile(
    r"(?:['’]s (?:kid|son|daughter|wife|husband|mother|father|family|address|phone)|,? (?:had|has|shouted|said|says|told|asked|"
    r"lives|lived|wrote|began|is very|is a very|is from|was born|and i|just has|can i|could i|would you|please|"
    r"shouted|yelled|flew|spent|is so|was so|is such|has been))\b"
)


# what is said of a person right before a name written in lower case: "shouted at eija", "she named him oria"
LOWER_PERSON_BEFORE = re.compile(r"\b(?:named (?:him|her)|(?:shouted|yelled|spoke|talked|said|wrote|given|gave|speak|talk) (?:at|to)|why is)\s+$")


def _lowercase_names(text: str, *, in_context: bool = False) -> list[tuple[int, int]]:
    """In a message written all in lower case, a first name that is no ordinary word, with the surname
    after it when that is no ordinary word either: "add xiuying yu as a beneficiary". `in_context`: a lone
    first name only where the words around speak of a person ("my kid oria", "bram is very reliable"),
    as such messages also hold typos and shop names ("olf", "jiro")."""
    out = []
    first_names = Names.first_names()
    tokens = list(re.finditer(r"[^\W\d_][\w'’-]*", text))
    i = 0
    while i < len(tokens):
        word = tokens[i].group().lower()
        if word in first_names and word not in NOT_NAMES and word not in _stop_words() and not _common(word, first_names_count=True):
            end = tokens[i].end()
            j = i + 1
            while j < len(tokens) and j <= i + 2 and text[tokens[j - 1].end() : tokens[j].start()] in (" ", ". ") and (
                (len(tokens[j].group()) == 1 and tokens[j].group() != "i") or (tokens[j].group() not in _stop_words() and not _common(tokens[j].group(), first_names_count=True))
            ):
                end = tokens[j].end()
                j += 1
            lone = j == i + 1
            if not (in_context and lone) or NAME_CUE_STRONG.search(text[max(0, tokens[i].start() - 30) : tokens[i].start()]) or \
                    LOWER_PERSON_AFTER.match(text, end) or LOWER_PERSON_BEFORE.search(text[max(0, tokens[i].start() - 20) : tokens[i].start()]):
                out.append((tokens[i].start(), end))
            i = j
        else:
            i += 1
    return out


def _common(word: str, *, first_names_count: bool = False) -> bool:
    """An ordinary English word (the embedding model's whole-word vocabulary), not a first name
    (unless `first_names_count`: then "mark", "bill" and "grace" are ordinary too)."""
    w = word.lower().strip(".,'’")
    common = _common_words()
    if not first_names_count and w in Names.first_names():
        return False
    return w in common or (w.endswith("s") and w[:-1] in common)


VOCATIVE = re.compile(r", (?:can|could|would|will|please|I|we|you|do|are)\b")
NOT_SPEAKERS = frozenset("bot user customer agent note subject re fw from to cc date time phone e-mail email website address q a".split())
LOWER_CUED = re.compile(
    r"(?i:\bmy name is|\bcalls? me|\bmaiden name is|\blast name(?: is|\?)|\bfirst name(?: is|\?)|\bfollow up with)"
    r"\s+([^\W\d_][\w'’-]+(?:\s[^\W\d_]\.?(?=\s))?(?:\s[^\W\d_][\w'’-]+)?)"
)
# weaker cues: the word after them is a name only when it is no ordinary word ("this is hyuuma t. maida")
LOWER_CUED_WEAK = re.compile(
    r"(?i:\bthis is|\bi'm|\bi am|\bregards,?|\bthanks,?|\bcheers,?|\bsincerely,?|\bbest,|\bsaid|\bsays|\bnamed (?:him|her|them)|"
    r"\b(?:my|our|his|her) (?:kid|son|daughter|wife|husband|partner|mother|father|mom|dad|friend|colleague|boss|manager)|"
    r"\b(?:mother|father|grandmother|grandfather|son|daughter|kid|sister|brother|wife|husband) (?:was|is) (?:called|named)|"
    r"\bdirected by|\bwritten by|\bplayer|\bproducer|\bsongwriter|\buser(?=:)|\bcustomer(?=:)|\bname(?=:)|\bunder (?:the |my )?name|\bby the name)"
    r":?\s+([^\W\d_][\w'’-]+(?:\s[^\W\d_]\.?(?=\s))?(?:\s[^\W\d_][\w'’-]+)?)"
)
SIGNATURE_LINE = re.compile(r"\A[>\s]*([^\W\d_][\w'’-]+(?: [^\W\d_]\.?)?(?: [^\W\d_][\w'’-]+){1,2})[ \t]*\n")


def _signature(text: str) -> list[tuple[int, int]]:
    """A signature block: a first line of two or three words above contact details is a name."""
    m = SIGNATURE_LINE.match(text)
    if m is None or not (EMAIL_RE.search(text) or NANP_PHONE.search(text) or re.search(r"\+\d|\b(?:phone|box|suite|apt|avenue|street)\b", text, re.I)):
        return []
    name = m.group(1)
    if any(w.lower() in NOT_NAMES or w.lower() in _stop_words() for w in name.split()):
        return []
    return [(i.start(), i.end()) for i in re.finditer(re.escape(name), text)]


def _stop_words() -> frozenset[str]:
    return stop_words()


def _verb_follows(text: str, end: int) -> bool:
    """"Quillon shouted", "Bramwen is": a sentence-initial first name followed by a lowercase word."""
    following = text[end:]
    return (
        re.match(r"(?:'s)? (?:is|was|has|had|will|said|says|shouted|asked|told|lives|works|called|wrote|began|and)\b", following) is not None
        or re.match(r", (?:can|could|would|will|please|I|we|you|do|are)\b", following) is not None  # "Quillon, can I ..."
    )


def _sentence_start(text: str, index: int) -> bool:
    before = text[:index].rstrip()
    return not before or before[-1] in ".!?:\n\"“"


PARTICLES = r"(?:(?:van|von|de|der|den|da|di|du|la|le|del|dos|das|ten|ter|bin|ibn|al|el)\s+){0,3}"
NEXT_NAME_WORD = re.compile(rf"\s({PARTICLES}[^\W\d_][\w'’-]*|[^\W\d_]\.)(?=[\s.,;:!?)\"”'’]|$)")
PREVIOUS_NAME_WORD = re.compile(rf"(?<![\w'’-])({NAME_WORD})\s$")


def _grown(spans: list[tuple[int, int]], text: str, *, cased: bool) -> list[tuple[int, int]]:
    """A found name takes in the name words right next to it: "Oliwier [Nowotny]", "[Quinn D.] van den Velden",
    "[gabriela] mendoza" (a surname of the lists after a first name in lower case)."""
    out = []
    for start, end in spans:
        while (m := NEXT_NAME_WORD.match(text, end)) and _grows(m.group(1), cased=cased):
            end = m.end()
        if cased:
            while (m := PREVIOUS_NAME_WORD.search(text[max(0, start - 40) : start])) and _grows(m.group(1), cased=True, before=True) \
                    and not _sentence_start(text, start - len(m.group())):
                start -= len(m.group())
        while end > start and text[end - 1] == "." and not re.search(r"(?:^|\s)[^\W\d_]\.$", text[start:end]):
            end -= 1
        out.append((start, end))
    return out


def _grows(piece: str, *, cased: bool, before: bool = False) -> bool:
    word = piece.split()[-1]
    if len(word.rstrip(".")) == 1:  # an initial: "Oria K."
        return word.endswith(".") and (word[0].isupper() or not cased)
    low = word.lower().strip("'’")
    if low in NOT_NAMES or low in _stop_words() or low in LEADING or foreign_function_word(low) or re.search(r"['’]s$", word):
        return False
    if cased:
        return word[0].isupper() and not word.isupper() and (_listed_name(word) and not before or unknown_word(word) or not _common(word))
    return _listed_name(word) and not plain(word)


def _with_titles(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    out = []
    for start, end in spans:
        title = NAME_TITLE.search(text[max(0, start - 8) : start])  # "Ms. Oria Vesketh": the title goes too
        out.append((start - len(title.group()) if title else start, end))
    return out


def _same_names(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """A name found once is redacted everywhere in the message ("Oria T. Vesketh ... early Vesketh"),
    and so are the other capitalised items of a list that holds a name ("Vesketh, Quillon and Dornacre")."""
    words = {w.strip(".,'’") for s, e in spans for w in text[s:e].split()}
    words = {w for w in words if len(w) > 2 and _is_cap(w) and w.isalpha() and not w.isupper() and w.lower() not in NOT_NAMES}
    out = []
    if words:
        pattern = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b")
        out += [(m.start(), m.end()) for m in pattern.finditer(text)]
    for m in LIST_OF_NAMES.finditer(text):
        items = [(i.start(), i.end()) for i in re.finditer(NAME_WORD, m.group())]
        if any(s <= m.start() + a < e for a, _ in items for s, e in spans):
            out += [(m.start() + a, m.start() + b) for a, b in items if m.group()[a:b].lower() not in NOT_NAMES]
    return out


def _in_named_list(text: str, index: int) -> bool:
    """Inside a list that the words around call people: "founders: A, B and C", "A and B were engineers"."""
    for m in LIST_OF_NAMES.finditer(text):
        if m.start() <= index < m.end():
            return bool(NAME_CUE_STRONG.search(text[max(0, m.start() - 30) : m.start()])
                        or re.match(r" (?:were|are|have|had|both|together)\b", text[m.end():]))
    return False


LIST_OF_NAMES = re.compile(rf"{NAME_WORD}(?:, {NAME_WORD})*,? (?:and|or|&) {NAME_WORD}")


# the message says this is someone's name: the customer's own, a title, a greeting, a signature
DECLARED = re.compile(
    r"(?:\bmy name is|\bname:|\bname is|\bi am|\bi'm|\bthis is|\bcall me|\bsigned|\bregards,?|\bthanks,?|\bcheers,?|\bdear|"
    r"\b(?:mr|mrs|ms|miss|dr|prof)\.?|\b(?:my|our|his|her) (?:kid|son|daughter|wife|husband|partner|mother|father|mom|dad|friend|colleague|boss|manager))"
    r"\s*$",
    re.I,
)


def declared_name(text: str, start: int) -> bool:
    """Whether the words before `start` say a name follows, or it opens a signature block."""
    if DECLARED.search(text[max(0, start - 30) : start]):
        return True
    m = SIGNATURE_LINE.match(text)
    return m is not None and m.start(1) <= start < m.end(1) and bool(_signature(text))
