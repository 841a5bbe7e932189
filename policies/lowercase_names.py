"""Names written in lower case, which the spaCy model and the rules that read capitals miss: the word after
one that announces a name ("my name is quillon", "call me bramwen", "my colleague mark vesketh", "this is
quillon t. vesketh": `cued_names`, which takes a capitalised word after the surest cues too), and a first name
of the lists where the words around speak of a person ("my kid oria", "bram is very reliable": `lowercase_names`).

Split from policies/person_names.py, whose `people` weighs these with the rest of its evidence, and from
policies/name_cues.py; policies/name_presence.py asks the cues whether the model must look at all.
"""

from __future__ import annotations

import re

from bot.core.words import stop_words
from policies.businesses import a_brand
from policies.name_cues import (
    KIN_CUE,
    NAME_CUE_STRONG,
    RELATIONS,
    SAID_WORD,
    TRADES,
    common,
    is_cap,
    person_next,
)
from policies.name_pairs import kin_word_name
from policies.name_pronouns import first_name_word
from policies.name_requests import lone_request_verb
from policies.name_words import (
    NOT_NAMES,
    Names,
    form_of_address,
    not_a_name,
    plain,
)
from policies.word_classes import WordClasses

# what is said of a person right after a name written in lower case: "oria is very reliable", "bram had given"
LOWER_PERSON_AFTER = re.compile(
    r"(?:['’]s (?:kid|son|daughter|wife|husband|mother|father|family|address|phone)|,? (?:had|has|shouted|said|says|told|asked|"
    r"lives|lived|wrote|began|is very|is a very|is from|was born|and i|just has|can i|could i|would you|please|"
    r"shouted|yelled|flew|spent|is so|was so|is such|has been))\b"
)


# what is said of a person right before a name written in lower case: "shouted at eija", "she named him oria"
LOWER_PERSON_BEFORE = re.compile(r"\b(?:named (?:him|her)|(?:shouted|yelled|spoke|talked|said|wrote|given|gave|speak|talk) (?:at|to)|why is)\s+$")


# where a place follows rather than a person ("at", "in", "near"; not "to" or "from": "send it to oria"),
# unless what is said says a person ("shouted at oria": LOWER_PERSON_BEFORE)
PLACE_WORD_BEFORE = re.compile(r"\b(?:at|in|near|around|visiting)\s+$")


def lowercase_names(text: str, *, in_context: bool = False) -> list[tuple[int, int]]:
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
        possessive = re.search(r"['’]s$", word) is not None and i + 1 < len(tokens) and word[:-2] in first_names
        if possessive:
            word = word[:-2]  # "i'm oria's daughter": the name before its possessive
        if word in first_names and word not in NOT_NAMES and word not in stop_words() and not common(word, first_names_count=True):
            end = tokens[i].end() - (2 if possessive else 0)
            j = i + 1
            while not possessive and j < len(tokens) and j <= i + 2 and text[tokens[j - 1].end() : tokens[j].start()] in (" ", ". ") and (
                (len(tokens[j].group()) == 1 and tokens[j].group() != "i") or (tokens[j].group() not in stop_words() and not common(tokens[j].group(), first_names_count=True))
            ):
                end = tokens[j].end()
                j += 1
            lone = j == i + 1
            if PLACE_WORD_BEFORE.search(text[max(0, tokens[i].start() - 12) : tokens[i].start()]) and not (
                NAME_CUE_STRONG.search(text[max(0, tokens[i].start() - 30) : tokens[i].start()])
                or LOWER_PERSON_BEFORE.search(text[max(0, tokens[i].start() - 20) : tokens[i].start()])
            ):
                i = j  # "a table at itta bena", "rated at hun lee's": a restaurant or a place
                continue
            if not (in_context and lone) or NAME_CUE_STRONG.search(text[max(0, tokens[i].start() - 30) : tokens[i].start()]) or \
                    LOWER_PERSON_AFTER.match(text, end) or LOWER_PERSON_BEFORE.search(text[max(0, tokens[i].start() - 20) : tokens[i].start()]):
                out.append((tokens[i].start(), end))
            i = j
        elif in_context and not possessive and _framed_given_name(text, tokens[i].start(), tokens[i].end()):
            out.append(tokens[i].span())
            i += 1
        else:
            i += 1
    return out


# of LOWER_PERSON_AFTER, what is said only of a person ("is very reliable", "just has to"); not ", please", "can i", "has
# been" ("send my location to steve, please", "how many miles can i drive", "my pto has been used")
PERSON_SAID_AFTER = re.compile(
    r" (?:is very|is a very|is so|was so|is such|shouted|yelled|had given|was born|just has|is from|began writing|lives at|lives on)\b"
)


def _framed_given_name(text: str, start: int, end: int) -> bool:
    """A lone word where only a person stands ("why is ricardo so", "she named him zarina", "zarina is very reliable": the
    frames of LOWER_PERSON_BEFORE and PERSON_SAID_AFTER) that is a given name the test above leaves out: a first name of
    the lists the embedding model knows as a word too, that Webster's does not ("ricardo", "federico"), or one of the
    world's list (policies/world_names.py) that no list of words, products or places knows ("zarina"). Not after a place's
    word ("at", "in"), not a brand's name capitalised elsewhere in the message (policies/businesses.py)."""
    # the frame first: cheap, and most words of a lower-case message stand in none
    before = text[max(0, start - 20) : start]
    if not (PERSON_SAID_AFTER.match(text, end) or LOWER_PERSON_BEFORE.search(before)) or PLACE_WORD_BEFORE.search(before):
        return False
    low = text[start:end].lower()
    return not plain(low) and len(low) >= 3 and first_name_word(low) and not a_brand(text, start, end)


LOWER_CUED = re.compile(
    r"(?i:\bmy name is|\bcalls? me|\bmaiden name is|\blast name(?: is|\?)|\bfirst name(?: is|\?)|\bfollow up with)"
    r"\s+([^\W\d_][\w'’-]+(?:\s[^\W\d_]\.?(?=\s))?(?:\s[^\W\d_][\w'’-]+)?)"
)


# weaker cues: the word after them is a name only when it is no ordinary word ("this is hyuuma t. maida")
LOWER_CUED_WEAK = re.compile(
    r"(?i:\bthis is|\bi'm|\bi am|\bregards,?|\bthanks,?|\bcheers,?|\bsincerely,?|\bbest,|\bsaid|\bsays|\bnamed (?:him|her|them)|"
    # a greeting opening the message or a sentence: "hey oria still not working" (a first name of the lists only, below)
    r"(?:\A|(?<=[.!?\n]) ?)(?:hi|hey|hello|dear)|"
    rf"\b(?:my|our|his|her) (?:{RELATIONS}|{TRADES})|"
    r"\b(?:mother|father|grandmother|grandfather|son|daughter|kid|sister|brother|wife|husband) (?:was|is) (?:called|named)|"
    r"\bdirected by|\bwritten by|\bplayer|\bproducer|\bsongwriter|\buser(?=:)|\bcustomer(?=:)|\bname(?=:)|\bunder (?:the |my )?name|\bby the name)"
    r":?\s+([^\W\d_][\w'’-]+(?:\s[^\W\d_]\.?(?=\s))?(?:\s[^\W\d_][\w'’-]+)?)"
)


GREETING_CUE = re.compile(r"\s*(?i:hi|hey|hello|dear)\b")


def _noun_next(word: str) -> bool:
    """A noun that is no adverb, adjective or function word ("backpack", "account"; not "still", "can", "the")."""
    classes = WordClasses.classes(word)
    return word not in stop_words() and "noun" in classes and not classes & {"adv", "adj"}


def cued_names(text: str) -> list[tuple[int, int]]:
    """The names right after the words that announce one (`LOWER_CUED`; `LOWER_CUED_WEAK`, where a word of
    any chat, a capitalised word or a word of the dictionaries is no name), in the order found."""
    out: list[tuple[int, int]] = []
    cued = [(m, True) for m in LOWER_CUED.finditer(text)] + [(m, False) for m in LOWER_CUED_WEAK.finditer(text)]
    for m, sure in cued:  # "my name is quillon", "call me bramwen", "maiden name is vesketh"; "this is quillon t. vesketh"
        words = m.group(1).split()
        if sure and not_a_name(words[0]):
            continue  # "my name is going to be ...", "call me dad": an ordinary word, not a name
        if re.match(r"(?i)calls? me\b", m.group()) and form_of_address(words[0]):
            continue  # "call me boss", "just call me captain": how to be spoken to, not a name
        if lone_request_verb(text, m.start(1), words[0]):
            continue  # "Thanks, tell Sales I said hi": a request after the thanks, no name signing it
        if GREETING_CUE.match(m.group()) and (plain(words[0]) or (
                (n := re.match(r"\s+([a-z]+)\b", text[m.start(1) + len(words[0]) :])) and _noun_next(n.group(1)))):
            continue  # "hi mate, where is", "hello kitty backpack": a word of any chat, or a greeting's word before a noun
        if not sure and kin_word_name(text, m, words):
            out.append((m.start(1), m.start(1) + len(" ".join(words))))
            continue  # "my colleague mark vesketh cannot log in"
        if not sure and (
            common(words[0]) or words[0].lower() in stop_words() or is_cap(words[0]) or re.search(r"['’]", words[0])
            or (words[0].lower() not in Names.first_names() and (len(words) < 2 or common(words[-1]))
                and not (KIN_CUE.match(m.group()) and person_next(text, m.start(1) + len(words[0]))))
            or SAID_WORD.match(words[0])  # "my friend said it": "Said" is a first name, but not after a person
        ):
            continue  # "this is urgent", "I'm famished", "thanks, you've", "my friend said it": a word, not a name (capitalised ones are the model's)
        keep = words[:1]
        for w in words[1:]:  # initials, and a surname that is no ordinary word
            if len(w.rstrip(".")) == 1 or (w.lower() not in stop_words() and w.lower() not in NOT_NAMES and (sure or not common(w))):
                keep.append(w)
            else:
                break
        while len(keep) > 1 and len(keep[-1].rstrip(".")) == 1:
            keep.pop()
        if words[0].lower() not in NOT_NAMES and words[0].lower() not in stop_words():
            out.append((m.start(1), m.start(1) + len(" ".join(keep))))
    return out
