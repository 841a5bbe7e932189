"""The pipeline's last stage: the confidence gate reads the evidence (policies/confidence.py) and decides
answer, clarify or handoff (`build_pipeline` puts it after the answer; the other stages are in
bot/engine/stages.py and bot/engine/message_stages.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from bot.core import language
from bot.core.config import Settings
from bot.core.passages import Passage, same_article
from bot.engine.pipeline import HandoffReason, Option, Outcome, Turn
from knowledge.profile import TenantProfiles
from knowledge.vocabulary import TenantVocabulary, owned_devices, words
from policies.asked_kinds import asked_kinds, unanswered_kinds
from policies.confidence import Verdict, assess, decide, shares_words
from policies.intent import names_a_person
from policies.near_domain import NEAR_MARGIN, SpacyNounReader


def offered(passages: Sequence[Passage], picked: Sequence[int]) -> tuple[Option, ...]:
    """The options of a clarification, each article once: a third option can be an FAQ row of the second one's article
    (their likeness, `kin`, is measured to the top passage only), and two buttons for one page ask nothing."""
    kept = [n for k, n in enumerate(picked) if not any(same_article(passages[n].chunk, passages[m].chunk) for m in picked[:k])]
    return tuple(Option(source=passages[n].source, title=passages[n].chunk.title) for n in kept)


def top_article_text(passages: Sequence[Passage]) -> str:
    """The headings and text of the retrieved passages of the first passage's article: what an answer would be from."""
    return "\n".join(f"{p.chunk.heading_text}\n{p.chunk.text}" for p in passages if same_article(p.chunk, passages[0].chunk))


class ConfidenceStage:
    name = "confidence"

    def __init__(
        self, *, settings: Settings, vocabulary: TenantVocabulary | None = None, profiles: TenantProfiles | None = None,
        english_embedder: bool = False, named_things: Callable[..., list[str] | None] | None = None,
        nouns: SpacyNounReader | None = None,
    ) -> None:
        self._settings = settings
        self._vocabulary = vocabulary
        # the names of organisations, products... a question writes (policies/redaction.py `named_things`)
        self._named_things = named_things
        self._profiles = profiles
        self._english_embedder = english_embedder  # then a question in another language needs shared words
        self._nouns = nouns  # near-domain questions (policies/near_domain.py)

    def warm_up(self) -> None:
        """The language identifier and the stop-word lists (1.8 s of imports), not on the first customer's turn."""
        if self._english_embedder:
            language.warm_up()
            shares_words("warm", "up")
        if self._nouns is not None:
            self._nouns.warm_up()

    async def _names_the_unknown(self, turn: Turn) -> bool:
        """Whether the question names a thing (a noun) the knowledge base never uses: policies/near_domain.py.
        Read in the searched text (redacted, respelled); only the words of what this asker may read."""
        assert self._nouns is not None and self._vocabulary is not None
        text, tenant, keys = turn.searched or turn.redacted or turn.text, turn.identity.tenant, turn.access_keys

        def absent() -> list[str]:  # spaCy's tagger, about a millisecond: in a thread, and only for a word never used
            vocabulary, reader = self._vocabulary, self._nouns
            assert vocabulary is not None and reader is not None
            if not vocabulary.never_used([w for w in words(text.lower()) if len(w) >= 3], tenant=tenant, access_keys=keys):
                return []
            return vocabulary.never_used(reader.nouns(text), tenant=tenant, access_keys=keys)

        return bool(await asyncio.to_thread(absent))

    async def _unknown_terms(self, turn: Turn) -> list[tuple[str, bool]]:
        """The question's words (and names of other companies) the knowledge base never uses: (term, whether
        it is a name). Only the words of what this asker may read: the outcome must not tell a guest which
        words restricted documents use. As respelled for the search: a misspelling of the knowledge base's
        own word is no unknown word (another product's name is never respelled: knowledge/vocabulary.py
        `respelled`)."""
        assert self._vocabulary is not None
        text, tenant, keys = turn.searched or turn.redacted or turn.text, turn.identity.tenant, turn.access_keys
        if self._vocabulary.is_cached(tenant, keys):  # set lookups, well under a millisecond
            unknown = self._vocabulary.unknown_terms(text, tenant=tenant, access_keys=keys)
        else:
            unknown = await asyncio.to_thread(self._vocabulary.unknown_terms, text, tenant=tenant, access_keys=keys)
        if self._named_things is None:
            return unknown
        # another company's name that the word lists miss ("a refund from Amazon", "my Disney+ subscription":
        # no product of policies/product_names.py, and common words) is one more unknown name, unless its words
        # are counted already. Measured with bench/bench_answers.py (2026-12-05): TUNE and REPORT unchanged (the
        # dictionary filter of `unknown_things` chosen on TUNE's Bitext plans), off-topic answered kb4 0.172 ->
        # 0.156, kb5 0.076 -> 0.045, no answerable question of any set changed. Read in the customer's own
        # words, as redaction's search for people did (and remembered: spaCy does not run twice); only names
        # of organisations and products are kept, never stored or logged
        things = self._named_things(turn.text, cached_only=True)
        if things is None:
            things = await asyncio.to_thread(self._named_things, turn.text) or []
        counted = {word for word, name in unknown if name} | owned_devices(text)
        return unknown + [(thing, True) for thing in self._vocabulary.unknown_things(things, tenant=tenant, access_keys=keys)
                          if not counted & set(words(thing.lower()))]

    async def run(self, turn: Turn) -> None:
        answer = turn.answer
        unknown = await self._unknown_terms(turn) if self._vocabulary is not None and answer is not None else []
        if unknown:
            turn.notes["unknown_terms"] = {"names": sum(1 for _, n in unknown if n), "words": sum(1 for _, n in unknown if not n)}
        asked = turn.redacted or turn.text
        wordless = (
            self._english_embedder and bool(turn.passages) and not language.looks_english(asked)
            and not shares_words(asked, f"{turn.passages[0].chunk.heading_text}\n{turn.passages[0].chunk.text}")
        )
        if wordless:
            turn.notes["wordless"] = True  # a question in another language sharing no word with the passage
        profile = None
        if self._profiles is not None and turn.passages:
            tenant, keys = turn.identity.tenant, turn.access_keys
            profile = self._profiles.cached(tenant, keys) or await asyncio.to_thread(self._profiles.get, tenant, keys)
        evidence = assess(
            turn.passages,
            profile=profile,
            answer_support=answer.support if answer else 0.0,
            not_in_sources=answer.not_in_sources if answer else False,
            unknown_names=sum(1 for _, name in unknown if name),
            unknown_words=sum(1 for _, name in unknown if not name),
            wordless=wordless,
            person_named=names_a_person(asked),
        )
        turn.confidence = evidence.confidence
        turn.notes["evidence"] = evidence.to_json()
        thresholds = self._settings.tenant(turn.identity.tenant).thresholds
        verdict, picked = decide(evidence, thresholds)
        # near the articles in meaning, about something they never mention: no answer. Read only where it would change
        # the outcome (an answer or a clarification under the floor): the tagger costs a question about a millisecond
        vetoed = (
            verdict is not Verdict.HANDOFF and turn.chosen_source is None and bool(turn.passages) and self._nouns is not None
            and self._vocabulary is not None and evidence.similarity < thresholds.min_dense + NEAR_MARGIN and await self._names_the_unknown(turn)
        )
        if vetoed:
            turn.notes["near_domain"] = True
            verdict = Verdict.HANDOFF
        # asks whether something is lawful, or for a recommendation, of an article that never speaks of it: no answer
        # (policies/asked_kinds.py); word lists, well under a millisecond
        unasked = (
            verdict is not Verdict.HANDOFF and turn.chosen_source is None and bool(turn.passages) and asked_kinds(asked)
            and unanswered_kinds(asked, top_article_text(turn.passages))
        )
        if unasked:
            turn.notes["asked_kinds"] = [str(kind) for kind in unasked]
            verdict, vetoed = Verdict.HANDOFF, True
        if answer is None and turn.notes.get("model_failures"):  # models down and nothing to quote: sorry, a person
            turn.stop(Outcome.HANDOFF, reason=HandoffReason.MODEL_FAILURE)
        elif answer is not None and turn.chosen_source is not None and not answer.not_in_sources:
            turn.stop(Outcome.ANSWER)  # the customer chose this article among the ones offered
        elif turn.chosen_source is not None:  # the chosen article has nothing to say (or is gone): a person
            turn.stop(Outcome.HANDOFF, reason=HandoffReason.NO_ANSWER)
        elif answer is not None and verdict is Verdict.ANSWER:
            turn.stop(Outcome.ANSWER)
        elif verdict is Verdict.CLARIFY:
            # the evidence is split between a few articles: ask which one is meant
            turn.options = offered(turn.passages, picked)
            turn.stop(Outcome.CLARIFY)
        elif (answer is None or answer.not_in_sources or wordless or vetoed or evidence.similarity < thresholds.min_dense
              or any(name for _, name in unknown)):
            # nothing to say, or nothing relevant found (the question is about something else)
            turn.stop(Outcome.HANDOFF, reason=HandoffReason.NO_ANSWER)
        else:  # an answer from relevant passages that the gate does not trust enough
            turn.stop(Outcome.HANDOFF, reason=HandoffReason.LOW_CONFIDENCE)
