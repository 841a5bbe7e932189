"""`bench/bench_growth.py --replicate`: a store of many times the chunks of a kept configuration, built
without the embedder (the same vectors, a sentence of its own per copy) through the product's store,
with the database's registry of documents to match."""

from __future__ import annotations

import shutil
from pathlib import Path

from bench.growth_corpus import Row, write_rows


def replicate(source: Path, target: Path, *, factor: int, tenants: int) -> None:
    """`--replicate`: a store of `factor` times the chunks of a kept configuration `source` without the
    embedder (which sets the ingest rate: 8-25 chunks/s on this loaded machine, so 100k chunks would
    take hours): every chunk copied `factor` times with its own id, document and a sentence of its own
    (so BM25 sees `factor` times the postings), with the same vectors, through the product's store.
    Dealt out to `tenants` tenants (row i to tenant i mod N) when given, else one tenant. For `ask`
    latency and memory at a size the ingest can't reach today; it measures no ingest rate."""
    import numpy as np
    from pymilvus import MilvusClient

    from knowledge.chunking import Chunk
    from knowledge.store import MilvusStore
    from knowledge.store_reads import window_vectors
    from knowledge.store_schema import (
        DATA_COLLECTION,
        OWNER,
        SENTENCE_COLLECTION,
        SHOWN,
        VECTORS,
        WINDOW_COLLECTION,
        old_windows,
    )

    client = MilvusClient(str(source / "data" / "milvus.db"))
    client.load_collection(DATA_COLLECTION)
    iterator = client.query_iterator(DATA_COLLECTION, batch_size=2000, filter="", output_fields=[*OWNER, *SHOWN, *VECTORS])
    rows: list[dict] = []
    while page := iterator.next():
        rows.extend(page)
    iterator.close()
    # each chunk's sentence windows (`Chunk.sentence_texts`), so the copy holds as many vectors as an ingest would;
    # from a store of either layout (packed, or one row per window as before)
    ordered: dict[str, list] = {}
    packed = client.has_collection(WINDOW_COLLECTION)
    client.load_collection(WINDOW_COLLECTION if packed else SENTENCE_COLLECTION)
    for first in range(0, len(rows), 500):
        chunks = [Chunk(id=r["id"], doc_id=r["doc_id"], source=r["source"], title=r["title"], url=r["url"] or None, heading=r["heading"],
                        text=r["text"], position=int(r["position"])) for r in rows[first : first + 500]]
        found = window_vectors(client, chunks, dim=len(rows[0]["dense"])) if packed else old_windows(client, chunks)
        ordered.update({i: list(v) for i, v in found.items()})
    client.close()
    (target / "corpus").mkdir(parents=True)
    (target / "data").mkdir()
    (target / "data" / "models").symlink_to((source / "data" / "models").resolve())
    names = [f"t{t:04d}" for t in range(tenants)] if tenants else ["big"]
    (target / "tenants.toml").write_text("".join(f'[tenants.{t}]\n[tenants.{t}.widget]\nkeys = ["{t}"]\n' for t in names))
    store = MilvusStore(uri=str(target / "data" / "milvus.db"))
    store.open()
    questions: dict[str, list[Row]] = {t: [] for t in names}
    batch: dict[str, list[tuple[Chunk, np.ndarray, np.ndarray]]] = {}
    n = 0
    for copy in range(factor):
        for row in rows:
            tenant = names[n % len(names)]
            n += 1
            suffix = f" Copy {copy}." if copy else ""
            chunk = Chunk(id=f"{row['id'][:40]}-{copy}", doc_id=f"{row['doc_id'][:40]}-{copy}", source=row["source"], title=row["title"],
                          url=row["url"] or None, heading=row["heading"], text=row["text"] + suffix, position=int(row["position"]))
            # the source's windows, the last repeated or cut where the copy's sentence makes one more or fewer
            source_windows = ordered.get(row["id"], [])
            count = len(chunk.sentence_texts) if source_windows else 0
            sentences = np.asarray([source_windows[min(n, len(source_windows) - 1)] for n in range(count)], dtype=np.float32)
            batch.setdefault(tenant, []).append((chunk, np.asarray([row[k] for k in VECTORS], dtype=np.float32), sentences))
            if len(questions[tenant]) < 200:
                questions[tenant].append(Row(row["title"], row["text"]))
            if sum(map(len, batch.values())) >= 2000:
                _write_batches(store, batch)
    _write_batches(store, batch)
    store.flush()
    store.close()
    for tenant, asked in questions.items():
        write_rows(target / "corpus" / f"{tenant}.jsonl", asked)
    if not tenants:  # one tenant: the source's questions (every one of them is in the copy)
        shutil.copy(source / "corpus" / "big.jsonl", target / "corpus" / "big.jsonl")
    register_documents(source, target)
    print(f"replicated {len(rows)} chunks x {factor} into {n} chunks, {len(names)} tenants: {target}", flush=True)


def register_documents(source: Path, target: Path) -> None:
    """The database's registry of documents for a replicated store (a tenant's access keys come from
    it: without rows, nothing is searched): the source's database, with one row per stored document."""
    import sqlite3
    from datetime import UTC, datetime

    from pymilvus import MilvusClient

    from knowledge.store_schema import DATA_COLLECTION

    client = MilvusClient(str(target / "data" / "milvus.db"))
    client.load_collection(DATA_COLLECTION)
    iterator = client.query_iterator(DATA_COLLECTION, batch_size=5000, filter="", output_fields=["tenant", "doc_id", "source", "title"])
    docs: dict[tuple[str, str], dict] = {}
    while page := iterator.next():
        for r in page:
            docs[(r["tenant"], r["doc_id"])] = r
    iterator.close()
    client.close()
    shutil.copy(source / "data" / "supportbot.db", target / "data" / "supportbot.db")
    with sqlite3.connect(target / "data" / "supportbot.db") as db:
        db.execute("DELETE FROM document")
        now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
        db.executemany(
            "INSERT INTO document (tenant, source, doc_id, content_hash, groups, title, url, chunk_count, version, updated_at) "
            "VALUES (?, ?, ?, 'replicated', 'public', ?, NULL, 1, 1, ?)",
            [(t, f"{r['source']}#{d}", d, r["title"], now) for (t, d), r in docs.items()],
        )
        db.executemany("INSERT OR IGNORE INTO tenant (name, created_at) VALUES (?, ?)", [(t, now) for t in {t for t, _ in docs}])


def _write_batches(store: object, batch: dict) -> None:
    import numpy as np

    for tenant, entries in batch.items():
        views = np.stack([v for _, v, _ in entries])
        store.insert(tenant=tenant, access="public", chunks=[c for c, _, _ in entries], dense=views[:, 0], title_dense=views[:, 1],  # type: ignore[attr-defined]
                     lead_dense=views[:, 2], sentences=[w for _, _, w in entries])
    batch.clear()
