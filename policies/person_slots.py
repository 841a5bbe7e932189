"""Places a sentence leaves for a person, in any case: "I had a call with X", "approved by X", "on behalf of X",
"cc X", "pass this on to X", "let X know", "hey it's X", "X and I", "X from billing said".

The words around say someone stands there, whatever the name is: a name no list holds ("Bramwen"), a name written in
lower case ("talked to oria vesk"), a name that is an ordinary word too after a department ("Joy from billing").
What stands in the slot must still look like a name: capitalised words none of which is an ordinary word of a chat,
a brand or a product's title, or, in lower case, a first name of the lists or a word no dictionary knows, with
surname words after it. Services are talked to and act as well ("chat with Siri", "blocked by Norton", "forward it to
Zendesk"): the brand and product lists keep those, and the verbs here are those of people meeting, signing, approving
and helping, not of software syncing, blocking or sending.
"""

from __future__ import annotations

import re

from bot.core.first_names import NOT_NAMES, Names
from bot.core.words import stop_words
from policies.businesses import a_brand
from policies.name_cues import NAME_TITLE, PERSON_TELLS, common, sentence_start
from policies.name_slots import _continues
from policies.name_words import NameWords, ordinary, plain
from policies.pii_patterns import UPPER
from policies.product_names import product_titles

# the words before a person's slot. Only people are helped, approved or escalated by someone: any name word there
HUMAN_SLOT_BEFORE = re.compile(
    r"(?:\b(?:helped|served|assisted|approved|countersigned|signed|reviewed|rejected|handled|escalated|authori[sz]ed) by"
    r"|\bon behalf of|\bfor the attention of|\battn:?|(?:\A|\n)[ \t]*cc:?"
    r"|\bsomeone (?:called|named)|\ba (?:guy|man|woman|lady|person|girl|chap) (?:called|named)"
    r"|\b(?:hi|hey|hello|hiya),? (?:it['’]?s|its|this is)"
    # what lets someone into an account is shared with a person: "share the login with X", "sent my password to X"
    r"|\b(?:share|shared|sharing|send|sent|give|gave|forward|forwarded) (?:the|my|our|your|their|this|that)? ?(?:[\w-]+ )?"
    r"(?:login|logins|password|passwords|credentials|account details|sign-in details|2fa codes?|access codes?) (?:with|to))"
    r"[ \t]+\Z",
    re.IGNORECASE,
)
# ... software is talked to, opens, shares and creates too ("a call with Dialpad", "created by Zapier"): a name of the lists
SLOT_BEFORE = re.compile(
    r"(?:\b(?:talk(?:ed|ing)?|spoke|spoken|speak(?:ing)?|chat(?:ted|ting)?|met|meeting|a call|a chat|a meeting) (?:to|with)"
    r"|\b(?:opened|raised|submitted|reported|requested|placed|booked|ordered|started|shared|configured|created|set up) by"
    r"|\b(?:pass|passed|forward|forwarded|hand|handed|give|gave) (?:this|it|that|these|them) (?:on |over |back )?to|\blet"
    r"|\b(?:share|shared|sharing) (?:the|my|our|this|that|a|an) (?:[\w-]+ )?(?:folder|file|document|doc|board|workspace|dashboard|"
    r"calendar|report|project|sheet|spreadsheet|drive|album|list|notebook)s? with)"
    r"[ \t]+\Z",
    re.IGNORECASE,
)
# "let X know": "let" leaves a slot only before "know"
LET = re.compile(r"\blet[ \t]+\Z", re.IGNORECASE)
KNOW_AFTER = re.compile(r"(?:\s+(?:and|&)\s+[^\W\d_][\w'’-]*)?\s+know\b", re.IGNORECASE)
# a department or a team after "from": "Joy from billing said", "Oria from your sales team"
DEPARTMENT_AFTER = re.compile(
    r"[ \t]+(?:from|in|at) (?:the |your |our )?(?:billing|sales|support|accounts?(?: payable| receivable)?|finance|marketing|legal|hr|it|"
    r"procurement|purchasing|payroll|reception|warehouse|front desk|customer (?:service|support|success)|tech(?:nical)? support|"
    r"helpdesk|help desk|onboarding|operations|ops|security|compliance|logistics|dispatch|admin)"
    r"(?: (?:team|department|dept|desk|office))?\b",
    re.IGNORECASE,
)
# the writer beside someone: "X and I", "both X and I"
WRITER_AFTER = re.compile(r"[ \t]+and (?:I|i|me|myself)\b(?!['’])")
# the same cues looked for once in the whole message: most messages have none, and the word-by-word pass is skipped
ANY_CUE = re.compile(HUMAN_SLOT_BEFORE.pattern.removesuffix(r"[ \t]+\Z") + "|" + SLOT_BEFORE.pattern.removesuffix(r"[ \t]+\Z"), re.IGNORECASE)
TEAM_AFTER = re.compile(r"[ \t]+(?:support|sales|team|office|department|desk|help|service|billing|branch|store)\b", re.IGNORECASE)
PLACE_BEFORE = re.compile(r"\b(?:at|in|near|of|from|to|into|via|around|visiting|for)[ \t]+\Z", re.IGNORECASE)
WORD = re.compile(rf"[{UPPER}a-zà-öø-ÿ][\w'’-]*\.?|[{UPPER}]\.")


def _name_word(word: str, *, cased: bool, first: bool, word_names: bool = False) -> bool:
    """A word of a name in the slot. `word_names`: a first name that is an ordinary word too ("Joy", "Bill") counts,
    where the words after say a person ("Joy from billing said", "Bill told me")."""
    w = word.rstrip(".").strip("'’")
    lw = w.lower()
    if len(w) == 1:
        return word.endswith(".") and w.isalpha()  # an initial
    if word_names and cased and first and w[:1].isupper() and lw in Names.word_first_names() and lw not in stop_words():
        return True
    if lw in NOT_NAMES or lw in stop_words() or lw in product_titles():
        return False
    if cased:
        return w[:1].isupper() and not w.isupper() and not any(c.isdigit() for c in w) and not common(w)
    if first:  # a first name of the lists that is no ordinary word of a chat ("ingrid", not "mark"), or a word no dictionary knows
        return not re.search(r"['’]", lw) and ((lw in Names.first_names() and not plain(lw)) or (not ordinary(lw) and lw not in NameWords.proper()))
    # "let oria know": no surname "Know"; "meeting with oria smith": a frequent surname is one whatever else it is
    return _continues(w) and (not common(w, first_names_count=True) or lw in NameWords.frequent_surnames())


def _slot_name(text: str, start: int, *, cased: bool, word_names: bool = False) -> tuple[int, int] | None:
    """Up to three name words opening at `start` ("Lo Vesketh", "q. vesketh", "ingrid baker"), the last no initial."""
    words = []
    pos = start
    for m in WORD.finditer(text, start):
        if m.start() != pos or len(words) == 3:
            break
        token = m.group()
        if token.endswith(".") and len(token.rstrip(".")) > 1 and not NAME_TITLE.search(token + " "):
            token = token[:-1]  # a sentence's full stop
        if cased and not token[:1].isupper() and token.lower() not in ("van", "von", "de", "da", "der", "den", "ter", "ten", "bin"):
            break
        words.append((m.start(), m.start() + len(token), token))
        pos = m.start() + len(token)
        if text[pos : pos + 1] != " ":
            break
        pos += 1
    if not words:
        return None
    if _name_word(words[0][2], cased=cased, first=True, word_names=word_names):
        kept = 1
        while kept < len(words) and _name_word(words[kept][2], cased=cased, first=False):
            kept += 1
    elif cased and len(words) > 1 and words[0][2].lower() not in NOT_NAMES and words[0][2].lower() not in stop_words() \
            and not words[0][2].isupper() and _name_word(words[1][2], cased=cased, first=False):
        kept = 2  # a two-word name may open with an ordinary word when its second is a name's ("Lo Vesketh")
    else:
        return None
    words = words[:kept]
    while words and len(words[-1][2].rstrip(".")) == 1:
        words.pop()
    if not words:
        return None
    span = (words[0][0], words[-1][1])
    return None if a_brand(text, *span) else span


def person_slots(text: str) -> list[tuple[int, int]]:
    """The names standing where the sentence leaves a place for a person."""
    cased = any(c.isupper() for c in text)
    cues = ANY_CUE.search(text) is not None
    afters = DEPARTMENT_AFTER.search(text) is not None or WRITER_AFTER.search(text) is not None or PERSON_TELLS.search(text) is not None
    if not cues and not afters:
        return []
    out = []
    for m in WORD.finditer(text):
        start = m.start()
        before = text[max(0, start - 40) : start]
        human = HUMAN_SLOT_BEFORE.search(before) if cues else None
        cue = human or (SLOT_BEFORE.search(before) if cues else None)
        span = None
        if cue is not None:
            span = _slot_name(text, start, cased=cased and not m.group()[:1].islower())
            if span is not None and not human and not _listed(text[span[0] : span[1]]):
                span = None
            if span is not None and TEAM_AFTER.match(text, span[1]):
                span = None  # "talk to India support": a team
            if span is not None and LET.search(before) and not KNOW_AFTER.match(text, span[1]):
                span = None
            if span is not None and cased and m.group()[:1].islower() and not _lower_in_cased(m.group()):
                span = None
        elif afters and (m.group()[:1].isupper() or not cased):
            found = _slot_name(text, start, cased=cased, word_names=True)
            if found is not None and PLACE_BEFORE.search(before):
                found = None  # "flew out of Dallas and I", "declined at Fry's and I": a place, a shop
            if found is not None and not cased and not _listed(text[found[0] : found[1]]):
                found = None  # all in lower case: "my car won't start and i", "declined at fry's and i"
            if found is not None and (DEPARTMENT_AFTER.match(text, found[1]) or WRITER_AFTER.match(text, found[1])
                                      or (PERSON_TELLS.match(text, found[1]) and _tells(text, found))):
                span = found
        if span is not None and not any(s <= span[0] < e for s, e in out):
            out.append(span)
    out += _joined_by_let(text, out)
    return out


def _listed(value: str) -> bool:
    """A word of the name is a first name or a surname of the lists, or holds a letter English does not use."""
    return any((w := word.strip(".,'’").lower()) in Names.first_names() or w in Names.word_first_names() or w in NameWords.surnames()
               or not w.isascii() for word in value.split() if len(word.strip(".")) > 1)


def _tells(text: str, span: tuple[int, int]) -> bool:
    """"Bill told me", "Mariam emailed us": someone telling the writer, at a sentence's start a first name of the lists
    only (a word there is capitalised anyway: "Support told me" stays), never a brand ("Klarna emailed me")."""
    word = text[span[0] : span[1]].split()[0].lower()
    return not sentence_start(text, span[0]) or word in Names.first_names() or word in Names.word_first_names()


def _lower_in_cased(word: str) -> bool:
    """A name in lower case inside a capitalised message ("Is andrés allowed"): a first name of the lists only."""
    w = word.lower().rstrip(".")
    return w in Names.first_names() and not common(w, first_names_count=True)


JOINED = re.compile(r"[ \t]+(?:and|&)[ \t]+")


def _joined_by_let(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """"let ingrid and oria know": the second name of the pair."""
    cased = any(c.isupper() for c in text)
    out = []
    for s, e in spans:
        if LET.search(text[max(0, s - 10) : s]) and (j := JOINED.match(text, e)) \
                and (second := _slot_name(text, j.end(), cased=cased)) is not None and re.match(r"\s+know\b", text[second[1] :]):
            out.append(second)
    return out


# "Mr and Mrs Haverford", "Dr. & Mrs. Quill": a couple under one surname is one name
COUPLE = re.compile(
    rf"\b(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.? (?:and|&) (?:Mr|Mrs|Ms|Miss|Dr|Prof)\.? [{UPPER}][^\W\d_]+(?:[-'’][{UPPER}]?[^\W\d_]+)*"
)


def couples(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in COUPLE.finditer(text) if not common(m.group().split()[-1])]


# "Could Kojo or Ama call me", "Kojo and Ama": two names joined, one of them found
PAIRED = re.compile(r"[ \t]+(?:and|or|&)[ \t]+")
PAIRED_BEFORE = re.compile(rf"([{UPPER}][^\W\d_]+(?:[-'’][^\W\d_]+)*)[ \t]+(?:and|or|&)[ \t]+\Z")


def paired_names(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The other of two capitalised words joined by "and" or "or" when one was found a name and the other is a name
    word too (no ordinary word, no brand): "Could Kojo or Ama send it", "Ama and Kojo will call". "Oria and Support"
    stays as it was."""
    out = []
    for s, e in spans:
        if (m := PAIRED.match(text, e)) and (other := _slot_name(text, m.end(), cased=True)) is not None \
                and len(text[other[0] : other[1]].split()) == 1:
            out.append(other)
        if (b := PAIRED_BEFORE.search(text, max(0, s - 40), s)) and not sentence_start(text, b.start(1)) \
                and (other := _slot_name(text, b.start(1), cased=True)) is not None and other[1] == b.end(1):
            out.append(other)
    return out
