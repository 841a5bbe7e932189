"""The Milvus Lite patches, installed together in each process that runs Milvus Lite (the serving
process with a local store, its Milvus child, `supportbot vectors serve`): BM25 scored with numpy
(knowledge/lite_bm25.py) and searches over the live rows kept per store state (knowledge/lite_live.py).
Each is a no-op on a milvus-lite version it was not checked against."""

from __future__ import annotations

from knowledge import lite_bm25, lite_live


def install() -> None:
    lite_bm25.install()
    lite_live.install()
