"""Chunks in Milvus (Lite on disk by default): dense, title and lead vectors, their blend and BM25.

Every query is filtered by tenant and access keys here, in `_scope`, and nowhere else: callers
cannot search without naming both. Methods are synchronous (pymilvus is); call them from a thread.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from bot.errors import ConfigError, StoreBusyError
from knowledge.chunking import Chunk

if TYPE_CHECKING:
    from knowledge.milvus_child import MilvusChild

logger = logging.getLogger(__name__)

COLLECTION = "chunks_v3"  # with the lead vector
# Earlier versions' collections, oldest first: "chunks" (no blend), "chunks_v2" (no lead vector).
# One found on open is copied into COLLECTION, then dropped.
_OLD_COLLECTIONS = ("chunks", "chunks_v2")
_TEXT_LIMIT = 8192
# The passage order is 0.5 x cosine(question, chunk) + 0.75 x cosine(question, title) + 0.75 x
# cosine(question, lead) (+ a little BM25; bench/bench_retrieval.py). Inner product is linear, so one
# search over the stored vector 0.5 x dense + 0.75 x title + 0.75 x lead ranks by exactly that sum.
BLEND_DENSE = 0.5
BLEND_TITLE = 0.75
BLEND_LEAD = 0.75
_SCALARS = ["id", "tenant", "access", "doc_id", "source", "title", "url", "heading", "position", "text", "lexical"]
_VECTORS = ["dense", "title_dense", "lead_dense"]  # what Hit's cosines are computed from


@dataclass(frozen=True, slots=True)
class Hit:
    chunk: Chunk
    dense: float  # cosine(question, chunk)
    title: float  # cosine(question, title and heading path)
    lead: float  # cosine(question, title and heading path with the chunk's first sentence)
    lexical: float  # BM25, positive, larger is better
    blend_rank: int | None  # rank in the blended-vector list
    lexical_rank: int | None  # rank in the BM25 list


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


class MilvusStore:
    def __init__(self, *, uri: str, dim: int = 384) -> None:
        self.uri = uri
        self.dim = dim
        self._client: Any = None
        self._vectors: dict[str, tuple[int, np.ndarray]] = {}  # chunk id -> (text key, [dense, title, lead])
        self._child: MilvusChild | None = None

    def use_child(self, child: MilvusChild) -> None:
        """Open the store through Milvus Lite running in `child` (a process of its own), not in ours."""
        self._child = child

    # lifecycle -----------------------------------------------------------------------------
    def open(self) -> None:
        if self._client is not None:
            return
        from pymilvus import MilvusClient
        from pymilvus.exceptions import MilvusException

        if self._child is not None:
            self._child.wait_ready()
            self._client = MilvusClient(self._child.uri)
            self._ensure_collection()
            return
        local = not self.uri.startswith(("http://", "https://", "tcp://"))
        # Milvus Lite's in-process gRPC server logs a traceback for each call it doesn't implement
        # (AllocTimestamp), though pymilvus falls back correctly: keep that noise out of our logs.
        logging.getLogger("grpc._server").setLevel(logging.CRITICAL)
        # a store held by another process is reported below in plain words, not as its logged traceback
        logging.getLogger("milvus_lite.server_manager").setLevel(logging.CRITICAL)
        if local:
            Path(self.uri).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._client = MilvusClient(self.uri)
        except MilvusException as exc:
            if local and "open local milvus failed" in str(exc).lower():
                raise StoreBusyError(
                    f"the knowledge store {self.uri} is in use by another process (is `supportbot serve` "
                    "running?). Milvus Lite allows one process at a time: stop the server, or send the "
                    "work to it (POST /api/v1/admin/ingest)."
                ) from None
            raise ConfigError(f"cannot open Milvus at {self.uri}: {exc}") from None
        self._ensure_collection()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._child is not None:
            self._child.stop()

    def _ensure_collection(self) -> None:
        client = self._client
        old = [name for name in _OLD_COLLECTIONS if client.has_collection(name)]
        if old:
            # a store from an earlier version, or an upgrade a crash interrupted: (re)do it. The copy
            # comes from the oldest collection found (a newer one beside it is a half-made copy).
            if client.has_collection(COLLECTION):
                client.drop_collection(COLLECTION)
            self._create()
            self._upgrade(old[0])
            for name in reversed(old):  # the source last: a crash before then starts the copy over
                client.drop_collection(name)
            return
        if client.has_collection(COLLECTION):
            client.load_collection(COLLECTION)
            return
        self._create()

    def _create(self) -> None:
        from pymilvus import DataType, Function, FunctionType

        client = self._client
        schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=64)
        schema.add_field("tenant", DataType.VARCHAR, max_length=128, is_partition_key=True)
        schema.add_field("access", DataType.VARCHAR, max_length=1024)
        schema.add_field("doc_id", DataType.VARCHAR, max_length=64)
        schema.add_field("source", DataType.VARCHAR, max_length=2048)
        schema.add_field("title", DataType.VARCHAR, max_length=1024)
        schema.add_field("url", DataType.VARCHAR, max_length=2048)
        schema.add_field("heading", DataType.VARCHAR, max_length=1024)
        schema.add_field("position", DataType.INT64)
        schema.add_field("text", DataType.VARCHAR, max_length=_TEXT_LIMIT)
        schema.add_field(
            "lexical", DataType.VARCHAR, max_length=_TEXT_LIMIT + 2048, enable_analyzer=True,
            analyzer_params={"tokenizer": "standard", "filter": ["lowercase", {"type": "stemmer", "language": "english"}, {"type": "stop", "stop_words": ["_english_"]}]},
        )
        schema.add_field("dense", DataType.FLOAT_VECTOR, dim=self.dim)
        schema.add_field("title_dense", DataType.FLOAT_VECTOR, dim=self.dim)
        schema.add_field("lead_dense", DataType.FLOAT_VECTOR, dim=self.dim)
        schema.add_field("blend", DataType.FLOAT_VECTOR, dim=self.dim)
        schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        schema.add_function(
            Function(name="bm25", function_type=FunctionType.BM25, input_field_names=["lexical"], output_field_names=["sparse"])
        )
        index = client.prepare_index_params()
        # FLAT is exact, and as fast as HNSW at help-center sizes (DEPENDENCIES.md)
        index.add_index("dense", index_type="FLAT", metric_type="COSINE")
        index.add_index("title_dense", index_type="FLAT", metric_type="COSINE")
        index.add_index("lead_dense", index_type="FLAT", metric_type="COSINE")
        index.add_index("blend", index_type="FLAT", metric_type="IP")  # not unit length: inner product, not cosine
        index.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
        client.create_collection(COLLECTION, schema=schema, index_params=index, num_partitions=16)

    def _upgrade(self, source: str) -> None:
        """Copy every chunk of an earlier version's collection into the new one and flush it (the
        caller drops the old one only then: a crash midway leaves it, and the next open starts over).
        Vectors are kept and Milvus recomputes BM25 from the same text. The store has no embedder, so
        a chunk without a lead vector gets its title vector in its place (the order then leans on the
        title as it did before) until the next ingest, which re-embeds every document
        (`CHUNKER_VERSION` is part of a document's hash)."""
        client = self._client
        client.load_collection(source)
        rows: list[dict[str, Any]] = []
        # Lite can't give the iterator a server timestamp; pymilvus warns and uses its own (fine here)
        logging.getLogger("pymilvus").setLevel(logging.ERROR)
        iterator = client.query_iterator(source, batch_size=1000, filter="", output_fields=[*_SCALARS, "dense", "title_dense"])
        while batch := iterator.next():
            rows.extend(batch)
        iterator.close()
        logger.info("upgrading the knowledge store: copying %d chunks from %s into %s", len(rows), source, COLLECTION)
        for start in range(0, len(rows), 1000):
            part = rows[start : start + 1000]
            for row in part:
                dense, title = (np.asarray(row[k], dtype=np.float32) for k in ("dense", "title_dense"))
                row["lead_dense"] = row["title_dense"]
                row["blend"] = _blend(dense, title, title).tolist()
            client.insert(COLLECTION, [{k: r[k] for k in (*_SCALARS, *_VECTORS, "blend")} for r in part])
        client.flush(COLLECTION)

    # writes --------------------------------------------------------------------------------
    def insert(
        self, *, tenant: str, access: str, chunks: Sequence[Chunk], dense: np.ndarray, title_dense: np.ndarray, lead_dense: np.ndarray
    ) -> None:
        if not chunks:
            return
        blend = _blend(dense, title_dense, lead_dense)
        rows = [
            {
                "id": c.id,
                "tenant": tenant,
                "access": access,
                "doc_id": c.doc_id,
                "source": c.source[:2048],
                "title": c.title[:1024],
                "url": (c.url or "")[:2048],
                "heading": c.heading[:1024],
                "position": c.position,
                "text": c.text[:_TEXT_LIMIT],
                "lexical": f"{c.heading_text}\n{c.text}"[: _TEXT_LIMIT + 2048],
                "dense": dense[i].tolist(),
                "title_dense": title_dense[i].tolist(),
                "lead_dense": lead_dense[i].tolist(),
                "blend": blend[i].tolist(),
            }
            for i, c in enumerate(chunks)
        ]
        self._client.upsert(COLLECTION, rows)

    def delete_documents(self, *, tenant: str, doc_ids: Sequence[str]) -> None:
        if doc_ids:
            self._client.delete(COLLECTION, filter=_scope(tenant=tenant, access_keys=EVERY_ACCESS_KEY, field="doc_id", values=doc_ids))

    def flush(self) -> None:
        # unflushed segments are searched brute force and slowly (DEPENDENCIES.md)
        self._client.flush(COLLECTION)

    def count(self, *, tenant: str) -> int:
        rows = self._client.query(COLLECTION, filter=_scope(tenant=tenant, access_keys=EVERY_ACCESS_KEY), output_fields=["count(*)"])
        return int(rows[0]["count(*)"]) if rows else 0

    def texts(self, *, tenant: str, access_keys: Sequence[str]) -> list[str]:
        """The title, heading and text of every chunk these keys may read (for the tenant vocabulary);
        up to 16,384 chunks."""
        if not access_keys:
            return []
        rows = self._client.query(
            COLLECTION, filter=_scope(tenant=tenant, access_keys=access_keys), output_fields=["title", "heading", "text"], limit=16384
        )
        return [f"{r['title']} {r['heading']} {r['text']}" for r in rows]

    # reads ---------------------------------------------------------------------------------
    # Searches return text, not vectors: turning 384 floats per hit into gRPC fields and back was
    # the costliest part of a search. The exact cosines come from vectors kept in memory per chunk,
    # keyed by the chunk's text (vectors are a function of it), fetched once per chunk with `get`.
    _FIELDS = ["doc_id", "source", "title", "url", "heading", "position", "text"]
    _VECTOR_CACHE = 200_000

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
        scope = _scope(tenant=tenant, access_keys=access_keys)
        client = self._client
        blend = client.search(COLLECTION, data=vectors.tolist(), anns_field="blend", limit=limit, filter=scope, output_fields=self._FIELDS)
        lexical = client.search(COLLECTION, data=list(texts), anns_field="sparse", limit=2 * limit, filter=scope, output_fields=self._FIELDS)
        lists = [(list(blend[n]), list(lexical[n])) for n in range(len(texts))]
        self._load_vectors([hit for pair in lists for results in pair for hit in results], tenant=tenant, access_keys=access_keys)
        return [self._hits(vectors[n], *lists[n]) for n in range(len(texts))]

    def _load_vectors(self, hits: Sequence[Any], *, tenant: str, access_keys: Sequence[str]) -> None:
        cache = self._vectors
        keys = {hit["id"]: hash((hit["entity"]["title"], hit["entity"]["heading"], hit["entity"]["text"])) for hit in hits}
        missing = {i: k for i, k in keys.items() if (cached := cache.get(i)) is None or cached[0] != k}
        if not missing:
            return
        if len(cache) + len(missing) > self._VECTOR_CACHE:
            cache.clear()  # full: start over with this search's chunks
            missing = keys
        scope = _scope(tenant=tenant, access_keys=access_keys, field="id", values=list(missing))
        for row in self._client.query(COLLECTION, filter=scope, output_fields=["id", *_VECTORS], limit=len(missing)):
            cache[row["id"]] = (missing[row["id"]], np.asarray([row[k] for k in _VECTORS], dtype=np.float32))

    def _hits(self, vector: np.ndarray, blend: Any, lexical: Any) -> list[Hit]:
        entities: dict[str, dict[str, Any]] = {}
        ranks: dict[str, dict[str, int]] = {}
        bm25: dict[str, float] = {}
        for name, results in (("blend", blend), ("lexical", lexical)):
            for rank, hit in enumerate(results):
                entities.setdefault(hit["id"], hit["entity"])
                ranks.setdefault(hit["id"], {})[name] = rank
                if name == "lexical":
                    bm25[hit["id"]] = abs(float(hit["distance"]))  # Lite reports BM25 negated
        found = {i: v for i in entities if (v := self._vectors.get(i)) is not None}  # a chunk deleted meanwhile is skipped
        ids = list(found)
        if not ids:
            return []
        cosines = np.stack([found[i][1] for i in ids]) @ vector  # (chunks, views)
        hits = []
        for n, chunk_id in enumerate(ids):
            e = entities[chunk_id]
            chunk = Chunk(
                id=chunk_id, doc_id=e["doc_id"], source=e["source"], title=e["title"], url=e["url"] or None,
                heading=e["heading"], text=e["text"], position=int(e["position"]),
            )
            r = ranks[chunk_id]
            hits.append(
                Hit(
                    chunk=chunk, dense=float(cosines[n, 0]), title=float(cosines[n, 1]), lead=float(cosines[n, 2]), lexical=bm25.get(chunk_id, 0.0),
                    blend_rank=r.get("blend"), lexical_rank=r.get("lexical"),
                )
            )
        return hits
