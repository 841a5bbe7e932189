"""The chunk cache keeps at most `max_chunks` and `max_bytes`, dropping the least recently used first."""

from __future__ import annotations

import numpy as np

from knowledge.chunk_cache import ChunkCache
from knowledge.chunking import Chunk


def entry(n: int, *, views: int = 3, dim: int = 4) -> tuple[Chunk, np.ndarray]:
    chunk = Chunk(id=f"c{n}", doc_id="d", source="s.md", title="t", url=None, heading="", text=f"text {n}", position=n)
    return chunk, np.zeros((views, dim), dtype=np.float32)


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


def test_chunks_with_many_sentence_windows_count_for_their_size() -> None:
    """A long multi-topic chunk carries a dozen window vectors besides its three views: the byte bound
    keeps fewer of those, so memory stays bounded whatever the articles are like."""
    plain, windowed = entry(0, dim=384), entry(1, views=15, dim=384)
    cache = ChunkCache(max_chunks=1000, max_bytes=10 * (plain[1].nbytes + 500))
    for n in range(100):
        cache.put(f"p{n}", entry(n, dim=384))
    assert len(cache) == 10 and cache.bytes <= 10 * (plain[1].nbytes + 500)
    for n in range(100):
        cache.put(f"w{n}", entry(n, views=15, dim=384))
    assert len(cache) == 2 and cache.bytes <= 10 * (plain[1].nbytes + 500)  # five times the vectors each
    cache.put("w99", windowed)  # the same id again: counted once
    assert len(cache) == 2
    cache.discard(["w98", "w99"])
    assert len(cache) == 0 and cache.bytes == 0
