"""Redaction: personal data becomes typed placeholders before anything else sees the text.

Three detectors, merged (policies/placeholders.py):
- validated patterns: e-mail, phone numbers (`phonenumbers`, several regions), payment cards (Luhn),
  IBAN (mod-97), US SSN, IP addresses (`ipaddress`) — policies/pii_patterns.py;
- street addresses (house number + street word, continued over the city / postcode / country lines
  that follow) — policies/street_addresses.py; the building's word, a Spanish floor, a Japanese block address —
  policies/street_extent.py; other countries' street shapes ("C/ ...", "... Cad. No: 12", "Calle 12 # 34-56") and the
  units after a street ("12-III", "m. 4", "2. tv", "#05-67") — policies/street_forms.py;
- spaCy NER for person names (the model name is a setting), checked and extended by context
  rules — policies/person_names.py, policies/name_cues.py — and by general name lists (Census surnames, first names,
  Webster's proper names; policies/name_words.py, policies/name_spans.py), with products and places told apart in
  policies/things.py (brands and shops: policies/businesses.py, the list in policies/brands.py; a state or a country after a
  city: policies/places.py; the part a name plays, "back up X", "X for iPad": policies/thing_roles.py; the sentence's
  shape, "X 3 won't launch", "Is X open on bank holidays?": policies/thing_shapes.py; what is asked only of software,
  "Does X have a free trial?": policies/service_shapes.py); the name line above a street line is the addressee; who is greeted, signs a block under
  a closing, or is named before a street on its line — policies/name_frames.py; a name a later "he" or "she" refers
  to, the items of a list of first names — policies/name_pronouns.py; a ticket's assignee, who is looped in or pinged,
  thanked in lower case, whose login is meant — policies/task_names.py; pinyin names — policies/chinese_names.py;
  an "@" mention, an honorific, a sign-off after a dash, "was it X who" — policies/chat_names.py; one added as an admin,
  the account's owner, a booking under a name, a name with a role in parentheses — policies/role_names.py;
  a casual self-introduction, someone from a team, "according to X", the other items of a list of people —
  policies/people_shapes.py; two or three name words nothing knows after what is done for or to a person ("sent Oria
  Vesketh three invites") — policies/object_names.py; initials and a surname, names found apart with a middle initial
  between them — policies/initial_names.py;
  a given name only the world's list knows (WGND 2.0: policies/world_names.py) where only a person stands —
  policies/world_frames.py, policies/lone_names.py; a first name that is an English word too ("Grace", "Will") where the
  sentence says a person stands there ("spoke to Grace", "my colleague Mark") — policies/word_names.py; a found name grown over its particles ("binti", "du", "Ma.", "Ó") —
  policies/particle_names.py; a handle or login of name words, a title without its full stop, a form's label, the other
  half of "X/Y" — policies/name_forms.py;
  in the scripts without capitals, the names a customer gives after a cue ("我叫...", "اسمي ...") — policies/caseless_names.py;
  whichever rule found a name, where no one stands ("accounts in X") — policies/name_misreads.py, or where the words
  around it make it a thing's, a day's or a venue's ("X, the bank's chat assistant", "Christmas Eve", "X season 3",
  "the Royal X Hall") — policies/thing_frames.py.

Each entity becomes `<KIND_N>`; the same value gets the same placeholder for the whole
conversation because the numbering lives in the conversation's vault (policies/vault.py), which
also keeps the originals, encrypted, so the customer's own values can be put back in replies to
that customer only. Placeholders already in the text are never redacted again.

A tenant's own terms (knowledge/terms.py: its products, features, UI words, and `keep_terms`) are
not personal data: a name or an address made only of them is kept, unless the message itself says
it is one ("my name is ...", a title, a signature; an address with a place after the street).
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.batching import Batcher
from bot.core.language import caseless_script
from policies.caseless_names import caseless_names
from policies.chat_names import chat_names
from policies.chinese_names import chinese_names
from policies.counted_places import without_counted_parts
from policies.initial_names import initial_names, joined_initials
from policies.lone_names import lone_names
from policies.name_cues import declared_name, mask_placeholders
from policies.name_forms import name_forms, slashed_mates
from policies.name_frames import framed_names
from policies.name_misreads import misread
from policies.name_presence import may_hold_a_name
from policies.name_pronouns import listed_first_names, referred_names
from policies.name_spans import addressee_spans
from policies.name_words import NOT_NAMES, NameWords
from policies.object_names import object_names
from policies.particle_names import particle_names
from policies.people_frames import people_frames
from policies.people_shapes import grown_hyphens, list_mates, people_shapes
from policies.person_names import people
from policies.pii_patterns import (
    ALL_KINDS,
    PERSON,
    STREET_ADDRESS,
    Entity,
    pattern_entities,
)
from policies.placeholders import LocalNumbering, Numbering, apply, merge
from policies.product_context import assistant_asked
from policies.role_names import role_names
from policies.spacy_pipeline import NER, in_this_context, other_than, pipeline
from policies.street_addresses import address_entities
from policies.street_extent import widened
from policies.task_names import task_names
from policies.thing_frames import thing_framed
from policies.word_classes import WordClasses
from policies.word_names import word_names
from policies.world_frames import world_frames
from policies.world_names import WorldNames

Terms = Callable[[str], Collection[str]]  # tenant -> its lower-cased terms and phrases
NO_TERMS: frozenset[str] = frozenset()


@dataclass(slots=True)
class Redaction:
    text: str
    redacted: str
    entities: list[Entity] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return dict(Counter(e.kind for e in self.entities))

    def to_json(self) -> dict[str, object]:
        return {"text": self.text, "redacted": self.redacted, "entities": [e.to_json() for e in self.entities]}


class SpacyRedactor:
    """Patterns plus spaCy NER. Thread-safe; `redact_batch` is the fast path for many messages."""

    def __init__(self, *, model: str = "en_core_web_sm", max_batch: int = 64, terms: Terms | None = None,
                 names_cache: Path | None = None) -> None:
        self._model_name = model
        self._names_cache = names_cache  # where the world's first names are kept between processes (policies/world_names.py)
        self._nlp = None
        self._skip: list[str] = []  # the shared pipeline's components other than NER
        self._lock = threading.Lock()
        self._terms = terms
        # a message's digest -> the other parties spaCy named in it, from the run that looked for people: the
        # confidence gate asks for them a few milliseconds later (`named_things`), and the model need not run
        # twice. Keyed by digest: no customer's text is kept here
        self._things: OrderedDict[bytes, list[str]] = OrderedDict()
        self._batcher: Batcher[tuple[frozenset[str], str | None], str, list[Entity]] = Batcher(
            lambda key, texts: self.detect_batch(texts, key[0], keep=self.terms_of(key[1])), max_batch=max_batch
        )

    def use_terms(self, terms: Terms | None) -> None:
        """Where each tenant's own terms come from (knowledge/terms.py); None: no tenant has any."""
        self._terms = terms

    def terms_of(self, tenant: str | None) -> Collection[str]:
        return self._terms(tenant) if self._terms is not None and tenant is not None else NO_TERMS

    @property
    def model_name(self) -> str:
        return self._model_name

    def warm_up(self) -> None:
        self._load()

    def _load(self):  # noqa: ANN202 - spacy.Language
        if self._nlp is None:
            with self._lock:
                if self._nlp is None:
                    NameWords.warm_up()  # the name lists load here, not in the first customer's message
                    WorldNames.warm_up(self._names_cache)
                    self._nlp = pipeline(self._model_name)  # shared with the near-domain reader (policies/spacy_pipeline.py)
                    self._skip = other_than(self._nlp, NER)
                    WordClasses.use(self._nlp)  # its lemmatizer's word lists: which words are only nouns
        return self._nlp

    def detect_batch(
        self, texts: Sequence[str], kinds: frozenset[str] = ALL_KINDS, *, keep: Collection[str] = NO_TERMS
    ) -> list[list[Entity]]:
        # the building's word, a Spanish floor and a Japanese block number the street rules leave out (policies/street_extent.py);
        # not "Seat 3 Row 18", "Drag lane 3", "to Google Drive" (policies/counted_places.py)
        results = [pattern_entities(t, kinds) + (without_counted_parts(t, widened(t, address_entities(t))) if STREET_ADDRESS in kinds else []) for t in texts]
        if PERSON in kinds:
            for text, found in zip(texts, results, strict=True):
                streets = [e.start for e in found if e.kind == STREET_ADDRESS]
                if streets:  # the line above a street line is who lives there
                    found += _people(text, addressee_spans(text, streets, not_names=NOT_NAMES))
                # who is greeted, signs under a closing, or is named before a street on its line (policies/name_frames.py)
                # (not an app's assistant asked to show the writer's own data: policies/product_context.py)
                found += _people(text, ((s, e) for s, e in framed_names(text, streets) if not assistant_asked(text, s, e)))
                # a name a later "he" or "she" refers to, the items of a list of first names (policies/name_pronouns.py)
                found += _people(text, [(s, e) for s, e in referred_names(text) + listed_first_names(text) if not assistant_asked(text, s, e)])
                # a ticket's assignee, who is looped in, a pinyin name, ... (policies/task_names.py, policies/chinese_names.py)
                found += _people(text, task_names(text) + chinese_names(text))
                # an "@" mention, "X-san", "Hi all, X here", "thx - x", "X said", "was it X who" (policies/chat_names.py)
                found += _people(text, chat_names(text))
                # one added as an admin, the account's owner, a booking under a name, "X (our bookkeeper)" (policies/role_names.py)
                found += _people(text, role_names(text))
                # "X says", "X and Y share", "spoke to X", "X: ..." opening a message, "oria al-vesketh" (policies/people_frames.py)
                found += _people(text, people_frames(text))
                # "hi im oria and", "Ed from marketing said", "according to X", "Can X ring me" (policies/people_shapes.py)
                found += _people(text, people_shapes(text))
                # two or three name words nothing knows after "sent", "for", "let" (policies/object_names.py)
                found += _people(text, object_names(text))
                # a first name alone after what is done to a person: "belongs to Oriane", "from Oriane to Bramwen" (policies/lone_names.py)
                found += _people(text, lone_names(text))
                # a first name only the world's list knows, where only a person stands: "X says" (policies/world_frames.py)
                found += _people(text, world_frames(text))
                # a first name that is an English word too where only a person stands: "spoke to Grace", "my colleague Mark" (policies/word_names.py)
                found += _people(text, word_names(text))
                # initials and a surname: "Thanks,\nK. Dornacre", "under B. Vesketh" (policies/initial_names.py)
                found += _people(text, initial_names(text))
                # a handle of name words, a title without its full stop, "Recipient: X", "X's order" (policies/name_forms.py)
                found += _people(text, name_forms(text))
        if PERSON in kinds:
            for text, found in zip(texts, results, strict=True):
                if caseless_script(text):  # names the model and the capitals' cues cannot see
                    found += caseless_names(text)
            nlp = self._load()
            # the model only runs where a name could be: a capitalised word that is not just the
            # first of a sentence (or is a known first name), so most support questions skip it
            todo = [i for i, t in enumerate(texts) if may_hold_a_name(t)]
            for i in set(range(len(texts))) - set(todo):  # none: the confidence gate need not ask `may_hold_a_name` again
                self._remember_things(texts[i], [])
            masked = [mask_placeholders(texts[i]) for i in todo]
            if masked:
                in_this_context()
            for i, doc in zip(todo, nlp.pipe(masked, batch_size=64, disable=self._skip), strict=True):
                results[i].extend(people(doc, texts[i]))
                self._remember_things(texts[i], _other_parties(doc))
            for text, found in zip(texts, results, strict=True):
                # from the names found: the other items of a list of people, a double-barrelled word after a name
                # ("[Oria] Vesk-Tull"; policies/people_shapes.py), "[Oria] K. [Vesketh]" found apart by two rules as one name with its initial
                # (policies/initial_names.py); each sees what the one before it added
                for grow in (list_mates, grown_hyphens, joined_initials, particle_names, slashed_mates):
                    found += _people(text, grow(text, [(x.start, x.end) for x in found if x.kind == PERSON]))
        # "accounts in Quillon", "das Abo von Quillon": no one stands there, whichever rule found it (policies/name_misreads.py)
        # "Oria, the bank's chat assistant", "on Christmas Eve", "Oria Vesk season 3", "the Royal Oria Hall" (policies/thing_frames.py)
        results = [[e for e in found if e.kind != PERSON or not (misread(text, e.start, e.end) or thing_framed(text, e.start, e.end))]
                   for found, text in zip(results, texts, strict=True)]
        merged = [merge(r, t) for r, t in zip(results, texts, strict=True)]
        if keep:
            merged = [[e for e in found if not tenant_term(e, text, keep)] for found, text in zip(merged, texts, strict=True)]
        return merged

    def named_things(self, text: str, *, cached_only: bool = False) -> list[str] | None:
        """The names of organisations, products, events, laws, buildings and works that `text` (as the
        customer wrote it) writes with a capital ("a refund from Amazon", "my Disney+ subscription"), as
        spaCy reads them: another company's name where the knowledge base never uses it (bot/engine/stages.py
        `ConfidenceStage`). Only where `may_hold_a_name` (a capitalised word inside a sentence), as the
        search for people; remembered from that search for the last `THINGS_KEPT` messages (none remembered too
        where it could hold no name: the rules cost ~0.25 ms a message). `cached_only`:
        None when it would take the model (call that from a thread)."""
        with self._lock:
            if (found := self._things.get(_digest(text))) is not None:
                return found
        if not may_hold_a_name(text):
            return []
        if cached_only:
            return None
        nlp = self._load()
        in_this_context()
        found = _other_parties(nlp(mask_placeholders(text), disable=self._skip))
        self._remember_things(text, found)
        return found

    def _remember_things(self, text: str, things: list[str]) -> None:
        with self._lock:
            self._things[_digest(text)] = things
            while len(self._things) > THINGS_KEPT:
                self._things.popitem(last=False)

    async def detect(self, text: str, kinds: frozenset[str] | None = None, *, tenant: str | None = None) -> list[Entity]:
        """The entities of one message, found together with whatever other messages wait meanwhile
        (spaCy costs about 0.6 ms a message alone, 0.35 ms in a batch of four)."""
        return await self._batcher.submit((ALL_KINDS if kinds is None else kinds, tenant), text)

    def redact_batch(
        self, texts: Sequence[str], *, numbering: Sequence[Numbering] | Numbering | None = None, kinds: frozenset[str] | None = None,
        tenant: str | None = None,
    ) -> list[Redaction]:
        kinds = ALL_KINDS if kinds is None else kinds
        detected = self.detect_batch(texts, kinds, keep=self.terms_of(tenant))
        out = []
        for i, (text, entities) in enumerate(zip(texts, detected, strict=True)):
            if isinstance(numbering, Sequence):
                numbers: Numbering = numbering[i]
            else:
                numbers = numbering if numbering is not None else LocalNumbering()
            out.append(redaction_of(text, entities, numbers))
        return out

    def redact_sync(
        self, text: str, *, vault: Numbering | None = None, kinds: frozenset[str] | None = None, tenant: str | None = None
    ) -> Redaction:
        return self.redact_batch([text], numbering=vault, kinds=kinds, tenant=tenant)[0]

    async def redact(
        self, text: str, *, vault: Numbering | None = None, kinds: frozenset[str] | None = None, tenant: str | None = None
    ) -> Redaction:
        return await asyncio.to_thread(self.redact_sync, text, vault=vault, kinds=kinds, tenant=tenant)


# spaCy's labels for names of other parties than people and places: an organisation, a product, an event,
# a law, a building, a work ("Amazon", "Disney+", "GDPR"). Not places, nationalities or languages: "do you
# deliver to Canada?" asks about the tenant's own service, whether or not its help center names Canada.
OTHER_PARTIES = frozenset({"ORG", "PRODUCT", "EVENT", "LAW", "FAC", "WORK_OF_ART"})
THINGS_KEPT = 1024  # messages whose other parties `SpacyRedactor.named_things` remembers


def _people(text: str, spans: Iterable[tuple[int, int]]) -> list[Entity]:
    """The spans found by a name rule as PERSON entities of `text`."""
    return [Entity(PERSON, s, e, text[s:e]) for s, e in spans]


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def _other_parties(doc) -> list[str]:  # noqa: ANN001 - a spaCy Doc
    return [e.text for e in doc.ents if e.label_ in OTHER_PARTIES and any(c.isupper() for c in e.text)]


TERM_WORD = re.compile(r"[^\W\d_][\w'’&+.-]*[^\W_]|[^\W\d_]")
# an address that goes on to a place: "12 Row Street, Leeds", "Row 5\nBoston MA 02110"
PLACE_AFTER_STREET = re.compile(r"\d.*?(?:,|\n)\s*\S|(?:,|\n)\s*.*\d", re.S)


def tenant_term(entity: Entity, text: str, keep: Collection[str]) -> bool:
    """Whether a found name or address is only the tenant's own words ("Google Drive", "Row 500") and
    the message does not say it is a name or an address."""
    if entity.kind not in (PERSON, STREET_ADDRESS):
        return False
    value = entity.text
    words = [w.strip(".'’").lower() for w in TERM_WORD.findall(value)]
    words = [w for w in words if len(w) > 1]  # initials and numbers say nothing either way
    if not words:
        return entity.kind == STREET_ADDRESS and " ".join(value.lower().split()) in keep
    if " ".join(value.lower().split()) not in keep and not all(w in keep for w in words):
        return False
    if entity.kind == PERSON:
        return not declared_name(text, entity.start)
    return PLACE_AFTER_STREET.search(value) is None


def redaction_of(text: str, entities: Sequence[Entity], numbering: Numbering) -> Redaction:
    """Detected entities replaced by the numbering's placeholders (a vault writes them down: call from a thread)."""
    return Redaction(text=text, redacted=apply(text, entities, numbering), entities=list(entities))
