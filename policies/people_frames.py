"""People in frames a support chat gives only to someone: a word opening a sentence that "says" something ("Oria says the
export is blank"), two who share a thing ("Oria and Bram share one login"), one checked with, chatted, spoken or talked to
("check with Oria", "I spoke to Oria", "talked with oria"), a name and a colon opening the message ("Oria: the app logs me
out"), and a first name before a lower-case Arabic "al-" surname ("oria al-vesketh").

The model misses these where the name is of no list (many African, Pacific and Central Asian names) or where the message
has no capitals. Products, teams and companies stand in the same frames ("Stripe says", "check with IT", "talked with Apple
support", "Note: ..."): every word found here is checked as policies/task_names.py checks its own (no ordinary word,
acronym, function word or brand of policies/businesses.py; capitalised in a message with capitals). A first name that is
an English word too ("Gift", "Precious") counts only when "he" or "she" follows in the message.

Hand-written rather than a library's: no maintained package knows these chat frames; the name lists are gender-guesser's
and the Census surnames (policies/name_words.py). Chosen on bench/dev_pii_messages_privacy26.txt (development, with near
misses), the PII tune half, seed 11, the blind tune half and the ordinary tune half; no value of an evaluation file.
"""

from __future__ import annotations

import re
from functools import cache

from bot.core.words import stop_words
from policies.businesses import a_brand
from policies.name_words import NOT_NAMES, Names, NameWords, plain
from policies.places import COUNTRIES, US_STATES
from policies.product_names import product_titles
from policies.task_names import CHAT_WORDS, MONTHS_AND_DAYS, WORD, _name

OPENS = r"(?:\A|[.!?\n][ \t]*)"
# a word opening a sentence that says something: "Oria says the export is blank"
SAYS = re.compile(rf"{OPENS}({WORD})[ \t]+says\b")
# who said what is quoted before: '"We will refund you," said Oria.', '"... direction," says huguet.'
QUOTED_SAYS = re.compile(rf"[,!?][\"”'’][ \t]+(?i:says|said|replied|wrote|asked)[ \t]+({WORD}(?:[ \t]+{WORD})?)[ \t]*(?=[.!?,]|\Z)")
# two who share a thing: "Oria and Bram share one login"
SHARE = re.compile(rf"(?<![\w'’-])({WORD})[ \t]+(?:and|&)[ \t]+({WORD})[ \t]+share[ds]?\b")
# one checked with, chatted, spoken or talked to: "check with Oria", "I spoke to Oria", "chatting with oria"
# talked or chatted to (policies/word_names.py reads a first name that is an English word too after these words only:
# one checks with a bank or a card network as often, "check with Chase", "check with Visa")
TALKED_WITH = r"\b(?:(?i:chat(?:ted|ting)?)[ \t]+(?i:with|to)|(?i:spoke|speak(?:ing)?|talk(?:ed|ing)?)[ \t]+(?i:to|with))"
SPOKEN_WITH = rf"(?:\b(?i:check(?:ed|ing)?)[ \t]+(?i:with)|{TALKED_WITH})"
SPOKEN_TO = re.compile(rf"{SPOKEN_WITH}[ \t]+({WORD}(?:[ \t]+{WORD})?)")
# a name and a colon opening the message: "Oria: the app logs me out", "Oria Vesketh: can someone reset my 2FA?"
# what follows is English words ("the app", "can someone"), not a form's value ("Indirizzo: Via Nazionale 54")
COLON = re.compile(rf"\A[ \t]*({WORD}(?:[ \t]+{WORD}){{0,2}})[ \t]*:[ \t]+([^\W\d_]+)(?![ \t]+[A-Z])")
# a first name then a lower-case Arabic surname: "oria al-vesketh", "Bram el-vesketh"
AL_SURNAME = re.compile(r"(?<![\w'’-])([A-Za-z][a-z]+)[ \t]+((?:al|el)-[a-z]{3,})\b")
# a team or a company's desk right after the word: "talk to India support", "spoke to Acme customer service"
TEAM_AFTER = re.compile(r"[ \t]+(?i:support|team|customer service|customer care|help ?desk|helpline|sales|billing|office|staff)\b")
PRONOUN = re.compile(r"\b(?:he|she|him|his|her)\b", re.IGNORECASE)
# what a person says and a program does not: "says hi", "says he ...", "says her card ..."
SAYS_AS_SOMEONE = re.compile(r"[ \t]+(?i:hi|hello|thanks)\b|[^.!?\n]*\b(?i:he|she|his|her|him)\b")
# a company spoken to is "they" in the same sentence: "I spoke to Telco and they say the line is fine"
THEY_NEXT = re.compile(r"[^.!?\n]*?\b(?i:they|them|their)\b")


def _english_first_name(text: str, start: int, end: int) -> bool:
    """A capitalised first name that is an English word too ("Gift", "Precious"), where "he" or "she" follows."""
    word = text[start:end]
    low = word.lower()
    return word[:1].isupper() and low in Names.word_first_names() and low not in MONTHS_AND_DAYS \
        and low not in stop_words() and PRONOUN.search(text, end) is not None and not a_brand(text, start, end)


@cache
def _regions() -> frozenset[str]:
    """The US states' and the countries' names of one word, lower-cased (policies/places.py): "India", "Jordan"."""
    return frozenset(n.strip().lower() for n in (US_STATES + "|" + COUNTRIES).replace("\n", " ").split("|") if n.strip())


def _listed(text: str, start: int, end: int) -> bool:
    word = text[start:end]
    low = word.lower()
    return word[:1].isupper() and (low in Names.first_names() or low in Names.word_first_names()) and low not in MONTHS_AND_DAYS \
        and low not in stop_words() and low not in product_titles() and low not in _regions() and not a_brand(text, start, end)


def _lower_listed(group: str) -> bool:
    low = group.split()[0].lower()
    return (low in Names.first_names() or low in NameWords.surnames()) and not plain(low)


def _person(text: str, start: int, end: int, *, cased: bool, later: bool = False) -> bool:
    word = text[start:end]
    low = word.lower()
    if low in CHAT_WORDS or low in NOT_NAMES or low in product_titles() or low in _regions() or a_brand(text, start, end) \
            or TEAM_AFTER.match(text, end):
        return False
    return _name(word, cased=cased, later=later) or _english_first_name(text, start, end)


def _words(text: str, start: int, group: str, *, cased: bool) -> list[tuple[int, int]]:
    """The span of a group's words from its first, as long as each is a name's word; nothing if the first is none."""
    kept: list[tuple[int, int]] = []
    for w in re.finditer(WORD, group):
        s, e = start + w.start(), start + w.end()
        if not _person(text, s, e, cased=cased, later=bool(kept)):
            break
        kept.append((s, e))
    return [(kept[0][0], kept[-1][1])] if kept else []


def people_frames(text: str) -> list[tuple[int, int]]:
    """All of the above, as (start, end) spans."""
    cased = any(c.isupper() for c in text)
    out: list[tuple[int, int]] = []
    if "says" in text:
        # a program says things too ("Intune says compliance ..."): a first name of the lists, or one who says hi or is
        # "he" or "she"; never in a message with no capitals ("calender says tomorrow is")
        out += [m.span(1) for m in SAYS.finditer(text) if cased and _person(text, *m.span(1), cased=cased)
                and (_listed(text, *m.span(1)) or SAYS_AS_SOMEONE.match(text, m.end()))]
    if "sa" in text or "wr" in text or "rep" in text:
        for m in QUOTED_SAYS.finditer(text):
            out += _words(text, m.start(1), m.group(1), cased=cased)
    if "share" in text:
        for m in SHARE.finditer(text):
            one, two = _person(text, *m.span(1), cased=cased), _person(text, *m.span(2), cased=cased)
            # beside a name, a first name that is an English word too: "Sunny and Oria share the manager account"
            if (one or _listed(text, *m.span(1))) and (two or _listed(text, *m.span(2))) and (one or two):
                out += [m.span(1), m.span(2)]
    for m in SPOKEN_TO.finditer(text):
        # in lower case, a word no list knows only where "he" or "she" follows ("chat with somenoe" is a typo)
        if not THEY_NEXT.match(text, m.end(1)) and (cased or _lower_listed(m.group(1)) or PRONOUN.search(text, m.start(1))):
            out += _words(text, m.start(1), m.group(1), cased=cased)
    if ":" in text:
        for m in COLON.finditer(text):
            if m.group(2).lower() in stop_words() and _all_names(text, m.start(1), m.group(1), cased=cased):
                out.append(m.span(1))
    if "l-" in text:
        for m in AL_SURNAME.finditer(text):
            low = m.group(1).lower()
            if low in Names.first_names() and low not in stop_words() and low not in NOT_NAMES and not a_brand(text, *m.span(1)):
                out.append((m.start(1), m.end(2)))
    return out


def _all_names(text: str, start: int, group: str, *, cased: bool) -> bool:
    """Every word of the group a name's (a colon's label is a name or nothing: "Oria Vesketh:", not "Order status:")."""
    words = list(re.finditer(WORD, group))
    return all(_person(text, start + w.start(), start + w.end(), cased=cased, later=i > 0) for i, w in enumerate(words))
