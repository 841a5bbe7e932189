"""The chunks a process has shown lately, with their exact vectors: bounded, least recently used out.

Searches return ids; the chunk and its vectors come from the store once and stay here while they are
in use. An id names one content (`chunk_id_for`), so nothing kept can go stale (but for the sentence
windows of a chunk stored before them: the store drops an entry it writes again, `discard`): a miss
is only a read from the store. Memory per process is bounded whatever the knowledge base's size: by
`max_chunks` entries and by `max_bytes` of vectors and text. A chunk with its three 384-dimension
vectors is about 5-8 kB; its sentence windows (3-12 more vectors) make it 10-25 kB, so the byte bound,
not the count, is what holds a store of long multi-topic articles to the memory a chunk cache took
before the windows (20,000 chunks of 8 kB: 160 MB).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable

import numpy as np

from knowledge.chunking import Chunk

DEFAULT_MAX_CHUNKS = 20_000
DEFAULT_MAX_BYTES = 160 * 1024 * 1024

Entry = tuple[Chunk, np.ndarray]  # the chunk, and its [dense, title, lead, *sentence windows] vectors


class ChunkCache:
    def __init__(self, *, max_chunks: int = DEFAULT_MAX_CHUNKS, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._max = max_chunks
        self._max_bytes = max_bytes
        self._bytes = 0  # of the entries kept (`_size`)

    @property
    def max_chunks(self) -> int:
        return self._max

    @max_chunks.setter
    def max_chunks(self, value: int) -> None:
        self._max = value
        self._trim()

    def __len__(self) -> int:
        return len(self._entries)

    def take(self, ids: Iterable[str]) -> tuple[dict[str, Entry], list[str]]:
        """The entries found (now the most recently used) and the ids to read from the store."""
        found: dict[str, Entry] = {}
        missing: list[str] = []
        for chunk_id in ids:
            entry = self._entries.get(chunk_id)
            if entry is None:
                missing.append(chunk_id)
            else:
                self._entries.move_to_end(chunk_id)
                found[chunk_id] = entry
        return found, missing

    @property
    def bytes(self) -> int:
        return self._bytes

    def put(self, chunk_id: str, entry: Entry) -> None:
        self.discard([chunk_id])
        self._entries[chunk_id] = entry
        self._bytes += _size(entry)
        self._trim()

    def discard(self, ids: Iterable[str]) -> None:
        for chunk_id in ids:
            entry = self._entries.pop(chunk_id, None)
            if entry is not None:
                self._bytes -= _size(entry)

    def _trim(self) -> None:
        while self._entries and (len(self._entries) > self._max or self._bytes > self._max_bytes):
            _, entry = self._entries.popitem(last=False)
            self._bytes -= _size(entry)


def _size(entry: Entry) -> int:
    """What an entry holds, roughly: its vectors and its text (the rest is a few hundred bytes)."""
    chunk, vectors = entry
    return int(vectors.nbytes) + len(chunk.text) + len(chunk.title) + len(chunk.heading) + 400
