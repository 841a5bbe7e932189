"""The engine's collaborators in one record (`Services`), built by the composition root (bot/app/composition.py).

`Services.start()` does the heavy loading (models, stores) and, on the embedded defaults, ingests the
sample knowledge base for the `default` tenant.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from bot.core import language
from bot.core.config import DEFAULT_TENANT, Settings
from bot.core.errors import error_kind
from bot.core.events import EventBus
from bot.core.ports import ChatModel
from bot.core.records import Tier
from bot.core.tables import AuditLog
from bot.engine.assistant import Assistant
from bot.engine.pipeline import Pipeline
from knowledge.embedding import FastEmbedder
from knowledge.ingest import Ingestor, IngestReport
from knowledge.profile import TenantProfiles
from knowledge.store import MilvusStore
from knowledge.terms import TenantTerms
from knowledge.vocabulary import TenantVocabulary
from policies.budget import BudgetBook
from policies.permissions import AccessPolicy
from policies.vault import Vault

logger = logging.getLogger(__name__)

SAMPLE_KB = Path(__file__).resolve().parents[2] / "knowledge" / "sample_kb"


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
    models: dict[Tier, ChatModel]
    profiles: TenantProfiles | None = None
    terms: TenantTerms | None = None  # the redaction terms of each tenant (knowledge/terms.py), with a redactor
    vocabulary: TenantVocabulary | None = None  # the words each tenant's documents use (the confidence gate's unknown terms)
    started: bool = False
    # domain events (bot/core/events.py): the engine publishes the customer side, handoff/ the staff side
    events: EventBus = field(default_factory=EventBus)

    def start(self, *, sample: bool | None = None, models: bool = True) -> None:
        """Heavy and synchronous: run it in a thread from async code. `models=False`: the stores only, no
        model loaded (seconds saved), for work that embeds and answers nothing (`ingest --remove`)."""
        if self.started:
            return
        if models:
            self.embedder.warm_up()
            language.warm_up()  # the assistant's handoff notices use it with any embedder
            self.store.dim = self.embedder.dim  # the loaded model's width (the store was built before it loaded)
        else:
            self.store.dim_from_store = True
        self.store.open()
        if models:
            self.pipeline.warm_up()
        self.vault.purge_expired()
        if self.settings.load_sample_kb if sample is None else sample:
            self.ingest_sample()
        # nothing is measured per tenant here (terms, levels): each tenant's on its first question, so
        # the start does not grow with the number of tenants (knowledge/tenant_cache.py, issue #17)
        self.started = True

    def warm_profile(self, tenant: str) -> None:
        """Measure what the gate reads about the knowledge base an unnamed customer of the tenant may read:
        its own levels (knowledge/profile.py) and its words (knowledge/vocabulary.py), so its next question
        does not wait for them. Synchronous."""
        if self.profiles is None and self.vocabulary is None:
            return
        keys, _ = self.access.access_keys(tenant=tenant, groups=self.settings.tenant(tenant).groups_for(None))
        if self.vocabulary is not None:
            self.vocabulary.warm(tenant, keys)
        if self.profiles is not None:
            self.profiles.get(tenant, keys)

    async def warm_tenants(self) -> None:
        """Each tenant's terms and levels measured one tenant at a time, so that first questions find them ready
        instead of measuring (~0.4 s for a tenant of 100 chunks, 1.3 s for one of 1,000). `serve` starts it
        before it says it is ready and waits for it up to a budget (bot/app/lifecycle.py WARM_BEFORE_READY);
        what is left goes on in the background. A tenant asked meanwhile measures its own: the cache makes it
        once either way."""
        for tenant in list(self.settings.tenants):
            try:
                await asyncio.to_thread(self._warm, tenant)
            except Exception as exc:  # its first question measures it again, and says why if it fails
                logger.warning("measuring tenant %s in the background failed (%s)", tenant, error_kind(exc))

    def _warm(self, tenant: str) -> None:
        if self.terms is not None:
            self.terms.for_tenant(tenant)
        self.warm_profile(tenant)

    def after_ingest(self, tenant: str) -> None:
        """Forget what was cached about the tenant's documents and measure it again (terms, words, levels),
        here rather than on the next customer's question: after a 3 MB article that question waited 1.0 s
        for them (2026-12-03, /tmp measurement in the note), and the wait grows with the knowledge base. Synchronous."""
        self.access.refresh(tenant)
        self._warm(tenant)

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
