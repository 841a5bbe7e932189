"""Is the message only a greeting, a thank-you or a goodbye? Then the bot says so back, and no person
is called for it.

"thanks!" after a good answer, or "hi" before the question, matched no article and was handed over as
`no_answer`: a customer told "I couldn't find this in our help center" for saying thank you, and a
card in the staff queue with nothing to do. A message is a pleasantry when every word of it is a word
of these lists (at most `MAX_WORDS`; a placeholder of redaction, "thanks <PERSON_1>", counts as one).
Word lists, not meaning: "thanks, but how do I export?" has a question in it and is no pleasantry,
and a list is exact where a nearest example is not ("hi, my invoice is wrong" is close to "hi").
"""

from __future__ import annotations

import re
from enum import StrEnum

from policies.placeholders import PLACEHOLDER_RE


class Pleasantry(StrEnum):
    GREETING = "greeting"
    THANKS = "thanks"
    BYE = "bye"
    ACK = "ack"  # "ok", "got it", "perfect": said back with "anything else?", no person called


# per language: the words that make a message each kind, then words that may go with them
WORDS: dict[str, dict[Pleasantry, frozenset[str]]] = {
    "en": {
        Pleasantry.THANKS: frozenset("thanks thank thx ty tysm cheers appreciated appreciate".split()),
        Pleasantry.BYE: frozenset("bye goodbye cya later farewell".split()),
        Pleasantry.GREETING: frozenset("hi hello hey hiya howdy morning afternoon evening greetings yo".split()),
        Pleasantry.ACK: frozenset("ok okay k kk got understood cool great perfect nice alright fine sure noted".split()),
    },
    "de": {
        Pleasantry.THANKS: frozenset("danke dankeschön vielen dank".split()),
        Pleasantry.BYE: frozenset("tschüss tschüs wiedersehen".split()),
        Pleasantry.GREETING: frozenset("hallo moin servus morgen tag abend".split()),
        Pleasantry.ACK: frozenset("ok okay verstanden klar super prima".split()),
    },
    "fr": {
        Pleasantry.THANKS: frozenset("merci".split()),
        Pleasantry.BYE: frozenset("revoir bientôt".split()),
        Pleasantry.GREETING: frozenset("bonjour salut bonsoir coucou".split()),
        Pleasantry.ACK: frozenset("ok accord parfait compris".split()),
    },
    "es": {
        Pleasantry.THANKS: frozenset("gracias".split()),
        Pleasantry.BYE: frozenset("adiós adios chao luego".split()),
        Pleasantry.GREETING: frozenset("hola buenos buenas días tardes noches".split()),
        Pleasantry.ACK: frozenset("ok vale perfecto genial entendido".split()),
    },
    "it": {
        Pleasantry.THANKS: frozenset("grazie".split()),
        Pleasantry.BYE: frozenset("arrivederci".split()),
        Pleasantry.GREETING: frozenset("ciao buongiorno buonasera salve".split()),
        Pleasantry.ACK: frozenset("ok perfetto capito bene".split()),
    },
    "pt": {
        Pleasantry.THANKS: frozenset("obrigado obrigada valeu".split()),
        Pleasantry.BYE: frozenset("tchau".split()),
        Pleasantry.GREETING: frozenset("olá ola oi bom boa dia tarde noite".split()),
        Pleasantry.ACK: frozenset("ok beleza perfeito entendi".split()),
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
# "vielen dank", "muchas gracias", "merci beaucoup", "au revoir", "hasta luego")
WITH = frozenset("""
you so much very a lot all again for the help your that it was helped helpful great ok okay k cool nice perfect awesome
good got thanks there everyone team and have day see soon then bot many lovely brilliant excellent super fine alright
much appreciated sure understood
sehr schönen schön auf gut danke super alles klar guten
beaucoup au à bien parfait très ok d
muchas mil hasta perfecto vale genial muy bien
molte mille perfetto arrivederci buona va bene
muito obrigado até logo perfeito
""".split())
ORDER = (Pleasantry.THANKS, Pleasantry.BYE, Pleasantry.GREETING, Pleasantry.ACK)  # "thanks, bye" is thanks; "hi, thanks" too
MAX_WORDS = 8
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def pleasantry(text: str) -> tuple[Pleasantry, str] | None:
    """(what kind, in which language) when the message is only a greeting, a thank-you or a goodbye."""
    said = [w.casefold() for w in _WORD.findall(PLACEHOLDER_RE.sub(" ", text))]
    if not said or len(said) > MAX_WORDS:
        return None
    if declines(text):
        return Pleasantry.BYE, _declined_in(said)
    for kind in ORDER:
        for language, kinds in WORDS.items():
            if any(w in kinds[kind] for w in said):
                own = set().union(*kinds.values())
                if all(w in own or w in WITH for w in said):
                    return kind, language
    return None


# what may go with a no: "no thank you", "nope, that's all", "no I'm fine", "nothing else for now". Not the
# words of a verdict ("no good" says the answer did not help) nor of a greeting
DECLINE_WITH = frozenset("thank you that s it all else for now i m fine set just really".split())


def _declining(said: list[str], language: str) -> bool:
    words = DECLINE[language]
    kinds = WORDS[language]
    return any(w in words for w in said) and all(
        w in words or w in DECLINE_WITH or w in kinds[Pleasantry.THANKS] or w in kinds[Pleasantry.BYE] for w in said)


def _declined_in(said: list[str]) -> str:
    return next(language for language in DECLINE if _declining(said, language))


def declines(text: str) -> bool:
    """Whether the message only says no ("no", "no thanks", "nope, that's all", "nein danke"): no question in
    it, at most `MAX_WORDS` words, each a no-word, a thank-you's, a goodbye's or one of `DECLINE_WITH`."""
    said = [w.casefold() for w in _WORD.findall(PLACEHOLDER_RE.sub(" ", text))]
    return bool(said) and len(said) <= MAX_WORDS and any(_declining(said, language) for language in DECLINE)
