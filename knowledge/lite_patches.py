"""The Milvus Lite patches, installed together in each process that runs Milvus Lite (the serving
process with a local store, its Milvus child, `supportbot vectors serve`): BM25 scored with numpy
(knowledge/lite_bm25.py), searches over the live rows kept per store state (knowledge/lite_live.py; a large
segment's blended vectors over an 8-bit copy re-scored exactly, knowledge/lite_scan.py) and
the stored vectors memory-mapped from their index files (knowledge/lite_memory.py), and a read by
id's vectors sent as float32 bytes (knowledge/lite_wire.py).
Each is a no-op on a milvus-lite version it was not checked against."""

from __future__ import annotations

from knowledge import lite_bm25, lite_live, lite_memory, lite_wire


def install() -> None:
    lite_bm25.install()
    lite_live.install()
    lite_memory.install()
    lite_wire.install()
