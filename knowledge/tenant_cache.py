"""What is measured once per tenant from its knowledge base (its terms, its levels) and kept until the next ingest.

Measured on a tenant's first question, not at start (a start that measured every tenant grew with
tenants x store size: 1,000 tenants of 100 chunks were not ready in 11 minutes, issue #17), and
again right after an ingest by the process that ingested. Two rules make the lazy way safe:
- concurrent first questions of one key wait for one measurement (a lock per key), instead of each
  measuring the same knowledge base;
- a value measured while the tenant's knowledge base changed is never kept nor returned: `forget`
  moves the tenant's generation, and a measurement that saw the generation move is made again, so no
  question asked after an ingest is judged by the knowledge base before it.

Hand-written (~40 lines): cachetools' locks guard the dictionary, not the computation, and know no
invalidation that races with a computation in flight.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

RETRIES = 3  # measurements made again while ingests keep landing; then the last one is returned, not kept


class TenantCache(Generic[K, V]):
    """Values per key (a tenant, or a tenant and access keys), each computed once until its tenant is forgotten. Thread-safe."""

    def __init__(self, *, tenant_of: Callable[[K], str]) -> None:
        self._tenant_of = tenant_of
        self._values: dict[K, V] = {}
        self._computing: dict[K, threading.Lock] = {}
        self._generations: dict[str, int] = {}
        self._lock = threading.Lock()

    def cached(self, key: K) -> V | None:
        with self._lock:
            return self._values.get(key)

    def forget(self, tenant: str | None = None) -> None:
        """After an ingest (None: every tenant): drop what was kept, and what is being measured now."""
        with self._lock:
            tenants = {self._tenant_of(k) for k in self._values} | set(self._generations) if tenant is None else {tenant}
            for name in tenants:
                self._generations[name] = self._generations.get(name, 0) + 1
            for key in [k for k in self._values if tenant is None or self._tenant_of(k) == tenant]:
                del self._values[key]

    def get(self, key: K, compute: Callable[[], V]) -> V:
        """The kept value, or `compute()` once for all who ask meanwhile. Synchronous: run it in a thread."""
        with self._lock:
            if key in self._values:
                return self._values[key]
            computing = self._computing.setdefault(key, threading.Lock())
        with computing:
            value: V
            for _ in range(RETRIES):
                with self._lock:
                    if key in self._values:  # measured by whoever held the lock before
                        return self._values[key]
                    generation = self._generations.get(self._tenant_of(key), 0)
                value = compute()
                with self._lock:
                    if self._generations.get(self._tenant_of(key), 0) == generation:
                        self._values[key] = value
                        return value
            return value  # the knowledge base kept changing: this one is used once, not kept
