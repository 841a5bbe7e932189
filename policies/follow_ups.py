"""Is a message a follow-up that only makes sense after the question before it ("and on mobile?", "what about
PDF?", "how long does it take?", "can I undo that?")?

Each message was searched alone: after "How do I export my data?" was answered, "and as PDF?" matched no
article and went to a person as `no_answer`, though the customer had only narrowed their question. Such a
message is searched again with the conversation's previous question before it (bot/engine/assistant.py), and
only when searched alone it found nothing the bot would answer: a follow-up cue never changes an answer the
message earns on its own.

A follow-up is short (at most `MAX_CONTENT_WORDS` words besides function words and the cue) and says it
leans on what came before: it opens with a connective ("and", "what about", "also", "or", "same for"), or
points back with a pronoun ("it", "that", "this", "them", "there"). Word lists, not meaning, in the languages
the bot's own texts come in: a list is exact where a nearest example is not, and cheap on every message.
"""

from __future__ import annotations

import re

from bot.core.words import ENGLISH, OTHER_LANGUAGES, stems, stop_words

MAX_CONTENT_WORDS = 3

# what opens a follow-up, per language (after an "ok", "thanks" or "great,")
OPENERS = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|thanks?|great|cool|perfect|alright|got it)[\s,.!]+)*"
    r"(?:and|or|also|plus|but|then|so|what about|how about|what if|and if|same for|same with|same question for|as for|"
    r"y|o|también|qué tal|y si|"  # es
    r"et|ou|aussi|et si|quid de|"  # fr
    r"und|oder|auch|und wenn|was ist mit|"  # de
    r"e|o|anche|e se|"  # it
    r"e|ou|também|e se|e quanto a)\b",
    re.IGNORECASE,
)
# a pronoun that points back at the previous question's subject
POINTING = re.compile(
    r"\b(?:it|its|it's|that|this|these|those|they|them|there|one|ones|"
    r"eso|esto|ello|lo|la|los|las|"  # es
    r"ça|cela|ceci|le|la|les|"  # fr
    r"es|das|dies|dieses|ihn|sie|"  # de
    r"questo|quello|ciò|lo|"  # it
    r"isso|isto|aquilo)\b",
    re.IGNORECASE,
)
# a question word alone ("how?", "why not?", "what do you mean?"): about the answer just given
BARE = re.compile(
    r"\s*(?:but\s+|and\s+|so\s+)?(?:how|why|where|when|which one|what do you mean|meaning|how so|why not|how exactly|where exactly|"
    r"cómo|por qué|dónde|cuándo|comment|pourquoi|où|quand|wie|warum|wo|wann|come|perché|dove|quando|como|onde)\s*\?*\s*",
    re.IGNORECASE,
)
# the customer corrects what the bot took the question for ("no, I meant the whole workspace"): the question before
# is searched with it first, whatever this message finds alone
CORRECTION = re.compile(
    r"^\s*(?:(?:no|nope|sorry|oh|ah|well)[\s,.!]+)*(?:i\s+meant|i\s+mean|what\s+i\s+meant\s+(?:is|was)|i\s+was\s+(?:asking|talking)\s+about|"
    r"i['’]?m\s+(?:asking|talking)\s+about|not\s+that[\s,.!]+)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|\d+", re.UNICODE)
# words of a follow-up that carry no subject of their own
_CHATTER = frozenset("ok okay thanks thank great cool perfect alright please possible way work works can could".split())


def follow_up(text: str) -> bool:
    """Whether the message reads as a continuation of the question before it."""
    if len(text) > 160 or text.count("?") > 1 and not BARE.fullmatch(text):
        return False  # a long message, or several questions: one of its own
    if BARE.fullmatch(text) or correction(text):
        return True
    opens, points = OPENERS.search(text) is not None, POINTING.search(text) is not None
    if not (opens or points):
        return False
    return len(subject_words(text)) <= MAX_CONTENT_WORDS


def correction(text: str) -> bool:
    """Whether the message corrects what the bot took the previous question for ("no, I meant ...")."""
    return CORRECTION.search(text) is not None and len(subject_words(text)) <= MAX_CONTENT_WORDS + 2


def subject_words(text: str) -> list[str]:
    """The message's words that are neither function words, cue words nor chatter."""
    stop = stop_words(ENGLISH + OTHER_LANGUAGES) | _CHATTER
    cue = {w.lower().strip(",.!") for regex in (OPENERS, CORRECTION) for m in regex.finditer(text) for w in m.group().split()}
    return [w for w in (m.group().lower() for m in _WORD.finditer(text)) if w not in stop and w not in cue and not POINTING.fullmatch(w)]


def with_context(previous: str, text: str) -> str:
    """The text searched for a follow-up: the previous question, then the message."""
    return f"{previous.strip()} {text.strip()}"


def about(text: str, passage: str) -> bool:
    """Whether what the follow-up asks about is in the passage found with the question before: each of its
    subject words, inflected or not ("and the whole workspace?" after "How do I export a page?"; not "and
    what's the weather tomorrow?", which the previous question's article would answer otherwise)."""
    if BARE.fullmatch(text):
        return True  # "how?": about whatever the question before was
    said = {stem for w in _WORD.findall(passage.lower()) for stem in stems(_base(w))}
    return all(stems(_base(w)) & said for w in subject_words(text))


# English verbs whose past forms no ending makes ("what if I lose my phone?" and a section "Lost your phone?")
_IRREGULAR = {
    past: base for base, forms in {
        "lose": "lost", "pay": "paid", "buy": "bought", "send": "sent", "get": "got gotten", "forget": "forgot forgotten",
        "find": "found", "leave": "left", "take": "took taken", "make": "made", "break": "broke broken", "see": "saw seen",
        "give": "gave given", "choose": "chose chosen", "write": "wrote written", "run": "ran", "begin": "began begun",
        "know": "knew known", "keep": "kept", "mean": "meant", "spend": "spent", "sell": "sold", "tell": "told",
        "steal": "stole stolen", "hide": "hid hidden", "freeze": "froze frozen", "grow": "grew grown", "throw": "threw thrown",
    }.items() for past in forms.split()
}


def _base(word: str) -> str:
    return _IRREGULAR.get(word, word)
