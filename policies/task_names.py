"""People in the frames a support chat leaves for them, whatever the name's word: the one a ticket is assigned or
escalated to, who is looped in, copied or pinged, whose word a message passes on ("per X", "as per X"), who gets a thing
instead of the writer; one greeted or thanked in a message written all in lower case ("thanks oriane,", "hi again,
bramwen here"); a first name whose login, account or laptop is meant ("Oria's login"); a name that the next
sentence calls "he" or "she" ("why does X still get the old rate? he logged out"); a first name opening a sentence with
what someone wants ("Oria needs last year's invoices", not "X needs version 3"); someone asked about as "the one who"
did something ("Is Oria the person who set this up?").

The model and the other rules miss these where the name is of no list (many African, Pacific and South Asian names) or
where the model calls it a place or an organisation. A product or a team is never assigned a ticket, given instead of
the writer or called "he": the words found here are checked not to be ordinary words, acronyms or brands (policies/
businesses.py), and in a message with capitals to be capitalised.

Hand-written rather than a library's: no maintained package knows support chat's frames; the name lists are
gender-guesser's and the Census surnames (policies/name_words.py). Chosen on bench/dev_pii_messages_privacy22.txt, the
PII tune half and seed 11; no value of an evaluation file.
"""

from __future__ import annotations

import re

from bot.core.words import stop_words
from policies.businesses import a_brand
from policies.name_cues import common
from policies.name_frames import not_greeted
from policies.name_words import (
    NOT_NAMES,
    Names,
    NameWords,
    no_dictionary_word,
    plain,
    unknown_word,
)

WORD = r"[^\W\d_][\w'’]*(?:-[^\W\d_][\w'’]*)?"
NAMES = rf"{WORD}(?:[ \t]+{WORD}){{0,2}}"
# a ticket or a task handed to someone: "assigned to X", "escalate this to X", "reassign the ticket to X", "hand it over to X"
ROUTED = re.compile(
    r"\b(?i:(?:re)?assign(?:ed|ing)?|escalat(?:e|ed|ing)|hand(?:ed|ing)?)[ \t]+"
    r"(?:(?i:it|this|that|them|(?:the|this|my|our) [a-z]+)[ \t]+)?(?:(?i:over|on)[ \t]+)?(?i:to)[ \t]+"
    rf"({NAMES})"
)
# someone brought into a thread: "loop in X and Y", "cc X", "ping X"; whose word is passed on: "per X", "as per X"
BROUGHT_IN = re.compile(rf"(?:\b(?i:loop(?:ed|ing)? in|ping|pinged|cc:)|(?:\A|[.!?\n,][ \t]*|\b(?i:please|pls|and|also)[ \t]+)(?i:cc)|(?:\A|[.!?\n][ \t]*|\b(?i:as)[ \t]+)(?i:per))[ \t]+({NAMES}(?:(?:,[ \t]*|,?[ \t]+(?:and|&)[ \t]+){NAMES}){{0,3}})")
# who gets a thing instead of the writer: "goes to X instead of me"
INSTEAD = re.compile(rf"\b(?i:to|for)[ \t]+({NAMES})[ \t]+(?i:instead of (?:me|us)\b)")
# greeted or thanked opening the message or a sentence, in lower case: "thanks oriane,", "hi again, bramwen here"
GREETED_LOWER = re.compile(
    r"(?:\A|[.!?\n][ \t]*)(?:thanks|thank you|thx|cheers|hi|hey|hello)(?:[ \t]+again)?,?[ \t]+([a-z][a-z'’-]+)[ \t]*(?=[,!.]|\Z)"
)
# words of a chat that no dictionary knows, after "thanks" or "hi": "thanks alot,", "hi yall!"
CHAT_WORDS = frozenset({"alot", "thx", "tysm", "pls", "plz", "yall", "bro", "fam", "dude", "sis", "lol", "lmao", "haha", "hehe",
                        "btw", "asap", "omg", "mucho", "muchly", "bunches", "tons", "heaps", "loads"})
HERE_LOWER = re.compile(r"(?:\A|[.!?\n][ \t]*)(?:hi|hey|hello)(?:[ \t]+(?:again|all|team))?,?[ \t]+(?:(?:it'?s|this is)[ \t]+)?([a-z][a-z'’-]+)[ \t]+here\b")
# a first name whose personal things are meant, capitalised: "Oria's login is blocked" (in lower case "steve's account"
# stays the model's and the lists' call)
PERSONAL_THING = re.compile(
    rf"(?<![\w'’-])({WORD})['’]s[ \t]+(?:login|account|password|laptop|phone|profile|inbox|mailbox|seat|licen[cs]e|username|"
    r"calendar|computer|tablet|email|e-mail|access|two-factor|2fa|invoices?|receipts?|payslips?)\b",
    re.IGNORECASE,
)
# ... and a word no dictionary or list knows before what only a person has ("Vaeora's old email", "Quillon's card was
# refused"): a program has no e-mail address or card of its own
OWN_THING = re.compile(
    rf"(?<![\w'’-])({WORD})['’]s[ \t]+(?:(?:(?:old|new|work|personal|private|own)[ \t]+)?(?:password|phone|inbox|mailbox|username|laptop|"
    r"card|credit card|debit card|bank card|birthday|email address|e-mail address)|(?:old|new|work|personal|private|own)[ \t]+e-?mail)\b"
    r"(?![ \t]+(?:app|page|screen|field|form|template|feature|settings?|integration|support|reader|terminal|reminders?|notifications?)\b)",
)
# a word in a question's subject, and "he" or "she" opening the next sentence: "why does X still get ...? he logged out"
SUBJECT_THEN_PRONOUN = re.compile(
    r"\b(?i:does|did|do|can|could|will|would|is|was|has|had|should|can't|won't|doesn't|didn't)[ \t]+"
    rf"({WORD})[ \t]+[^.!?\n]*[.!?][ \t]+(?i:he|she)\b"
)


# a first name opening a sentence, then what only someone wants: "Oria needs last year's invoices", "Oria would like a call"
WISHES = re.compile(r"(?:\A|[.!?\n][ \t]*)([A-Z][a-z]+)[ \t]+(?:needs|wants|would like|is asking for|asked for)\b")
# what a program needs, not someone: "Ruby needs version 3", "X needs an update"
SOFTWARE_NEEDS = re.compile(r"[^.!?\n]{0,30}?\b(?:version|v?\d|update|upgrade|install|reboot|restart|patch|driver|plugin|permission)", re.IGNORECASE)
# "Is Oria the person who set this up?": someone asked about by their role in the team
THE_ONE_WHO = re.compile(r"\b(?i:is|was)[ \t]+([A-Z][a-z]+)[ \t]+the[ \t]+(?:person|one|admin|owner|contact|manager|colleague)[ \t]+who\b")
MONTHS_AND_DAYS = frozenset(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
)


def _first_name(text: str, start: int, end: int) -> bool:
    """A first name of the lists, those that are English words too ("Hope", "Grace") included; no month, day, assistant
    or function word, and no brand's name ("Chase")."""
    low = text[start:end].lower()
    return (low in Names.first_names() or low in Names.word_first_names()) and low not in not_greeted() \
        and low not in MONTHS_AND_DAYS and low not in stop_words() and not a_brand(text, start, end)


def _name(word: str, *, cased: bool, lists_only: bool = False, later: bool = False) -> bool:
    """A word a name can be: no acronym or function word; capitalised in a message with capitals. Capitalised: a first name
    of the lists that is no common word of a chat, a surname of the lists after a first word (`later`: "Oria Smith"), or
    (unless `lists_only`) a word no dictionary knows. In lower case: a first name or surname of the lists that is no word
    of a chat, or a word no dictionary knows."""
    low = word.lower().strip(".,'’")
    if len(low) < 2 or low in NOT_NAMES or low in stop_words() or (len(word) > 1 and word.isupper()):
        return False
    if cased and not word[:1].isupper():
        return False
    listed = low in Names.first_names() or low in NameWords.surnames()
    if listed and ((not plain(low) and not common(low)) or (cased and (not common(low) or (later and low in NameWords.surnames())))):
        return True
    if lists_only or common(low):
        return False
    title = word[:1].upper() + word[1:]
    return len(low) > (2 if later else 3) and (no_dictionary_word(title) or unknown_word(title))


def _names_in(text: str, start: int, group: str, *, cased: bool, lists_only: bool = False) -> list[tuple[int, int]]:
    """The names of a group of one to three words each ("Oria and Bramwen", "Oria Vesketh"): from its first word, as long as
    each word is a name's; a group whose first word is none gives nothing."""
    out: list[tuple[int, int]] = []
    for part in re.finditer(rf"(?<![\w'’])(?:(?!(?i:and)\b){WORD}[ \t]*)+", group):
        words = list(re.finditer(WORD, part.group()))
        kept = []
        for w in words:
            if w.group().lower() in ("and",):
                break
            if not _name(w.group(), cased=cased, lists_only=lists_only, later=bool(kept)):
                break
            kept.append(w)
        if kept:
            s, e = start + part.start() + kept[0].start(), start + part.start() + kept[-1].end()
            if not a_brand(text, s, e):
                out.append((s, e))
    return out


def task_names(text: str) -> list[tuple[int, int]]:
    """All of the above, as (start, end) spans."""
    cased = any(c.isupper() for c in text)
    out = []
    for regex in (ROUTED, BROUGHT_IN, INSTEAD):
        for m in regex.finditer(text):
            out += _names_in(text, m.start(1), m.group(1), cased=cased, lists_only=not cased)
    if not cased:
        for regex in (GREETED_LOWER, HERE_LOWER):
            out += [m.span(1) for m in regex.finditer(text) if _name(m.group(1), cased=False) and m.group(1) not in CHAT_WORDS]
    for m in PERSONAL_THING.finditer(text):
        low = m.group(1).lower()
        if cased and m.group(1)[:1].isupper() and low in Names.first_names() and low not in NOT_NAMES and not plain(low) \
                and not a_brand(text, *m.span(1)):
            out.append(m.span(1))
    if cased and "s " in text:
        out += [m.span(1) for m in OWN_THING.finditer(text) if m.group(1)[:1].isupper() and _name(m.group(1), cased=True)
                and not a_brand(text, *m.span(1))]
    out += [m.span(1) for m in WISHES.finditer(text) if _first_name(text, *m.span(1)) and not SOFTWARE_NEEDS.match(text, m.end())]
    out += [m.span(1) for m in THE_ONE_WHO.finditer(text) if _first_name(text, *m.span(1))]
    for m in SUBJECT_THEN_PRONOUN.finditer(text):
        # capitalised, a name of the lists only: "Why does Mozilla crash? He reinstalled it" is a product's
        if _name(m.group(1), cased=cased, lists_only=cased) and not a_brand(text, *m.span(1)):
            out.append(m.span(1))
    return out
