"""The chunk cache keeps at most `max_chunks`, dropping the least recently used first."""

from __future__ import annotations

import numpy as np

from knowledge.chunk_cache import ChunkCache
from knowledge.chunking import Chunk


def entry(n: int) -> tuple[Chunk, np.ndarray]:
    chunk = Chunk(id=f"c{n}", doc_id="d", source="s.md", title="t", url=None, heading="", text=f"text {n}", position=n)
    return chunk, np.zeros((3, 4), dtype=np.float32)


def test_the_least_recently_used_chunk_goes_first_and_the_size_stays_bounded() -> None:
    cache = ChunkCache(max_chunks=3)
    for n in range(3):
        cache.put(f"c{n}", entry(n))
    found, missing = cache.take(["c0", "c9"])  # c0 used again: c1 is now the oldest
    assert list(found) == ["c0"] and missing == ["c9"]
    cache.put("c3", entry(3))
    found, missing = cache.take(["c0", "c1", "c2", "c3"])
    assert sorted(found) == ["c0", "c2", "c3"] and missing == ["c1"]
    for n in range(4, 100):
        cache.put(f"c{n}", entry(n))
    assert len(cache) == 3
