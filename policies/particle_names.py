"""The small words inside a found person's name, and the name's words beyond them: "X [binti Y]", "X [bin Y Al Z]", "X [du Y]",
"[Ma.] X Y", "X [Ó Y]", "X [Ní Y]", "X [de los Y]".

The model and the name rules end a name at a particle they do not know ("binti", "Ó", "Ní", "ap"), or begin it after one
("Ma.", the first name Maria as the Philippines shorten it; a "du" before a surname), and leave the rest of the name in the
text. Here a name found by the other rules grows over:
- after it, one to three particles and then one to three capitalised words (in a message in lower case, lower-case ones)
  that can be a name's: no function word, no word of a chat, no brand (`policies/task_names.py` `_name`, later=True);
- before it, the particles that open it ("du Y" found as "Y"), and one capitalised word before them that can be a
  first name; "Ma." or "Mª" right before a capitalised name.
Only names already found grow, so no message that was not changed is changed now.

Hand-written rather than a library's: `nameparser` knows many of these particles but parses a string it is told is a name; it
does not say where a name ends inside a sentence. Chosen on bench/dev_pii_messages_privacy36.txt (development), the PII tune
half and seed 1000; no value of an evaluation file.
"""

from __future__ import annotations

import re

from bot.core.first_names import NOT_NAMES
from bot.core.words import stop_words
from policies.businesses import a_brand
from policies.name_cues import common
from policies.task_names import _name

# lower-case (or capitalised) particles of names in many countries: Malay and Arabic patronyms, Afrikaans, Dutch, German,
# Romance, Filipino, Irish, Welsh and Scottish ones
PARTICLE = (
    r"(?:bin|binti|bint|bte|ibn|ben|bat|ould|al|el|du|de|des|del|della|delos|da|das|dos|do|di|van|von|der|den|ter|ten|te|"
    r"la|le|los|las|lo|zu|af|av|ap|ab|ó|ua|ní|nic|mac|mc|bin\.|b\.)"
)
PARTICLE_WORD = re.compile(rf"(?i:{PARTICLE})")
PARTICLES = rf"(?:(?i:{PARTICLE})[ \t]+){{1,3}}"
WORD = r"[^\W\d_][\w'’]*(?:-[^\W\d_][\w'’]*)*"
# what may follow a found name: particles, then its other words ("binti Y", "de los Y", "Ó Y")
AFTER = re.compile(rf"[ \t]+({PARTICLES})((?:{WORD})(?:[ \t]+{WORD}){{0,2}})")
# particles (and a first name) before a found surname: "X du [Y]"; none that English has ("do", "to", "la")
BEFORE_PARTICLE = r"(?:bin|binti|bint|ibn|al|el|du|de|del|della|da|das|dos|di|van|von|der|ter|ó|ní|nic|ap|mac)"
BEFORE = re.compile(rf"(?:(?<![\w'’-])({WORD})[ \t]+)?(?<![\w'’-])((?:(?i:{BEFORE_PARTICLE})[ \t]+){{1,3}})\Z")
# the first name Maria shortened, as the Philippines write it, before a found name
MARIA = re.compile(r"(?<![\w'’.])(?:Ma\.|Mª)[ \t]*\Z")


def _surname_after(word: str, cased: bool) -> bool:
    """After a particle, a capitalised word that is no frequent English word is the surname's ("du Y", "van Y")."""
    low = word.lower()
    return cased and word[:1].isupper() and not word.isupper() and low not in stop_words() and low not in NOT_NAMES and not common(low)


def _grown_after(text: str, e: int, cased: bool) -> int:
    m = AFTER.match(text, e)
    if m is None:
        return e
    end = e
    for w in re.finditer(WORD, m.group(2)):
        word = w.group()
        if PARTICLE_WORD.fullmatch(word):  # "bin Y [Al] Z"
            continue
        if (cased and not word[:1].isupper()) or not (_name(word, cased=cased, later=True) or _surname_after(word, cased)):
            break
        end = m.start(2) + w.end()
    return max(e, end)


def _grown_before(text: str, s: int, cased: bool) -> int:
    if (m := MARIA.search(text, max(0, s - 4), s)) is not None and text[s:s + 1].isupper():
        return m.start()
    m = BEFORE.search(text, max(0, s - 40), s)
    if m is None:
        return s
    if not cased or not text[s:s + 1].isupper():
        return s
    start = m.start(2)
    if m.group(1) and m.group(1)[:1].isupper() and _name(m.group(1), cased=cased):
        start = m.start(1)
    return start


def particle_names(text: str, people: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The found names `people` grown over their particles, where they grow."""
    cased = any(c.isupper() for c in text)
    out = []
    for s, e in people:
        start, end = _grown_before(text, s, cased), _grown_after(text, e, cased)
        if (start, end) != (s, e) and not a_brand(text, start, end):
            out.append((start, end))
    return out
