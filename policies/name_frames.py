"""Names in the frames of a support message that say someone is meant, whatever the name's word is: the one greeted or
thanked ("Hi Chance,", "thanks again Grace!"), the one signing a block of lines under a closing ("Kind regards,\\nOria
Vesk\\nFinance"), the addressee before a street on the same line ("Ship to Oria Vesk, 12 Mill Lane"), and a
Vietnamese name held together by its middle name ("Dang Thi Thu", "Le Van Duc").

The model and the other rules (policies/person_names.py) miss these where the name is an English word too ("Grace",
"Chance", "June": left out of the first-name list as ordinary words, `bot.core.first_names.NOT_NAMES`) or is
written in lower case, or where a signature goes on past its name's line. Here the frame vouches for the name: a
greeting opening the message, a line or a sentence, then one word of the first-name list (gender-guesser's, with the
names that are ordinary words too) and nothing but punctuation or the line's end after it; a name line under a
closing line; a name just before a street the street rules found. Ordinary greetings keep their words: "Hi team,",
"Thanks again!", "Hello there", "Hi, may I ask" (no name of the list, or no punctuation after the word).

Hand-written rather than a library's: no maintained package knows greetings and signatures of support chat; the name
list is gender-guesser's (bot/core/first_names.py), the surnames the Census list (policies/name_words.py).
"""

from __future__ import annotations

import functools
import re

from bot.core.first_names import NOT_NAMES, Names
from bot.core.words import stop_words
from policies.businesses import a_brand
from policies.name_cues import RELATIONS, common
from policies.name_words import NAME_PARTICLES, NameWords, form_of_address, ordinary
from policies.pii_patterns import UPPER

# words of the first-name list that are no one's name when greeted or thanked: the ordinary words of a chat that are no
# first name anywhere, a plan, a device, an assistant, a function word, what anyone is called in a chat ("cheers mate!")
NOT_GREETED_WORDS = frozenset([
    "alexa", "siri", "mac", "free", "silver", "march", "hei", "hey", "moin", "okay", "she", "the", "you", "can",
    "love", "honey", "mate", "buddy", "pal", "friend", "friends", "guys", "folks", "gang", "man", "girl", "kid",
    "sweetie", "babe", "darling", "sunshine",
])


@functools.cache
def not_greeted() -> frozenset[str]:
    """`NOT_NAMES` but for the first names that are ordinary words too ("Grace", "Chance"), and `NOT_GREETED_WORDS`."""
    return (NOT_NAMES - Names.word_first_names()) | NOT_GREETED_WORDS


GREETING = re.compile(
    r"(?:\A|(?<=[.!?\n])[ \t]*)[ \t>]*"
    r"(?i:hi|hiya|hello|hey|dear|good (?:morning|afternoon|evening|day)|morning|afternoon|evening|"
    r"(?:thanks|thank you|many thanks|cheers)(?: (?:again|so much|very much|a lot))?)"
    r"[ \t]*,?[ \t]+"
    rf"((?:(?i:mr|mrs|ms|dr|prof)\.?[ \t]+)?[^\W\d_][\w'’-]*(?:[ \t]+[{UPPER}][\w'’-]*)?)"
    r"[ \t]*(?=[,!.:;]|\s*\Z|[ \t]*\n|[ \t]+-[ \t])"
)
TITLE = re.compile(r"(?i:mr|mrs|ms|dr|prof)\.?[ \t]+")


def _greeted(word: str) -> bool:
    """A first name of the list, the ones that are ordinary words too included, that is no team, plan or assistant."""
    w = word.lower()
    return len(w) > 1 and w not in not_greeted() and w not in stop_words() and not form_of_address(w) \
        and (w in Names.first_names() or w in Names.word_first_names())


def _name_word(word: str) -> bool:
    """A surname or first name of the lists, a particle, or a word no dictionary knows."""
    w = word.lower().rstrip(".")
    if w in NAME_PARTICLES:
        return True
    if w in NOT_NAMES or w in stop_words():
        return False
    return w in Names.first_names() or w in NameWords.surnames() or not ordinary(w)


def greeted_names(text: str) -> list[tuple[int, int]]:
    """Someone greeted or thanked by name where a greeting opens the message, a line or a sentence: "Hi Chance,", "good
    afternoon jade,", "Thanks again Daisuke, that fixed it", "Dear Mr. Vesk,"."""
    out = []
    for m in GREETING.finditer(text):
        start, end = m.span(1)
        if (title := TITLE.match(text, start)) is not None:
            start = title.end()
            words = text[start:end].split()
            if all(_name_word(w) or w[:1].isupper() for w in words):
                out.append((start, end))  # "Dear Mrs. Vesk,": a title vouches for any word
            continue
        words = text[start:end].split()
        if not _greeted(words[0]):
            continue
        if len(words) == 2 and not _name_word(words[1]):
            end = start + len(words[0])
            if text[end:].lstrip(" \t")[:1] not in ",!.:;\n" and text[end:].strip():
                continue
        out.append((start, end))
    return out


CLOSING = re.compile(
    r"(?:\A|\n)[ \t>-]*(?i:thanks|thank you|thx|cheers|regards|kind regards|best regards|warm regards|best|best wishes|sincerely|"
    r"yours sincerely|yours truly|warmly|all the best|talk soon|many thanks|with thanks|saludos|atentamente|un saludo|"
    r"gracias|obrigad[oa]|cordialement|merci|grüße|viele grüße|mit freundlichen grüßen|groeten|pozdrawiam|s pozdravem)"
    r"(?:[ \t]+[^\W\d_]+){0,4}[ \t]*[,.!]*[ \t]*\n"
    r"|(?:\A|\n)[ \t]*--[ \t]*\n"  # the e-mail signature's delimiter line ("-- ")
)
SIGNED_LINE = re.compile(r"[ \t>-]*((?:[^\W\d_][\w'’.-]*)(?:[ \t]+[^\W\d_][\w'’.-]*){0,3})[ \t]*(?:\n|\Z)")


def signed_names(text: str) -> list[tuple[int, int]]:
    """The line under a closing line (its own words no more than four after the closing word: "Thanks a lot,"),
    one to four name words, when at most two short lines follow it (a team, a place: "Abuja branch"). The last line
    alone is policies/person_names.py's `_closing_name`; here the block may go on, and lower case or names that are
    English words ("Robin") count too, when the first word is a first name of the list or a word no dictionary knows."""
    out = []
    for m in CLOSING.finditer(text):
        line = SIGNED_LINE.match(text, m.end())
        if line is None:
            continue
        rest = text[line.end() :].strip("\n")
        if rest.count("\n") > 1 or len(rest) > 60:
            continue  # more than a signature's lines: the message goes on
        words = line.group(1).split()
        first = words[0].lower().rstrip(".")
        if not (_greeted(first) or (not ordinary(first) and first not in NOT_NAMES and first not in stop_words())):
            continue
        if not all(_name_word(w) for w in words[1:]):
            continue
        cased = any(c.isupper() for c in text)
        if cased and not all(w[:1].isupper() or w.lower() in NAME_PARTICLES for w in words):
            continue
        if any(len(w) > 1 and w.isupper() for w in words) or a_brand(text, *line.span(1)):
            continue  # "Thanks,\nJIRA": a product's name or an acronym signs no message
        out.append(line.span(1))
    return out


# "Ship to Oria Vesk, 12 Mill Lane": two to four capitalised words before a comma and the street, opening the line or
# after what sends a parcel somewhere
ADDRESSEE_INLINE = re.compile(
    r"(?:(?:^|\n)[ \t>-]*|(?i:\b(?:to|for|attn\.?|c/o|recipient:?|addressee:?|deliver to|ship to|send to|address:?))[ \t]+)"
    rf"([{UPPER}][\w'’.-]*(?:[ \t]+(?:[{UPPER}][\w'’.-]*|{'|'.join(sorted(NAME_PARTICLES))})){{1,3}})[ \t]*,[ \t]*(?i:(?:house|flat|apt\.?|apartment|unit|suite|no\.?|building)[ \t]+)?$"
)


def addressees_inline(text: str, street_starts: list[int]) -> list[tuple[int, int]]:
    """The name right before a street on the same line, set off by a comma: "Deliver to Oria Vesk, House 21, ...";
    each word a name word (`_name_word`), the first a first name of the list or a word no dictionary knows ("Customer
    Service, 12 Mill Lane" is no one)."""
    out = []
    for start in street_starts:
        line_start = text.rfind("\n", 0, start) + 1
        m = ADDRESSEE_INLINE.search(text, line_start, start)
        if m is None:
            continue
        words = m.group(1).split()
        first = words[0].lower().rstrip(".")
        if first in NOT_NAMES or not (first in Names.first_names() or not ordinary(first)):
            continue
        if not all(_name_word(w) for w in words):
            continue
        out.append(m.span(1))
    return out


# a Vietnamese name's middle word: "Dang Thi Thu", "Le Van Duc" (capitalised words around it)
VIETNAMESE = re.compile(rf"(?<![\w'’-])([{UPPER}][a-zà-ỹ]+ (?:Thi|Van|Thị|Văn) [{UPPER}][a-zà-ỹ]+(?: [{UPPER}][a-zà-ỹ]+)?)(?![\w'’-])")


def vietnamese_names(text: str) -> list[tuple[int, int]]:
    """A capitalised word, "Thi" or "Van", and one or two capitalised words that are no ordinary words after it: a
    Vietnamese name ("Le Van Duc"); "Camper Van Rental" has ordinary words."""
    out = []
    for m in VIETNAMESE.finditer(text):
        words = m.group(1).split()
        if any(ordinary(w) and w.lower() not in Names.first_names() and w.lower() not in NameWords.surnames() for w in words[2:]):
            continue
        if words[0].lower() in NOT_NAMES or words[0].lower() in stop_words():
            continue
        out.append(m.span(1))
    return out


# someone a request is about, whose name is an English word too: "can you let Honey know", "please ask Chance to resend"
ASKED = re.compile(
    r"\b(?i:ask|tell|let|remind|ping|cc)[ \t]+([^\W\d_][\w'’-]*)[ \t]+"
    r"(?=(?i:know\b|to (?!(?:be|do|the|a|an|my|our|me|us|it|you)\b)[a-z]+\b|that\b|about\b|when\b|if\b|whether\b))"
)
# what only someone does, after a name opening a sentence: "Joy asked me whether ...", "Violet and I see it"
PERSON_DID = re.compile(
    r"[ \t]+(?:asked|told|emailed|called|texted|messaged|promised|mentioned|says|said|wrote|suggested|explained|confirmed|"
    r"booked|ordered|paid|signed|sent|forwarded|and I)\b(?![ \t]+(?:up|out|off|by|as)\b)"
)
# a sentence's start, or after "I think": "I think Will changed it"
OPENS = re.compile(r"(?:\A|[.!?\n][ \t]*|\b[Ii] think )$")
MONTHS_AND_DAYS = frozenset([
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
])


def _word_name(word: str, *, cased: bool) -> bool:
    """Capitalised: a first name of the list, the ones that are English words too ("Honey", "Joy") included, but no
    month, day, team or assistant."""
    w = word.lower()
    if len(w) < 3 or w in stop_words() or w in MONTHS_AND_DAYS or form_of_address(w):
        return False
    if word[:1].isupper():
        return w in Names.first_names() or (w in Names.word_first_names() and w not in not_greeted() - {"honey"})
    return False  # in lower case the request's other rules decide (policies/person_slots.py): "tell visa about fraud" is the card


def asked_names(text: str) -> list[tuple[int, int]]:
    """Someone a request is about (`ASKED`), or who did what only someone does opening a sentence (`PERSON_DID`), when
    the name is a word the other rules leave as an English word."""
    cased = any(c.isupper() for c in text)
    out = [m.span(1) for m in ASKED.finditer(text) if _word_name(m.group(1), cased=cased)]
    for m in re.finditer(rf"(?<![\w'’-])([{UPPER}][a-z]+)(?=[ \t])", text):
        w = m.group(1).lower()
        if w in Names.word_first_names() and w not in MONTHS_AND_DAYS and OPENS.search(text, max(0, m.start() - 9), m.start()) \
                and PERSON_DID.match(text, m.end()):
            out.append(m.span(1))
    return [(s, e) for s, e in out if not a_brand(text, s, e)]  # "Chase sent me a new card": the bank


# "My line manager, Oyinkansola, approved it": a relation with a word before it ("line", "new", "account"), then the
# name between commas (policies/person_names.py's `ROLE_APPOSITIVE` takes the relation's word right after "my")
MODIFIED_ROLE = re.compile(
    rf"\b(?i:my|our|your|the|his|her|their) [a-z]+[ -]{RELATIONS}[ \t]*,[ \t]*([{UPPER}][\w'’-]+(?: [{UPPER}][\w'’-]+)?)[ \t]*,"
)


def role_named(text: str) -> list[tuple[int, int]]:
    """The name set off by commas after one's relation with a word before it (`MODIFIED_ROLE`), none of its words an
    ordinary word of a chat or a brand's ("our account manager, Billing, ..." is none)."""
    return [m.span(1) for m in MODIFIED_ROLE.finditer(text)
            if not any(common(w) or w.lower() in NOT_NAMES or w.lower() in stop_words() for w in m.group(1).split())
            and not a_brand(text, *m.span(1))]


def framed_names(text: str, street_starts: list[int]) -> list[tuple[int, int]]:
    """All of the above."""
    return greeted_names(text) + signed_names(text) + addressees_inline(text, street_starts) + vietnamese_names(text) \
        + asked_names(text) + role_named(text)
