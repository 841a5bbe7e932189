"""knowledge/profile.py: a knowledge base's own score levels, with fake embedding and search."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from knowledge.chunking import Chunk
from knowledge.profile import NEAR_DUPLICATE, Profile, TenantProfiles, kin, same_article
from knowledge.retrieval import Passage


def chunk(source: str, *, url: str | None = None) -> Chunk:
    return Chunk(id=f"{source}:0", doc_id=source, source=source, title=source, url=url, heading="", text="t", position=0)


def passage(source: str, relevance: float, vector: Sequence[float] | None = None, *, url: str | None = None) -> Passage:
    v = None if vector is None else np.asarray(vector, dtype=np.float32) / np.linalg.norm(vector)
    return Passage(chunk=chunk(source, url=url), score=1.0, dense=0.5, title=0.5, lexical=1.0, relevance=relevance, vector=v)


def test_an_faq_row_and_the_article_it_links_to_are_one_article_rows_sharing_a_page_are_not() -> None:
    article = chunk("kb/plans.md", url="https://help.example/plans")
    row = chunk("kb/faq.csv#faq-002", url="https://help.example/plans")
    other_row = chunk("kb/faq.csv#faq-003", url="https://help.example/plans")
    assert same_article(article, row) and same_article(row, article)
    assert not same_article(row, other_row)  # two answers on one external FAQ page (COVID-QA)
    assert not same_article(article, chunk("kb/refunds.md", url="https://help.example/refunds"))
    assert not same_article(chunk("a.md"), chunk("b.md"))  # no URL: only the same document
    assert same_article(chunk("a.md"), chunk("a.md"))


def test_kin_is_one_for_the_same_article_else_the_cosine() -> None:
    top = passage("kb/plans.md", 1.5, [1, 0], url="https://help.example/plans")
    row = passage("kb/faq.csv#faq-002", 1.4, [0, 1], url="https://help.example/plans")
    near = passage("kb/pricing-old.md", 1.3, [1, 0.1])
    far = passage("kb/refunds.md", 1.2, [0, 1])
    found = kin([top, row, near, far])
    assert found[0] == 1.0 and found[1] == 1.0 and found[2] > NEAR_DUPLICATE and abs(found[3]) < 1e-6
    assert kin([passage("a.md", 1.0), passage("b.md", 0.9)]) == (1.0, 0.0)  # no vectors
    assert kin([]) == ()


def _profiles(levels: dict[str, list[Passage]]) -> tuple[TenantProfiles, list[int]]:
    """Each title, asked as a question, finds the passages given for its document."""
    calls: list[int] = []

    def search(tenant: str, keys: Sequence[str], vectors: np.ndarray, texts: Sequence[str]) -> list[list[Passage]]:
        calls.append(len(texts))
        return [levels[t] for t in texts]

    profiles = TenantProfiles(titles=lambda tenant, keys: {d: d for d in levels}, embed=lambda texts: np.zeros((len(texts), 2)),
                              search=search)
    return profiles, calls


def test_the_background_is_the_median_level_of_the_best_different_other_article() -> None:
    v = [1.0, 0.0]
    levels = {
        # each document finds itself first; what counts is the best *other*, different one
        "a.md": [passage("a.md", 1.8, v), passage("b.md", 1.0, [0, 1])],
        "b.md": [passage("b.md", 1.8, [0, 1]), passage("c.md", 1.2, v)],
        "c.md": [passage("c.md", 1.8, v), passage("c-copy.md", 1.7, v), passage("a.md", 0.8, [0, 1])],  # a near-duplicate is skipped
        "d.md": [passage("d.md", 1.8, v, url="https://x/d"), passage("faq#1", 1.75, [0, 1], url="https://x/d"), passage("b.md", 1.4, [0, 1])],
        "e.md": [passage("e.md", 1.8, v)],  # nothing else found: no level
    }
    profiles, calls = _profiles(levels)
    found = profiles.get("acme", ["public"])
    assert found.probes == 4
    assert found.background == float(np.median([1.0, 1.2, 0.8, 1.4]))
    assert found.spread == float(np.percentile([1.0, 1.2, 0.8, 1.4], 75) - np.percentile([1.0, 1.2, 0.8, 1.4], 25))
    # cached per scope (access keys in any order), measured again after a refresh of the tenant
    assert profiles.cached("acme", ["public"]) == found and profiles.get("acme", ["public", "public"]) == found and calls == [5]
    profiles.refresh("other")
    assert profiles.cached("acme", ["public"]) == found
    profiles.refresh("acme")
    assert profiles.cached("acme", ["public"]) is None
    profiles.get("acme", ["public"])
    assert calls == [5, 5]


def test_too_few_documents_or_no_access_give_the_neutral_profile() -> None:
    two = {"a.md": [passage("a.md", 1.8), passage("b.md", 1.0)], "b.md": [passage("b.md", 1.8), passage("a.md", 1.0)]}
    profiles, calls = _profiles(two)
    assert profiles.get("acme", ["public"]) == Profile() and calls == []
    profiles, calls = _profiles({"a.md": [], "b.md": [], "c.md": []})
    assert profiles.get("acme", []) == Profile() and calls == []  # no access keys: nothing readable, nothing searched


def test_a_question_after_a_reingest_is_judged_by_the_new_knowledge_base_and_each_tenant_by_its_own() -> None:
    """An ingest lands while the levels are being measured for a first question: that measurement is
    made again, not kept; the next question reads the new levels; another tenant keeps its own."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    v, w = [1.0, 0.0], [0.0, 1.0]
    low = {d: [passage(d, 1.8, v), passage(o, 0.5, w)] for d, o in [("a.md", "b.md"), ("b.md", "c.md"), ("c.md", "a.md")]}
    high = {d: [passage(d, 1.8, v), passage(o, 1.5, w)] for d, o in [("a.md", "b.md"), ("b.md", "c.md"), ("c.md", "a.md")]}
    kb = {"acme": low, "globex": high}
    searching, ingested = threading.Event(), threading.Event()

    def search(tenant: str, keys: Sequence[str], vectors: np.ndarray, texts: Sequence[str]) -> list[list[Passage]]:
        found = [kb[tenant][t] for t in texts]
        if tenant == "acme" and not searching.is_set():
            searching.set()
            ingested.wait(5)
        return found

    profiles = TenantProfiles(titles=lambda tenant, keys: {d: d for d in kb[tenant]}, embed=lambda texts: np.zeros((len(texts), 2)),
                              search=search)
    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(profiles.get, "acme", ["public"])
        assert searching.wait(5)
        kb["acme"] = high  # the re-ingest: acme's articles now run as close as globex's
        profiles.refresh("acme")
        ingested.set()
        assert first.result(timeout=5).background == 1.5
    assert profiles.get("acme", ["public"]).background == 1.5 and profiles.cached("acme", ["public"]).background == 1.5
    assert profiles.get("globex", ["public"]).background == 1.5
    kb["globex"] = low
    profiles.refresh("globex")
    assert profiles.get("globex", ["public"]).background == 0.5 and profiles.get("acme", ["public"]).background == 1.5
