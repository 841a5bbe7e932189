"""People in the written forms a message gives a name, beside the frames the other rules read:
- a chat handle or a login made of name words joined by "_", "." or "-" ("@oria_bram.vesketh", "<oria_vesketh> is it down?",
  "my login is oria.vesketh"): each part a first name or surname of the lists or a word no dictionary knows, one at least a
  first name;
- a title with or without its full stop before a surname nothing knows ("Prof Vesketh", "Dott. Dornacre"):
  the model takes "Prof" for part of the sentence and the title rules want the full stop or a name of the lists;
- someone greeted or thanked whose first name only the world's list knows ("Thanks Oria!!", "Hi Bramwen,");
- in a message all in lower case, someone thanked or greeted in Portuguese, Spanish, French, German or Italian ("obrigado,
  oria", "gracias bramwen");
- a first name's order, refund or booking ("Refund for Oria's order");
- a form's label in a message with capitals before a name on its line ("Recipient: Oria", "Passenger: Oria Vesketh");
- the other half of two names joined by a slash, one of them found ("Oria/[Bramwen]").
Not a brand's (policies/businesses.py), and no word of the chat ("@billing_team", "Sr. Developer", "Name: Business Pro").

Hand-written rather than a library's: no maintained package reads these shapes of support chat; the name lists are
gender-guesser's, the Census surnames (policies/name_words.py) and WGND's (policies/world_names.py). Chosen on
bench/dev_pii_messages_privacy42.txt (development, with near misses), the PII tune half, seeds 11-13 and the ordinary tune
halves; no value of an evaluation file.
"""

from __future__ import annotations

import re

from bot.core.first_names import NOT_NAMES, Names
from bot.core.words import stop_words
from policies.businesses import a_brand
from policies.name_cues import common
from policies.name_frames import GREETING, not_greeted
from policies.name_words import (
    NAME_PARTICLES,
    NameWords,
    no_dictionary_word,
    ordinary,
    plain,
    unknown_word,
)
from policies.pii_patterns import UPPER
from policies.world_names import world_first_name

# a handle of two or three parts joined by "_", "." or "-": "@oria_bram.vesketh", "<oria_vesketh>"; not an e-mail or a domain
HANDLE = r"[^\W\d_]{2,}(?:[._-][^\W\d_]{2,}){1,2}"
MENTION = re.compile(rf"(?<![\w.@])@({HANDLE})(?![\w@]|\.[^\W\d_])")
IRC_NICK = re.compile(rf"(?m)^[ \t]*(?:\[[\d:]+\][ \t]*)?<({HANDLE})>")
LOGIN = re.compile(
    rf"\b(?i:(?:login|log-in|username|user name|user id|userid|handle|account name)(?:[ \t]+(?:is|was))?[ \t]*:?)[ \t]+({HANDLE})"
    r"(?![\w@]|\.[^\W\d_])"
)
TITLE = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Herr|Frau|Mme|Mlle|Sr|Sra|Srta|Dott|Dott\.ssa|Sig|Sig\.ra|Ing|Avv)"
# "Prof Vesketh", "Dott. Dornacre": the title, then capitalised words
# (with its full stop an English, German, French or Spanish title is the other rules' already: policies/name_cues.py NAME_TITLE)
TITLED = re.compile(rf"(?<![\w.'’-])((?:{TITLE}|(?:Dott\.ssa|Dott|Ing|Avv|Mx)\.)[ \t]+[{UPPER}][\w'’]*(?:-[{UPPER}][\w'’]*)?(?:[ \t]+[{UPPER}][\w'’]*(?:-[{UPPER}][\w'’]*)?)?)")
# in lower case: thanks or a greeting of another language, then the name ending the clause
FOREIGN_GREETED = re.compile(
    r"(?:\A|[.!?\n][ \t]*)(?:obrigad[oa]|gracias|muchas gracias|hola|merci|bonjour|salut|danke|vielen dank|hallo|grazie|ciao|"
    r"buongiorno|buenos d[ií]as|bom dia|ol[aá])[ \t]*,?[ \t]+([^\W\d_][\w'’-]+)[ \t]*(?=[,!.?]|\Z|\n)"
)
# someone's own order or booking: "Refund for Oria's order"
OWN_ORDER = re.compile(
    rf"(?<![\w'’-])([{UPPER}][a-z]+)['’]s[ \t]+(?:order|orders|refund|booking|bookings|reservation|parcel|package|delivery|"
    r"appointment|subscription|payment|claim|application|flight|tickets)\b"
)
# a form's label, then the name ending its line: "Recipient: Oria", "Passenger: Oria Vesketh"
LABEL = re.compile(
    r"(?:^|(?<=[.;]))[ \t>]*(?i:recipient|addressee|passenger|guest|patient|cardholder|card holder|sender|requester|requested by|"
    r"submitted by|reported by|raised by|assignee|owner|account owner|contact person|employee|student|attendee|beneficiary)"
    rf"[ \t]*:[ \t]*([{UPPER}][\w'’.]*(?:[ \t]+[\w'’.]+){{0,3}})[ \t]*[.]?[ \t]*$",
    re.MULTILINE,
)
# a closing and a name on the same line, ending the message: "Best wishes Oria", "Regards, Oria Vesketh"
CLOSING_INLINE = re.compile(
    r"(?:\A|[.!?\n][ \t]*)(?i:best wishes|best regards|kind regards|warm regards|regards|best|cheers|many thanks|thanks again|"
    r"thank you|thanks|sincerely|bye|saludos|cordialement)[ \t]*[,-]?[ \t]+"
    rf"([{UPPER}][\w'’-]+(?:[ \t]+[{UPPER}][\w'’-]+)?)[ \t]*[.!]*\s*\Z"
)
# what is booked or made for someone: "a table for Oria at 7", "the cake for Bramwen"
BOOKED_FOR = re.compile(
    rf"\b(?i:table|booking|reservation|room|appointment|seat|cake|gift|bouquet|flowers|parcel)[ \t]+(?i:for)[ \t]+([{UPPER}][\w'’-]+)\b"
)
# "The Vesketh family": a surname before "family" or "household"
FAMILY = re.compile(rf"\b(?i:the)[ \t]+([{UPPER}][\w'’-]+)[ \t]+(?i:family|household|family's)\b")
SLASHED = re.compile(rf"(?<![\w'’/-])([{UPPER}][\w'’-]+)/([{UPPER}][\w'’-]+)(?![\w'’/-])")


def _given(word: str) -> bool:
    """A first name of gender-guesser's list that is no ordinary word of a chat, or one only the world's list knows."""
    low = word.lower()
    if len(low) < 2 or low in NOT_NAMES or low in stop_words():
        return False
    return (low in Names.first_names() and not plain(low) and not common(low)) or world_first_name(low[:1].upper() + low[1:])


def _name_part(word: str) -> bool:
    """A first name, a surname of the lists that is no ordinary word, or a word no dictionary knows."""
    low = word.lower()
    if low in NOT_NAMES or low in stop_words():
        return False
    title = low[:1].upper() + low[1:]
    return _given(word) or (low in NameWords.surnames() and not plain(low)) or (len(low) > 3 and (no_dictionary_word(title) or unknown_word(title)))


def _handle_part(word: str) -> bool:
    """`_name_part`, or a first name or surname of the lists that is no word of a chat ("oria" of "@oria_bram.vesketh", were it a word): a
    handle's other part is a name already."""
    low = word.lower()
    return _name_part(word) or ((low in Names.first_names() or low in NameWords.surnames()) and not common(low)
                                and low not in NOT_NAMES and low not in stop_words())


def handle_names(text: str) -> list[tuple[int, int]]:
    """A mention, an IRC nick or a login made of name words, one at least a first name: "@oria_bram.vesketh"."""
    out = []
    for regex in (MENTION, IRC_NICK, LOGIN):
        for m in regex.finditer(text):
            parts = re.split(r"[._-]", m.group(1))
            if all(_handle_part(p) for p in parts) and any(_given(p) for p in parts) and not a_brand(text, *m.span(1)):
                out.append(m.span(1))
    return out


def titled_names(text: str) -> list[tuple[int, int]]:
    """A title, with or without its full stop, before words that are surnames of the lists or that no dictionary knows,
    with the particles between them ("Prof Vesketh", "Dott. Oria Dornacre", "Mrs. Oria de la Vesk"); not a brand's ("Dr
    Oetker") and no ordinary word ("Sr. Developer")."""
    out = []
    for m in TITLED.finditer(text):
        first = re.match(r"\S+[ \t]+", m.group(1))
        start = m.start(1)
        end = None
        for w in re.finditer(r"([^\W\d_][\w'’-]*)[ \t]*", text[m.start(1) + first.end() :]):
            word = w.group(1).rstrip("'’")
            if word in NAME_PARTICLES and end is not None:
                continue
            if not word[:1].isupper() or (word.isupper() and len(word) > 1) or not _surnamed(word):
                break
            end = m.start(1) + first.end() + w.start(1) + len(word)
            if w.group() == w.group(1) or "\n" in w.group():
                break  # punctuation or the line's end after it: the name ends here
        if end is not None and not a_brand(text, start, end):
            out.append((start, end))
    return out


def _surnamed(word: str) -> bool:
    parts = word.split("-")
    return all(p[:1].isupper() and p.lower() not in NOT_NAMES and p.lower() not in stop_words() and not common(p)
               and (no_dictionary_word(p) or unknown_word(p) or (p.lower() in NameWords.surnames() and not plain(p))
                    or _given(p)) for p in parts)


def greeted_world_names(text: str) -> list[tuple[int, int]]:
    """Someone greeted or thanked (policies/name_frames.py's `GREETING`) whose first name only the world's list knows."""
    out = []
    for m in GREETING.finditer(text):
        start, end = m.span(1)
        word = text[start:end].split()[0]
        if word[:1].isupper() and word.lower() not in not_greeted() and world_first_name(word) \
                and not a_brand(text, start, start + len(word)):
            out.append((start, start + len(word)))
    return out


def foreign_greeted(text: str) -> list[tuple[int, int]]:
    """In a message all in lower case, the one thanked or greeted in another language: "obrigado, oria"."""
    if any(c.isupper() for c in text):
        return []
    return [m.span(1) for m in FOREIGN_GREETED.finditer(text) if _given(m.group(1)) and not a_brand(text, *m.span(1))]


def own_orders(text: str) -> list[tuple[int, int]]:
    """A first name whose order, refund or booking is meant: "Refund for Oria's order"."""
    return [m.span(1) for m in OWN_ORDER.finditer(text) if _given(m.group(1)) and not ordinary(m.group(1).lower())
            and not a_brand(text, *m.span(1))]


def labelled_names(text: str) -> list[tuple[int, int]]:
    """A form's label (`LABEL`), then one to four capitalised name words, the first a first name or a surname nothing
    else knows: "Recipient: Oria"; "Owner: Finance Team" is none."""
    out = []
    for m in LABEL.finditer(text):
        words = m.group(1).rstrip(".").split()
        if not _surnamed(words[0].rstrip(".")) and not (len(words) > 1 and len(words[0].rstrip(".")) == 1):
            continue
        if all((w[:1].isupper() and (_surnamed(w.rstrip(".")) or len(w.rstrip(".")) == 1)) or w in NAME_PARTICLES for w in words) \
                and not a_brand(text, m.start(1), m.start(1) + len(m.group(1).rstrip("."))):
            out.append((m.start(1), m.start(1) + len(m.group(1).rstrip("."))))
    return out


def slashed_mates(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The other half of "X/Y" where one half is a found name and the other a first name or a word no dictionary knows."""
    found = {(s, e) for s, e in spans}
    out = []
    for m in SLASHED.finditer(text):
        for have, other in ((1, 2), (2, 1)):
            if any(s <= m.start(have) and m.end(have) <= e for s, e in found) and \
                    not any(s <= m.start(other) and m.end(other) <= e for s, e in found) and _surnamed(m.group(other)) \
                    and not a_brand(text, *m.span(other)):
                out.append(m.span(other))
    return out


def closing_names(text: str) -> list[tuple[int, int]]:
    """A closing and a first name (and a surname) on its line, ending the message: "Best wishes Oria"."""
    out = []
    for m in CLOSING_INLINE.finditer(text):
        words = m.group(1).split()
        if not _given(words[0]) or a_brand(text, *m.span(1)):
            continue
        out.append(m.span(1) if len(words) == 1 or _surnamed(words[1]) else (m.start(1), m.start(1) + len(words[0])))
    return out


def booked_names(text: str) -> list[tuple[int, int]]:
    """Whom a table, a room or a gift is for ("a table for Oria at 7"), and a family called by its surname ("the
    Vesketh family"): a first name or a surname of the lists that is no word of a chat."""
    out = [m.span(1) for m in BOOKED_FOR.finditer(text) if _given(m.group(1)) and not a_brand(text, *m.span(1))]
    for m in FAMILY.finditer(text):
        low = m.group(1).lower()
        if ((low in NameWords.surnames() and not plain(low)) or world_first_name(m.group(1))) and not common(low) \
                and not a_brand(text, *m.span(1)):
            out.append(m.span(1))
    return out


def slashed_pairs(text: str) -> list[tuple[int, int]]:
    """Two first names joined by a slash: "Oria/Bramwen from the office"; not "Sales/Billing"."""
    out = []
    for m in SLASHED.finditer(text):
        if _given(m.group(1)) and _given(m.group(2)) and not a_brand(text, *m.span(1)) and not a_brand(text, *m.span(2)):
            out += [m.span(1), m.span(2)]
    return out


def name_forms(text: str) -> list[tuple[int, int]]:
    """The shapes above that need no found name, as (start, end) spans."""
    return handle_names(text) + titled_names(text) + greeted_world_names(text) + foreign_greeted(text) + own_orders(text) \
        + labelled_names(text) + closing_names(text) + booked_names(text) + (slashed_pairs(text) if "/" in text else [])
