"""Chunks in Milvus (Lite on disk by default): dense, title and lead vectors, their blend and BM25,
and each chunk's sentence windows. Writes, upkeep and searches here; what a search's hits are (the
chunks read by id, their exact cosines) in knowledge/store_reads.py.

Every query is filtered by tenant and access keys, in `_scope` (or, for rows read by their ids,
`_in_scope`; both in knowledge/store_reads.py), and nowhere else: callers cannot search without naming both. Methods are
synchronous (pymilvus is); call them from a thread.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from sqlalchemy import Engine

from bot.core.database import exclusive
from bot.core.errors import ConfigError, StageError
from knowledge.chunk_cache import ChunkCache
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
    WINDOW_COLLECTION,
    create_collections,
    old_chunks,
    old_windows,
    packed_windows,
    stored_dim,
    window_row_ids,
)
# a search's hits and the scope of every query (re-exported: retrieval, tests and benches import them from here)
from knowledge.store_reads import EVERY_ACCESS_KEY as EVERY_ACCESS_KEY
from knowledge.store_reads import Hit as Hit
from knowledge.store_reads import _scope, hits_of, load_entries

logger = logging.getLogger(__name__)

# The passage order is 0.5 x cosine(question, chunk) + 0.75 x cosine(question, title) + 0.75 x
# cosine(question, lead) (+ a little BM25; bench/bench_retrieval.py). Inner product is linear, so one
# search over the stored vector 0.5 x dense + 0.75 x title + 0.75 x lead ranks by exactly that sum.
BLEND_DENSE = 0.5
BLEND_TITLE = 0.75
BLEND_LEAD = 0.75


def _blend(dense: np.ndarray, title: np.ndarray, lead: np.ndarray) -> np.ndarray:
    return (BLEND_DENSE * dense + BLEND_TITLE * title + BLEND_LEAD * lead).astype(np.float32)


class MilvusStore(MilvusConnection):
    """The chunks' collections over one connection (knowledge/milvus_connection.py: in this process, in a
    child process or a server elsewhere; its readiness, probes and restarts)."""

    def __init__(self, *, uri: str, dim: int = 384, engine: Engine | None = None) -> None:
        super().__init__(uri=uri, dim=dim)
        self.chunk_cache = ChunkCache()  # chunk id -> (chunk, [dense, title, lead, *sentence windows]), least recently used out
        # the database of the processes sharing this store: one of them at a time creates or upgrades its collections
        self._engine = engine
        # the vectors' width as stored, not the model's: for work that embeds nothing (`ingest --remove`),
        # which opens the store without loading the model (bot/engine/services.py `start(models=False)`)
        self.dim_from_store = False

    @contextlib.contextmanager
    def _changing(self) -> Iterator[None]:
        """Held while the collections are created or upgraded: several processes opening one Milvus server
        at once (`serve` processes sharing SUPPORTBOT_MILVUS_URI) would otherwise drop and fill the same
        collections under each other. The database's lock (bot/core/database.py `exclusive`: PostgreSQL's
        advisory lock, SQLite's lock file), which every process sharing the store shares; the others wait,
        then find the work done. Without a database (a test's store, a bench), none."""
        if self._engine is None:
            yield
            return
        with self._engine.connect() as conn, exclusive(conn, name="knowledge-store"):
            yield

    def _ensure_collection(self) -> None:
        if self._settled():
            return
        with self._changing():
            if not self._settled():  # not done meanwhile by a process that held the lock before this one
                self._settle()

    def _settled(self) -> bool:
        """Load the collections if nothing is to be created or upgraded (True); else False, having changed nothing."""
        client = self._client
        if any(client.has_collection(name) for name in OLD_COLLECTIONS) or client.has_collection(SENTENCE_COLLECTION):
            return False
        if any(not client.has_collection(name) for name in COLLECTIONS):
            return False
        self._check_dim()
        for name in COLLECTIONS:
            client.load_collection(name)
        return True

    def _check_dim(self) -> None:
        built = stored_dim(self._client)
        if built is not None and self.dim_from_store:
            self.dim = built
        if built is not None and built != self.dim:
            raise ConfigError(
                f"the knowledge store {shown(self.uri)} holds {built}-dimension vectors, but the embedding model "
                f"gives {self.dim}: use the model it was built with, or a new SUPPORTBOT_DATA_DIR and ingest again"
            )

    def _settle(self) -> None:
        """Create or upgrade the collections (under `_changing`), then load them."""
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
        if missing in ([], [WINDOW_COLLECTION]):
            self._check_dim()
            if client.has_collection(SENTENCE_COLLECTION):
                # windows one row each (the layout before): packed, WINDOWS_PER_ROW a row; a packing a crash cut short is done again
                self._drop([WINDOW_COLLECTION])
                create_collections(client, dim=self.dim, names=[WINDOW_COLLECTION])
                self._pack_windows()
                self._drop([SENTENCE_COLLECTION])  # the source last: a crash before then starts the packing over
            elif missing:  # a store from before sentence windows: they come with the next ingest (`CHUNKER_VERSION`)
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

    def _pack_windows(self, *, batch: int = 500) -> None:
        """SENTENCE_COLLECTION's windows (one row each) copied into WINDOW_COLLECTION and flushed: the
        chunks come from DATA_COLLECTION, and each one's windows are read by their ids, which its text gives."""
        client = self._client
        for name in (DATA_COLLECTION, SENTENCE_COLLECTION):
            client.load_collection(name)
        logging.getLogger("pymilvus").setLevel(logging.ERROR)  # Lite gives the iterator no server timestamp
        iterator = client.query_iterator(DATA_COLLECTION, batch_size=2000, filter="", output_fields=["id", "tenant", "access", "doc_id", *SHOWN])
        rows: list[dict[str, Any]] = []
        while page := iterator.next():
            rows.extend(page)
        iterator.close()
        logger.info("upgrading the knowledge store: packing the sentence windows of %d chunks", len(rows))
        for start in range(0, len(rows), batch):
            part = rows[start : start + batch]
            chunks = [
                Chunk(id=r["id"], doc_id=r["doc_id"], source=r["source"], title=r["title"], url=r["url"] or None, heading=r["heading"],
                      text=r["text"], position=int(r["position"]))
                for r in part
            ]
            found = old_windows(client, chunks)
            packed = [
                {"id": row_id, "tenant": r["tenant"], "access": r["access"], "doc_id": r["doc_id"], "windows": vector.tolist()}
                for r in part if r["id"] in found
                for row_id, vector in zip(window_row_ids(r["id"], len(found[r["id"]])), packed_windows(found[r["id"]]), strict=True)
            ]
            if packed:
                client.upsert(WINDOW_COLLECTION, packed)
        client.flush(WINDOW_COLLECTION)

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
            {**owner[i], "id": row_id, "windows": vector.tolist()}
            for i, (c, vectors) in enumerate(zip(chunks, sentences, strict=True)) if len(vectors)
            for row_id, vector in zip(window_row_ids(c.id, len(vectors)), packed_windows(np.asarray(vectors, dtype=np.float32)), strict=True)
        ] if sentences else []
        if windows:
            self._client.upsert(WINDOW_COLLECTION, windows)
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
            for name in (COLLECTION, DENSE_COLLECTION, WINDOW_COLLECTION, DATA_COLLECTION):
                self._client.delete(name, filter=scope)

    def flush(self) -> None:
        # unflushed segments are searched brute force and slowly (DEPENDENCIES.md)
        for name in COLLECTIONS:
            self._client.flush(name)

    def count(self, *, tenant: str) -> int:
        rows = self._client.query(DATA_COLLECTION, filter=_scope(tenant=tenant, access_keys=EVERY_ACCESS_KEY), output_fields=["count(*)"])
        return int(rows[0]["count(*)"]) if rows else 0

    def documents(self, *, tenant: str, access_keys: Sequence[str]) -> list[tuple[str, str | None, str]]:
        """(document id, URL, title, heading and text) of every chunk these keys may read (for the tenant vocabulary
        and the knowledge base's own names, knowledge/vocabulary.py and own_names.py); up to 16,384 chunks."""
        if not access_keys:
            return []
        rows = self._client.query(
            DATA_COLLECTION, filter=_scope(tenant=tenant, access_keys=access_keys), output_fields=["doc_id", "url", "title", "heading", "text"],
            limit=16384,
        )
        return [(r["doc_id"], r["url"] or None, f"{r['title']} {r['heading']} {r['text']}") for r in rows]

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
        wanted = {i for dense_ids, words in lists for i in (*dense_ids, *(i for i, _ in words))}
        found = load_entries(client, self.chunk_cache, wanted, tenant=tenant, access_keys=access_keys)
        return [hits_of(vectors[n], *lists[n], found=found) for n in range(len(texts))]
