"""What words a tenant's knowledge base uses, to notice questions about things it never mentions.

"How do I reset my Gmail password?" is close in meaning to "How do I reset my password?", so
similarity alone answers it. But "gmail" occurs nowhere in the help center and is no common English
word (it is not a whole token in the embedding model's vocabulary): the question is about something
else. `unknown_terms` lists such words; near-misses of known words (typos) don't count.
"""

from __future__ import annotations

import difflib
import re
import threading
from collections.abc import Callable, Iterable, Sequence

# the list lives in the ground layer (the language check and the name rules read it too); re-exported here
from bot.core.common_words import TOKENIZER as TOKENIZER
from bot.core.common_words import common_words as common_words
from bot.core.common_words import is_dictionary_word
from bot.core.words import stems, stop_words
from knowledge.kept_measures import KeptMeasures
from knowledge.own_names import OwnNames, read_own_names

PROPER = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][A-Za-z0-9]*[a-z0-9][A-Za-z0-9]*|[A-Z]{3,})\b")
WORD = re.compile(r"[a-z][a-z0-9'’-]*[a-z0-9]|[a-z]")

STOP = stop_words()
NEXT_WORD = re.compile(r"\s+([A-Za-z][A-Za-z0-9]*)")
OWN_WORD = re.compile(r"(?<![\w@./-])([A-Za-z][A-Za-z0-9]*)(?:['’]s)?(?![\w@/-]|\.\w)")
# a token with a digit in it, letters and dashes allowed around ("SR-88213", "AMP-40981123", "#4821", "INV2024-0117")
REFERENCE = re.compile(r"(?<![\w.#-])#?(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9][A-Za-z0-9_-]*[A-Za-z0-9](?![\w-]|\.\d)")


def words(text: str) -> set[str]:
    found = set(WORD.findall(text.lower()))
    # "COVID-19" in the knowledge base also teaches "covid"
    return found | {part for w in found if "-" in w for part in w.split("-") if part}


# "crashes on my Samsung", "on our Pixel": the customer's own device, where the question happens, not what it is about
OWNED = re.compile(r"\bon\s+(?:my|our)\s+([^\W\d_][\w+-]*)", re.IGNORECASE)


def owned_devices(text: str) -> set[str]:
    """The words right after "on my" / "on our": a brand there names the customer's device, which a help center
    need not name for the question to be its own ("the app keeps crashing on my samsung")."""
    return {m.group(1).lower() for m in OWNED.finditer(text)}


def content_stems(text: str) -> dict[str, frozenset[str]]:
    """The content words of a text (3+ letters, no English function word), each with its stems: two
    words match when their stems meet ("syncs", "sync")."""
    return {w: frozenset(stems(w)) for w in words(text) if len(w) >= 3 and w not in STOP}


Scope = tuple[str, tuple[str, ...]]  # (tenant, the access keys an asker may read)

TYPO_CUTOFF = 0.85  # difflib ratio of a word to a known word above which it is a typo of it


def _by_length(known: frozenset[str]) -> dict[int, tuple[str, ...]]:
    out: dict[int, list[str]] = {}
    for word in known:
        out.setdefault(len(word), []).append(word)
    return {n: tuple(sorted(group)) for n, group in out.items()}


def _length_fits(a: int, b: int, cutoff: float = TYPO_CUTOFF) -> bool:
    """difflib's `real_quick_ratio` bound, the same expression: words whose lengths fail it never match."""
    return 2.0 * min(a, b) / (a + b) >= cutoff


def scope_of(tenant: str, access_keys: Iterable[str]) -> Scope:
    """The key of what is cached per tenant and set of access keys (here and in knowledge/profile.py)."""
    return tenant, tuple(sorted(set(access_keys)))


class TenantVocabulary:
    """Known words per (tenant, access keys): only from chunks the asker may read. Built from every
    chunk, a guest's outcome (answered, or handed off for an unknown word) would tell which rare
    words restricted documents use."""

    def __init__(self, *, load: Callable[[str, Sequence[str]], list[str]] | None = None, products: frozenset[str] = frozenset(),
                 product_words: frozenset[str] = frozenset(),
                 documents: Callable[[str, Sequence[str]], list[tuple[str, str | None, str]]] | None = None,
                 sites: Callable[[str], Sequence[str]] = lambda tenant: (), kept: KeptMeasures | None = None) -> None:
        self._kept = kept  # measured once per state of the knowledge base, not once per start (knowledge/kept_measures.py)
        self._load = load  # (tenant, access keys) -> the readable chunks' texts (titles, headings, bodies)
        # or, read once for both, (tenant, access keys) -> (document id, URL, text) of the readable chunks: their
        # words, and with tenant -> the help site's origins the knowledge base's own names (knowledge/own_names.py)
        self._documents = documents
        self._sites = sites
        self._own: dict[Scope, OwnNames] = {}
        # other companies' products (policies/product_names.py): unknown names when the knowledge base never
        # mentions them, even where they are common words ("netflix") or written in lower case
        self._products = products
        # products named by an ordinary word ("Apple", "Stripe"): unknown names only when written like one
        self._product_words = product_words
        self._words: dict[Scope, frozenset[str]] = {}
        self._near: dict[Scope, dict[str, bool]] = {}  # scope -> word -> close to a known word (a typo)
        # scope -> word length -> the known words of that length: a typo is only looked for among
        # words of a length that can match, not the whole vocabulary (which grows with the KB)
        self._lengths: dict[Scope, dict[int, tuple[str, ...]]] = {}
        self._stemmed: dict[Scope, frozenset[str]] = {}  # scope -> every stem of its words (`never_used`)
        self._lock = threading.Lock()

    def refresh(self, tenant: str | None = None) -> None:
        with self._lock:
            for scope in [s for s in self._words if tenant is None or s[0] == tenant]:
                self._words.pop(scope, None)
                self._own.pop(scope, None)
                self._near.pop(scope, None)
                self._lengths.pop(scope, None)
                self._stemmed.pop(scope, None)

    def is_cached(self, tenant: str, access_keys: Iterable[str]) -> bool:
        with self._lock:
            return scope_of(tenant, access_keys) in self._words

    def warm(self, tenant: str, access_keys: Iterable[str]) -> None:
        """Read the words of what `access_keys` may read now, before a question needs them. Synchronous."""
        self._known_words(scope_of(tenant, access_keys))

    def _known_words(self, scope: Scope) -> frozenset[str]:
        with self._lock:
            cached = self._words.get(scope)
        if cached is None:
            if self._kept is None or not scope[1]:
                cached, own = self._measure(scope)
            else:
                sites = list(self._sites(scope[0]))
                cached, own = self._kept.through(
                    "words", [*scope, sites], tenant=scope[0], measure=lambda: self._measure(scope),
                    encode=lambda found: {"words": sorted(found[0]), "names": sorted(found[1].names), "compounds": sorted(found[1].compounds)},
                    decode=lambda kept: (frozenset(kept["words"]), OwnNames(frozenset(kept["names"]), frozenset(map(tuple, kept["compounds"])))),
                )
            lengths = _by_length(cached)
            with self._lock:
                self._words[scope] = cached
                self._own[scope] = own
                self._near.setdefault(scope, {})
                self._lengths[scope] = lengths
        return cached

    def _measure(self, scope: Scope) -> tuple[frozenset[str], OwnNames]:
        found: set[str] = set()
        own = OwnNames()
        if scope[1]:  # no readable keys: nothing to load
            if self._documents is not None:
                documents = self._documents(*scope)
                texts = [text for _, _, text in documents]
                own = read_own_names(documents, sites=self._sites(scope[0]))
            else:
                texts = self._load(*scope) if self._load is not None else []
            for text in texts:
                found |= words(text)
        return frozenset(found), own

    def _is_typo(self, word: str, *, scope: Scope, known: frozenset[str]) -> bool:
        """Fuzzy matching against the known words of a length that can match (difflib would drop the
        others on its first, length-only test: the answer is the same), remembered per word
        (questions repeat words). Scanning the whole vocabulary cost a question ~2 us per known word."""
        with self._lock:
            near = self._near.setdefault(scope, {})
            lengths = self._lengths.get(scope)
        found = near.get(word)
        if found is None:
            if lengths is None:  # `known` did not come from `_known_words` (refreshed meanwhile)
                lengths = _by_length(known)
            candidates = [w for n, group in lengths.items() if _length_fits(n, len(word)) for w in group]
            found = bool(difflib.get_close_matches(word, candidates, n=1, cutoff=TYPO_CUTOFF))
            if len(near) > 50_000:
                near.clear()
            near[word] = found
        return found

    def own_names_in(self, text: str, *, tenant: str, access_keys: Iterable[str]) -> list[str]:
        """The words of `text` that are the knowledge base's own names (knowledge/own_names.py), as written,
        with a possessive "'s"; none when they are all the question has to search for ("What is Paperkite?")."""
        scope = scope_of(tenant, access_keys)
        self._known_words(scope)
        with self._lock:
            own = self._own.get(scope, OwnNames())
        if not own.names:
            return []

        def alone(m: re.Match[str]) -> bool:  # the brand, not part of a product's name ("Wren Protect")
            after = NEXT_WORD.match(text, m.end())
            return m.group(1).lower() in own.names and not (after and (m.group(1).lower(), after.group(1).lower()) in own.compounds)

        matches = [m for m in OWN_WORD.finditer(text) if m.group(1).lower() in own.names]
        kept = {m.group() for m in matches if not alone(m)}  # written the same, the token is removed everywhere: keep it
        found = [m.group() for m in matches if alone(m) and m.group() not in kept]
        if not found:
            return []
        rest = OWN_WORD.sub(lambda m: " " if m.group() in found else m.group(), text)
        return found if content_stems(rest) else []

    def unknown_terms(self, text: str, *, tenant: str, access_keys: Iterable[str]) -> list[tuple[str, bool]]:
        """(word, whether it is written like a name: capitalised, not first in a sentence), against
        the words of the chunks `access_keys` may read."""
        scope = scope_of(tenant, access_keys)
        known = self._known_words(scope)
        if not known:
            return []
        common = common_words()
        names = {m.group(1).lower() for m in PROPER.finditer(text)}
        owned = owned_devices(text)
        unknown = []
        for word in sorted(words(text)):
            product = word.removesuffix("'s").removesuffix("’s")
            if product in self._products or (product in self._product_words and product in names):
                if product not in known and not any(s in known for s in stems(product)) and product not in owned:
                    unknown.append((product, True))
                continue
            if len(word) < 4 or word in STOP or "'" in word or "’" in word or any(s in known for s in stems(word)):
                continue
            parts = [p for p in word.split("-") if p]
            if all(p in common or p in known or p in STOP for p in parts) or word.replace("-", "") in common:
                continue
            if _contraction(word, common):
                continue
            if len(word) >= 6 and self._is_typo(word, scope=scope, known=known):
                continue  # a typo of a word the knowledge base uses
            unknown.append((word, word in names))
        return unknown

    def unknown_things(self, things: Iterable[str], *, tenant: str, access_keys: Iterable[str]) -> list[str]:
        """Of `things` (names of organisations, products..., policies/redaction.py `named_things`), those
        with a word of two letters or more that the chunks `access_keys` may read never use, nor any of
        its stems, and that no dictionary lists in lower case ("Amazon", "Disney+" asked of a shop's help
        center). A dictionary word is left out: spaCy calls a plan written with a capital an organisation
        ("a Premium account", "my Gold account": Bitext's TUNE questions, whose help center never names
        its plans, were handed over), and the product names among such words are policies/product_names.py's."""
        known = self._known_words(scope_of(tenant, access_keys))
        if not known:
            return []
        return [t for t in things if any(len(w) >= 2 and w not in known and not any(s in known for s in stems(w))
                                         and not is_dictionary_word(w) for w in words(t.lower()))]

    def never_used(self, candidates: Iterable[str], *, tenant: str, access_keys: Iterable[str]) -> list[str]:
        """Of `candidates` (lower-case words, policies/near_domain.py's nouns), those that the chunks `access_keys`
        may read never use, as written or by any stem, common words included ("visa" of a payroll help center),
        and that are no misspelling of a word they use. None when the asker may read nothing."""
        scope = scope_of(tenant, access_keys)
        known = self._known_words(scope)
        if not known:
            return []
        with self._lock:
            stemmed = self._stemmed.get(scope)
        if stemmed is None:  # two words match when their stems meet: "user" asked, "users" written
            stemmed = frozenset(s for word in known for s in stems(word))
            with self._lock:
                self._stemmed[scope] = stemmed
        return [w for w in candidates if w not in STOP and not (stems(w) & stemmed)
                and not (len(w) >= 6 and self._is_typo(w, scope=scope, known=known))]

    def references(self, text: str, *, tenant: str, access_keys: Iterable[str]) -> list[str]:
        """The customer's own reference codes in `text` (an order, a ticket, a serial: "SR-88213", "AMP-40981123"):
        letters with three digits or more, or four capitals or more with two digits (a promotion's code such as
        "WINTER25": read as an unknown word, it had a question about redeeming one handed over on a help center a
        helper wrote; qa10), that the chunks `access_keys` may read never use. Searched for, they matched nothing
        and read as unknown words (on a help center written by a fresh user, "my thermostat SR-88213 shows E47" was
        handed over at 0.12, the same question without the serial answered at 0.61); the knowledge base's own codes
        ("E47", "HT-420X") stay. Runs of digits alone stay too: measured with bench/bench_answers.py (2026-12-06),
        taking them out as well changed Bitext's order questions both ways and had COVID-QA answer three order
        questions asked of it (off-topic) on TUNE and REPORT; codes with letters alone change no TUNE or REPORT case
        (none has one) and four of kb5's answerable questions, each from handed over to answered or clarified."""
        known = self._known_words(scope_of(tenant, access_keys))
        out = []
        for m in REFERENCE.finditer(text):
            token = m.group().lstrip("#")
            digits, letters = sum(ch.isdigit() for ch in token), [ch for ch in token if ch.isalpha()]
            # an order or ticket number, or a promotion's code in capitals ("WINTER25", "WELCOME10": two digits)
            code = digits >= 3 or (digits >= 2 and len(letters) >= 4 and all(ch.isupper() for ch in letters))
            if code and letters and token.lower() not in known and not all(p in known for p in token.lower().split("-") if p):
                out.append(m.group())
        return out

    def respelled(self, text: str, *, tenant: str, access_keys: Iterable[str]) -> dict[str, str]:
        """The question's misspellings of the knowledge base's own words, each with the word it uses
        ("cancle" -> "cancel", "retrun" -> "return"), or two words written as one ("tocheck" -> "to
        check"), against the words of the chunks `access_keys` may read.

        A word counts when it is no word of the knowledge base (nor one of its stems) and no common
        English word, has four letters or more, and exactly one word of the knowledge base is one edit
        away from it (a letter added, dropped or changed, or two neighbours swapped): with two, which
        one was meant is a guess. With none, a word of seven letters or more that no dictionary lists
        ("updating" is no "up dating") and that is exactly one way two words of two letters or more,
        each a word of the knowledge base or a common one, is split ("wifi" stays: a short word is more
        often a name than two words). A word written like a name (capitalised inside a sentence) and
        another company's product are never respelled: "Xero" is no misspelled "zero", and the
        confidence gate reads the respelled question.

        Why: the embedding model cuts an unknown word into pieces that mean little ("cancle my oder pls"
        reached none of a shop's articles on cancelling an order), and BM25 never matches it. The search
        then runs on the words the knowledge base uses (the turn's pipeline: bot/engine/stages.py
        `RespellStage`); what is stored, shown and logged stays as the customer wrote it."""
        scope = scope_of(tenant, access_keys)
        known = self._known_words(scope)
        if not known:
            return {}
        common = common_words()
        names = {m.group(1).lower() for m in PROPER.finditer(text)}  # "Xero" is a name, not a misspelled "zero"
        out: dict[str, str] = {}
        for word in words(text):
            if (word in names or len(word) < MIN_RESPELLED or not word.isalpha() or word in known or word in common or word in STOP
                    or word in self._products or any(s in known for s in stems(word)) or _contraction(word, common)):
                continue
            near = _one_edit_away(word) & known
            if len(near) == 1:
                out[word] = near.pop()
            elif (not near and len(word) >= MIN_JOINED and not is_dictionary_word(word)
                  and len(joined := _two_words(word, lambda w: w in known or w in common)) == 1):
                out[word] = joined[0]
        return out


def _contraction(word: str, common: frozenset[str]) -> bool:
    """A contraction written without its apostrophe: "cant", "wont", "isnt" (not a misspelling of "want")."""
    return word.endswith("nt") and (word[:-1] in common or word[:-1] in STOP or word[:-2] in common)


# shorter words have too many neighbours one edit away ("hw": how, hi, hr) to tell which was meant
MIN_RESPELLED = 4
MIN_JOINED = 7  # two words written as one: "tocheck", not "wifi" or "signin"


def _two_words(word: str, is_word: Callable[[str], bool]) -> list[str]:
    """The ways `word` is two words of two letters or more written without a space."""
    return [f"{word[:i]} {word[i:]}" for i in range(2, len(word) - 1) if is_word(word[:i]) and is_word(word[i:])]


LETTERS = "abcdefghijklmnopqrstuvwxyz"  # what `WORD` reads a word's letters as


def _one_edit_away(word: str) -> set[str]:
    """Every string one edit from `word` (a letter dropped, swapped with the next, changed or added):
    about 54 per letter, looked up in the known words. Generated per unknown word rather than indexed
    per known word: an index of every known word's variants grows with the knowledge base, and unknown
    words are few per question."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    dropped = {a + b[1:] for a, b in splits if b}
    swapped = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    changed = {a + c + b[1:] for a, b in splits if b for c in LETTERS}
    added = {a + c + b for a, b in splits for c in LETTERS}
    return (dropped | swapped | changed | added) - {word}
