"""Products, games' characters, shops and assistants that a name rule took for people, told by the shape of the name
and the words around it, for any tenant (no product's name is listed here). Asked by policies/things.py `a_thing`
about a name that only the model or a name list vouches for, before its other rules:

- a run that holds a word no one's name is written as (three capitals or more, a digit, a capital inside: "Bolt EUV",
  "Pixel 8a"), even after "says my" (a person's name never holds one);
- a name inside a longer one the model found that goes on to a number ("[Quillon Kart] 8 Deluxe"): a title or a model;
- what is paid for, bought or ordered at: a shop ("pay with Klarna at X");
- a lone word's possessive in a message about a game, before what a character has rather than what a player's
  account has ("X's turret", "X's outfit"; "X's account was banned" stays someone's);
- what is configured, installed or launched to do something ("configure X to use Firefox");
- an assistant asked to show or read out the writer's own data ("ask X to show my spending");
- a voice skill or an assistant named with its wake word inside a sentence ("Why does Hey X keep ...", "Can Ask X read
  my list?", "How do I stop Ask X from ..."), or opening one when a verb said of it follows ("Ask X says she can't
  find ...", "Hey X won't turn off the lights"); not a greeting ("Hey X, my order ...", "Hey X can you ...");
- a name right before the goods sold under it ("return X items");
- a name right before the software it names, which then does something ("X app keeps freezing");
- a lone word the model calls an organisation or a product, on which a device or a show is ("keeps going offline on X");
- what it is after "the", an assistant inside a program, what a name from an organisation does, what a company has after
  its possessive (policies/product_phrases.py).

Chosen on product questions written for this and kept out of the repository, the blind set's tune half and the
PII file's tune half (bench/bench_redaction.py); the report halves and the blind sets 2-5 only measured.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.core.words import stop_words
from policies.product_phrases import product_phrase
from policies.thing_roles import assistant_told, thing_role
from policies.thing_shapes import thing_shape

# a word no one's name is written as: an acronym of three capitals or more beside a word that is not all capitals
# ("Bolt EUV"; "ORIA VESKETH" is a name in a form's capitals), a digit ("S24"). A capital inside a word is left to the
# caller's rules: names have it too ("JoAnn", "LaVonne")
ACRONYM = re.compile(r"[A-Z]{3,}")
WITH_DIGIT = re.compile(r"[^\W\d_]*\d[\w-]*")
# the model's longer name goes on to a number: "Quillon Kart 8", "Forerunner 265"
NUMBER_NEXT = re.compile(r"[ \t]+(?:[A-Z][\w-]*[ \t]+){0,2}?\d{1,4}[A-Za-z]?\b")
# "pay with Klarna at X", "bought it at X", "shopping at X": where one pays or shops is a shop
SHOP_AT_BEFORE = re.compile(
    r"\b(?:pay|pays|paid|paying|buy|buys|bought|buying|shop|shops|shopped|shopping|purchas(?:e|es|ed|ing)|order(?:s|ed|ing)?|"
    r"spend|spent|spending|checkout|check out|returns?|returned|refunded)\b(?:\s+[\w'’-]+){0,4}?\s+at\s+\Z",
    re.IGNORECASE,
)
PERSONS_AFTER = re.compile(
    r"(?:['’]s)?\s+(?:request|suggestion|advice|recommendation|house|place|home|flat|party|wedding|birthday|office|desk|"
    r"expense|cost|name|behalf)\b|\s+(?:and|&)\s+[A-Z]", re.IGNORECASE)
# a message about a game: its platforms and what players speak of
GAME_WORDS = re.compile(
    r"\b(?:games?|gaming|gameplay|DLC|PS[45]|PlayStation|Xbox|(?-i:Switch|Steam)|Nintendo|DualSense|multiplayer|co-op|"
    r"quests?|boss(?:es)?|in-game|skins?|loadouts?|battle pass|minigames?|cutscenes?|New Game Plus|NPCs?|playthrough|mods?|"
    r"modded|speedrun|respawn|raids?|dungeons?|firing range|matchmaking)\b",
    re.IGNORECASE,
)
# what a player's account has, not a character: "X's account was banned", "X's save got deleted" stay someone's
PLAYER_HAS = frozenset({
    "account", "accounts", "login", "password", "email", "e-mail", "profile", "id", "username", "gamertag", "subscription",
    "card", "order", "purchase", "purchases", "refund", "payment", "payments", "phone", "number", "address", "details",
    "data", "console", "controller", "device", "laptop", "pc", "computer", "progress", "save", "saves", "library", "wallet",
    "balance", "birthday", "age", "parent", "parents", "mum", "mom", "dad", "friend", "friends", "son", "daughter",
    "brother", "sister", "kid", "kids", "child", "children", "family", "school", "homework", "name", "access", "ban",
    "messages", "chat", "voice", "screen", "room", "house", "car", "allowance", "money", "credit", "v-bucks",
})
POSSESSED = re.compile(r"['’]s\s+([a-z][\w-]*)(?:\s+([\w-]+))?")
# "configure X to use Firefox", "install X to run the tests": people are not configured, installed or launched
CONFIGURED_BEFORE = re.compile(
    r"\b(?:configur(?:e|es|ed|ing)|(?:re|un)?install(?:s|ed|ing)?|launch(?:es|ed|ing)?|restart(?:s|ed|ing)?)\s+(?:the\s+|my\s+|our\s+)?\Z",
    re.IGNORECASE,
)
CONFIGURED_AFTER = re.compile(
    r"\s+to\s+(?:use|run|ignore|skip|load|watch|launch|open|start|connect|sync|cache|retry|report|output|log|emit|compile|"
    r"build|parse|read|pick up|point)\b"
)
# "ask X to show my spending", "ask X to read my balance": an assistant made to show or read out the writer's own data
ASSISTANT_ASKED_BEFORE = re.compile(r"\bask(?:ed|ing)?\s+\Z", re.IGNORECASE)
ASSISTANT_AFTER = re.compile(
    r"\s+to\s+(?:show|display|list|read(?: out)?|summari[sz]e|calculate|track|categori[sz]e)\s+(?:me\s+)?(?:my|our)\s+"
    r"(?:[\w-]+\s+){0,4}?(?:spending|balances?|transactions|statements?|budgets?|savings|credit score|steps|sleep|heart rate|"
    r"calendar|agenda|notifications|inbox|usage|stats|activity|portfolio|investments)\b",
    re.IGNORECASE,
)
# "return X items", "X merchandise": a name right before the goods sold under it ("Oria's items" keep her possessive)
GOODS_AFTER = re.compile(r"[ \t]+(?:items|goods|merch(?:andise)?|collection|outlet|stores?|boutiques?)\b(?!['’-])", re.IGNORECASE)
# "X app keeps freezing", "X portal won't accept my documents": what software a name is of, then what it does
SOFTWARE_NOUN_THEN_VERB = re.compile(
    r"[ \t]+(?:app|portal|website|site|platform|plugin|extension|dashboard|client|launcher)[ \t]+(?:still[ \t]+|now[ \t]+)?"
    r"(?:keeps|kept|won['’]t|doesn['’]t|didn['’]t|can['’]t|isn['’]t|wasn['’]t|is|was|crash(?:es|ed)|shows|showed|says|said|stopped|"
    r"fails|failed|asks|asked|freezes|froze|logs|needs|wants|rejects|rejected|gives|gave)\b"
)
# "keeps going offline on X", "streaming on X": the network, the platform or the service a device or a show is on
ON_PLATFORM_BEFORE = re.compile(
    r"\b(?:offline|online|available|installed|running|runs|stuck|slow|hosted|deployed|listed|streaming|streams|playing|"
    r"disconnect(?:s|ed|ing)?|drop(?:s|ped|ping)|lag(?:s|ged|ging)|crash(?:es|ed|ing)|buffer(?:s|ed|ing))\s+(?:\w+\s+)?(?:on|via|over|through)\s+\Z",
    re.IGNORECASE,
)
GIVEN_BEFORE = re.compile(r"\b(?:send|sent|give|gave|show|showed|owe|lend|lent|bring|brought|to|for)\s+\Z", re.IGNORECASE)


def _words(text: str, start: int, end: int) -> list[str]:
    return [w.strip(".,'’") for w in text[start:end].split() if w.strip(".,'’")]


def coded_name(text: str, start: int, end: int) -> bool:
    """A word of the run no one's name is written as: "my Bolt EUV battery", "the Pixel 8a"."""
    words = _words(text, start, end)
    return any(WITH_DIGIT.fullmatch(w) for w in words) or (
        any(ACRONYM.fullmatch(w) for w in words) and not all(w.isupper() for w in words))


def inside_numbered_name(text: str, start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    """Inside a longer name the model found that goes on to a number after it: "[Quillon Kart] 8 Deluxe"."""
    return any(s <= start and end < e and "\n" not in text[end:e] and NUMBER_NEXT.match(text[:e], end) for s, e in spans)


def shop_at(text: str, start: int, end: int) -> bool:
    """"pay with Klarna at X", "bought it at X": where one pays or shops ("at X's" too; "at X's request" is someone's)."""
    return SHOP_AT_BEFORE.search(text[max(0, start - 50) : start]) is not None and PERSONS_AFTER.match(text, end) is None


def game_character(text: str, start: int, end: int) -> bool:
    """A lone word's possessive, in a message about a game, before what a character has ("Can X's turret be upgraded?",
    "Does X's outfit carry over?"): not what a player's account has ("X's account", "X's progress")."""
    words = _words(text, start, end)
    if len(words) > 1 and all(w.lower() in stop_words() for w in words[:-1]):
        start = text.rindex(words[-1], start, end)  # "[Can Wattson's] turret": the model's span took the question's verb
        words = words[-1:]
    if len(words) != 1 or not GAME_WORDS.search(text):
        return False
    stem_end = end - 2 if re.search(r"['’]s$", text[start:end]) else end
    m = POSSESSED.match(text, stem_end)
    return m is not None and not {m.group(1), (m.group(2) or "").lower()} & PLAYER_HAS


def configured(text: str, start: int, end: int) -> bool:
    """"configure X to use Firefox", "reinstall X to run the tests" (policies/program_cues.py `set_up` leaves out what
    comes with "to": "set up X to approve invoices" may be someone's)."""
    return len(_words(text, start, end)) == 1 and CONFIGURED_BEFORE.search(text[max(0, start - 24) : start]) is not None \
        and CONFIGURED_AFTER.match(text, end) is not None


def assistant_asked(text: str, start: int, end: int) -> bool:
    """"ask X to show my spending", "ask X to read my balance": an app's assistant; "ask X to send me the file" stays someone's.
    A skill named with its wake word ("Why does Hey X keep ...", `wake_word_name`) is one too."""
    return (len(_words(text, start, end)) == 1 and ASSISTANT_ASKED_BEFORE.search(text[max(0, start - 10) : start]) is not None
            and ASSISTANT_AFTER.match(text, end) is not None) or assistant_told(text, start, end) \
        or wake_word_name(text, start, end)  # "tell X to play music", "Can Ask X read my list?"


# a capitalised wake word that is part of a voice skill's or an assistant's name, inside a sentence: after a question's
# verb, an article or a possessive, or a verb done to a program ("Why does Hey X", "Can Ask X", "my Ask X skill",
# "stop Ask X from"); not after "and", "oh" or a comma, where "hey" greets someone
WAKE_INSIDE = re.compile(
    r"(?<![\w'’])(?i:does|do|did|doesn['’]t|don['’]t|didn['’]t|can|could|can['’]t|will|would|won['’]t|is|isn['’]t|was|wasn['’]t|"
    r"why|my|our|your|the|this|that|stop|rename|use|using|install|reinstall|uninstall|reset|update|enable|disable|set up|link|unlink|"
    r"open|with|of|on|in|from)[ \t]+(?:Ask|Hey|OK|Okay)[ \t]+\Z"
)
# the wake word opening a sentence, then what is said of a skill rather than to a person ("Ask X says she can't find it",
# "Hey X won't turn off the lights", "Hey X keeps waking up"): "Hey X, ..." and "Hey X can you ..." greet someone
WAKE_OPENING = re.compile(r"(?:\A|[.!?]\s+|\n\s*)(?:Ask|Hey)[ \t]+\Z")
SAID_OF_A_SKILL = re.compile(
    r"(?:['’]s)?[ \t]+(?:(?:still|always|now|just|suddenly|randomly|sometimes)[ \t]+)?(?:says|keeps|won['’]t|doesn['’]t|didn['’]t|"
    r"isn['’]t|can['’]t|stopped|skipped|ignores|mishears|misunderstands|answers|responds|replies|plays|reads|turns|wakes|lights up|"
    r"crashes|freezes)\b(?![ \t]+(?:you|u)\b)"
)


def wake_word_name(text: str, start: int, end: int) -> bool:
    """A name right after a wake word ("Ask", "Hey") that makes one name with it: a voice skill's or an assistant's,
    inside a sentence ("Can Ask X read my shopping list?", "Does Hey X work with Hue bulbs?") or opening one with what
    is said of it ("Ask X says she can't find my recipes"). Not "Hey X, my order ...", "Hey X can you help", "and hey X"."""
    words = _words(text, start, end)
    if not 1 <= len(words) <= 2 or re.match(r"[ \t]*,", text[end:]):
        return False
    before = text[max(0, start - 24) : start]
    return WAKE_INSIDE.search(before) is not None or (WAKE_OPENING.search(before) is not None and SAID_OF_A_SKILL.match(text, end) is not None)


def goods_of(text: str, start: int, end: int) -> bool:
    """"Can I return X items?", "the X outlet": the goods or the shop a name is the brand of."""
    return not re.search(r"['’]s?$", text[start:end]) and GOODS_AFTER.match(text, end) is not None \
        and GIVEN_BEFORE.search(text[max(0, start - 8) : start]) is None


def software_of(text: str, start: int, end: int) -> bool:
    """"Marlowe Quill app keeps freezing", "Oria Vesk portal won't accept my documents": a name right before what
    software it names, which then does something; a person's would be "Oria Vesk's app" ("the Oria Vesk account" is
    left out: an account may be someone's)."""
    return not re.search(r"['’]s?$", text[start:end]) and SOFTWARE_NOUN_THEN_VERB.match(text, end) is not None


def platform_on(text: str, start: int, end: int, things: Sequence[tuple[int, int]], persons: Sequence[tuple[int, int]]) -> bool:
    """"My camera keeps going offline on X", "streaming on X": a lone word the model calls an organisation or a product
    (not a person), on which a device or a show is."""
    return len(_words(text, start, end)) == 1 and ON_PLATFORM_BEFORE.search(text[max(0, start - 40) : start]) is not None \
        and any(s <= start < e for s, e in things) and not any(s <= start < e for s, e in persons)


# a question's opening word the model takes into a name after it ("[Can Kroo] pay interest?", "[Can Wattson's] turret")
QUESTION_OPENER = frozenset({
    "can", "could", "does", "do", "did", "is", "are", "was", "were", "why", "how", "what", "when", "where", "has", "have",
    "should", "would", "shall",
})


def without_question_word(text: str, start: int, words: list[str]) -> tuple[int, list[str]]:
    """The model's name without the question's opening word before it: "Can Kroo" -> "Kroo"."""
    if len(words) > 1 and words[0] in {w.capitalize() for w in QUESTION_OPENER} and (start == 0 or re.search(r"[.!?\n]\s*$", text[:start])):
        start = text.index(words[1], start + len(words[0]))
        words = words[1:]
    return start, words


def product_context(
    text: str, start: int, end: int, *, things: Sequence[tuple[int, int]], persons: Sequence[tuple[int, int]]
) -> bool:
    """Whether a name only the model or a list vouches for is rather a product, a game's character, a shop or an
    assistant (the module's docstring); `things` and `persons`: the spans the model calls things and people."""
    found = [*things, *persons]
    return platform_on(text, start, end, things, persons) or coded_name(text, start, end) or inside_numbered_name(text, start, end, found) or shop_at(text, start, end) \
        or game_character(text, start, end) or configured(text, start, end) or assistant_asked(text, start, end) \
        or goods_of(text, start, end) or software_of(text, start, end) or product_phrase(text, start, end) \
        or thing_role(text, start, end, things=things) \
        or thing_shape(text, start, end, things=things)  # the part it plays (policies/thing_roles.py), the sentence's shape (thing_shapes.py)
