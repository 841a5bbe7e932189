"""knowledge/tenant_cache.py: measured once per key however many ask at once, and never kept (nor
returned) from before an ingest that landed while it was measured."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from knowledge.tenant_cache import TenantCache


def scoped() -> TenantCache[tuple[str, str], str]:
    return TenantCache(tenant_of=lambda key: key[0])


def test_concurrent_first_asks_of_one_key_measure_once() -> None:
    cache = scoped()
    calls: list[tuple[str, str]] = []
    release = threading.Event()

    def measure(key: tuple[str, str]) -> str:
        calls.append(key)
        release.wait(5)
        return f"{key[0]}/{key[1]}"

    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(cache.get, ("acme", "public"), lambda: measure(("acme", "public"))) for _ in range(6)]
        futures.append(pool.submit(cache.get, ("globex", "public"), lambda: measure(("globex", "public"))))
        threading.Timer(0.2, release.set).start()
        found = [f.result(timeout=10) for f in futures]
    assert found == ["acme/public"] * 6 + ["globex/public"]
    assert sorted(calls) == [("acme", "public"), ("globex", "public")]
    assert cache.cached(("acme", "public")) == "acme/public"


def test_a_measurement_that_an_ingest_overtook_is_made_again_and_only_the_new_one_kept() -> None:
    cache = scoped()
    knowledge = {"acme": "old"}
    started, ingested = threading.Event(), threading.Event()
    seen: list[str] = []

    def measure() -> str:
        value = knowledge["acme"]  # read the knowledge base ...
        seen.append(value)
        if len(seen) == 1:
            started.set()
            ingested.wait(5)  # ... while an ingest lands
        return value

    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(cache.get, ("acme", "public"), measure)
        assert started.wait(5)
        knowledge["acme"] = "new"
        cache.forget("acme")
        ingested.set()
        assert first.result(timeout=5) == "new"  # the question that overlapped the ingest: not the old one either
    assert seen == ["old", "new"] and cache.cached(("acme", "public")) == "new"


def test_forgetting_a_tenant_keeps_the_others() -> None:
    cache = scoped()
    for key in [("acme", "public"), ("acme", "staff"), ("globex", "public")]:
        cache.get(key, lambda key=key: "/".join(key))
    cache.forget("acme")
    assert cache.cached(("acme", "public")) is None and cache.cached(("acme", "staff")) is None
    assert cache.cached(("globex", "public")) == "globex/public"
    assert cache.get(("acme", "public"), lambda: "again") == "again"
    cache.forget()
    assert cache.cached(("globex", "public")) is None and cache.cached(("acme", "public")) is None
