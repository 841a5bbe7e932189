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


# per language: the words that make a message each kind, then words that may go with them
WORDS: dict[str, dict[Pleasantry, frozenset[str]]] = {
    "en": {
        Pleasantry.THANKS: frozenset("thanks thank thx ty tysm cheers appreciated appreciate".split()),
        Pleasantry.BYE: frozenset("bye goodbye cya later farewell".split()),
        Pleasantry.GREETING: frozenset("hi hello hey hiya howdy morning afternoon evening greetings yo".split()),
    },
    "de": {
        Pleasantry.THANKS: frozenset("danke dankeschön vielen dank".split()),
        Pleasantry.BYE: frozenset("tschüss tschüs wiedersehen".split()),
        Pleasantry.GREETING: frozenset("hallo moin servus morgen tag abend".split()),
    },
    "fr": {
        Pleasantry.THANKS: frozenset("merci".split()),
        Pleasantry.BYE: frozenset("revoir bientôt".split()),
        Pleasantry.GREETING: frozenset("bonjour salut bonsoir coucou".split()),
    },
    "es": {
        Pleasantry.THANKS: frozenset("gracias".split()),
        Pleasantry.BYE: frozenset("adiós adios chao luego".split()),
        Pleasantry.GREETING: frozenset("hola buenos buenas días tardes noches".split()),
    },
    "it": {
        Pleasantry.THANKS: frozenset("grazie".split()),
        Pleasantry.BYE: frozenset("arrivederci".split()),
        Pleasantry.GREETING: frozenset("ciao buongiorno buonasera salve".split()),
    },
    "pt": {
        Pleasantry.THANKS: frozenset("obrigado obrigada valeu".split()),
        Pleasantry.BYE: frozenset("tchau".split()),
        Pleasantry.GREETING: frozenset("olá ola oi bom boa dia tarde noite".split()),
    },
}
# words that go with them in any of those languages ("thank you so much", "ok great, bye", "hi there",
# "vielen dank", "muchas gracias", "merci beaucoup", "au revoir", "hasta luego")
WITH = frozenset("""
you so much very a lot all again for the help your that it was helped helpful great ok okay k cool nice perfect awesome
good got thanks there everyone team and have day see soon then bot many lovely brilliant excellent super fine alright
much appreciated sure understood
sehr schönen schön auf gut danke super alles klar guten
beaucoup au à bien parfait très ok
muchas mil hasta perfecto vale genial muy bien
molte mille perfetto arrivederci buona
muito obrigado até logo perfeito
""".split())
ORDER = (Pleasantry.THANKS, Pleasantry.BYE, Pleasantry.GREETING)  # "thanks, bye" is thanks; "hi, thanks" too
MAX_WORDS = 8
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def pleasantry(text: str) -> tuple[Pleasantry, str] | None:
    """(what kind, in which language) when the message is only a greeting, a thank-you or a goodbye."""
    said = [w.casefold() for w in _WORD.findall(PLACEHOLDER_RE.sub(" ", text))]
    if not said or len(said) > MAX_WORDS:
        return None
    for kind in ORDER:
        for language, kinds in WORDS.items():
            if any(w in kinds[kind] for w in said):
                own = set().union(*kinds.values())
                if all(w in own or w in WITH for w in said):
                    return kind, language
    return None
