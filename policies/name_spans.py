"""Where names of people stand in a text, found with the name lists and word tests of policies/name_words.py:
runs of name words, the addressee on the line above a street line, a list of mostly first names, and a title
before a name written in lower case.
"""

from __future__ import annotations

import re

from bot.core.first_names import Names
from bot.core.words import stop_words
from policies.name_words import (
    NAME_PARTICLES,
    NameWords,
    initial,
    lower_pair,
    name_word,
    ordinary,
    other_script,
    particle,
    plain,
    unknown_word,
)

TOKEN = re.compile(r"[^\W\d_][\w'’-]*\.?")
SENTENCE_END = re.compile(r"(?:^|[.!?:;\n\"“(]\s*)$")
# words right before a place, not a person: "fly to paris", "deliver to Valencia", "born in Porto"
PLACE_BEFORE = frozenset("to from in at near into via across around of visit visiting".split())


def lexicon_spans(text: str, *, not_names: frozenset[str]) -> list[tuple[int, int]]:
    """Runs of name words ("Vesketh", "Oria K. Vesketh", "oria vesketh", "Ωρεία"), with the
    initials and particles inside them. A single capitalised word opening a sentence counts only when a
    lower-case word follows it ("Vesketh began ..."); one after a word that introduces a place does not."""
    cased = any(c.isupper() for c in text)
    tokens = list(TOKEN.finditer(text))
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        j, names = i, 0
        while j < len(tokens):
            word = tokens[j].group()
            if j > i and text[tokens[j - 1].end() : tokens[j].start()] not in (" ", "  "):
                break
            if cased and not word[0].isupper() and not particle(word):
                break
            if (name_word(word) or (cased and unknown_word(word))) and word.lower().strip(".,'’") not in not_names:
                names += 1
            elif not ((initial(word) or particle(word)) and j > i):
                break
            j += 1
        if names == 0:
            i += 1
            continue
        while j - 1 > i and not name_word(tokens[j - 1].group()) and not unknown_word(tokens[j - 1].group()):
            j -= 1  # a run ends on a name, not on "K." or "van"
        start, end = tokens[i].start(), tokens[j - 1].end()
        end -= text[start:end].endswith(".") and not initial(tokens[j - 1].group())
        before = text[:start].split()[-1:]
        at_start = SENTENCE_END.search(text[max(0, start - 3) : start]) is not None
        placed = bool(before) and before[0].lower() in PLACE_BEFORE
        placed |= j - i == 1 and bool(before) and before[0].lower() in ("the", "a", "an", "my", "your", "our")  # "the Epson printer"
        single = j - i == 1
        found = [t.group().strip(".,'’") for t in tokens[i:j] if name_word(t.group()) or unknown_word(t.group())]
        if not cased and len(found) == 1 and j < len(tokens) and text[tokens[j - 1].end() : tokens[j].start()] == " " and lower_pair(found[0], tokens[j].group()):
            j += 1  # "arthur thompson": a surname the embedding model knows still follows a first name
            found.append(tokens[j - 1].group())
        if len({w.lower() for w in found}) < len(found):
            i = j
            continue  # "doo doo doo": a refrain, not a name
        if not cased and not any(other_script(w) for w in found) and not (len(found) >= 2 and found[0].lower() in Names.first_names() and found[-1].lower() in NameWords.surnames()):
            pass  # all in lower case ("text oriana", "how do i make lasagna"): only a first name with a surname
        elif placed and (single or not cased) and not other_script(tokens[i].group()):
            pass
        elif cased and single and at_start and not re.match(r"(?:['’]s)?,? [a-z]", text[end:]):
            pass
        else:
            out.append((start, end))
        i = j
    return out


# the line above a street line: "Billing address: Oria Vesketh\n 47 avenue ...", ">Oria Vesketh\n>11 Quillonská 19"
ADDRESSEE = re.compile(
    r"(?:^|\n)[ \t>?*-]*(?:(?i:[\w ]{0,20}address|to|recipient|ship to|deliver to|attn\.?|name)[ \t]*:[ \t]*)?"
    r"([^\W\d_][\w'’.-]*(?:[ \t]+[^\W\d_][\w'’.-]*){1,4})[ \t]*,?[ \t]*\n[ \t>?*-]*$"
)


def addressee_spans(text: str, street_starts: list[int], *, not_names: frozenset[str]) -> list[tuple[int, int]]:
    """The name on the line right above a street line, as on a letter or a parcel: two to five words, each
    a capitalised word, an initial or a particle (any word in a message all in lower case), not all of
    them ordinary words ("Bhardwaj and Sons", "Customer Service" are no one)."""
    cased = any(c.isupper() for c in text)
    out = []
    for start in street_starts:
        m = ADDRESSEE.search(text, max(0, start - 120), start)
        if m is None or m.end() != start:
            continue
        words = m.group(1).split()
        if cased and not all(w[0].isupper() or particle(w) for w in words):
            continue
        if any(w.lower().strip(".,") in not_names for w in words):
            continue
        if all(ordinary(w) or initial(w) or particle(w) for w in words):
            continue
        out.append((m.start(1), m.end(1)))
    return out


LIST_ITEM = r"[^\W\d_][\w'’-]*(?: [^\W\d_][\w'’-]*)?"
# an item's second word that joins the list's last item ("aurelia and rosalía"): no part of the item
LIST_JOINER_AFTER = re.compile(r" (?:and|or|και|y|e|und|et|en|og|och|ja|és|i|a|ve)$")
ANY_LIST = re.compile(rf"(?<![\w'’-])({LIST_ITEM}(?:, {LIST_ITEM}){{1,}},? (?:and|or|&|και|y|e|und|et|en|og|och|ja|és|i|a|ve) {LIST_ITEM})(?![\w'’-])")
LOWER_TITLED = re.compile(
    r"\b(?:mr|mrs|ms|dr|prof)\.?\s+((?:(?:van|von|de|der|den|da|di|le|la)\s+){0,2}[^\W\d_][\w'’-]+"
    r"(?:\s[^\W\d_]\.(?=\s))?(?:\s[^\W\d_][\w'’-]+)?)",
    re.IGNORECASE,
)


def listed_names(text: str) -> list[tuple[int, int]]:
    """The items of a list of three or more that are mostly first names are all names: "They had 6: oria,
    bram, quill, vesk, dorna and tamsin", "founders: Oria, Bram and Vesketh"."""
    out = []
    for m in ANY_LIST.finditer(text):
        items = [(i.start(), i.start() + len(LIST_JOINER_AFTER.sub("", i.group()))) for i in re.finditer(LIST_ITEM, m.group(1))]
        if len(items) < 3:
            continue
        firsts = 0
        for a, b in items:
            word = m.group(1)[a:b].split()[0]
            if other_script(word) or (word.lower() in Names.first_names() and not plain(word)):
                firsts += 1
        if firsts * 3 >= len(items) * 2:
            out += [(m.start(1) + a, m.start(1) + b) for a, b in items]
    return out


def titled_lowercase(text: str) -> list[tuple[int, int]]:
    """A title then a name written in lower case: "mrs. vesketh flew to", "dr. oria m. vesketh"; the second
    word only when it is no ordinary word ("ms. oria i'd like")."""
    out = []
    for m in LOWER_TITLED.finditer(text):
        words = m.group(1).split()
        # a first name of the lists after the title: a surname of the lists after it is one even when it is an
        # English word too ("mr. oria arroyo", "dr. sophia c. graham")
        first_listed = words[0].lower() in Names.first_names()
        keep = [words[0]]
        for w in words[1:]:
            if w.lower() in NAME_PARTICLES or initial(w) or (not ordinary(w) and len(w) > 1) or (
                first_listed and w.lower().strip(".,'’") in NameWords.surnames() and w.lower() not in stop_words()
            ):  # not "to", "so": function words that are surnames too ("ms alba to be informed")
                keep.append(w)
            else:
                break
        while len(keep) > 1 and initial(keep[-1]):
            keep.pop()
        dotted = re.search(r"\b(?:mr|mrs|ms)\.\s+$", text[max(0, m.start(1) - 6) : m.start(1)], re.IGNORECASE) is not None
        listed = first_listed or words[0].lower().strip(".,'’") in NameWords.surnames()
        if plain(words[0]) and words[0].lower() not in NAME_PARTICLES and not (first_listed and len(keep) > 1) and not (dotted and listed):
            continue  # "mr accountant", "mrs congeniality": a title before an ordinary word is a joke or a role ("ms. baker" is a name)
        out.append((m.start(1), m.start(1) + len(" ".join(keep))))
    return out
