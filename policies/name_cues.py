"""Words around a name: what says that a name follows or was meant ("my name is", a title, a greeting,
a signature, a transcript speaker, a list of founders) and what is said of a person after one.

Split from policies/person_names.py, whose `people` weighs this evidence; policies/redaction.py asks
`mask_placeholders` and `declared_name` directly, and policies/name_presence.py where the spaCy model
must look at all.
"""

from __future__ import annotations

import re

from bot.core.words import stop_words
from policies.name_words import (
    NOT_NAMES,
    Names,
    NameWords,
    plain,
    unknown_word,
)
from policies.pii_patterns import EMAIL_RE, NANP_PHONE, UPPER
from policies.placeholders import PLACEHOLDER_RE
from policies.word_classes import WordClasses

CAPITALISED = re.compile(r"(?<![\w<])[A-ZÀ-ÖØ-ÞĀ-ŽΑ-ΩА-Я][^\W\d_]*")


def common_word_set() -> frozenset[str]:
    from bot.core.common_words import common_words

    return common_words()


def mask_placeholders(text: str) -> str:
    # keep offsets; stop NER from reading "<PERSON_1>" as a name
    return PLACEHOLDER_RE.sub(lambda m: " " * len(m.group()), text)


# titles of English and of the other languages customers write in: "Herr Bauer", "Sra. Pérez", "Mme Leroy"
NAME_TITLE = re.compile(r"\b(?:mr|mrs|ms|miss|dr|prof|professor|sir|madam|herr|herrn|frau|sr|sra|srta|señor|señora|mme|mlle|sig|sig\.ra|signor|signora)\.?\s+$", re.IGNORECASE)


# the people of one's family or work, after "my", "our", "his", "her": the words after them name someone
# the people someone has: family, household and work ("my niece X", "our intern X", "my landlord X")
RELATIONS = (
    r"(?:kid|son|daughter|wife|husband|partner|mother|father|mom|dad|friend|colleague|boss|manager|"
    r"mum|mummy|mommy|mama|papa|grandma|grandpa|grandmother|grandfather|granny|nana|grandson|granddaughter|aunt|auntie|uncle|"
    r"niece|nephew|cousin|sister|brother|sibling|stepson|stepdaughter|stepmother|stepfather|fianc[eé]e?|girlfriend|boyfriend|"
    r"spouse|ex|roommate|flatmate|housemate|neighbou?r|landlord|landlady|coworker|co-worker|team ?mate|intern|employee|"
    r"accountant|lawyer|attorney|nanny|babysitter|caregiver|carer|supervisor)"
)
# ... and the people of one's work by their trade ("our engineer X", "my developer X"). Weaker than a relation: software
# is named after trades too ("our developer portal", "the designer app"), so after one of these only a word no dictionary
# knows is taken (a lone capitalised one, or lower-case), and the message does not declare a name by it (a thing's
# checks still run). Not "admin", "client", "customer", "lead", "owner", "host": words for accounts and companies too
TRADES = (
    r"(?:engineer|developer|designer|technician|secretary|consultant|contractor|freelancer|recruiter|tutor|teacher|"
    r"therapist|doctor|dentist|nurse|cofounder|co-founder|ceo|cfo|cto|coo|cio|assistant|personal assistant|executive assistant|"
    r"bookkeeper|receptionist|paralegal|office manager|account manager)"
)


# words right before a name: "my name is Quillon", "my kid Bramwen", "Directed By: Oria T. Vesketh"
NAME_CUE = re.compile(
    r"(?:\bmy name is|\bname:|\bi am|\bi'm|\bthis is|\bcall me|\bsigned|\bregards,?|\bthanks,?|"
    rf"\b(?:my|our) {RELATIONS}|"
    r"\bdirected by:?|\bwritten by:?|\bby|\bunder|\bwith|\bfrom|\bto|\bdear|\bhi|\bhello|\bcontact)\s*$",
    re.I,
)


NAME_WORD = rf"[{UPPER}][^\W\d_]*(?:['’-][^\W\d_]+)*"  # letters only: "GB82" is no name


# cues strong enough to take a lone unknown capitalised word for a name
NAME_CUE_STRONG = re.compile(
    r"(?:\bmy name is|\bname:|\bi am|\bi'm|\bthis is|\bcalls? me|\bsigned|\bregards,?|\bdear|\bhi|\bhey|\bhello|\blast name\??|"
    r"\bnamed|\bsaid|\bsays|\basked|\btold|\breplied|\bemailed|\be-mailed|\btexted|\bmessaged|\bphoned|\bpinged|\bname(?: on the (?:account|card))?\?\s*(?:[^\W\d_]+:)?|"
    rf"\b(?:my|our|his|her) {RELATIONS}|"
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
PERSON_VERB = re.compile(
    r" (?:had given|spent|lives|lived|shouted|is from|from \S+ is the|"
    # what is said only of someone at work or served: away on leave, rude or kind to the writer, gone from the company
    r"(?:is|was|will be|has been) (?:on (?:leave|holiday|vacation|maternity leave|paternity leave|sick leave|parental leave)|"
    r"out (?:sick|of (?:the )?office)|(?:very |really |so |extremely )?(?:rude|polite|helpful|friendly|kind)\b(?! to (?:use|set)))|"
    r"(?:has )?(?:left the company|left the team|retired)|signed up with)\b"
)
# what someone did to the writer by word: "Prescott emailed me", "X told us", "X hasn't replied to me" (a company does
# too: policies/person_names.py asks policies/businesses.py `a_brand` first)
PERSON_TELLS = re.compile(
    r" (?:(?:has|had|have|just|already|also|never|then|still)\s+)?(?:told|emailed|e-mailed|texted|messaged|phoned|rang|promised|"
    r"assured|informed|advised|called|replied to|answered|wrote to|got back to|hung up on)\s+(?:me|us)\b"
    r"| (?:hasn['’]t|has not|never|didn['’]t|did not) (?:replied|reply|answered|answer|called|call|emailed|email|written|write|got|get) "
    r"(?:back to me|back to us|to me|to us|to my|to our|me|us|my)\b"
)


SPEAKER = re.compile(r"^([^\W\d_][\w'’-]*):", re.M)


def is_cap(word: str) -> bool:
    return bool(word) and word[0].isupper()


# someone asked, thanked or spoken to: a person, whatever word follows the name
ASKED_BEFORE = re.compile(
    r"\b(?:ask|tell|remind|call|email|e-mail|text|message|ping|notify|inform|invite|thank|cc|contact|meet|"
    r"(?:speak|spoke|talk|talked|chat|chatted|work|worked) (?:to|with))\s+$",
    re.IGNORECASE,
)
# "said Oria to Bram", "had given Quill": someone spoken or given to; not "said the Max plan" (an article opens a thing)
SPOKEN_TO = re.compile(r"\b(?:said|says|shouted|told|asked|wrote|spoke|talked|given|gave)(?: (?!(?:the|a|an)\b)\S+)? (?:to|at)?\s*$", re.IGNORECASE)

SPEECH = r"(?:said|says|asked|told|replied)"
SAID = re.compile(rf"\b{SPEECH}\s*$", re.I)
SAID_WORD = re.compile(rf"{SPEECH}\Z", re.I)


# after "says Vesketh": the quote's attribution ends ("says Carpenter.", "says Carpenter in an interview")
QUOTE_END = re.compile(r"\s*(?:[.!?,;]|$|\s+in\b)")


# a work called by its author's name: "the Vesketh novel", "the Quillon biography"
WORK_AFTER = re.compile(
    r"\s+(?:novel|novels|biography|memoir|memoirs|poem|poems|painting|paintings|estate)\b", re.IGNORECASE
)


# "than early Vesketh?", "late Quillon": an artist's period
PERIOD_BEFORE = re.compile(r"\b(?:early|late)\s+$")


def name_like(word: str) -> bool:
    """A surname or first name of the lists that is no ordinary word in a chat, or a word no dictionary knows."""
    w = word.rstrip(".,'’")
    return w.lower() not in NOT_NAMES and ((listed_name(w) and not plain(w)) or unknown_word(w))


# what the rest of a sentence says of a person: "began writing as a teenager, publishing her first story"
# ... in the same sentence, or as the object of the next one ("Bram is very reliable. You can always depend on him.":
# not "he" or "she" there, who may be someone else: "Quillbox is down. My colleague says he can't log in")
SPOKEN_OF = re.compile(
    r" [a-z](?:[^.!?\n]{0,80}?\b(?:she|he|her|his|him|herself|himself|person)\b|[^.!?\n]{0,80}[.!?] [^.!?\n]{0,60}?\b(?:him|himself|herself)\b)"
)


def spoken_of(text: str, end: int) -> bool:
    return SPOKEN_OF.match(text, end) is not None


def foreign(text: str) -> bool:
    """Whether the message is clearly in another language than English (bot/core/language.py's guess)."""
    from bot.core.language import ENGLISH, telling_language

    return telling_language(text) not in (None, ENGLISH)


def listed_name(word: str) -> bool:
    """A first name or a surname of the lists, even one that is an ordinary word too ("Bonnet", "Riddle")."""
    w = word.lower().strip(".,'’")
    return len(w) > 2 and (w in Names.first_names() or w in NameWords.surnames()) and w not in NOT_NAMES


def common(word: str, *, first_names_count: bool = False) -> bool:
    """An ordinary English word (the embedding model's whole-word vocabulary), not a first name
    (unless `first_names_count`: then "mark", "bill" and "grace" are ordinary too)."""
    w = word.lower().strip(".,'’")
    common = common_word_set()
    if not first_names_count and w in Names.first_names():
        return False
    return w in common or (w.endswith("s") and w[:-1] in common)


VOCATIVE = re.compile(r", (?:can|could|would|will|please|I|we|you|do|are)\b")


NOT_SPEAKERS = frozenset("bot user customer agent note subject re fw from to cc date time phone e-mail email website address q a".split())


# the relations among the weak cues: after them a word no dictionary knows is a name even when it is
# neither listed nor followed by another such word ("my colleague bramwen cannot log in")
# "our engineer Bramwen", "my developer Oria Vesketh": right after one's trade's word
TRADE_CUE = re.compile(rf"\b(?i:my|our|his|her) (?i:{TRADES})\s+$")
KIN_CUE = re.compile(rf"(?i:(?:my|our|his|her) (?:{RELATIONS}|{TRADES}))")
# ... when what follows is what a person does or is ("bramwen cannot log in", "bramwen and I"), not a
# thing's next word or the end ("my kid playlist", "my boss gmail"); "remove my kid bramwen from the account"
KIN_PERSON_NEXT = re.compile(
    r"(?:['’]s)? (?:can|cannot|can't|could|couldn't|will|won't|would|wouldn't|does|doesn't|did|didn't|is|isn't|was|wasn't|"
    r"has|hasn't|had|and|who|wants|wanted|needs|needed|tried|says|said|told|asked|called|sent|paid|got|lost|left|forgot|from)\b",
    re.I,
)


# what goes wrong with a program by itself, said in the past: no sign that the word before it is someone
PROGRAM_PAST = frozenset({
    "crashed", "glitched", "lagged", "updated", "installed", "synced", "loaded", "booted", "paired", "disconnected",
    "connected", "rebooted", "restarted", "expired", "failed", "stopped", "stalled", "timed", "hung", "froze", "broke",
})
PAST_VERB_NEXT = re.compile(r"(?:['’]s)? ([a-z]+ed)\b")


def person_next(text: str, end: int) -> bool:
    """What follows a word after my colleague/friend/boss is what a person does or is (`KIN_PERSON_NEXT`), or a verb
    in the past that a program does not do by itself ("bramwen deleted the folder", "oria removed me"; not "roblox
    crashed")."""
    if KIN_PERSON_NEXT.match(text, end):
        return True
    m = PAST_VERB_NEXT.match(text, end)
    return m is not None and m.group(1) not in PROGRAM_PAST and "verb" in WordClasses.classes(m.group(1))


def _plain_word(word: str) -> bool:
    """An ordinary word, a function word or a word that is never a name: no part of a name the cues below find."""
    return common(word) or word.lower() in stop_words() or word.lower() in NOT_NAMES


# a writer saying who is writing: "Bramwen here, my invoice is wrong", "hi, quillon t. vesketh here.", "Bramwen from
# Leeds here", "Oria at Quillco here". At the start of the message, of a sentence or after a greeting; "here" then ends
# the clause (not "here?")
INTRODUCED_HERE = re.compile(
    r"(?:\A|[.!?\n]\s*|\b(?i:hi|hello|hey|dear)[,!]?\s+)"
    r"([^\W\d_][\w'’-]+(?: [^\W\d_]\.?(?= ))?(?: [^\W\d_][\w'’-]+)?)"
    r"(?: (?i:from|at|with|of) [^\W\d_][^\n.,!?;:]{0,40}?)? here(?=[,.!;:]|\s*\Z| [-–—])"
)


def introduced_here(text: str) -> list[tuple[int, int]]:
    """The writer's own name before "here" (`INTRODUCED_HERE`), when no word of it is an ordinary word
    ("Support here, we fixed it", "Everyone here" stay)."""
    out = []
    for m in INTRODUCED_HERE.finditer(text):
        words = [w for w in m.group(1).split() if len(w.rstrip(".")) > 1]
        if words and not any(map(_plain_word, words)):
            out.append((m.start(1), m.end(1)))
    return out


# a first name, a middle initial and a surname in lower case: "hyuuma t. maida called about my order"
INITIALLED = re.compile(r"(?<![\w.'’-])([^\W\d_]{2,}) [^\W\d_]\. ([^\W\d_]{2,})(?![\w'’-])")


def initialled_names(text: str) -> list[tuple[int, int]]:
    """`INITIALLED` where neither word is an ordinary word ("plan b. then" is no name)."""
    return [(m.start(), m.end()) for m in INITIALLED.finditer(text)
            if not any(map(_plain_word, (m.group(1), m.group(2))))]


SIGNATURE_LINE = re.compile(r"\A[>\s]*([^\W\d_][\w'’-]+(?: [^\W\d_]\.?)?(?: [^\W\d_][\w'’-]+){1,2})[ \t]*\n")


def signature(text: str) -> list[tuple[int, int]]:
    """A signature block: a first line of two or three words above contact details is a name."""
    m = SIGNATURE_LINE.match(text)
    if m is None or not (EMAIL_RE.search(text) or NANP_PHONE.search(text) or re.search(r"\+\d|\b(?:phone|box|suite|apt|avenue|street)\b", text, re.I)):
        return []
    name = m.group(1)
    if any(w.lower() in NOT_NAMES or w.lower() in stop_words() for w in name.split()):
        return []
    return [(i.start(), i.end()) for i in re.finditer(re.escape(name), text)]


def verb_follows(text: str, end: int) -> bool:
    """"Quillon shouted", "Bramwen is": a sentence-initial first name followed by a lowercase word."""
    following = text[end:]
    return (
        re.match(r"(?:'s)? (?:is|was|has|had|will|said|says|shouted|asked|told|lives|works|called|wrote|began|and)\b", following) is not None
        or re.match(r", (?:can|could|would|will|please|I|we|you|do|are)\b", following) is not None  # "Quillon, can I ..."
    )


def sentence_start(text: str, index: int) -> bool:
    before = text[:index].rstrip()
    return not before or before[-1] in ".!?:\n\"“"


def in_named_list(text: str, index: int) -> bool:
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
    rf"\b(?:mr|mrs|ms|miss|dr|prof)\.?|\b(?:my|our|his|her) {RELATIONS})"
    r"\s*$",
    re.I,
)


def declared_name(text: str, start: int) -> bool:
    """Whether the words before `start` say a name follows, or it opens a signature block."""
    if DECLARED.search(text[max(0, start - 30) : start]):
        return True
    m = SIGNATURE_LINE.match(text)
    return m is not None and m.start(1) <= start < m.end(1) and bool(signature(text))
