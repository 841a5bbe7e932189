"""Who may read what: an identity's access groups turned into the vector store's access keys.

Documents carry an access key (their groups, see `knowledge.ingest.access_key`); an identity may
read a document when they share a group. The keys a tenant uses are few, so they are cached and
refreshed after each ingest.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.core.config import Settings
from bot.core.tables import Document


class AccessPolicy:
    def __init__(self, *, engine: Engine, settings: Settings) -> None:
        self._engine = engine
        self._settings = settings
        self._keys: dict[str, frozenset[str]] = {}
        self._lock = threading.Lock()
        self._listeners: list[Callable[[str | None], None]] = []

    def refresh(self, tenant: str | None = None) -> None:
        """After an ingest: forget what is cached about the tenant (here and in `on_refresh` listeners)."""
        with self._lock:
            if tenant is None:
                self._keys.clear()
            else:
                self._keys.pop(tenant, None)
        for listener in self._listeners:
            listener(tenant)

    def on_refresh(self, listener: Callable[[str | None], None]) -> None:
        self._listeners.append(listener)

    def _tenant_keys(self, tenant: str) -> frozenset[str]:
        with self._lock:
            cached = self._keys.get(tenant)
        if cached is not None:
            return cached
        with Session(self._engine) as session:
            keys = frozenset(session.exec(select(Document.groups).where(Document.tenant == tenant).distinct()))
        if keys:  # a tenant without documents yet is looked up again: its first ingest need not refresh
            with self._lock:
                self._keys[tenant] = keys
        return keys

    def is_cached(self, tenant: str) -> bool:
        with self._lock:
            return tenant in self._keys

    def groups_for(self, *, tenant: str, user: str | None, claimed: Iterable[str] = ()) -> tuple[str, ...]:
        return self._settings.tenant(tenant).groups_for(user, tuple(claimed))

    def access_keys(self, *, tenant: str, groups: Iterable[str]) -> tuple[list[str], list[str]]:
        """(keys this identity may search, keys it may not): the second list is for the audit."""
        allowed = set(groups)
        keys = self._tenant_keys(tenant)
        readable = sorted(k for k in keys if allowed & set(k.split(",")))
        hidden = sorted(keys - set(readable))
        return readable, hidden
