"""The pipeline's stages, in the order `build_pipeline` puts them; those that read what the message itself asks
for before any search (a pleasantry, a person, a topic kept for people) are in bot/engine/message_stages.py,
the confidence gate that ends the turn in bot/engine/confidence_stage.py."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol

import numpy as np

from bot.core.batching import Batcher
from bot.core.common_words import dictionary_words
from bot.core.config import Settings
from bot.core.records import Tier
from bot.engine.answering import ExtractiveAnswerer
from bot.engine.generation import GroundedGenerator
from bot.engine.models import ChatModel, ModelError, ModelReply
from bot.engine.pipeline import Turn
from knowledge.embedding import Embedder
from knowledge.retrieval import Retriever, SearchBatcher
from knowledge.terms import TenantTerms, read_terms
from knowledge.vocabulary import TenantVocabulary
from policies.budget import BudgetBook
from policies.permissions import AccessPolicy
from policies.placeholders import PLACEHOLDER_RE
from policies.routing import Router


class Redactor(Protocol):
    async def redact(self, text: str, *, vault: Any = None, kinds: frozenset[str] | None = None, tenant: str | None = None) -> Any: ...


class RedactStage:
    """First: nothing after this sees the customer's personal data."""

    name = "redact"

    def __init__(self, *, redactor: Redactor, settings: Settings, terms: TenantTerms | None = None) -> None:
        self._redactor = redactor
        self._settings = settings
        self._terms = terms

    def warm_up(self) -> None:
        warm = getattr(self._redactor, "warm_up", None)
        if warm:
            warm()
        # each tenant's terms (knowledge/terms.py) are read on its first message, not here: a start that
        # read every tenant's knowledge base grew with the number of tenants (issue #17)

    async def run(self, turn: Turn) -> None:
        if turn.redacted:  # redacted before it was stored (durable conversations)
            return
        kinds = self._settings.tenant(turn.identity.tenant).pii_kinds
        await read_terms(self._terms, turn.identity.tenant)
        result = await self._redactor.redact(
            turn.text, vault=turn.notes.get("vault"), kinds=frozenset(kinds) if kinds is not None else None, tenant=turn.identity.tenant
        )
        turn.redacted = result.redacted
        turn.entity_counts = result.counts()


class EmbedStage:
    name = "embed"

    def __init__(self, *, embedder: Embedder) -> None:
        self._embedder = embedder
        # concurrent conversations' questions share a model call: 3.5 ms of CPU a question in
        # batches of four to eight against 4.5 ms one at a time
        self._batcher: Batcher[None, str, np.ndarray] = Batcher(lambda _, texts: list(embedder.embed(texts)), max_batch=16, workers=2)

    def warm_up(self) -> None:
        self._embedder.warm_up()

    async def run(self, turn: Turn) -> None:
        # the question as the customer wrote it, so that redaction costs retrieval nothing: the text
        # stays in this process's memory (the local model embeds it) and only its vector goes on, to
        # the search; what is stored, logged or sent to a model is the redacted text
        turn.vector = await self._batcher.submit(None, turn.text)

    async def vector_of(self, text: str) -> np.ndarray:
        """Another text's vector through the same batches (the request detector's clauses)."""
        return await self._batcher.submit(None, text)


class PermissionStage:
    """Before any search: which of the tenant's documents may this identity see?"""

    name = "permissions"

    def __init__(self, *, policy: AccessPolicy) -> None:
        self._policy = policy

    async def run(self, turn: Turn) -> None:
        identity = turn.identity
        groups = self._policy.groups_for(tenant=identity.tenant, user=identity.user, claimed=identity.groups)
        if self._policy.is_cached(identity.tenant):  # a dictionary lookup: no thread needed
            readable, hidden = self._policy.access_keys(tenant=identity.tenant, groups=groups)
        else:
            readable, hidden = await asyncio.to_thread(self._policy.access_keys, tenant=identity.tenant, groups=groups)
        turn.access_keys = readable
        turn.notes["groups"] = list(groups)
        if hidden:
            turn.notes["hidden_access_keys"] = hidden


class RespellStage:
    """The question's misspellings of the knowledge base's own words respelled before the search
    (knowledge/vocabulary.py `respelled`): the search's vector and words are the respelled question's.
    Only the words of what this asker may read, so it runs after the permissions. The customer's own
    reference codes and the help center's own product name (knowledge/own_names.py) are left out of the
    search. What is stored, logged and shown is the question as written (and redacted)."""

    name = "respell"

    def __init__(self, *, vocabulary: TenantVocabulary, vector_of: Callable[[str], Awaitable[np.ndarray]]) -> None:
        self._vocabulary = vocabulary
        self._vector_of = vector_of

    def warm_up(self) -> None:
        dictionary_words()  # read once (~0.5 s), not on the event loop at a customer's first run-together word

    async def run(self, turn: Turn) -> None:
        if turn.chosen_source is not None:
            return  # the customer picked an article: the question was searched already
        tenant, keys = turn.identity.tenant, turn.access_keys

        def read() -> tuple[dict[str, str], list[str], list[str]]:
            return (self._vocabulary.respelled(turn.text, tenant=tenant, access_keys=keys),
                    self._vocabulary.references(turn.text, tenant=tenant, access_keys=keys),
                    self._vocabulary.own_names_in(turn.text, tenant=tenant, access_keys=keys))

        fixes, references, own = read() if self._vocabulary.is_cached(tenant, keys) else await asyncio.to_thread(read)
        if not fixes and not references and not own:
            return
        if fixes:
            turn.notes["respelled"] = len(fixes)  # how many words, not which: they are the customer's
        if references:
            turn.notes["references"] = len(references)  # the customer's order or serial numbers: not searched for
        if own:
            turn.notes["own_names"] = len(own)  # the help center's own product named: every article is about it
        turn.vector = await self._vector_of(without(respell(turn.text, fixes), references + own))
        turn.searched = without(respell(turn.redacted or turn.text, fixes), references + own)


def without(text: str, tokens: list[str]) -> str:
    """`text` without these tokens (whole tokens only), spaces closed up."""
    if not tokens:
        return text
    pattern = re.compile(r"(?<![\w#-])(?:" + "|".join(re.escape(t) for t in sorted(set(tokens), key=len, reverse=True)) + r")(?![\w-])")
    return re.sub(r"\s{2,}", " ", pattern.sub("", text)).strip()


def respell(text: str, fixes: dict[str, str]) -> str:
    """`text` with each word of `fixes` (any case, whole words only) replaced by its respelling."""
    if not fixes:
        return text
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in sorted(fixes, key=len, reverse=True)) + r")\b", re.IGNORECASE)
    return pattern.sub(lambda m: fixes[m.group(1).lower()], text)


CHOSEN_LIMIT = 10  # documents searched for the one a customer chose (it was among the first three)


class RetrieveStage:
    name = "retrieve"

    def __init__(self, *, retriever: Retriever, limit: int = 5) -> None:
        self._batcher = SearchBatcher(retriever)
        self._limit = limit

    async def run(self, turn: Turn) -> None:
        assert turn.vector is not None
        chosen = turn.chosen_source
        # the words searched for go to the store: the redacted ones, placeholders left out ("<PERSON_1>"
        # would match "person")
        words = PLACEHOLDER_RE.sub(" ", turn.searched or turn.redacted or turn.text)
        if chosen is None and not any(ch.isalnum() for ch in words):
            # nothing but personal data ("jane@example.com"): no question to search for, though the vector
            # of the original text would find the articles about e-mail; no passages, so a person takes it
            turn.passages = []
            return
        passages = await self._batcher.search(
            tenant=turn.identity.tenant,
            access_keys=turn.access_keys,
            vector=turn.vector,
            text=words,
            limit=self._limit if chosen is None else CHOSEN_LIMIT,
        )
        # the customer picked one of the articles offered for this question: only that one answers
        turn.passages = passages if chosen is None else [p for p in passages if p.source == chosen][:1]


class GenerateStage:
    """The routed model tiers: the router picks one; a tier that fails or whose answer doesn't check
    out falls to the next (remote → local); with every model down the extractive answer follows."""

    name = "generate"

    def __init__(self, *, router: Router, models: Mapping[Tier, ChatModel], budget: BudgetBook, generator: GroundedGenerator) -> None:
        self._router = router
        self._models = dict(models)
        self._budget = budget
        self._generator = generator

    def warm_up(self) -> None:
        self._router.warm_up()

    async def run(self, turn: Turn) -> None:
        if not turn.passages:
            return
        tenant, user = turn.identity.tenant, turn.identity.user

        def affordable(tier: Tier) -> bool:
            return self._budget.allows(tier, tenant=tenant, user=user)

        route = await asyncio.to_thread(self._router.decide, turn, affordable=affordable)
        turn.notes["routing"] = route.to_json()
        turn.route = route.tier
        if route.tier == Tier.EXTRACTIVE:
            return
        costs: list[float] = []

        async def on_reply(reply: ModelReply) -> None:
            costs.append(await asyncio.to_thread(self._budget.record, reply, tenant=tenant, user=user, conversation_id=turn.conversation_id))
            turn.notes.setdefault("usage", []).append(
                {"tier": reply.tier, "model": reply.model, "tokens_in": reply.tokens_in, "tokens_out": reply.tokens_out,
                 "seconds": round(reply.seconds, 3), "first_token_seconds": reply.first_token_seconds, "cost_usd": costs[-1]}
            )

        order = [Tier.REMOTE, Tier.LOCAL][[Tier.REMOTE, Tier.LOCAL].index(route.tier):]
        try:
            for tier in order:
                model = self._models.get(tier)
                if model is None or (tier != route.tier and not await asyncio.to_thread(affordable, tier)):
                    continue
                try:
                    turn.answer = await self._generator.answer(model, turn, on_reply=on_reply)
                    turn.route = tier
                    return
                except ModelError as exc:
                    turn.notes.setdefault("model_failures", []).append({"tier": tier, "error": str(exc)})
            turn.route = Tier.EXTRACTIVE  # every model tier failed: the knowledge base answers
        finally:
            turn.notes["cost_usd"] = round(sum(costs), 6)


class AnswerStage:
    name = "answer"

    def __init__(self, *, answerer: ExtractiveAnswerer) -> None:
        self._answerer = answerer

    async def run(self, turn: Turn) -> None:
        if turn.answer is not None:  # a model tier answered
            return
        turn.answer = self._answerer.answer(turn.redacted or turn.text, turn.passages)
        if turn.answer is not None:
            turn.route = turn.answer.route
