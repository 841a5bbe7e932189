"""Composition root of the core: builds every collaborator from `Settings`, in one place.

`build_services` is cheap; `Services.start()` does the heavy loading (models, stores) and, on the
embedded defaults, ingests the sample knowledge base for the `default` tenant.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from bot.core import language
from bot.engine.answering import ExtractiveAnswerer
from bot.core.errors import ConfigError
from bot.engine.assistant import Assistant, audit_key
from bot.engine.generation import GroundedGenerator
from bot.engine.models import ChatModel, OllamaModel, OpenAIModel
from bot.engine.pipeline import Pipeline, Stage
from bot.core.config import DEFAULT_TENANT, Settings, load_secret
from bot.engine.stages import (
    AnswerStage,
    GenerateStage,
    ConfidenceStage,
    EmbedStage,
    HumanRequestStage,
    PermissionStage,
    RedactStage,
    RetrieveStage,
)
from bot.core.database import open_database
from bot.core.tables import AuditLog
from knowledge.embedding import FastEmbedder
from knowledge.ingest import IngestReport, Ingestor
from knowledge.profile import TenantProfiles
from knowledge.retrieval import Retriever
from knowledge.store import MilvusStore
from knowledge.terms import TenantTerms
from knowledge.vocabulary import TenantVocabulary
from policies.intent import HumanRequestDetector
from policies.budget import BudgetBook
from policies.permissions import AccessPolicy
from policies.routing import Router
from policies.topics import HumanOnlyStage, TopicDetector
from policies.vault import Vault

logger = logging.getLogger(__name__)

SAMPLE_KB = Path(__file__).resolve().parents[2] / "knowledge" / "sample_kb"


def _keep_terms(settings: Settings, tenant: str) -> tuple[str, ...]:
    config = settings.tenants.get(tenant)
    return config.keep_terms if config is not None else ()


def _redactor(settings: Settings) -> Any:
    """Never quietly without: a bot that can't redact must not start (nothing may see raw personal data)."""
    try:
        from policies.redaction import SpacyRedactor
    except ImportError as exc:
        raise ConfigError(f"redaction cannot be loaded ({exc}); install supportbot with its dependencies (spaCy)") from exc
    return SpacyRedactor(model=settings.spacy_model)


@dataclass(slots=True)
class Services:
    settings: Settings
    engine: Engine
    store: MilvusStore
    embedder: FastEmbedder
    ingestor: Ingestor
    access: AccessPolicy
    pipeline: Pipeline
    assistant: Assistant
    audit: AuditLog
    redactor: Any | None
    vault: Vault
    budget: BudgetBook
    models: dict[str, ChatModel]
    profiles: TenantProfiles | None = None
    started: bool = False

    def start(self, *, sample: bool | None = None) -> None:
        """Heavy and synchronous: run it in a thread from async code."""
        if self.started:
            return
        self.embedder.warm_up()
        language.warm_up()  # the assistant's handoff notices use it with any embedder
        self.store.open()
        self.pipeline.warm_up()
        self.vault.purge_expired()
        if self.settings.load_sample_kb if sample is None else sample:
            self.ingest_sample()
        self.warm_profiles()
        self.started = True

    def warm_profiles(self, tenant: str | None = None) -> None:
        """Measure the knowledge base's own levels (knowledge/profile.py) for what an unnamed customer of
        each tenant (or this one) may read, so the first question does not wait for it. Synchronous."""
        if self.profiles is None:
            return
        for name in [tenant] if tenant is not None else list(self.settings.tenants):
            keys, _ = self.access.access_keys(tenant=name, groups=self.settings.tenant(name).groups_for(None))
            self.profiles.get(name, keys)

    def after_ingest(self, tenant: str) -> None:
        """Forget what was cached about the tenant's documents and measure its levels again. Synchronous."""
        self.access.refresh(tenant)
        self.warm_profiles(tenant)

    def ingest_sample(self) -> IngestReport | None:
        if DEFAULT_TENANT not in self.settings.tenants or not SAMPLE_KB.is_dir():
            return None
        report = self.ingestor.ingest([SAMPLE_KB], tenant=DEFAULT_TENANT, display_base=SAMPLE_KB.parent)
        if report.added or report.updated or report.removed:
            logger.info("sample knowledge base: %d added, %d updated", report.added, report.updated)
            self.after_ingest(DEFAULT_TENANT)
        return report

    def close(self) -> None:
        self.store.close()
        self.engine.dispose()


def build_pipeline(
    *, settings: Settings, embedder: FastEmbedder, retriever: Retriever, access: AccessPolicy, redactor: Any | None,
    vocabulary: TenantVocabulary | None = None, profiles: TenantProfiles | None = None, generate: Stage | None = None,
) -> Pipeline:
    stages: list[Stage] = []
    if redactor is not None:
        stages.append(RedactStage(redactor=redactor, settings=settings))
    stages += [
        EmbedStage(embedder=embedder),
        HumanRequestStage(detector=HumanRequestDetector(embedder=embedder), settings=settings),
        HumanOnlyStage(detector=TopicDetector(embedder=embedder, settings=settings)),
        PermissionStage(policy=access),
        RetrieveStage(retriever=retriever),
        *([generate] if generate is not None else []),
        AnswerStage(answerer=ExtractiveAnswerer()),
        ConfidenceStage(settings=settings, vocabulary=vocabulary, profiles=profiles, english_embedder=getattr(embedder, "english_only", False)),
    ]
    return Pipeline(stages)


def build_models(settings: Settings) -> dict[str, ChatModel]:
    """The configured model tiers; none configured: extractive answers only."""
    models: dict[str, ChatModel] = {}
    if settings.local_model:
        models["local"] = OllamaModel(host=settings.ollama_host, model=settings.local_model, timeout=settings.model_timeout)
    if settings.remote_model:
        models["remote"] = OpenAIModel(
            base_url=settings.openai_base_url, api_key=settings.openai_api_key, model=settings.remote_model, timeout=settings.model_timeout
        )
    return models


def build_services(settings: Settings, *, redact: bool = True) -> Services:
    engine = open_database(settings.database_url, upgrade=settings.database_upgrade)
    embedder = FastEmbedder(model=settings.embedding_model, cache_dir=settings.data_dir / "models", threads=settings.embed_threads)
    store = MilvusStore(uri=settings.milvus_uri, dim=embedder.dim)
    access = AccessPolicy(engine=engine, settings=settings)
    redactor = _redactor(settings) if redact else None
    retriever = Retriever(store=store)
    vocabulary = TenantVocabulary(load=lambda tenant, access_keys: store.texts(tenant=tenant, access_keys=access_keys))
    access.on_refresh(vocabulary.refresh)
    if redactor is not None:  # the knowledge base's own words are no names or addresses (knowledge/terms.py)
        terms = TenantTerms(load=lambda tenant: store.chunk_parts(tenant=tenant), keep=lambda tenant: _keep_terms(settings, tenant))
        access.on_refresh(terms.refresh)
        redactor.use_terms(terms.for_tenant)
    profiles = TenantProfiles(
        titles=lambda tenant, keys: store.titles(tenant=tenant, access_keys=keys), embed=embedder.embed,
        search=lambda tenant, keys, vectors, texts: retriever.search_many(tenant=tenant, access_keys=keys, vectors=vectors, texts=texts),
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
        profiles=profiles, generate=generate,
    )
    audit = AuditLog(engine)
    secret = load_secret(settings)
    return Services(
        settings=settings,
        engine=engine,
        store=store,
        embedder=embedder,
        ingestor=Ingestor(engine=engine, store=store, embedder=embedder),
        access=access,
        pipeline=pipeline,
        assistant=Assistant(settings=settings, pipeline=pipeline, audit=audit, pseudonym_key=audit_key(secret)),
        audit=audit,
        redactor=redactor,
        vault=Vault(engine=engine, secret=secret, ttl=timedelta(hours=settings.vault_ttl_hours)),
        budget=budget,
        models=models,
        profiles=profiles,
    )
