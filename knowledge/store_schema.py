"""The knowledge store's layout in Milvus, and the copy of an earlier version's collection into it."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from knowledge.chunking import Chunk, chunk_id_for

logger = logging.getLogger(__name__)

# Three collections, one row per chunk in each (and a fourth, one row per sentence window), all with
# the tenant as partition key and the access key and document beside it. Milvus Lite turns every
# column of every hit into Python objects, whatever the search asks for, so the searched collections
# carry nothing a search doesn't need:
# with the three exact views beside the BM25 field, a BM25 search of 16 questions cost 23 ms in the
# server against 16 ms without them. Searches return ids; what a hit shows and is scored with comes
# from DATA_COLLECTION, once per chunk (ids name content, so it is kept in memory by id).
COLLECTION = "chunks_v4"  # the words: BM25 over title, heading path and text
DENSE_COLLECTION = "chunks_v4_dense"  # the blended vector the dense search ranks by
DATA_COLLECTION = "chunks_v4_data"  # source, title, URL, heading, text and the dense, title and lead vectors
# a chunk's sentence windows (`Chunk.sentence_texts`, up to 16), WINDOWS_PER_ROW of them a row, side by side
# in one vector ("windows", zeros after the last), id "<chunk id>:w<r>": read by id with the chunk, never
# searched. One row per window before (SENTENCE_COLLECTION: 8.9 rows a chunk in bench/bench_growth.py's
# corpus, 885,594 at 100,000 chunks, and in Milvus Lite's process a Python string, dict entry and Arrow row
# each); a store of that layout has them packed on open (`MilvusStore._ensure_collection`). A store made
# before windows gets the collection empty: its chunks have no sentence view (the floor reads body, title
# and lead, as before) until the next ingest, which re-embeds every document (`CHUNKER_VERSION` 3).
WINDOW_COLLECTION = "chunks_v4_windows"
WINDOWS_PER_ROW = 8  # 16 would make one row of every chunk here, with 7 windows of zeros on average to store and read
SENTENCE_COLLECTION = "chunks_v4_sentences"  # the layout before: one row per window, id "<chunk id>:<n>"
COLLECTIONS = (COLLECTION, DENSE_COLLECTION, DATA_COLLECTION, WINDOW_COLLECTION)
# Earlier versions' collections, oldest first: "chunks" (no blend), "chunks_v2" (no lead vector),
# "chunks_v3" (everything in one). One found on open is copied into the new ones, then dropped.
OLD_COLLECTIONS = ("chunks", "chunks_v2", "chunks_v3")


def window_id(chunk_id: str, n: int) -> str:
    """The row of a chunk's `n`th sentence window in SENTENCE_COLLECTION (the layout before WINDOW_COLLECTION)."""
    return f"{chunk_id}:{n}"


def window_row_ids(chunk_id: str, windows: int) -> list[str]:
    """The rows of WINDOW_COLLECTION that hold a chunk's `windows` sentence windows."""
    return [f"{chunk_id}:w{r}" for r in range(-(-windows // WINDOWS_PER_ROW))]


def packed_windows(vectors: np.ndarray) -> list[np.ndarray]:
    """A chunk's window vectors (windows x dim) as the rows of WINDOW_COLLECTION, WINDOWS_PER_ROW a row, zeros after the last."""
    rows = []
    for start in range(0, len(vectors), WINDOWS_PER_ROW):
        row = np.zeros((WINDOWS_PER_ROW, vectors.shape[1]), dtype=np.float32)
        part = vectors[start : start + WINDOWS_PER_ROW]
        row[: len(part)] = part
        rows.append(row.reshape(-1))
    return rows


def unpacked_windows(rows: list[list[float]], *, windows: int, dim: int) -> list[list[float]]:
    """`packed_windows` undone: the chunk's `windows` vectors, each the floats it was stored with."""
    return [rows[n // WINDOWS_PER_ROW][(n % WINDOWS_PER_ROW) * dim : (n % WINDOWS_PER_ROW + 1) * dim] for n in range(windows)]


TEXT_LIMIT = 8192
OWNER = ["id", "tenant", "access", "doc_id"]  # in every collection: what scopes and deletes go by
SHOWN = ["source", "title", "url", "heading", "position", "text"]
VECTORS = ["dense", "title_dense", "lead_dense"]  # what Hit's cosines are computed from


def stored_dim(client: Any) -> int | None:
    """The width of the dense vectors an existing store was built with (None if it cannot tell)."""
    for field in client.describe_collection(DENSE_COLLECTION).get("fields", []):
        if field.get("name") == "blend":
            dim = (field.get("params") or {}).get("dim")
            return int(dim) if dim is not None else None
    return None


def create_collections(client: Any, *, dim: int, names: Sequence[str] = COLLECTIONS) -> None:
    """The collections of a new store (or of one being upgraded): all of them, or these."""
    from pymilvus import DataType, Function, FunctionType

    def collection(name: str, fields: Sequence[tuple[str, Any, dict[str, Any]]], indexes: Sequence[tuple[str, str, str]], *, bm25: bool = False) -> None:
        if name not in names:
            return
        schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=64)
        schema.add_field("tenant", DataType.VARCHAR, max_length=128, is_partition_key=True)
        schema.add_field("access", DataType.VARCHAR, max_length=1024)
        schema.add_field("doc_id", DataType.VARCHAR, max_length=64)
        for field, kind, params in fields:
            schema.add_field(field, kind, **params)
        if bm25:
            schema.add_function(
                Function(name="bm25", function_type=FunctionType.BM25, input_field_names=["lexical"], output_field_names=["sparse"])
            )
        index = client.prepare_index_params()
        for field, index_type, metric in indexes:
            index.add_index(field, index_type=index_type, metric_type=metric)
        # not `create_collection(index_params=...)`: pymilvus then waits for each index of the empty collection
        # to be built, polling every 0.5 s (2.5 s of sleep for a new store's five indexes, at every first start
        # and in every test that makes a store); the index is made at once, and `load_collection` follows it
        client.create_collection(name, schema=schema, num_partitions=16)
        client.create_index(name, index, sync=False)
        client.load_collection(name)

    vector = {"dim": dim}
    collection(
        COLLECTION,
        [
            ("lexical", DataType.VARCHAR, {
                "max_length": TEXT_LIMIT + 2048, "enable_analyzer": True,
                "analyzer_params": {"tokenizer": "standard", "filter": ["lowercase", {"type": "stemmer", "language": "english"}, {"type": "stop", "stop_words": ["_english_"]}]},
            }),
            ("sparse", DataType.SPARSE_FLOAT_VECTOR, {}),
        ],
        [("sparse", "SPARSE_INVERTED_INDEX", "BM25")],
        bm25=True,
    )
    # not unit length: inner product, not cosine. FLAT is exact, and as fast as HNSW at help-center
    # sizes (DEPENDENCIES.md)
    collection(DENSE_COLLECTION, [("blend", DataType.FLOAT_VECTOR, vector)], [("blend", "FLAT", "IP")])
    collection(
        DATA_COLLECTION,
        [
            ("source", DataType.VARCHAR, {"max_length": 2048}),
            ("title", DataType.VARCHAR, {"max_length": 1024}),
            ("url", DataType.VARCHAR, {"max_length": 2048}),
            ("heading", DataType.VARCHAR, {"max_length": 1024}),
            ("position", DataType.INT64, {}),
            ("text", DataType.VARCHAR, {"max_length": TEXT_LIMIT}),
            *((name, DataType.FLOAT_VECTOR, vector) for name in VECTORS),
        ],
        [(name, "FLAT", "COSINE") for name in VECTORS],  # never searched, but Milvus loads only indexed vectors
    )
    # never searched (an inner product needs no norm of the zeros after a chunk's last window)
    collection(WINDOW_COLLECTION, [("windows", DataType.FLOAT_VECTOR, {"dim": dim * WINDOWS_PER_ROW})], [("windows", "FLAT", "IP")])


def old_windows(client: Any, chunks: Sequence[Chunk]) -> dict[str, np.ndarray]:
    """The sentence windows of these chunks in SENTENCE_COLLECTION (one row per window, the layout before),
    by chunk id, for a chunk that has all of them (written before windows: none)."""
    ids = [window_id(c.id, n) for c in chunks for n in range(len(c.sentence_texts))]
    if not ids:
        return {}
    rows = client.query(SENTENCE_COLLECTION, filter=f"id in {json.dumps(ids)}", output_fields=["id", "sentence"], limit=len(ids))
    by_id = {row["id"]: row["sentence"] for row in rows}
    out = {}
    for c in chunks:
        vectors = [by_id.get(window_id(c.id, n)) for n in range(len(c.sentence_texts))]
        if vectors and all(v is not None for v in vectors):
            out[c.id] = np.asarray(vectors, dtype=np.float32)
    return out


OldBatch = tuple[list[tuple[str, str]], list[Chunk], np.ndarray, np.ndarray, np.ndarray]  # owners, chunks, dense, title, lead


def old_chunks(client: Any, source: str, *, batch: int = 1000) -> Iterator[OldBatch]:
    """Every chunk of an earlier version's collection `source`, in batches ready to write. Vectors
    are kept and Milvus recomputes BM25 from the same text. The store has no embedder, so a chunk
    without a lead vector gets its title vector in its place (the order then leans on the title as
    it did before) until the next ingest, which re-embeds every document (`CHUNKER_VERSION` is part
    of a document's hash)."""
    client.load_collection(source)
    has_lead = source == "chunks_v3"
    rows: list[dict[str, Any]] = []
    # Lite can't give the iterator a server timestamp; pymilvus warns and uses its own (fine here)
    logging.getLogger("pymilvus").setLevel(logging.ERROR)
    fields = [*OWNER, *SHOWN, *VECTORS] if has_lead else [*OWNER, *SHOWN, "dense", "title_dense"]
    iterator = client.query_iterator(source, batch_size=batch, filter="", output_fields=fields)
    while page := iterator.next():
        rows.extend(page)
    iterator.close()
    logger.info("upgrading the knowledge store: copying %d chunks from %s", len(rows), source)
    for start in range(0, len(rows), batch):
        part = rows[start : start + batch]
        chunks = [
            Chunk(
                id=chunk_id_for(doc_id=r["doc_id"], position=int(r["position"]), title=r["title"], url=r["url"] or None, heading=r["heading"], text=r["text"]),
                doc_id=r["doc_id"], source=r["source"], title=r["title"], url=r["url"] or None, heading=r["heading"], text=r["text"],
                position=int(r["position"]),
            )
            for r in part
        ]
        dense, title = (np.asarray([r[k] for r in part], dtype=np.float32) for k in ("dense", "title_dense"))
        lead = np.asarray([r["lead_dense"] for r in part], dtype=np.float32) if has_lead else title
        yield [(r["tenant"], r["access"]) for r in part], chunks, dense, title, lead
