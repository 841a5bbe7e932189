"""What is said only of programs, around a lone word a name rule found: what a program has after its name's possessive
("X's translation feature"), what it is certified for, how it is tried out and priced, and the noun a program's name
opens ("X support never answered"), and what is set up or installed ("reinstall X"). Split from policies/things.py, whose `a_thing` asks these.
"""

from __future__ import annotations

import re

from policies.word_classes import WordClasses

# "How much is X for a team of 12?": what has a price
PRICE_ASKED = re.compile(r"\bhow much (?:is|are)\s+(?:the\s+)?\Z", re.IGNORECASE)
# what a program has, after a lone name's possessive: "X's translation feature", "X's label printing", "X's API" (a
# person's would be "Oria's report", "Oria's account", "Oria's settings": words a person has too are left out)
POSSESSIVE_FEATURE = re.compile(
    r"['’]s\s+(?:[\w-]+\s+){0,2}?(?:features?|mode|sidebar|toolbar|interface|UI|API|SDK|plugins?|extensions?|integrations?|"
    r"scanner|printing|syncing|changelog|pricing|endpoints?|servers|uptime|suggestions|charts|widgets?|dashboards|"
    r"algorithm|engine|backend|firmware|OCR|autocomplete|autosave)\b(?![’'-])(?!\s+(?:keys?|tokens?|credentials|access|password)\b)"
)
# "Is X certified for SOC 2?", "X is certified under ISO 27001": a standard a program is certified for
CERTIFIED_FOR = re.compile(r"(?:['’]s)?\s+(?:(?:is|are|isn['’]t|not|also|still|fully|now)\s+)*certified\s+(?:for|under|to|as|against)\s+[A-Z]{2,}")
# "Can I try X free for a week?", "try X for 14 days": what is tried out for a while is a product ("try Oria again" is not)
TRIED_FREE = re.compile(r"\btry(?:ing)?\s+(?:out\s+)?\Z", re.IGNORECASE)
TRIED_FREE_AFTER = re.compile(r"\s+(?:out\s+)?(?:for\s+)?(?:free\b|for\s+(?:a|an|one|two|three|\d+)\s+(?:days?|weeks?|months?)\b)", re.IGNORECASE)


def possessive_feature(text: str, start: int, end: int) -> bool:
    """`POSSESSIVE_FEATURE` after the name, whether the found span took its "'s" or not."""
    if re.search(r"['’]s$", text[start:end]):
        end -= 2
    return POSSESSIVE_FEATURE.match(text, end) is not None


def tried_out(text: str, start: int, end: int) -> bool:
    return TRIED_FREE.search(text[max(0, start - 14) : start]) is not None and TRIED_FREE_AFTER.match(text, end) is not None


# what makes the word after a subject a verb's base form: "Does X support SSO?", "Can X search PDFs?", "to X"
BASE_FORM_BEFORE = re.compile(
    r"\b(?:do|does|did|don['’]t|doesn['’]t|didn['’]t|can|could|can['’]t|cannot|will|would|won['’]t|should|shall|may|might|must|"
    r"to|let|lets|make|makes|made|help|helps|please|have|has|had|why|how|when)\s+(?:not\s+)?$",
    re.IGNORECASE,
)


def uninflected_noun(word: str, before: str) -> bool:
    """A noun that is a verb too, in its base form ("support", "search", "billing"), no adverb nor adjective: after a
    name opening a clause it is no verb agreeing with the name ("Maria supports", "Maria searched"), so the name modifies
    it ("Quennell support never answered", "Oria search misses attachments"). Not where what comes before asks for a
    base form ("Does Oria support SSO?", "Can Oria search PDFs?"); `modifies_noun` asks it of a name opening a clause only
    ("a huge Oria fan" is someone's)."""
    classes = WordClasses.classes(word)
    return {"noun", "verb"} <= classes and not classes & {"adv", "adj"} and not re.search(r"(?:s|ed)$", word) \
        and word not in WordClasses.verb_forms() and not BASE_FORM_BEFORE.search(before)


# "Set up X for legal docs", "reinstall X": what is set up, configured or installed right after the verb is software ("set
# up a call with X" is not: the thing set up comes between)
SET_UP_BEFORE = re.compile(
    r"\b(?:set(?:ting)? up|configur(?:e|es|ed|ing)|(?:de)?activat(?:e|es|ed|ing)|(?:re|un)install(?:s|ed|ing)?|restart(?:s|ed|ing)?|"
    r"reboot(?:s|ed|ing)?|unlock(?:s|ed|ing)?|download(?:s|ed|ing)?|launch(?:es|ed|ing)?|play(?:s|ed|ing)?|purchas(?:e|es|ed|ing)|"
    r"pre-?order(?:s|ed|ing)?|stream(?:s|ed|ing)?)\s+(?:the\s+|my\s+|our\s+)?$",
    re.IGNORECASE,
)


def set_up(text: str, start: int, end: int) -> bool:
    """"Set up X for legal docs", "reinstall X": not "set up X with an account", "configure X as an admin" (someone's)."""
    return SET_UP_BEFORE.search(text[max(0, start - 20) : start]) is not None and re.match(
        r"\s+(?:with|as|to|up|a|an|the|some|my|his|her|their|our|your|me|us)\b|['’]s\b", text[end:]) is None


# "Can X scan receipts?", "Does X support Apple Pay?", "Is X able to summarise a call?": a yes/no question opening a
# sentence, asked of a lone word found as a name, about what it does in general (a verb's base form). A customer asks
# support what a product can do; what they ask of a person is what the account lets them do, or what they do for the
# writer, in a parcel or a call: those verbs, and a verb whose object is a person ("Can X call me back?"), stay someone's.
CAPABILITY_BEFORE = re.compile(r"(?:\A|[.!?]\s+|\n)(?:(?:so|and|but|also|hi|hello|hey),?\s+)?(?:can|could|does|will|would)\s+\Z", re.IGNORECASE)
IS_ABLE_BEFORE = re.compile(r"(?:\A|[.!?]\s+|\n)is\s+\Z", re.IGNORECASE)
CAPABILITY_AFTER = re.compile(r"\s+(?:(?:also|still|now|even|ever|really|actually|automatically)\s+)?([a-z]+)\b(?!['’])(?!\s+(?:me|us|you|him|her|them|back)\b)")
# the writer or someone else in what the question asks: a person does it for, to or with them
WRITER_OR_SOMEONE = re.compile(r"\b(?i:me|us|my|our|mine|ours)\b|\b(?i:with)\s+[A-Z]")
ABLE_AFTER = re.compile(r"\s+(?:also\s+|still\s+)?able\s+to(?=\s)")
PERSON_DOES = frozenset({
    "get", "have", "see", "view", "access", "use", "be", "log", "sign", "join", "receive", "call", "phone", "email",
    "text", "message", "contact", "reach", "help", "come", "pick", "pay", "take", "make", "do", "know", "need", "want",
    "approve", "add", "invite", "share", "send", "talk", "speak", "meet", "attend", "collect", "change", "cancel",
    "reset", "update", "edit", "open", "book", "order", "buy", "keep", "return", "visit", "stay", "leave", "work", "go",
    "start", "stop", "try", "let", "give", "tell", "ask", "answer", "reply", "write", "read", "run", "deliver"
})


def capability_asked(text: str, start: int, end: int) -> bool:
    """`CAPABILITY_BEFORE` the name, or "Is" and "able to" around it, then a verb's base form not in `PERSON_DOES`."""
    before = text[max(0, start - 24) : start]
    if IS_ABLE_BEFORE.search(before) and (m := ABLE_AFTER.match(text, end)):
        end = m.end()
    elif not CAPABILITY_BEFORE.search(before):
        return False
    m = CAPABILITY_AFTER.match(text, end)
    if m is None:
        return False
    verb = m.group(1)
    rest = re.match(r"[^.?!\n]*", text[m.end() :]).group()
    if WRITER_OR_SOMEONE.search(rest) or (verb == "support" and re.match(r"\s+(?:the|this|that|it|him|her|them|your)\b", rest)):
        return False  # "Can X export the report for me?", "Can X sync with Oria?", "Does X support the change?": someone's
    return verb not in PERSON_DOES and "verb" in WordClasses.classes(verb)
