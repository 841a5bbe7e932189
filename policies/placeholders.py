"""How found entities become placeholders: `merge` keeps one entity per stretch of text (the more specific kind
first), `apply` writes `<KIND_N>` in their place, numbered by a conversation's vault (policies/vault.py) or,
with no conversation, by `LocalNumbering`; `PLACEHOLDER_RE` finds them again.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Protocol

from bot.core.pii_kinds import (
    CREDIT_CARD,
    EMAIL,
    IBAN,
    IP_ADDRESS,
    PERSON,
    PHONE,
    SECRET,
    STREET_ADDRESS,
    US_SSN,
)
from policies.pii_patterns import Entity

# when two detections overlap, the more specific (validated) one wins
PRIORITY = {SECRET: 0, EMAIL: 1, IBAN: 2, CREDIT_CARD: 3, US_SSN: 4, IP_ADDRESS: 5, PHONE: 6, STREET_ADDRESS: 7, PERSON: 8}

PLACEHOLDER_RE = re.compile(r"<([A-Z_]+)_(\d+)>")


class Numbering(Protocol):
    """Gives each (kind, value) its placeholder; a conversation's vault implements it."""

    def placeholder(self, kind: str, value: str) -> str: ...


class LocalNumbering:
    """Numbering for one message when there is no conversation (CLI, evaluation)."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], str] = {}
        self._next: Counter[str] = Counter()

    def placeholder(self, kind: str, value: str) -> str:
        key = (kind, normalize(kind, value))
        if key not in self._seen:
            self._next[kind] += 1
            self._seen[key] = f"<{kind}_{self._next[kind]}>"
        return self._seen[key]


def normalize(kind: str, value: str) -> str:
    """The same value written differently gets the same placeholder."""
    if kind in {PHONE, CREDIT_CARD, US_SSN}:
        return re.sub(r"\D", "", value)
    if kind == IBAN:
        return re.sub(r"\s", "", value).upper()
    if kind == EMAIL:
        return value.lower()
    return " ".join(value.split()).lower()



# --- merging ---------------------------------------------------------------------------------
def merge(entities: Iterable[Entity], text: str) -> list[Entity]:
    """Non-overlapping entities, the more specific kind first, then the longer span."""
    protected = [(m.start(), m.end()) for m in PLACEHOLDER_RE.finditer(text)]
    entities = list(entities)
    addresses = [e for e in entities if e.kind == STREET_ADDRESS]
    entities = [
        e for e in entities
        if not (e.kind == PHONE and not e.text.startswith("+") and any(a.start <= e.start and e.end <= a.end for a in addresses))
    ]
    chosen: list[Entity] = []
    for e in sorted(entities, key=lambda e: (PRIORITY.get(e.kind, 9), -(e.end - e.start), e.start)):
        start, end = _trim(text, e.start, e.end)
        if start >= end or any(s < end and start < t for s, t in protected):
            continue
        overlapping = [c for c in chosen if c.start < end and start < c.end]
        if overlapping and e.kind == STREET_ADDRESS and start < min(c.start for c in overlapping):
            # an address whose tail ran into a phone number below it keeps its lines above the number
            start, end = _trim(text, start, min(c.start for c in overlapping))
            overlapping = [] if start < end else overlapping
        if overlapping:
            continue
        chosen.append(Entity(e.kind, start, end, text[start:end]))
    chosen.sort(key=lambda e: e.start)
    return chosen


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and not text[start].isalnum() and text[start] not in "+(<#":
        start += 1
    # a vowel sign or tone mark ends a Devanagari or Thai name ("शर्मा", "ใจดี"): a mark, not punctuation
    while end > start and not text[end - 1].isalnum() and text[end - 1] not in ")." and not _mark(text[end - 1]):
        end -= 1
    while end > start and text[end - 1] in ".,":
        end -= 1
    return start, end


def _mark(ch: str) -> bool:
    return unicodedata.category(ch).startswith("M")


def apply(text: str, entities: Sequence[Entity], numbering: Numbering) -> str:
    parts, last = [], 0
    for e in entities:
        parts.append(text[last : e.start])
        parts.append(numbering.placeholder(e.kind, e.text))
        last = e.end
    parts.append(text[last:])
    return "".join(parts)
