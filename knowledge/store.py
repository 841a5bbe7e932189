"""Chunks in Milvus (Lite on disk by default): dense, title and lead vectors, their blend and BM25.

Every query is filtered by tenant and access keys here, in `_scope` (or, for rows read by their
ids, `_in_scope`), and nowhere else: callers cannot search without naming both. Methods are
synchronous (pymilvus is); call them from a thread.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bot.core.errors import ConfigError, StageError
from knowledge.chunk_cache import ChunkCache, Entry
from knowledge.chunking import Chunk
from knowledge.milvus_connection import MilvusConnection, shown
from knowledge.store_schema import (
    COLLECTION,
    COLLECTIONS,
    DATA_COLLECTION,
    DENSE_COLLECTION,
    OLD_COLLECTIONS,
    SENTENCE_COLLECTION,
    SHOWN,
    TEXT_LIMIT,
    VECTORS,
    create_collections,
    old_chunks,
    stored_dim,
)

logger = logging.getLogger(__name__)

# The passage order is 0.5 x cosine(question, chunk) + 0.75 x cosine(question, title) + 0.75 x
# cosine(question, lead) (+ a little BM25; bench/bench_retrieval.py). Inner product is linear, so one
# search over the stored vector 0.5 x dense + 0.75 x title + 0.75 x lead ranks by exactly that sum.
BLEND_DENSE = 0.5
BLEND_TITLE = 0.75
BLEND_LEAD = 0.75


@dataclass(frozen=True, slots=True)
class Hit:
    chunk: Chunk
    dense: float  # cosine(question, chunk)
    title: float  # cosine(question, title and heading path)
    lead: float  # cosine(question, title and heading path with the chunk's first sentence)
    lexical: float  # BM25, positive, larger is better
    blend_rank: int | None  # rank in the blended-vector list
    lexical_rank: int | None  # rank in the BM25 list
    # the chunk's own (dense) vector: how alike two candidates' contents are (an FAQ row and the
    # article saying the same thing), policies/confidence.py
    vector: np.ndarray | None = field(default=None, compare=False, repr=False)
    # the best cosine(question, title and heading path with two consecutive sentences), `Chunk.sentence_texts`
    # (0: the chunk was stored before sentence windows were, or has no text)
    sentence: float = 0.0


def _quote(value: str) -> str:
    return json.dumps(value)  # a JSON string literal is a valid Milvus string literal


def _blend(dense: np.ndarray, title: np.ndarray, lead: np.ndarray) -> np.ndarray:
    return (BLEND_DENSE * dense + BLEND_TITLE * title + BLEND_LEAD * lead).astype(np.float32)


EVERY_ACCESS_KEY = None  # `_scope(access_keys=EVERY_ACCESS_KEY)`: upkeep (counting, deleting), never a reader's query


def _scope(*, tenant: str, access_keys: Sequence[str] | None, field: str | None = None, values: Sequence[str] = ()) -> str:
    """The filter of every query: the tenant always; the access keys a reader may read (none: nothing);
    optionally `field in values` (the chunks or documents asked for) within that."""
    scope = f"tenant == {_quote(tenant)}"
    if access_keys is not EVERY_ACCESS_KEY:
        scope += f" and access in [{', '.join(_quote(k) for k in sorted(set(access_keys)))}]"
    if field is not None:
        scope += f" and {field} in [{', '.join(_quote(v) for v in values)}]"
    return scope


def _in_scope(row: dict[str, Any], *, tenant: str, access_keys: Sequence[str]) -> bool:
    """`_scope` for a row read by its primary key: Milvus Lite evaluates a filter that names more than
    the key over every row of the collection, and a read of 30 chunks by id within the scope cost
    34-43 ms at 10k chunks in one tenant against 8 ms by id alone (5.6 ms at 1k: it grew with the
    knowledge base; issue #17). So such reads go by id, and the scope is checked here on what comes back."""
    return row["tenant"] == tenant and row["access"] in set(access_keys)


class MilvusStore(MilvusConnection):
    """The chunks' collections over one connection (knowledge/milvus_connection.py: in this process, in a
    child process or a server elsewhere; its readiness, probes and restarts)."""

    def __init__(self, *, uri: str, dim: int = 384) -> None:
        super().__init__(uri=uri, dim=dim)
        self.chunk_cache = ChunkCache()  # chunk id -> (chunk, [dense, title, lead, *sentence windows]), least recently used out

    def _ensure_collection(self) -> None:
        client = self._client
        old = [name for name in OLD_COLLECTIONS if client.has_collection(name)]
        if old:
            # a store from an earlier version, or an upgrade a crash interrupted: (re)do it. The copy
            # comes from the oldest collection found (a newer one beside it is a half-made copy).
            self._drop(COLLECTIONS)
            self._create()
            self._upgrade(old[0])
            self._drop(reversed(old))  # the source last: a crash before then starts the copy over
            return
        missing = [name for name in COLLECTIONS if not client.has_collection(name)]
        if missing in ([], [SENTENCE_COLLECTION]):
            built = stored_dim(client)
            if built is not None and built != self.dim:
                raise ConfigError(
                    f"the knowledge store {shown(self.uri)} holds {built}-dimension vectors, but the embedding model "
                    f"gives {self.dim}: use the model it was built with, or a new SUPPORTBOT_DATA_DIR and ingest again"
                )
            if missing:  # a store from before sentence windows: they come with the next ingest (`CHUNKER_VERSION`)
                logger.info("the knowledge store has no sentence windows yet: the next ingest adds them")
                create_collections(client, dim=self.dim, names=missing)
            for name in COLLECTIONS:
                client.load_collection(name)
            return
        self._drop(COLLECTIONS)  # a creation a crash cut short holds nothing yet
        self._create()

    def _drop(self, names: Any) -> None:
        for name in names:
            if self._client.has_collection(name):
                self._client.drop_collection(name)

    def _create(self) -> None:
        create_collections(self._client, dim=self.dim)

    def _upgrade(self, source: str) -> None:
        """Copy an earlier version's collection into the new ones and flush them (the caller drops
        the old one only then: a crash midway leaves it, and the next open starts over)."""
        for owners, chunks, dense, title, lead in old_chunks(self._client, source):
            self._write(owners, chunks, dense, title, lead)
        self.flush()

    # writes --------------------------------------------------------------------------------
    def insert(
        self, *, tenant: str, access: str, chunks: Sequence[Chunk], dense: np.ndarray, title_dense: np.ndarray, lead_dense: np.ndarray,
        sentences: Sequence[np.ndarray] = (),
    ) -> None:
        """`sentences`: for each chunk, the vectors of its `Chunk.sentence_texts` in order (none: no sentence view)."""
        if chunks:
            self._write([(tenant, access)] * len(chunks), chunks, dense, title_dense, lead_dense, sentences)
            # a chunk read before its sentence windows were written (a store being re-ingested) is read again
            self.chunk_cache.discard(c.id for c in chunks)

    def _write(
        self, owners: Sequence[tuple[str, str]], chunks: Sequence[Chunk], dense: np.ndarray, title: np.ndarray, lead: np.ndarray,
        sentences: Sequence[np.ndarray] = (),
    ) -> None:
        """The data first: a search that finds a chunk then finds what to show of it (and its sentence
        windows before it: a chunk read finds all of them or, stored before them, none)."""
        blend = _blend(dense, title, lead)
        owner = [{"id": c.id, "tenant": t, "access": a, "doc_id": c.doc_id} for c, (t, a) in zip(chunks, owners, strict=True)]
        windows = [
            {**owner[i], "id": f"{c.id}:{n}", "sentence": vector.tolist()}
            for i, (c, vectors) in enumerate(zip(chunks, sentences, strict=True)) for n, vector in enumerate(vectors)
        ] if sentences else []
        if windows:
            self._client.upsert(SENTENCE_COLLECTION, windows)
        self._client.upsert(DATA_COLLECTION, [
            {
                **owner[i], "source": c.source[:2048], "title": c.title[:1024], "url": (c.url or "")[:2048], "heading": c.heading[:1024],
                "position": c.position, "text": c.text[:TEXT_LIMIT],
                "dense": dense[i].tolist(), "title_dense": title[i].tolist(), "lead_dense": lead[i].tolist(),
            }
            for i, c in enumerate(chunks)
        ])
        self._client.upsert(DENSE_COLLECTION, [{**owner[i], "blend": blend[i].tolist()} for i in range(len(chunks))])
        self._client.upsert(COLLECTION, [{**owner[i], "lexical": f"{c.heading_text}\n{c.text}"[: TEXT_LIMIT + 2048]} for i, c in enumerate(chunks)])

    def delete_documents(self, *, tenant: str, doc_ids: Sequence[str]) -> None:
        if doc_ids:
            scope = _scope(tenant=tenant, access_keys=EVERY_ACCESS_KEY, field="doc_id", values=doc_ids)
            # the data last: a search never finds a chunk without it (nor a chunk read without its windows)
            for name in (COLLECTION, DENSE_COLLECTION, SENTENCE_COLLECTION, DATA_COLLECTION):
                self._client.delete(name, filter=scope)

    def flush(self) -> None:
        # unflushed segments are searched brute force and slowly (DEPENDENCIES.md)
        for name in COLLECTIONS:
            self._client.flush(name)

    def count(self, *, tenant: str) -> int:
        rows = self._client.query(DATA_COLLECTION, filter=_scope(tenant=tenant, access_keys=EVERY_ACCESS_KEY), output_fields=["count(*)"])
        return int(rows[0]["count(*)"]) if rows else 0

    def texts(self, *, tenant: str, access_keys: Sequence[str]) -> list[str]:
        """The title, heading and text of every chunk these keys may read (for the tenant vocabulary);
        up to 16,384 chunks."""
        if not access_keys:
            return []
        rows = self._client.query(
            DATA_COLLECTION, filter=_scope(tenant=tenant, access_keys=access_keys), output_fields=["title", "heading", "text"], limit=16384
        )
        return [f"{r['title']} {r['heading']} {r['text']}" for r in rows]

    def chunk_parts(self, *, tenant: str) -> list[tuple[str, str, str]]:
        """The (title, heading, text) of every chunk of the tenant, whoever may read it (for the terms
        redaction keeps, knowledge/terms.py); up to 16,384 chunks."""
        rows = self._client.query(
            DATA_COLLECTION, filter=_scope(tenant=tenant, access_keys=EVERY_ACCESS_KEY), output_fields=["title", "heading", "text"], limit=16384
        )
        return [(r["title"], r["heading"], r["text"]) for r in rows]

    def titles(self, *, tenant: str, access_keys: Sequence[str]) -> dict[str, str]:
        """doc_id -> title of every document these keys may read (knowledge/profile.py); up to 16,384 chunks."""
        if not access_keys:
            return {}
        rows = self._client.query(DATA_COLLECTION, filter=_scope(tenant=tenant, access_keys=access_keys), output_fields=["doc_id", "title"], limit=16384)
        return {r["doc_id"]: r["title"] for r in sorted(rows, key=lambda r: r["doc_id"])}

    # reads ---------------------------------------------------------------------------------
    # Searches return ids. The chunk and its exact vectors come from DATA_COLLECTION, and stay in a
    # bounded cache while they are used (knowledge/chunk_cache.py).
    def search(
        self, *, tenant: str, access_keys: Sequence[str], vector: np.ndarray, text: str, limit: int = 20
    ) -> list[Hit]:
        return self.search_many(tenant=tenant, access_keys=access_keys, vectors=vector[None, :], texts=[text], limit=limit)[0]

    def search_many(
        self, *, tenant: str, access_keys: Sequence[str], vectors: np.ndarray, texts: Sequence[str], limit: int = 20
    ) -> list[list[Hit]]:
        """Candidates from the blended vector and from BM25. Several questions of one scope go in one
        call per field: Milvus Lite's cost is mostly per call, so concurrent questions searched
        together cost far less than one by one."""
        if not access_keys or not len(texts):
            return [[] for _ in texts]
        from pymilvus.exceptions import MilvusException

        scope = _scope(tenant=tenant, access_keys=access_keys)
        client = self._client
        try:
            blend = client.search(DENSE_COLLECTION, data=vectors.tolist(), anns_field="blend", limit=limit, filter=scope, output_fields=["id"])
            lexical = client.search(COLLECTION, data=list(texts), anns_field="sparse", limit=2 * limit, filter=scope, output_fields=["id"])
        except MilvusException as exc:
            # the store's process died or is coming back (/readyz says 503 meanwhile): a stage error,
            # so the customer gets the apology and a person, not a 500
            raise StageError(f"the knowledge store did not answer: {exc}") from exc
        lists = [
            ([hit["id"] for hit in blend[n]], [(hit["id"], abs(float(hit["distance"]))) for hit in lexical[n]])  # Lite reports BM25 negated
            for n in range(len(texts))
        ]
        found = self._load({i for dense_ids, words in lists for i in (*dense_ids, *(i for i, _ in words))}, tenant=tenant, access_keys=access_keys)
        return [self._hits(vectors[n], *lists[n], found=found) for n in range(len(texts))]

    def _load(self, ids: set[str], *, tenant: str, access_keys: Sequence[str]) -> dict[str, Entry]:
        """These chunks, from the cache or the store (what the store no longer has is left out)."""
        found, missing = self.chunk_cache.take(ids)
        if not missing:
            return found
        by_id = f"id in [{', '.join(_quote(v) for v in missing)}]"  # the primary key only: see `_in_scope`
        rows = self._client.query(DATA_COLLECTION, filter=by_id, output_fields=["id", "tenant", "access", "doc_id", *SHOWN, *VECTORS], limit=len(missing))
        chunks = []
        for row in rows:
            if not _in_scope(row, tenant=tenant, access_keys=access_keys):
                continue
            chunks.append((Chunk(
                id=row["id"], doc_id=row["doc_id"], source=row["source"], title=row["title"], url=row["url"] or None,
                heading=row["heading"], text=row["text"], position=int(row["position"]),
            ), [row[k] for k in VECTORS]))
        windows = self._windows([chunk for chunk, _ in chunks])
        for chunk, views in chunks:
            found[chunk.id] = (chunk, np.asarray([*views, *windows.get(chunk.id, ())], dtype=np.float32))
            self.chunk_cache.put(chunk.id, found[chunk.id])
        return found

    def _windows(self, chunks: Sequence[Chunk]) -> dict[str, list[list[float]]]:
        """The stored sentence-window vectors of these chunks (already checked to be in scope), by chunk
        id, in `Chunk.sentence_texts` order; a chunk stored before them has none. Read by primary key,
        as the chunks are: the window ids follow from each chunk's own text."""
        ids = [f"{c.id}:{n}" for c in chunks for n in range(len(c.sentence_texts))]
        if not ids:
            return {}
        rows = self._client.query(
            SENTENCE_COLLECTION, filter=f"id in [{', '.join(_quote(v) for v in ids)}]", output_fields=["id", "sentence"], limit=len(ids)
        )
        by_id = {row["id"]: row["sentence"] for row in rows}
        out: dict[str, list[list[float]]] = {}
        for c in chunks:
            vectors = [by_id.get(f"{c.id}:{n}") for n in range(len(c.sentence_texts))]
            if all(v is not None for v in vectors):  # all of them or, written before them, none
                out[c.id] = vectors  # type: ignore[assignment]
        return out

    def _hits(self, vector: np.ndarray, dense_ids: Sequence[str], words: Sequence[tuple[str, float]], *, found: dict[str, Entry]) -> list[Hit]:
        blend_rank = {chunk_id: rank for rank, chunk_id in enumerate(dense_ids)}
        lexical_rank = {chunk_id: rank for rank, (chunk_id, _) in enumerate(words)}
        bm25 = dict(words)
        ids = [i for i in dict.fromkeys([*dense_ids, *bm25]) if i in found]  # a chunk deleted meanwhile is skipped
        if not ids:
            return []
        entries = [found[i] for i in ids]
        # rows: dense, title, lead, then the sentence windows (as many as the chunk has, or none)
        cosines = [views @ vector for _, views in entries]
        return [
            Hit(
                chunk=chunk, dense=float(cos[0]), title=float(cos[1]), lead=float(cos[2]), lexical=bm25.get(chunk.id, 0.0),
                blend_rank=blend_rank.get(chunk.id), lexical_rank=lexical_rank.get(chunk.id), vector=views[0],
                sentence=float(cos[3:].max()) if len(cos) > 3 else 0.0,
            )
            for (chunk, views), cos in zip(entries, cosines, strict=True)
        ]
