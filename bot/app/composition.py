"""Composition root: builds every collaborator from `Settings`, in one place, and connects the listeners
of the domain events (bot/core/events.py).

`build_services` is cheap; `Services.start()` (bot/engine/services.py) does the heavy loading (models,
stores) and, on the embedded defaults, ingests the sample knowledge base for the `default` tenant.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any

from bot.core.config import Settings, load_secret
from bot.core.database import open_database
from bot.core.errors import ConfigError
from bot.core.events import (
    Answered,
    Claimed,
    Clarified,
    EventBus,
    HandedOver,
    MessageStored,
    Rated,
    Resolved,
    ReturnedToBot,
    StaffReplied,
)
from bot.core.records import Tier
from bot.core.tables import AuditLog
from bot.engine.answering import ExtractiveAnswerer
from bot.engine.assistant import Assistant, audit_key
from bot.engine.confidence_stage import ConfidenceStage
from bot.engine.generation import GroundedGenerator
from bot.engine.message_stages import HumanOnlyStage, HumanRequestStage, PleasantryStage
from bot.engine.models import ChatModel, OllamaModel, OpenAIModel
from bot.engine.pipeline import Pipeline, Stage
from bot.engine.services import SAMPLE_KB as SAMPLE_KB
from bot.engine.services import Services
from bot.engine.stages import (
    AnswerStage,
    EmbedStage,
    GenerateStage,
    PermissionStage,
    RedactStage,
    RespellStage,
    RetrieveStage,
)
from knowledge.embedding import FastEmbedder
from knowledge.ingest import Ingestor
from knowledge.kept_measures import KeptMeasures, registry_state
from knowledge.profile import TenantProfiles
from knowledge.retrieval import Retriever
from knowledge.store import MilvusStore
from knowledge.terms import TenantTerms
from knowledge.vector_cache import CachedEmbedder
from knowledge.vocabulary import TenantVocabulary
from policies.budget import BudgetBook
from policies.intent import HumanRequestDetector
from policies.near_domain import SpacyNounReader
from policies.permissions import AccessPolicy
from policies.product_names import product_names, product_words
from policies.routing import Router
from policies.topics import TopicDetector
from policies.vault import Vault

logger = logging.getLogger(__name__)



def _keep_terms(settings: Settings, tenant: str) -> tuple[str, ...]:
    config = settings.tenants.get(tenant)
    return config.keep_terms if config is not None else ()


def _allowed_origins(settings: Settings, tenant: str) -> tuple[str, ...]:
    config = settings.tenants.get(tenant)
    return tuple(o for o in config.allowed_origins if o != "*") if config is not None else ()


def _redactor(settings: Settings) -> Any:
    """Never quietly without: a bot that can't redact must not start (nothing may see raw personal data)."""
    try:
        from policies.redaction import SpacyRedactor
    except ImportError as exc:
        raise ConfigError(f"redaction cannot be loaded ({exc}); install supportbot with its dependencies (spaCy)") from exc
    return SpacyRedactor(model=settings.spacy_model, names_cache=settings.model_cache or settings.data_dir / "models")


def build_pipeline(
    *, settings: Settings, embedder: FastEmbedder, retriever: Retriever, access: AccessPolicy, redactor: Any | None,
    vocabulary: TenantVocabulary | None = None, profiles: TenantProfiles | None = None, generate: Stage | None = None,
    terms: TenantTerms | None = None,
) -> Pipeline:
    stages: list[Stage] = []
    if redactor is not None:
        stages.append(RedactStage(redactor=redactor, settings=settings, terms=terms))
    embed = EmbedStage(embedder=embedder)
    stages += [
        PleasantryStage(language_of=lambda tenant: settings.tenant(tenant).language),
        embed,
        HumanRequestStage(detector=HumanRequestDetector(embedder=embedder), settings=settings, vector_of=embed.vector_of),
        HumanOnlyStage(detector=TopicDetector(embedder=embedder, settings=settings)),
        PermissionStage(policy=access),
        *([RespellStage(vocabulary=vocabulary, vector_of=embed.vector_of)] if vocabulary is not None else []),
        RetrieveStage(retriever=retriever),
        *([generate] if generate is not None else []),
        AnswerStage(answerer=ExtractiveAnswerer()),
        ConfidenceStage(settings=settings, vocabulary=vocabulary, profiles=profiles, english_embedder=getattr(embedder, "english_only", False),
                        named_things=getattr(redactor, "named_things", None),
                        nouns=SpacyNounReader(model=settings.spacy_model) if redactor is not None and vocabulary is not None else None),
    ]
    return Pipeline(stages)


def build_models(settings: Settings) -> dict[Tier, ChatModel]:
    """The configured model tiers; none configured: extractive answers only."""
    models: dict[Tier, ChatModel] = {}
    if settings.local_model:
        models[Tier.LOCAL] = OllamaModel(host=settings.ollama_host, model=settings.local_model, timeout=settings.model_timeout)
    if settings.remote_model:
        models[Tier.REMOTE] = OpenAIModel(
            base_url=settings.openai_base_url, api_key=settings.openai_api_key, model=settings.remote_model, timeout=settings.model_timeout
        )
    return models


def build_services(settings: Settings, *, redact: bool = True) -> Services:
    engine = open_database(settings.database_url, upgrade=settings.database_upgrade, pool_size=settings.database_pool)
    models_dir = settings.model_cache or settings.data_dir / "models"
    embedder = FastEmbedder(model=settings.embedding_model, cache_dir=models_dir, threads=settings.embed_threads)
    store = MilvusStore(uri=settings.milvus_uri, dim=embedder.dim, engine=engine)
    access = AccessPolicy(engine=engine, settings=settings)
    redactor = _redactor(settings) if redact else None
    retriever = Retriever(store=store)
    # a tenant's terms, words and levels measured once per state of its knowledge base, not at every start
    kept = KeptMeasures(settings.data_dir / "measures", state=registry_state(engine))
    vocabulary = TenantVocabulary(products=product_names(), product_words=product_words(),
                                  documents=lambda tenant, access_keys: store.documents(tenant=tenant, access_keys=access_keys),
                                  sites=lambda tenant: _allowed_origins(settings, tenant), kept=kept)
    access.on_refresh(vocabulary.refresh)
    terms = None
    if redactor is not None:  # the knowledge base's own words are no names or addresses (knowledge/terms.py)
        terms = TenantTerms(load=lambda tenant: store.chunk_parts(tenant=tenant), keep=lambda tenant: _keep_terms(settings, tenant), kept=kept)
        access.on_refresh(terms.refresh)
        redactor.use_terms(terms.for_tenant)
    profiles = TenantProfiles(
        titles=lambda tenant, keys: store.titles(tenant=tenant, access_keys=keys), embed=embedder.embed,
        search=lambda tenant, keys, vectors, texts: retriever.search_many(tenant=tenant, access_keys=keys, vectors=vectors, texts=texts),
        kept=kept,
    )
    access.on_refresh(profiles.refresh)
    budget = BudgetBook(engine=engine, settings=settings)
    models = build_models(settings)
    generate = (
        GenerateStage(router=Router(embedder=embedder, settings=settings, tiers=list(models)), models=models, budget=budget,
                      generator=GroundedGenerator())
        if models else None
    )
    pipeline = build_pipeline(
        settings=settings, embedder=embedder, retriever=retriever, access=access, redactor=redactor, vocabulary=vocabulary,
        profiles=profiles, generate=generate, terms=terms,
    )
    audit = AuditLog(engine)
    secret = load_secret(settings)
    return Services(
        settings=settings,
        engine=engine,
        store=store,
        embedder=embedder,
        # the knowledge base's texts only: questions go to `embedder` itself (knowledge/vector_cache.py)
        ingestor=Ingestor(engine=engine, store=store, embedder=CachedEmbedder(embedder, models_dir) if settings.embed_cache else embedder),
        access=access,
        pipeline=pipeline,
        assistant=Assistant(settings=settings, pipeline=pipeline, audit=audit, pseudonym_key=audit_key(secret)),
        audit=audit,
        redactor=redactor,
        vault=Vault(engine=engine, secret=secret, ttl=timedelta(hours=settings.vault_ttl_hours)),
        budget=budget,
        vocabulary=vocabulary,
        models=models,
        profiles=profiles,
        terms=terms,
    )


LISTENED = (MessageStored, Answered, Clarified, HandedOver, Claimed, StaffReplied, Resolved, ReturnedToBot, Rated)


def connect_listeners(events: EventBus, *, listeners: Sequence[Callable[[Any], Awaitable[None]]]) -> None:
    """Every domain event to each listener (the web app's metrics; a connector goes here too)."""
    for listener in listeners:
        for kind in LISTENED:
            events.subscribe(kind, listener)
