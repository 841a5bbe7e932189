"""Is the message only a greeting, a thank-you or a goodbye? Then the bot says so back, and no person
is called for it.

"thanks!" after a good answer, or "hi" (or "Hi, I'm Maria") before the question, matched no article and was handed over as
`no_answer`: a customer told "I couldn't find this in our help center" for saying thank you, and a
card in the staff queue with nothing to do. A message is a pleasantry when every word of it is a word
of these lists (at most `MAX_WORDS`; a placeholder of redaction, "thanks <PERSON_1>", counts as one).
Word lists, not meaning: "thanks, but how do I export?" has a question in it and is no pleasantry,
and a list is exact where a nearest example is not ("hi, my invoice is wrong" is close to "hi").
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

from policies.placeholders import PLACEHOLDER_RE


class Pleasantry(StrEnum):
    GREETING = "greeting"
    THANKS = "thanks"
    BYE = "bye"
    INTRODUCTION = "introduction"  # "Hi, I'm <PERSON_1>", "my email is <EMAIL_1>": who they are, no question yet
    ACKNOWLEDGED = "acknowledged"  # "ok", "got it", "great": the answer was read
    YES = "yes"  # "yes", "sure": the customer has more to ask


# per language: the words that make a message each kind, then words that may go with them
WORDS: dict[str, dict[Pleasantry, frozenset[str]]] = {
    "en": {
        Pleasantry.THANKS: frozenset("thanks thank thx ty tysm cheers appreciated appreciate".split()),
        Pleasantry.BYE: frozenset("bye goodbye cya later farewell".split()),
        Pleasantry.GREETING: frozenset("hi hello hey hiya howdy morning afternoon evening greetings yo".split()),
        Pleasantry.ACKNOWLEDGED: frozenset("ok okay k kk got understood alright great cool perfect nice fine noted".split()),
        Pleasantry.YES: frozenset("yes yeah yep yup sure please".split()),
    },
    "de": {
        Pleasantry.THANKS: frozenset("danke dankeschön vielen dank".split()),
        Pleasantry.BYE: frozenset("tschüss tschüs wiedersehen".split()),
        Pleasantry.GREETING: frozenset("hallo moin servus morgen tag abend".split()),
        Pleasantry.ACKNOWLEDGED: frozenset("ok okay gut super verstanden alles klar prima".split()),
        Pleasantry.YES: frozenset("ja jawohl klar".split()),
    },
    "fr": {
        Pleasantry.THANKS: frozenset("merci".split()),
        Pleasantry.BYE: frozenset("revoir bientôt".split()),
        Pleasantry.GREETING: frozenset("bonjour salut bonsoir coucou".split()),
        Pleasantry.ACKNOWLEDGED: frozenset("ok accord daccord compris super parfait".split()),
        Pleasantry.YES: frozenset("oui ouais".split()),
    },
    "es": {
        Pleasantry.THANKS: frozenset("gracias".split()),
        Pleasantry.BYE: frozenset("adiós adios chao luego".split()),
        Pleasantry.GREETING: frozenset("hola buenos buenas días tardes noches".split()),
        Pleasantry.ACKNOWLEDGED: frozenset("ok vale entendido genial perfecto".split()),
        Pleasantry.YES: frozenset("sí si claro".split()),
    },
    "it": {
        Pleasantry.THANKS: frozenset("grazie".split()),
        Pleasantry.BYE: frozenset("arrivederci".split()),
        Pleasantry.GREETING: frozenset("ciao buongiorno buonasera salve".split()),
        Pleasantry.ACKNOWLEDGED: frozenset("ok okay capito perfetto va bene".split()),
        Pleasantry.YES: frozenset("sì si certo".split()),
    },
    "pt": {
        Pleasantry.THANKS: frozenset("obrigado obrigada valeu".split()),
        Pleasantry.BYE: frozenset("tchau".split()),
        Pleasantry.GREETING: frozenset("olá ola oi bom boa dia tarde noite".split()),
        Pleasantry.ACKNOWLEDGED: frozenset("ok beleza entendi perfeito certo".split()),
        Pleasantry.YES: frozenset("sim claro".split()),
    },
}
# "no", "nothing": the answer to the bot's own "Is there anything else I can help with?" (the thanks
# reply), said back as a goodbye. "no thanks" after it was handed over as `no_answer`, a staff card for
# a customer who was done. After a clarification's offer the same words decline every article offered,
# a request for a person as the "none of these" button is (bot/engine/message_store_records.py)
DECLINE: dict[str, frozenset[str]] = {
    "en": frozenset("no nope nah nothing none neither".split()),
    "de": frozenset("nein nichts nö".split()),
    "fr": frozenset("non rien".split()),
    "es": frozenset("no nada".split()),
    "it": frozenset("no niente nulla".split()),
    "pt": frozenset("não nao nada".split()),
}
# words that go with them in any of those languages ("thank you so much", "ok great, bye", "hi there",
# "vielen dank", "muchas gracias", "merci beaucoup", "au revoir", "hasta luego"); "this was a nice chat" and "nice
# talking to you" were answered from a contact article (a CLINC150 in-scope request, asked of kb7 and kb9 as dev data)
WITH = frozenset("""
you so much very a lot all again for the help your that it was helped helpful great ok okay k cool nice perfect awesome
good got thanks there everyone team and have day see soon then bot many lovely brilliant excellent super fine alright
much appreciated sure understood this chat chatting talking to with
sehr schönen schön auf gut danke super alles klar guten
beaucoup au à bien parfait très ok d
muchas mil hasta perfecto vale genial muy bien
molte mille perfetto arrivederci buona va bene
muito obrigado até logo perfeito
""".split())
# "thanks, bye" is thanks; "hi, thanks" too; "ok thanks" is thanks, "ok" alone an acknowledgement. "ok", "great"
# and "yes" alone were searched and handed to a person as `no_answer` ("I couldn't find this in our help center")
ORDER = (Pleasantry.THANKS, Pleasantry.BYE, Pleasantry.GREETING, Pleasantry.YES, Pleasantry.ACKNOWLEDGED)
# A customer who first says who they are ("Hi, this is Sam", "my name is Maria Lopez", their e-mail address
# alone) was searched for it and handed to a person as `no_answer`: a card in the staff queue with no question on
# it. A message that is only what redaction took out (a name, an e-mail address, a phone number), after a greeting
# and one of these ways of saying who one is, is an introduction: the bot asks what it can do. Phrases, not a bag
# of words: "is <PERSON_1> there?" and "call <PERSON_1>" ask for someone. (A name the tenant's own documents use
# is no placeholder, policies/redaction.py, and is searched as any word.)
INTRODUCING = {
    "en": r"i\s*am|i'?m|im|this\s+is|it'?s|my\s+name\s+is|my\s+name'?s|name\s*:|(?:my\s+)?(?:e-?mail(?:\s+address)?|phone(?:\s+number)?|number|mobile|cell)(?:\s+is|\s*:)?",
    "de": r"ich\s+bin|ich\s+hei(?:ß|ss)e|mein\s+name\s+ist|hier\s+ist|meine\s+(?:e-?mail(?:-adresse)?|telefonnummer|nummer)\s+ist",
    "fr": r"je\s+suis|je\s+m['’]appelle|moi\s+c['’]est|c['’]est|mon\s+nom\s+est|mon\s+(?:e-?mail|adresse\s+e-?mail|numéro)\s+est",
    "es": r"soy|me\s+llamo|mi\s+nombre\s+es|habla|mi\s+(?:correo|email|teléfono|número)\s+es",
    "it": r"sono|mi\s+chiamo|il\s+mio\s+nome\s+è|la\s+mia\s+e-?mail\s+è|il\s+mio\s+numero\s+è",
    "pt": r"sou|me\s+chamo|meu\s+nome\s+é|meu\s+(?:e-?mail|telefone|número)\s+é",
}
HERE = {"en": "here", "de": "hier", "fr": "ici", "es": "aquí|aqui", "it": "qui", "pt": "aqui"}
AND = {"en": "and", "de": "und", "fr": "et", "es": "y", "it": "e", "pt": "e"}
# what an introduction is made of besides those words (redaction's kinds: policies/pii_patterns.py)
INTRODUCED = ("PERSON", "EMAIL", "PHONE")


def _introduction_pattern(language: str) -> re.Pattern[str]:
    greetings = "|".join(sorted(WORDS[language][Pleasantry.GREETING] | WORDS["en"][Pleasantry.GREETING], key=len, reverse=True))
    said = rf"(?:(?:{INTRODUCING[language]})\s*)?<(?:{'|'.join(INTRODUCED)})_\d+>"
    return re.compile(
        rf"\s*(?:(?:{greetings}|there|good)[\s,!.]+)*{said}(?:[\s,;/&]*(?:(?:{AND[language]})\s+)?{said})*"
        rf"(?:\s+(?:{HERE[language]}))?[\s.!]*",
        re.IGNORECASE,
    )


_INTRODUCTIONS = {language: _introduction_pattern(language) for language in INTRODUCING}
MAX_WORDS = 8
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def _words(text: str) -> list[str]:
    """The message's words, placeholders left out, case folded."""
    return [w.casefold() for w in _WORD.findall(PLACEHOLDER_RE.sub(" ", text))]


def pleasantry(text: str) -> tuple[Pleasantry, str] | None:
    """(what kind, in which language) when the message is only a greeting, a thank-you, a goodbye or who the
    customer is."""
    said = _words(text)
    if not said:
        # no word to tell the language by: "" (the tenant's own, bot/engine/message_stages.py `PleasantryStage`)
        if _emoji_only(text):  # "👍", "🙂🙂": read and acknowledged, no question
            return Pleasantry.ACKNOWLEDGED, ""
        if _marks_only(text):  # "?", "...", "??": someone waiting to be spoken to, no question to search for
            return Pleasantry.GREETING, ""
        return _introduction(text)
    if len(said) > MAX_WORDS:
        return None
    if (language := _declined_in(said)) is not None:
        return Pleasantry.BYE, language
    for kind in ORDER:
        for language, kinds in WORDS.items():
            if any(w in kinds[kind] for w in said):
                own = set().union(*kinds.values())
                if all(w in own or w in WITH for w in said):
                    return kind, language
    return _introduction(text)


def _emoji_only(text: str) -> bool:
    """Only emoji and other pictographs (Unicode's "other symbol"), with punctuation or spaces: no word,
    digit or placeholder. A thumbs-up matched no article and called a person as `no_answer`."""
    rest = [c for c in text if not c.isspace() and unicodedata.category(c)[0] not in "PZ" and c not in "\ufe0f\u200d"]
    return bool(rest) and not PLACEHOLDER_RE.search(text) and all(unicodedata.category(c) in ("So", "Sk") for c in rest)


def _marks_only(text: str) -> bool:
    """Only punctuation ("?", "...", "?!"): no word, digit, emoji or placeholder. Searched, "?" found no
    article and called a person as `no_answer`, with nothing for them to answer."""
    rest = [c for c in text if not c.isspace()]
    return bool(rest) and all(unicodedata.category(c)[0] == "P" for c in rest)


def _introduction(text: str) -> tuple[Pleasantry, str] | None:
    if "<" not in text:
        return None
    for language, pattern in _INTRODUCTIONS.items():
        if pattern.fullmatch(text):
            return Pleasantry.INTRODUCTION, language
    return None


# what may go with a no: "no thank you", "nope, that's all", "no I'm fine", "nothing else for now". Not the
# words of a verdict ("no good" says the answer did not help) nor of a greeting
DECLINE_WITH = frozenset("thank you that s it all else for now i m fine set just really".split())


def _declining(said: list[str], language: str) -> bool:
    words = DECLINE[language]
    kinds = WORDS[language]
    return any(w in words for w in said) and all(
        w in words or w in DECLINE_WITH or w in kinds[Pleasantry.THANKS] or w in kinds[Pleasantry.BYE] for w in said)


def _declined_in(said: list[str]) -> str | None:
    """The language of the no that `said` is, or None."""
    return next((language for language in DECLINE if _declining(said, language)), None)


def declines(text: str) -> bool:
    """Whether the message only says no ("no", "no thanks", "nope, that's all", "nein danke"): no question in
    it, at most `MAX_WORDS` words, each a no-word, a thank-you's, a goodbye's or one of `DECLINE_WITH`."""
    said = _words(text)
    return bool(said) and len(said) <= MAX_WORDS and _declined_in(said) is not None


# The customer says the answer did not help ("that didn't help", "not what I asked", "that's wrong"): it was
# searched as a question and handed over as `no_answer` ("I couldn't find this in our help center"). Now a
# person takes it, told why (HandoffReason.NOT_HELPFUL). The whole message must be the complaint: "that's wrong,
# my invoice shows 3 seats" has something to look up.
_UNHELPED = (
    r"(?:that|this|it)?\s*(?:did ?n['’]?t|did not|does ?n['’]?t|does not|do ?n['’]?t|is ?n['’]?t|is not|was ?n['’]?t|was not|not)\s+"
    r"(?:help(?:ful|ing)?|useful|answer(?:ing)? my question|work for me|what i (?:asked|meant|wanted|need(?:ed)?|(?:am|'?m|was) looking for)|it|right)|"
    r"(?:that|this|it)(?:['’]s| is| was) (?:wrong|incorrect|useless|not it|not right|not helpful)|wrong answer|useless|"
    r"you(?:['’]re| are) not helping|not helpful|no help|unhelpful|"
    r"no me (?:ayud[oó]|sirve|sirvió)|no sirve|eso no es|no es eso|"
    r"(?:[cç]a|cela) ne m['’]aide pas|pas utile|ce n['’]est pas [cç]a|"
    r"(?:das )?hilft (?:mir )?nicht|hat (?:mir )?nicht geholfen|das ist falsch|"
    r"non mi (?:aiuta|ha aiutato)|non (?:è|e) utile|"
    r"n[aã]o (?:me )?ajudou|n[aã]o (?:é|e) isso"
)
UNHELPED = re.compile(
    rf"\s*(?:(?:no|nope|nah|sorry|but|well|hmm+|ugh|um+|ok|okay|thanks|sadly|unfortunately)[\s,.!]+)*(?:{_UNHELPED})"
    rf"(?:[\s,.!]+(?:at all|sorry|though|unfortunately|either|really|thanks))*[\s.!?]*",
    re.IGNORECASE,
)


def unhelped(text: str) -> bool:
    """Whether the message only says the bot's answer did not help."""
    return len(text) <= 120 and UNHELPED.fullmatch(text) is not None
