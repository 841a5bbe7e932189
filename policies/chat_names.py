"""People in the shapes a chat message gives them, whatever the name's word: an "@" mention ("@oria can you check"), a
Japanese or Korean honorific after the name ("Vesketh-san"), "Hi all, Oria here." and "hi, oria again" opening a
message, a lone name signing off after a dash ("thx - oria"), someone at a site or a team saying so ("Oria at the depot
says ..."), a cleft question ("Was it Oria or Bram who ...?"), one told or asked something in a lower-case message ("pls
tell oria the box came broken"), an initial and a surname in lower case ("r. vesketh"), a first name and a surname in
lower case with their things ("oria vesketh's"), a first name and a surname in a message written all in capitals
("CALL ORIA VESKETH"), a forwarded e-mail's "From:" line, a quoted reply's author ("> Oria wrote:"), someone with the
writer ("me and oria both ...") and who writes in Spanish, Portuguese, French or Italian ("Hola, soy Oria").

The model misses these where the name is of no list (many African, Pacific and South Asian names) or where the message
has no capitals (or only capitals). A product or a team is never "@"-mentioned by a name's word, addressed as "-san",
signs after a dash or is asked "was it X who": the words found here are checked as policies/task_names.py checks its own
(no ordinary word, acronym, function word or brand; capitalised in a message with capitals); "tell X the ..." and the
initials count in lower-case messages only, and the capitals' pairs take names of the lists.

Hand-written rather than a library's: no maintained package knows these chat shapes; the name lists are gender-guesser's
and the Census surnames (policies/name_words.py). Chosen on bench/dev_pii_messages_privacy24.txt (its first batch; the
last four shapes on its third), the PII tune half, seed 11, the blind tune half and the ordinary tune half; no value of an
evaluation file.
"""

from __future__ import annotations

import itertools
import re

from bot.core.words import stop_words
from policies.businesses import a_brand
from policies.name_cues import common
from policies.name_words import (
    NOT_NAMES,
    Names,
    NameWords,
    lower_pair,
    no_dictionary_word,
    plain,
)
from policies.task_names import CHAT_WORDS, WORD, _first_name, _name

# "@oria can you check", "thanks @Oria": a mention, not an e-mail ("a@b.com") or a handle's domain
MENTION = re.compile(r"(?<![\w.@])@([^\W\d_][\w'’]*(?:[.-][^\W\d_][\w'’]*)?)(?![\w@]|\.[^\W\d_])")
# what chat tools mention that is no one: "@here", "@channel", "@everyone"
NO_ONE = frozenset({"here", "channel", "everyone", "all", "team", "admin", "admins", "support", "help", "mods", "bot"})
# Japanese and Korean honorifics after a name: "Vesketh-san", "Oria-sama", "Bram-ssi"
HONORIFIC = re.compile(r"(?<![\w'’-])([^\W\d_][\w'’]*)-(?:san|sama|kun|chan|sensei|senpai|ssi|nim)\b", re.IGNORECASE)
GREETING = r"(?:\A|[.!?\n][ \t]*)(?i:hi|hey|hello|hiya|morning|good (?:morning|afternoon|evening))"
# "Hi all, Oria here.", "Hello team, it's Oria Vesketh here", "hi, oria again"
HERE = re.compile(
    rf"{GREETING}(?:[ \t]+(?i:all|team|everyone|again|there|folks|guys|y'all))?[ \t]*[,!]?[ \t]+(?:(?i:it'?s|this is)[ \t]+)?"
    rf"({WORD}(?:[ \t]+(?!(?i:here|again)\b){WORD})?)[ \t]*,?[ \t]+(?i:here|again)\b"
)
# "thx - oria", "Thanks, -- Oria": a lone word after a closing and a dash, ending the message
SIGNED = re.compile(
    r"(?:\A|[\s.!?,])(?i:thanks|thank you|thx|thnx|tks|ty|tyvm|cheers|regards|best|rgds|br|kr)[ \t]*,?[ \t]*(?:-{1,2}|–|—|~)[ \t]*"
    rf"({WORD})[ \t]*[.!]?\s*\Z"
)
SAID = r"(?:said|says|told (?:me|us)|mentioned|promised|confirmed|explained|reckons|thinks)"
# someone at a site or a team, saying so: "Oria at the depot says", "Oria from our warehouse reports"
SITE = (r"depot|warehouse|office|front desk|desk|reception|store|shop|branch|site|plant|factory|lab|clinic|kitchen|"
        r"accounts|billing|finance|sales|support|hr|it|payroll|marketing|logistics|team")
AT_SITE_SAYS = re.compile(
    rf"(?:\A|[.!?\n][ \t]*)({WORD}(?:[ \t]+{WORD})?)[ \t]+(?:at|from|in)[ \t]+(?:the|our)[ \t]+(?i:{SITE})[ \t]+"
    rf"(?:{SAID}|reports|reported|asks|asked|noticed|found|can't|cannot|couldn't)\b"
)
# "Was it Oria or Bram who found it?", "It was Oria who set it up"
CLEFT = re.compile(rf"\b(?:(?i:was|is)[ \t]+(?i:it)|(?i:it)[ \t]+(?i:was|is))[ \t]+({WORD}(?:[ \t]+(?i:or|and)[ \t]+{WORD})?)[ \t]+(?i:who)\b")
# one told, asked or reminded something, in a lower-case message: "pls tell oria the box came broken"
TOLD = re.compile(r"\b(?:tell|ask|remind)[ \t]+([a-z][\w'’-]+)[ \t]+(?:the|that|to|about|if|whether|when|i|we|my|our|his|her)\b")
# an initial or two and a surname in lower case: "belongs to r. vesketh", "a. k. vesketh"
INITIALLED = re.compile(r"(?<![\w.@])((?:[a-z]\.[ \t]*){1,2}[a-z][\w'’-]{3,})\b")
# a first name and a surname in lower case whose things are meant: "merge it with oria vesketh's"
LOWER_POSSESSIVE = re.compile(r"(?<![\w'’-])([a-z]+)[ \t]+([a-z]+)['’]s\b")
# a forwarded e-mail's header line: "From: Oria Vesketh", "Cc: Oria Vesketh <oria@...>"
HEADER = re.compile(rf"(?m)^[ \t>]*(?:From|To|Cc|Bcc|Von|De|Para|Da)[ \t]*:[ \t]*({WORD}(?:[ \t]+{WORD}){{0,2}})[ \t]*(?:<[^>\n]*>)?[ \t]*$")
# a quoted reply's author: "> Oria wrote:", "On Monday, Oria Vesketh wrote:"
WROTE = re.compile(
    rf"(?:^|(?<=[>\n,])[ \t]*)({WORD}(?:[ \t]+{WORD}){{0,2}})[ \t]+(?i:wrote|schrieb|escribió|a écrit|escreveu|ha scritto)[ \t]*:", re.MULTILINE
)
# someone together with the writer: "me and oria both get error 502", "Oria and I manage the store"
WITH_ME = re.compile(rf"\b(?i:me|myself)[ \t]+(?i:and|&)[ \t]+({WORD})\b|(?<![\w'’-])({WORD})[ \t]+(?i:and|&)[ \t]+(?:I|me|myself)\b")
WITH_ME_WORDS = re.compile(r"\b(?i:me|myself)[ \t]+(?i:and|&)[ \t]|[ \t](?i:and|&)[ \t]+(?:I|me|myself)\b")  # WITH_ME's cheap first look
# who writes, in Spanish, Portuguese, French or Italian: "Hola, soy Oria", "aqui é o Oria", "je suis Oria", "sono Oria"
SELF_INTRO = re.compile(r"\b(?i:soy|aqu[ií][ \t]+(?:es|habla)|aqui[ \t]+(?:é|fala)[ \t]+(?:o|a)|sou[ \t]+(?:o|a)|je suis|sono)[ \t]+([A-Z][\w'’]*(?:[ \t]+[A-Z][\w'’]*)?)")
CAPS_WORD = re.compile(r"[A-Z][A-Z'’-]*[A-Z]")


def _word_of_a_name(word: str, *, cased: bool) -> bool:
    """A name's word where the frame already says someone is meant: `_name`'s test, or a first name of the lists that is
    no common word or function word ("ben" signs as well as "Oria")."""
    low = word.lower()
    if low in NOT_NAMES or low in stop_words() or low in CHAT_WORDS:
        return False
    return _name(word, cased=cased) or (low in Names.first_names() and not common(low) and (not cased or word[:1].isupper()))


def _group(text: str, start: int, group: str, *, cased: bool, strict: bool = False) -> list[tuple[int, int]]:
    """The names of "Oria", "Oria Vesketh" or "Oria or Bram": each word a name's, or nothing. `strict`: `_name`'s test
    only, where a verb could stand in the name's place ("for me and tell them ...")."""
    out = []
    for part in re.split(r"[ \t]+(?i:or|and)[ \t]+", group):
        offset = group.index(part)
        words = part.split()
        if words and all(_name(w, cased=cased) if strict else _word_of_a_name(w, cased=cased) for w in words):
            s, e = start + offset, start + offset + len(part)
            if not a_brand(text, s, e):
                out.append((s, e))
    return out


def _caps_pairs(text: str) -> list[tuple[int, int]]:
    """In a message written all in capitals, a first name of the lists then a surname of the lists (or a word no
    dictionary knows): "PLEASE CALL ORIA VESKETH"."""
    words = list(CAPS_WORD.finditer(text))
    out = []
    for a, b in itertools.pairwise(words):
        if text[a.end() : b.start()].strip(" \t"):
            continue
        first, last = a.group().lower(), b.group().lower()
        if first not in Names.first_names() or plain(first) or first in stop_words() or first in NOT_NAMES:
            continue
        title = last[:1].upper() + last[1:]
        if (last in NameWords.surnames() and not plain(last)) or re.fullmatch(r"o['’]\w+", last) or no_dictionary_word(title):
            out.append((a.start(), b.end()))
    return out


def chat_names(text: str) -> list[tuple[int, int]]:
    """All of the above, as (start, end) spans."""
    cased = any(c.isupper() for c in text)
    out: list[tuple[int, int]] = []
    for m in MENTION.finditer(text):
        word = m.group(1)
        if word.lower() not in NO_ONE and all(_word_of_a_name(w, cased=False) for w in re.split(r"[.-]", word)) \
                and not a_brand(text, *m.span(1)):
            out.append(m.span(1))
    for m in HONORIFIC.finditer(text):
        low = m.group(1).lower()
        if len(low) > 1 and not plain(low) and low not in stop_words() and low not in NOT_NAMES:
            out.append(m.span(1))
    # WROTE tries a name at every word: only where a colon is
    for regex in (HERE, CLEFT, HEADER, SELF_INTRO) + ((WROTE,) if ":" in text else ()):
        for m in regex.finditer(text):
            out += _group(text, m.start(1), m.group(1), cased=cased)
    for m in WITH_ME.finditer(text) if WITH_ME_WORDS.search(text) else ():
        group = 1 if m.group(1) is not None else 2
        out += _group(text, m.start(group), m.group(group), cased=cased, strict=True)
    for m in SIGNED.finditer(text):
        out += _group(text, m.start(1), m.group(1), cased=cased)
    for m in AT_SITE_SAYS.finditer(text):
        if all(_name(w, cased=True) or _first_name(w, 0, len(w)) for w in m.group(1).split()) and not a_brand(text, *m.span(1)):
            out.append(m.span(1))
    if not cased:
        for m in TOLD.finditer(text):
            if _name(m.group(1), cased=False) and m.group(1) not in CHAT_WORDS and not a_brand(text, *m.span(1)):
                out.append(m.span(1))
        if "'s" in text or "’s" in text:
            out += [(m.start(1), m.end(2)) for m in LOWER_POSSESSIVE.finditer(text) if lower_pair(m.group(1), m.group(2))]
        for m in INITIALLED.finditer(text):
            surname = re.search(r"[a-z][\w'’-]{3,}\Z", m.group(1))
            if surname and _name(surname.group(), cased=False, later=True):
                out.append(m.span(1))
    elif not any(c.islower() for c in text):
        out += _caps_pairs(text)
    return out
