"""The vector store: batched searches answer each question with its own passages, and a store
written by an earlier version (no blended vector, no lead vector, or everything in one collection)
is upgraded in place, losing nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from bot.app.composition import Services
from knowledge.retrieval import Retriever, SearchBatcher
from knowledge.store import COLLECTION, MilvusStore
from knowledge.store_reads import load_entries

OLD_COLLECTION = "chunks"  # the name versions before the blended vector used
V2_COLLECTION = "chunks_v2"  # with the blended vector, before the lead vector
V3_COLLECTION = "chunks_v3"  # with the lead vector, all in one collection

QUESTIONS = [
    "how do I reset my password?",
    "can I export my data to CSV?",
    "how do I invite people to my workspace?",
    "where do I download invoices?",
    "how do I turn on two-factor authentication?",
    "what are the API rate limits?",
    "how do I cancel my subscription?",
    "can I connect Slack?",
]


async def test_concurrent_questions_share_milvus_calls_and_each_gets_its_own_passages(core: Services) -> None:
    retriever = Retriever(store=core.store)
    keys = ["public"]
    vectors = core.embedder.embed(QUESTIONS)
    alone = [retriever.search(tenant="default", access_keys=keys, vector=v, text=q) for q, v in zip(QUESTIONS, vectors, strict=True)]

    client = core.store._client
    calls = 0
    search = client.search

    def counting(*args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        return search(*args, **kwargs)

    client.search = counting
    try:
        batcher = SearchBatcher(retriever)
        together = await asyncio.gather(
            *(batcher.search(tenant="default", access_keys=keys, vector=v, text=q) for q, v in zip(QUESTIONS, vectors, strict=True))
        )
    finally:
        client.search = search
    assert [[p.source for p in ps] for ps in together] == [[p.source for p in ps] for ps in alone]
    assert "password" in together[0][0].chunk.title.lower()
    assert calls < 2 * len(QUESTIONS)  # one call per field for the questions that queued together


def test_a_small_chunk_cache_stays_small_without_losing_candidates(core: Services) -> None:
    retriever = Retriever(store=core.store)
    vectors = core.embedder.embed(QUESTIONS)
    before = [[p.source for p in retriever.search(tenant="default", access_keys=["public"], vector=v, text=q)]
              for q, v in zip(QUESTIONS, vectors, strict=True)]
    bound = core.store.chunk_cache.max_chunks
    core.store.chunk_cache.max_chunks = 5  # smaller than one search's candidates: misses are read from the store
    try:
        after = [[p.source for p in retriever.search(tenant="default", access_keys=["public"], vector=v, text=q)]
                 for q, v in zip(QUESTIONS, vectors, strict=True)]
        assert len(core.store.chunk_cache) == 5
    finally:
        core.store.chunk_cache.max_chunks = bound
    assert after == before



def test_chunks_read_by_id_are_only_those_the_scope_may_read(core: Services) -> None:
    """Chunks are read by their id alone (Milvus Lite scans every row for a richer filter): the tenant
    and access keys are still checked on what comes back."""
    vector = core.embedder.embed(QUESTIONS[:1])[0]
    ids = {p.chunk.id for p in Retriever(store=core.store).search(tenant="default", access_keys=["public"], vector=vector, text=QUESTIONS[0])}
    assert ids
    bound = core.store.chunk_cache.max_chunks
    core.store.chunk_cache.max_chunks = 0  # every read goes to the store
    try:
        assert set(load_entries(core.store._client, core.store.chunk_cache, ids, tenant="default", access_keys=["public"])) == ids
        assert load_entries(core.store._client, core.store.chunk_cache, ids, tenant="other", access_keys=["public"]) == {}
        assert load_entries(core.store._client, core.store.chunk_cache, ids, tenant="default", access_keys=["staff"]) == {}
    finally:
        core.store.chunk_cache.max_chunks = bound

def _old_schema(client: object, dim: int, name: str = OLD_COLLECTION) -> None:
    """The collection as versions before the blended vector created it (`chunks_v2` adds the blend,
    `chunks_v3` the lead vector)."""
    from pymilvus import DataType, Function, FunctionType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)  # type: ignore[attr-defined]
    schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=64)
    schema.add_field("tenant", DataType.VARCHAR, max_length=128, is_partition_key=True)
    for field, size in (("access", 1024), ("doc_id", 64), ("source", 2048), ("title", 1024), ("url", 2048), ("heading", 1024)):
        schema.add_field(field, DataType.VARCHAR, max_length=size)
    schema.add_field("position", DataType.INT64)
    schema.add_field("text", DataType.VARCHAR, max_length=8192)
    schema.add_field("lexical", DataType.VARCHAR, max_length=10240, enable_analyzer=True)
    schema.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
    schema.add_field("title_dense", DataType.FLOAT_VECTOR, dim=dim)
    if name == V3_COLLECTION:
        schema.add_field("lead_dense", DataType.FLOAT_VECTOR, dim=dim)
    if name in (V2_COLLECTION, V3_COLLECTION):
        schema.add_field("blend", DataType.FLOAT_VECTOR, dim=dim)
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_function(Function(name="bm25", function_type=FunctionType.BM25, input_field_names=["lexical"], output_field_names=["sparse"]))
    index = client.prepare_index_params()  # type: ignore[attr-defined]
    index.add_index("dense", index_type="FLAT", metric_type="COSINE")
    index.add_index("title_dense", index_type="FLAT", metric_type="COSINE")
    if name == V3_COLLECTION:
        index.add_index("lead_dense", index_type="FLAT", metric_type="COSINE")
    if name in (V2_COLLECTION, V3_COLLECTION):
        index.add_index("blend", index_type="FLAT", metric_type="IP")
    index.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
    client.create_collection(name, schema=schema, index_params=index, num_partitions=16)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("old", "interrupted"),
    [
        ([OLD_COLLECTION], False),
        ([V2_COLLECTION], False),
        ([OLD_COLLECTION], True),  # a crash during an earlier upgrade left a half-made new collection
        ([OLD_COLLECTION, V2_COLLECTION], False),  # ... or a half-made copy of the version before
        ([V2_COLLECTION], True),
        ([V3_COLLECTION], False),
        ([V2_COLLECTION, V3_COLLECTION], False),
        ([V3_COLLECTION], True),
    ],
)
def test_a_store_from_an_earlier_version_is_upgraded_in_place(
    make_services: Callable[..., Services], tmp_path: Path, old: list[str], interrupted: bool
) -> None:
    from pymilvus import MilvusClient

    embedder = make_services(start=False).embedder
    embedder.warm_up()
    articles = {
        "Reset your password": "Click Forgot password on the sign-in page and follow the emailed link.",
        "Download invoices": "Owners find every invoice under Settings, Billing, Invoices, as PDF.",
    }
    titles, texts = list(articles), list(articles.values())
    dense, title_dense = embedder.embed(texts), embedder.embed(titles)
    lead_dense = embedder.embed([f"{t}\n{x}" for t, x in articles.items()])
    uri = str(tmp_path / "old" / "milvus.db")
    (tmp_path / "old").mkdir()
    client = MilvusClient(uri)
    source = old[0]
    _old_schema(client, embedder.dim, name=source)
    rows = [
        {"id": f"c{i}", "tenant": "acme", "access": "public", "doc_id": f"d{i}", "source": f"{t}.md", "title": t, "url": "", "heading": "",
         "position": 0, "text": texts[i], "lexical": f"{t}\n{texts[i]}", "dense": dense[i].tolist(), "title_dense": title_dense[i].tolist()}
        for i, t in enumerate(titles)
    ]
    if source in (V2_COLLECTION, V3_COLLECTION):
        for i, row in enumerate(rows):
            row["blend"] = (0.5 * np.asarray(row["dense"]) + np.asarray(row["title_dense"])).tolist()
            if source == V3_COLLECTION:
                row["lead_dense"] = lead_dense[i].tolist()
    client.insert(source, rows)
    client.flush(source)
    for half_made in old[1:]:
        _old_schema(client, embedder.dim, name=half_made)
        copied = {**rows[0], "blend": rows[0]["dense"], **({"lead_dense": rows[0]["dense"]} if half_made == V3_COLLECTION else {})}
        client.insert(half_made, [copied])  # one chunk of two, copied
    if interrupted:
        _old_schema(client, embedder.dim, name=COLLECTION)
    client.close()

    store = MilvusStore(uri=uri, dim=embedder.dim)
    store.open()
    try:
        assert store.count(tenant="acme") == 2
        assert not any(store._client.has_collection(name) for name in old)  # dropped once the copy was flushed
        question = "where can I get my invoices?"
        hits = store.search(tenant="acme", access_keys=["public"], vector=embedder.embed([question])[0], text=question)
        best = max(hits, key=lambda h: 0.5 * h.dense + h.title + h.lead)
        assert best.chunk.title == "Download invoices"
        assert np.isclose(best.dense, float(embedder.embed([question])[0] @ dense[1]), atol=1e-4)
        if source == V3_COLLECTION:
            assert np.isclose(best.lead, float(embedder.embed([question])[0] @ lead_dense[1]), atol=1e-4)
        else:
            assert np.isclose(best.lead, best.title, atol=1e-5)  # no lead vector before: the title stands in until the next ingest
        assert best.lexical > 0
    finally:
        store.close()


def _store_of_the_layout_before(tmp_path: Path, *, interrupted: bool = False) -> tuple[str, list, dict[str, np.ndarray], np.ndarray]:
    """A closed store whose sentence windows are in SENTENCE_COLLECTION, one row each (a packing cut short
    beside them if `interrupted`): its path, chunks, each chunk's windows and the chunks' three views."""
    from milvus_lite.server_manager import server_manager_instance
    from pymilvus import DataType

    from knowledge.chunking import Chunk
    from knowledge.store_schema import (
        SENTENCE_COLLECTION,
        WINDOW_COLLECTION,
        WINDOWS_PER_ROW,
        window_id,
    )

    rng = np.random.default_rng(5)
    sentences = ". ".join(f"Step {n} of the reset opens panel {n}" for n in range(2 * WINDOWS_PER_ROW + 3))  # more windows than a row holds
    chunks = [
        Chunk(id=f"c{n}", doc_id=f"d{n}", source=f"{n}.md", title=f"Article {n}", url=None, heading="Reset",
              text=sentences if n % 3 == 0 else f"Open Settings {n}. Press Reset. It changes at once.", position=0)
        for n in range(40)
    ]
    windows = {c.id: rng.standard_normal((len(c.sentence_texts), 8)).astype(np.float32) for c in chunks}
    assert max(len(w) for w in windows.values()) > WINDOWS_PER_ROW and min(len(w) for w in windows.values()) < WINDOWS_PER_ROW
    uri = str(tmp_path / "milvus.db")
    store = MilvusStore(uri=uri, dim=8)
    store.open()
    views = rng.standard_normal((3, len(chunks), 8)).astype(np.float32)
    store.insert(tenant="acme", access="public", chunks=chunks, dense=views[0], title_dense=views[1], lead_dense=views[2],
                 sentences=[windows[c.id] for c in chunks])
    client = store._client
    # the layout before: one row per window
    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=64)
    schema.add_field("tenant", DataType.VARCHAR, max_length=128, is_partition_key=True)
    schema.add_field("access", DataType.VARCHAR, max_length=1024)
    schema.add_field("doc_id", DataType.VARCHAR, max_length=64)
    schema.add_field("sentence", DataType.FLOAT_VECTOR, dim=8)
    index = client.prepare_index_params()
    index.add_index("sentence", index_type="FLAT", metric_type="COSINE")
    client.create_collection(SENTENCE_COLLECTION, schema=schema, index_params=index, num_partitions=16)
    client.upsert(SENTENCE_COLLECTION, [
        {"id": window_id(c.id, n), "tenant": "acme", "access": "public", "doc_id": c.doc_id, "sentence": vector.tolist()}
        for c in chunks for n, vector in enumerate(windows[c.id])
    ])
    if interrupted:  # a packing cut short: one chunk's rows written, nothing flushed
        client.delete(WINDOW_COLLECTION, filter=f'id not in ["{chunks[0].id}:w0", "{chunks[0].id}:w1", "{chunks[0].id}:w2"]')
    else:
        client.drop_collection(WINDOW_COLLECTION)
    store.flush() if interrupted else client.flush(SENTENCE_COLLECTION)
    store.close()
    server_manager_instance.release_server(uri)
    return uri, chunks, windows, views


def _assert_packed(store: MilvusStore, chunks: list, windows: dict[str, np.ndarray], views: np.ndarray) -> None:
    from knowledge.chunk_cache import ChunkCache
    from knowledge.store_schema import (
        SENTENCE_COLLECTION,
        WINDOW_COLLECTION,
        WINDOWS_PER_ROW,
    )

    assert not store._client.has_collection(SENTENCE_COLLECTION)
    rows = store._client.query(WINDOW_COLLECTION, filter='tenant == "acme"', output_fields=["count(*)"])[0]["count(*)"]
    assert rows == sum(-(-len(w) // WINDOWS_PER_ROW) for w in windows.values())  # not one a window
    found = load_entries(store._client, ChunkCache(), {c.id for c in chunks}, tenant="acme", access_keys=["public"])
    for n, c in enumerate(chunks):
        stored = found[c.id][1]
        assert stored.shape == (3 + len(windows[c.id]), 8)
        assert np.array_equal(stored[3:], windows[c.id]) and np.array_equal(stored[0], views[0][n])


@pytest.mark.parametrize("interrupted", [False, True], ids=["whole", "packing-interrupted"])
def test_sentence_windows_stored_one_row_each_are_packed_on_open_with_the_same_floats(tmp_path: Path, interrupted: bool) -> None:
    """A store of the layout before (SENTENCE_COLLECTION: one row per window, id '<chunk>:<n>') has its windows
    packed into WINDOW_COLLECTION when opened, and every chunk reads the vectors it was written with."""
    uri, chunks, windows, views = _store_of_the_layout_before(tmp_path, interrupted=interrupted)
    reopened = MilvusStore(uri=uri, dim=8)
    reopened.open()
    try:
        _assert_packed(reopened, chunks, windows, views)
    finally:
        reopened.close()


@pytest.mark.slow
def test_two_stores_opening_one_server_at_once_upgrade_it_once_and_both_read_it(tmp_path: Path) -> None:
    """Two stores with connections of their own (as two `serve` processes sharing SUPPORTBOT_MILVUS_URI and the
    database) open one Milvus server whose store needs its windows packed, at once: one packs under the
    database's lock, the other waits and then finds the store packed. Without the lock each dropped and
    filled the collections under the other (an open failed in each of three runs)."""
    import subprocess
    import sys
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    from sqlalchemy import create_engine

    from tests.bot.test_restart import free_port

    uri, chunks, windows, views = _store_of_the_layout_before(tmp_path)
    port = free_port()
    root = Path(__file__).resolve().parents[2]
    server = subprocess.Popen([sys.executable, "-m", "knowledge.milvus_endpoint", uri, "127.0.0.1", str(port)], cwd=root,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stores = [MilvusStore(uri=f"http://127.0.0.1:{port}", dim=8, engine=create_engine(f"sqlite:///{tmp_path / 'bot.db'}")) for _ in range(2)]
    start = threading.Barrier(2)

    def open_store(store: MilvusStore) -> None:
        start.wait()
        store.open()

    try:
        deadline = time.monotonic() + 60
        while not _listening(port):
            assert server.poll() is None and time.monotonic() < deadline, "the Milvus Lite server did not start"
            time.sleep(0.2)
        with ThreadPoolExecutor(2) as pool:
            for opened in [pool.submit(open_store, store) for store in stores]:
                opened.result(timeout=120)  # an open that failed raises here
        for store in stores:
            _assert_packed(store, chunks, windows, views)
    finally:
        for store in stores:
            store.close()
        server.terminate()
        server.wait(timeout=30)


def _listening(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0
