"""A tenant's own terms: the words its knowledge base uses for its products, features and places in the UI.

Redaction must not take "Paperkite", "Google Drive" or "Row" for a person or an address when the
tenant's own help center uses them (policies/redaction.py keeps such terms unless the message itself
says it is a name or an address). The terms come from the knowledge base, built when a tenant is
first redacted for (not at start) and again after each ingest:
- every word of a title or a heading ("Google Drive integration", "Import from Trello and Asana");
- capitalised words and runs of them inside the text ("sync with Google Drive", "Paperkite Pro"),
  and mixed-case words ("iPhone", "GitHub"), when they recur (twice or more in the knowledge base);
  a word that is a first name in some country ("Maria") is only taken from a title or a heading, so a
  person the articles mention ("ask Maria in billing") stays a name for customers who say it, or where
  the articles use it as what the product is called (`_used_as_a_thing`: "Open Juno", "the Juno app",
  "Juno exports boards", three times at least) and never as someone asked or spoken to;
- the tenant's `[tenants.X.privacy] keep_terms`.
Terms are lower-cased single words and phrases.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable

from knowledge.kept_measures import KeptMeasures
from knowledge.tenant_cache import TenantCache

logger = logging.getLogger(__name__)

WORD = re.compile(r"[^\W_][\w'’.&+-]*[^\W_]|[^\W_]")
CAP_RUN = re.compile(r"(?<![\w'’])(?:[A-Z][\w'’&+.-]*[\w+])(?:[ -](?:[A-Z0-9][\w'’&+.-]*[\w+]))*")
MIXED = re.compile(r"\b[a-z]+[A-Z][\w]*\b|\b[A-Z][a-z]+[A-Z][\w]*\b")
SENTENCE_END = re.compile(r"(?:^|[.!?:;\n\"“(]\s*|#+\s*|[-*]\s+)$")


# a word the articles use as their product's name: "Open Juno", "in Juno", "Download Juno"; "the Juno app", "Juno
# Pro", "Juno's Slack integration"; "Juno exports boards", "Juno works offline" (articles about a person write
# "ask Maria", "contact Maria", "Maria in billing": `PERSON_BEFORE`; "invoices from Maria Vesketh": no product's use)
THING_BEFORE = re.compile(
    r"\b(?:in|into|inside|within|on|open|opens|opening|download|install|reinstall|uninstall|launch|update|restart|"
    r"use|using|connect|sign in to|log in to|log into|sign into|set up|upgrade)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
THING_AFTER = re.compile(
    r"(?:['’]s)?\s+(?:app|apps|account|accounts|workspace|workspaces|settings|plan|plans|integration|integrations|dashboard|"
    r"api|sdk|extension|plugin|add-?on|pro|plus|premium|business|enterprise|team|free|basic|starter|web|desktop|mobile|cloud|"
    r"for (?:iphone|ipad|android|mac|windows|web|desktop|teams)|"
    r"syncs|exports|imports|stores|uploads|backs up|autosaves|crashes|works offline|is available on|"
    r"(?:works|runs) on (?:iphone|ipad|android|mac|windows|linux|the web|web|desktop|mobile))\b",
    re.IGNORECASE,
)
PERSON_BEFORE = re.compile(
    r"\b(?:ask|asks|tell|contact|email|e-mail|call|phone|text|message|thank|thanks|meet|dear|hi|hello|mr|mrs|ms|dr|"
    r"(?:talk|talking|speak|speaking|chat|write|reach out) (?:to|with))\.?\s+$",
    re.IGNORECASE,
)
SURNAME_NEXT = re.compile(r"\s+[A-Z]")
NAME_USE = re.compile(r"(?<![\w'’-])[A-Z][a-z]+(?![\w-])")
THING_USES = 3  # the articles' uses of a first name as a thing that make it one of the tenant's terms


def _words(text: str) -> list[str]:
    return [w.strip(".'’").lower() for w in WORD.findall(text) if any(c.isalpha() for c in w)]


def _first_names() -> frozenset[str]:
    from bot.core.first_names import Names

    return Names.first_names()


def terms_of(chunks: Iterable[tuple[str, str, str]], *, min_count: int = 2) -> frozenset[str]:
    """Lower-cased terms of a knowledge base, from each chunk's (title, heading, text)."""
    out: set[str] = set()
    counts: Counter[str] = Counter()
    as_thing: Counter[str] = Counter()
    as_person: set[str] = set()
    names = _first_names()
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
        for m in NAME_USE.finditer(text):
            if m.group().lower() in names:
                _weigh_use(text, m.start(), m.end(), as_thing, as_person)
        for m in MIXED.finditer(text):
            counts[m.group().lower()] += min_count  # "iPhone", "GitHub": a name of a thing, once is enough
    things = {w for w, n in as_thing.items() if n >= THING_USES and w not in as_person}
    for term, n in counts.items():
        if n >= min_count and (" " in term or term not in names or term in things) and any(c.isalpha() for c in term):
            out.add(term)
    return frozenset(t for t in out if len(t) > 1)


def _weigh_use(text: str, start: int, end: int, as_thing: Counter[str], as_person: set[str]) -> None:
    """Counts a capitalised first name of the articles as used for a thing ("Open Juno", "Juno exports"), or marks
    it used for someone ("Ask Nell"), from the words around it."""
    word = text[start:end].lower()
    if PERSON_BEFORE.search(text[max(0, start - 24) : start]):
        as_person.add(word)
    elif THING_AFTER.match(text, end):
        as_thing[word] += 1
    elif THING_BEFORE.search(text[max(0, start - 24) : start]) and not SURNAME_NEXT.match(text, end):
        as_thing[word] += 1  # "Open Juno"; not "in Oria Vesketh's name", a first name and a surname


class TenantTerms:
    """Terms per tenant, built on the tenant's first message from its knowledge base (not at start: that
    grew with the number of tenants) and again after an ingest (`refresh`); knowledge/tenant_cache.py."""

    def __init__(
        self, *, load: Callable[[str], list[tuple[str, str, str]]], keep: Callable[[str], Iterable[str]] = lambda _: (),
        kept: KeptMeasures | None = None,
    ) -> None:
        self._load = load  # tenant -> every chunk's (title, heading, text)
        self._kept_measures = kept  # measured once per state of the knowledge base (knowledge/kept_measures.py)
        self._keep = keep  # tenant -> its keep_terms
        self._terms: TenantCache[str, frozenset[str]] = TenantCache(tenant_of=lambda tenant: tenant)

    def refresh(self, tenant: str | None = None) -> None:
        self._terms.forget(tenant)

    def is_cached(self, tenant: str) -> bool:
        return self._terms.cached(tenant) is not None

    def _kept(self, tenant: str) -> frozenset[str]:
        return frozenset(" ".join(t.lower().split()) for t in self._keep(tenant)) - {""}

    def _measured(self, tenant: str) -> frozenset[str]:
        if self._kept_measures is None:
            return terms_of(self._load(tenant))
        return self._kept_measures.through("terms", [tenant], tenant=tenant, measure=lambda: terms_of(self._load(tenant)), encode=sorted, decode=frozenset)

    def for_tenant(self, tenant: str) -> frozenset[str]:
        """Synchronous (a store query on first use): called from the redactor's batch thread."""
        try:
            return self._terms.get(tenant, lambda: self._measured(tenant) | self._kept(tenant))
        except Exception:  # no knowledge base yet (or the store is away): the kept terms, and try again next time
            logger.warning("the terms of tenant %s could not be read from the knowledge base", tenant, exc_info=True)
            return self._kept(tenant)


async def read_terms(terms: TenantTerms | None, tenant: str | None) -> None:
    """A tenant's terms read in a thread of their own on its first message, before redaction asks for
    them: the redactor's one batch thread would otherwise read the store while every tenant's messages wait."""
    if terms is not None and tenant is not None and not terms.is_cached(tenant):
        await asyncio.to_thread(terms.for_tenant, tenant)
