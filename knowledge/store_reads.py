"""What a search's hits are: the chunks read by their ids (from the chunk cache, else the store, with
their sentence windows), each one's exact cosines to the question, and the scope every query of
knowledge/store.py carries. Synchronous (pymilvus is): called from the store's methods, in a thread.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from knowledge.chunk_cache import ChunkCache, Entry
from knowledge.chunking import Chunk
from knowledge.store_schema import DATA_COLLECTION, SHOWN, VECTORS, WINDOW_COLLECTION, unpacked_windows, window_row_ids


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


def _by_id(ids: Sequence[str]) -> str:
    """A filter on the primary key alone (see `_in_scope`)."""
    return f"id in [{', '.join(_quote(v) for v in ids)}]"


def _in_scope(row: dict[str, Any], *, tenant: str, access_keys: Sequence[str]) -> bool:
    """`_scope` for a row read by its primary key: Milvus Lite evaluates a filter that names more than
    the key over every row of the collection, and a read of 30 chunks by id within the scope cost
    34-43 ms at 10k chunks in one tenant against 8 ms by id alone (5.6 ms at 1k: it grew with the
    knowledge base; issue #17). So such reads go by id, and the scope is checked here on what comes back."""
    return row["tenant"] == tenant and row["access"] in set(access_keys)


def load_entries(client: Any, cache: ChunkCache, ids: set[str], *, tenant: str, access_keys: Sequence[str]) -> dict[str, Entry]:
    """These chunks, from the cache or the store (what the store no longer has is left out)."""
    found, missing = cache.take(ids)
    if not missing:
        return found
    # strict_float32: each vector a float32 array (a view of the reply's), not a list of Python floats
    rows = client.query(
        DATA_COLLECTION, filter=_by_id(missing), output_fields=["id", "tenant", "access", "doc_id", *SHOWN, *VECTORS], limit=len(missing),
        strict_float32=True,
    )
    chunks = []
    for row in rows:
        if not _in_scope(row, tenant=tenant, access_keys=access_keys):
            continue
        chunks.append((Chunk(
            id=row["id"], doc_id=row["doc_id"], source=row["source"], title=row["title"], url=row["url"] or None,
            heading=row["heading"], text=row["text"], position=int(row["position"]),
        ), [row[k] for k in VECTORS]))
    windows = window_vectors(client, [chunk for chunk, _ in chunks], dim=len(chunks[0][1][0])) if chunks else {}
    for chunk, views in chunks:
        found[chunk.id] = (chunk, np.asarray([*views, *windows.get(chunk.id, ())], dtype=np.float32))
        cache.put(chunk.id, found[chunk.id])
    return found


def window_vectors(client: Any, chunks: Sequence[Chunk], *, dim: int) -> dict[str, list[list[float]]]:
    """The stored sentence-window vectors of these chunks (already checked to be in scope), by chunk
    id, in `Chunk.sentence_texts` order; a chunk stored before them has none. Read by primary key,
    as the chunks are: the rows that hold a chunk's windows follow from its own text."""
    wanted = {c.id: window_row_ids(c.id, len(c.sentence_texts)) for c in chunks}
    ids = [i for rows in wanted.values() for i in rows]
    if not ids:
        return {}
    rows = client.query(WINDOW_COLLECTION, filter=_by_id(ids), output_fields=["id", "windows"], limit=len(ids), strict_float32=True)
    by_id = {row["id"]: row["windows"] for row in rows}
    out: dict[str, list[list[float]]] = {}
    for c in chunks:
        packed = [by_id.get(i) for i in wanted[c.id]]
        if packed and all(row is not None for row in packed):  # all of them or, written before them, none
            out[c.id] = unpacked_windows(packed, windows=len(c.sentence_texts), dim=dim)  # type: ignore[arg-type]
    return out


def hits_of(vector: np.ndarray, dense_ids: Sequence[str], words: Sequence[tuple[str, float]], *, found: dict[str, Entry]) -> list[Hit]:
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
