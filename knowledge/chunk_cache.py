"""The chunks a process has shown lately, with their exact vectors: bounded, least recently used out.

Searches return ids; the chunk and its vectors come from the store once and stay here while they are
in use. An id names one content (`chunk_id_for`), so nothing kept can go stale (but for the sentence
windows of a chunk stored before them: the store drops an entry it writes again, `discard`): a miss
is only a read from the store. Memory per process is bounded by `max_chunks` whatever the knowledge
base's size (a chunk with its three 384-dimension vectors is about 5-8 kB, with its 3-12 sentence
windows 10-25 kB: 20,000 are about 200-500 MB).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable

import numpy as np

from knowledge.chunking import Chunk

DEFAULT_MAX_CHUNKS = 20_000

Entry = tuple[Chunk, np.ndarray]  # the chunk, and its [dense, title, lead, *sentence windows] vectors


class ChunkCache:
    def __init__(self, *, max_chunks: int = DEFAULT_MAX_CHUNKS) -> None:
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._max = max_chunks

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

    def put(self, chunk_id: str, entry: Entry) -> None:
        self._entries[chunk_id] = entry
        self._entries.move_to_end(chunk_id)
        self._trim()

    def discard(self, ids: Iterable[str]) -> None:
        for chunk_id in ids:
            self._entries.pop(chunk_id, None)

    def _trim(self) -> None:
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)
