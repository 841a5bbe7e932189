"""A tenant's own terms: the words its knowledge base uses for its products, features and places in the UI.

Redaction must not take "Paperkite", "Google Drive" or "Row" for a person or an address when the
tenant's own help center uses them (policies/redaction.py keeps such terms unless the message itself
says it is a name or an address). The terms come from the knowledge base, built when a tenant is
first redacted for and again after each ingest:
- every word of a title or a heading ("Google Drive integration", "Import from Trello and Asana");
- capitalised words and runs of them inside the text ("sync with Google Drive", "Paperkite Pro"),
  and mixed-case words ("iPhone", "GitHub"), when they recur (twice or more in the knowledge base);
  a word that is a first name in some country ("Maria") is only taken from a title or a heading, so a
  person the articles mention ("ask Maria in billing") stays a name for customers who say it;
- the tenant's `[tenants.X.privacy] keep_terms`.
Terms are lower-cased single words and phrases.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable

logger = logging.getLogger(__name__)

WORD = re.compile(r"[^\W_][\w'’.&+-]*[^\W_]|[^\W_]")
CAP_RUN = re.compile(r"(?<![\w'’])(?:[A-Z][\w'’&+.-]*[\w+])(?:[ -](?:[A-Z0-9][\w'’&+.-]*[\w+]))*")
MIXED = re.compile(r"\b[a-z]+[A-Z][\w]*\b|\b[A-Z][a-z]+[A-Z][\w]*\b")
SENTENCE_END = re.compile(r"(?:^|[.!?:;\n\"“(]\s*|#+\s*|[-*]\s+)$")


def _words(text: str) -> list[str]:
    return [w.strip(".'’").lower() for w in WORD.findall(text) if any(c.isalpha() for c in w)]


def _first_names() -> frozenset[str]:
    from bot.core.first_names import Names

    return Names.first_names()


def terms_of(chunks: Iterable[tuple[str, str, str]], *, min_count: int = 2) -> frozenset[str]:
    """Lower-cased terms of a knowledge base, from each chunk's (title, heading, text)."""
    out: set[str] = set()
    counts: Counter[str] = Counter()
    for title, heading, text in chunks:
        for part in (title, heading):
            if part:
                out.update(_words(part))
                out.update(m.group().lower() for m in CAP_RUN.finditer(part) if " " in m.group())
        for m in CAP_RUN.finditer(text):
            if SENTENCE_END.search(text[max(0, m.start() - 3) : m.start()]) and " " not in m.group():
                continue  # a lone capital after a full stop says nothing
            run = m.group().rstrip(".")
            counts[run.lower()] += 1
            for w in run.split():
                counts[w.strip(".'’").lower()] += 1
        for m in MIXED.finditer(text):
            counts[m.group().lower()] += min_count  # "iPhone", "GitHub": a name of a thing, once is enough
    names = _first_names()
    for term, n in counts.items():
        if n >= min_count and (" " in term or term not in names) and any(c.isalpha() for c in term):
            out.add(term)
    return frozenset(t for t in out if len(t) > 1)


class TenantTerms:
    """Terms per tenant, built on first use from the knowledge base and rebuilt after an ingest (`refresh`)."""

    def __init__(
        self, *, load: Callable[[str], list[tuple[str, str, str]]], keep: Callable[[str], Iterable[str]] = lambda _: ()
    ) -> None:
        self._load = load  # tenant -> every chunk's (title, heading, text)
        self._keep = keep  # tenant -> its keep_terms
        self._terms: dict[str, frozenset[str]] = {}
        self._lock = threading.Lock()

    def refresh(self, tenant: str | None = None) -> None:
        with self._lock:
            if tenant is None:
                self._terms.clear()
            else:
                self._terms.pop(tenant, None)

    def is_cached(self, tenant: str) -> bool:
        with self._lock:
            return tenant in self._terms

    def for_tenant(self, tenant: str) -> frozenset[str]:
        with self._lock:
            cached = self._terms.get(tenant)
        if cached is None:
            kept = frozenset(" ".join(t.lower().split()) for t in self._keep(tenant)) - {""}
            try:
                chunks = self._load(tenant)
            except Exception:  # no knowledge base yet (or the store is away): the kept terms, and try again next time
                logger.warning("the terms of tenant %s could not be read from the knowledge base", tenant, exc_info=True)
                return kept
            cached = terms_of(chunks) | kept
            with self._lock:
                self._terms[tenant] = cached
        return cached
