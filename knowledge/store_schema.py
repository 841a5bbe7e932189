"""The knowledge store's layout in Milvus, and the copy of an earlier version's collection into it."""

from __future__ import annotations

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
# one row per sentence window of a chunk (`Chunk.sentence_texts`), id "<chunk id>:<n>": read by id with
# the chunk, never searched. A store made before it gets it empty on open (`MilvusStore._ensure_collection`):
# its chunks have no sentence view (the floor reads body, title and lead, as before) until the next
# ingest, which re-embeds every document (`CHUNKER_VERSION` 3).
SENTENCE_COLLECTION = "chunks_v4_sentences"
COLLECTIONS = (COLLECTION, DENSE_COLLECTION, DATA_COLLECTION, SENTENCE_COLLECTION)
# Earlier versions' collections, oldest first: "chunks" (no blend), "chunks_v2" (no lead vector),
# "chunks_v3" (everything in one). One found on open is copied into the new ones, then dropped.
OLD_COLLECTIONS = ("chunks", "chunks_v2", "chunks_v3")


def window_id(chunk_id: str, n: int) -> str:
    """The row of a chunk's `n`th sentence window in SENTENCE_COLLECTION."""
    return f"{chunk_id}:{n}"


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
    collection(SENTENCE_COLLECTION, [("sentence", DataType.FLOAT_VECTOR, vector)], [("sentence", "FLAT", "COSINE")])


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
