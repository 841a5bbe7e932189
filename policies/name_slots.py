"""Names written in lower case in the slot a request leaves for a name: "please change it to oria vesketh",
"maybe it's under oria vesketh", "add oria vesketh as a beneficiary", "hi oria, my card ...".

A customer writing all in lower case gives the model nothing to go by, and the name lists alone miss a
name one of whose words is an English word too ("ruby", "baker", "lane"). Where the request itself
says a name stands, a first name of the lists (or a word no dictionary knows) opening the slot and
running to the end of the clause is taken, with the surname words after it. Ordinary requests of the
same shape stay: "change it to dark mode", "it's under review", "add my wife as a beneficiary" (the slot
must open with a first name or an unknown word, and hold no function word).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.core.common_words import common_words
from bot.core.first_names import NOT_NAMES, Names
from bot.core.words import stems, stop_words
from policies.businesses import a_brand
from policies.name_words import NAME_PARTICLES, NameWords, ordinary
from policies.pii_patterns import UPPER

# what a person is made on an account: "add X as a beneficiary", "X as guardian"
ROLE_AFTER = re.compile(
    r"\s+as (?:an? |the |my |our )?(?:beneficiary|beneficiaries|guardian|co-?signer|co-?owner|joint (?:owner|holder)|authori[sz]ed user|"
    r"next of kin|emergency contact|dependent|dependant|nominee|executor|trustee|power of attorney)\b",
    re.IGNORECASE,
)

# what leaves a slot for a name right after it
SLOT_CUE = re.compile(
    r"(?:\b(?:change|correct|update|rename|spell)\w* (?:it|my name|the name|his name|her name|their name|the account name)"
    r"(?: on (?:the|my) (?:account|card|booking|order|ticket))? to"
    r"|\b(?:it['’]?s|it is|is it|was it|maybe|probably|booked|registered|listed|reserved|filed|saved) under"
    r"(?! (?:the |my |his |her |our |their )?(?:[^\W\d_]+['’]s )?name\b)"  # "it's under my partner's name X": the next cue's
    r"|\bunder (?:the |my |his |her |our |their )?(?:[^\W\d_]+['’]s )?name(?: of)?:?"
    r")\s+",
    re.IGNORECASE,
)
# a greeting to someone: "hi oria, my card ..." (a first name no English dictionary has: "hi mate," stays)
GREETING = re.compile(r"(?:\A|[.!?\n]\s*)(?:hi|hello|hey|dear) ([^\W\d_]+)(?=[,!])", re.IGNORECASE)
# "add oria vesketh as a beneficiary": the slot between "add" and the role
ADD = re.compile(r"\b(?:add|adding|added|include|name|nominate|make|list)\s+", re.IGNORECASE)
SLOT_WORD = re.compile(r"[^\W\d_][\w'’-]*\.?")
# where the clause of the slot ends: the name must reach it ("change it to oria vesketh please")
CLAUSE_END = re.compile(
    r"\s*(?:[.,!?;:)\n\"”]|\Z|-\s|–|—|\s(?:please|pls|thanks|thank|instead|and|as|if|so|because|but|since|from|on|in|for|or)\b)",
    re.IGNORECASE,
)


def _opens(word: str) -> bool:
    """A first name of the lists, or a word no dictionary knows ("quillon"), that is no function word."""
    w = word.lower()
    return len(w) > 1 and w not in NOT_NAMES and w not in stop_words() and (w in Names.first_names() or not ordinary(w))


def _opens_a_pair(word: str, following: str) -> bool:
    """A word a chat never uses ("quern": Webster's lists it, the embedding model does not know it) before a
    surname no dictionary has: "maybe it's under quern vesketh"."""
    w = word.lower()
    return len(w) > 1 and w not in common_words() and w not in NOT_NAMES and w not in stop_words() and _continues(following) \
        and not ordinary(following) and len(following.rstrip(".")) > 1


def _continues(word: str) -> bool:
    """A surname or first name of the lists, a particle, an initial or a word no dictionary knows."""
    w = word.lower()
    if len(w.rstrip(".")) == 1:
        return w.endswith(".")
    if w in NAME_PARTICLES:
        return True
    if w.endswith(".") or w in NOT_NAMES or w in stop_words():
        return False
    return w in Names.first_names() or w in NameWords.surnames() or not ordinary(w)


def _slot(text: str, start: int, *, stop: int | None = None) -> tuple[int, int] | None:
    """The name opening at `start`: up to four name words, ending at the clause's end (or at `stop`)."""
    words = list(SLOT_WORD.finditer(text, start, stop if stop is not None else len(text)))
    if not words or words[0].start() != start:
        return None
    if not _opens(words[0].group().rstrip(".")) and not (
        len(words) > 1 and text[words[0].end() : words[1].start()] == " " and _opens_a_pair(words[0].group(), words[1].group())
    ):
        return None
    end = words[0].end()
    for prev, w in zip(words, words[1:4]):
        if text[prev.end() : w.start()] != " " or not _continues(w.group()):
            break
        end = w.end()
    end -= text[start:end].endswith(".") and not re.search(r"(?:^|\s)[^\W\d_]\.$", text[start:end])
    if end == words[0].end() and words[0].group().rstrip(".").lower() not in Names.first_names():
        return None  # "change it to venmo": a lone word no dictionary knows is rather a product's name
    if stop is not None:
        return (start, end) if not text[end:stop].strip() else None
    return (start, end) if CLAUSE_END.match(text, end) else None


# "oria vesketh, the graphic designer, said": a name opening a sentence, its role set off by commas, then speech
APPOSITION = re.compile(
    r"(?:\A|(?<=[.!?\n])\s*)(?=[^\W\d_])([^,\n]{2,40}), the [^,\n]{1,60}(?:, [^,\n]{1,60})?, (?:said|says|told|wrote|added|explained)\b"
)


# a form's line: "name:    oria vesketh", "full name: lo vesketh"; an address's first line: "billing address: oria vesketh"
NAME_FIELD = re.compile(
    r"^[ \t>]*(?:(?:full |first |last |customer |contact |account holder |card ?holder )?name|[\w ]{0,20}address|ship to|deliver to|attn\.?|recipient)"
    r"[ \t]*:[ \t]*(?=[^\W\d_])([^\n]{2,60}?)[ \t]*$",
    re.M,
)


def _field_value(value: str) -> bool:
    """Every word a name's: a first name or surname of the lists, a particle, an initial or a word no dictionary knows."""
    words = value.split()
    return 1 <= len(words) <= 4 and all(SLOT_WORD.fullmatch(w) for w in words) and all(_continues(w) for w in words) \
        and not all(len(w.rstrip(".")) == 1 or w in NAME_PARTICLES for w in words)


def slot_names(text: str) -> list[tuple[int, int]]:
    """Names in the slots of a message written all in lower case (`SLOT_CUE`, "add ... as a beneficiary")."""
    if any(c.isupper() for c in text):
        return []  # capitalised names are the model's and the cues' of policies/person_names.py
    out = []
    for m in SLOT_CUE.finditer(text):
        if (span := _slot(text, m.end())) is not None:
            out.append(span)
    out += [(m.start(1), m.end(1)) for m in NAME_FIELD.finditer(text) if _field_value(m.group(1))]
    out += [(m.start(1), m.end(1)) for m in GREETING.finditer(text) if m.group(1).lower() in Names.first_names() and _opens(m.group(1))
            and not ordinary(m.group(1))]
    for m in APPOSITION.finditer(text):
        if (span := _slot(text, m.start(1), stop=m.end(1))) is not None and span[1] > text.find(" ", span[0]):
            out.append(span)  # two words at least: "support, the team, said" has no first name, "ana, the ..." is too short to tell
    for m in ROLE_AFTER.finditer(text):
        add = None
        for a in ADD.finditer(text, max(0, m.start() - 60), m.start()):
            add = a
        if add is not None and (span := _slot(text, add.end(), stop=m.start())) is not None:
            out.append(span)
    return out


# who is given something of one's own: "I gave X my card number", "had given x his address", "sent X our invoice" (a
# possessive after the slot: "sent Acme the logs" may send it to a company, "my", "his", "our" things go to someone)
GIVEN_TO = re.compile(
    r"\b(?:gave|given|give|gives|giving|sent|send|sends|sending|showed|shown|show|handed|hand|lent|lend|owe|owed|owes|"
    r"forwarded|forward|emailed|e-mailed|texted|messaged|mailed|promised|offered|paid)\s+"
    rf"((?:[{UPPER}][\w'’-]+|[{UPPER}]\.)(?:\s(?:[{UPPER}][\w'’-]+|[{UPPER}]\.)){{0,2}}|[^\W\d_][\w'’-]+(?:\s[^\W\d_][\w'’.-]*){{0,2}}?)"
    r"\s+(?=(?:my|his|her|their|our|your)\s+[^\W\d_])",
    re.IGNORECASE,
)


def _surname(word: str) -> bool:
    """A surname of the lists that is no ordinary word ("Caldwell": the embedding model knows it, Webster's does not
    list it as a word; "Sales" is one)."""
    w = word.lower()
    english = NameWords.english()
    return w in NameWords.surnames() and w not in english and not any(s in english for s in stems(w))


def recipient_names(text: str, *, common: Callable[[str], bool]) -> list[tuple[int, int]]:
    """Someone given one's own things (`GIVEN_TO`): capitalised words none of which is an ordinary word of a chat
    (`common`: "I sent Billing my invoice" stays), or, in lower case, a first name of the lists or a word no
    dictionary knows, with the surname words after it; never a brand ("I sent Klarna my details")."""
    out = []
    for m in GIVEN_TO.finditer(text):
        words = m.group(1).split()
        if any(c.isupper() for c in m.group(1)):
            if not all(w[:1].isupper() for w in words) or any(
                    len(w) > 2 and (common(w) or w.lower() in NOT_NAMES or w.lower() in stop_words()) and not _surname(w) for w in words):
                continue
        elif not _opens(words[0]) or not all(_continues(w) for w in words[1:]):
            continue
        if not a_brand(text, m.start(1), m.end(1)):
            out.append(m.span(1))
    return out
