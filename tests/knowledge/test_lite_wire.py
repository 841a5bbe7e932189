"""A read by id's vectors go from Milvus Lite to the store as float32 bytes (knowledge/lite_wire.py): the
reply is the bytes the library would send, and a read of a question's hits costs memory in proportion
to the floats it reads, not a Python object for every one of them (issue #17: at 100,000 chunks most
hits are read again, and the reply's floats were 14% of the Milvus child's time)."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from knowledge import lite_patches, lite_wire
from knowledge.chunk_cache import ChunkCache
from knowledge.chunking import Chunk
from knowledge.store import MilvusStore, load_entries
from knowledge.store_schema import WINDOWS_PER_ROW, window_row_ids


def _installed() -> None:
    lite_patches.install()
    if not lite_wire.install():
        pytest.skip("an installed milvus-lite this was not checked against keeps its own encoding")


def test_vectors_go_into_the_reply_as_the_library_encodes_them() -> None:
    _installed()
    from milvus_lite.adapter.grpc.translators import records
    from milvus_lite.exceptions import SchemaValidationError
    from milvus_lite.schema.types import DataType, FieldSchema

    ours = records._build_field_data
    library = ours._supportbot_library
    rng = np.random.default_rng(5)
    field = FieldSchema(name="dense", dtype=DataType.FLOAT_VECTOR, dim=6)
    arrays = list(rng.standard_normal((4, 6)).astype(np.float32))
    columns = [
        [a.tolist() for a in arrays],  # what a query's rows carry
        arrays,  # what a read by id's rows carry
        [[0.1, -2.5e-8, 3.0, 1e30, -0.0, 7.25]],  # Python floats that are not float32 values: rounded alike
        [arrays[0].tolist(), None],  # a null: the library's path
    ]
    for column in columns:
        got = ours("dense", field, column).SerializeToString(deterministic=True)
        want = library("dense", field, [list(map(float, v)) if v is not None else None for v in column]).SerializeToString(deterministic=True)
        assert got == want
    with pytest.raises(SchemaValidationError):  # a row of the wrong width: the library's error
        ours("dense", field, [arrays[0].tolist(), [1.0, 2.0]])


def _fill(uri: str, count: int, dim: int) -> list[Chunk]:
    rng = np.random.default_rng(3)
    chunks = [
        Chunk(id=f"c{n}", doc_id=f"d{n}", source=f"{n}.md", title=f"Article {n}", url=None, heading="Settings",
              text=" ".join(f"Step {s} of item {n} is to press button {s}." for s in range(12)), position=0)
        for n in range(count)
    ]
    store = MilvusStore(uri=uri, dim=dim)
    store.open()
    try:
        vectors = rng.standard_normal((3, count, dim)).astype(np.float32)
        windows = [rng.standard_normal((len(c.sentence_texts), dim)).astype(np.float32) for c in chunks]
        store.insert(tenant="acme", access="public", chunks=chunks, dense=vectors[0], title_dense=vectors[1], lead_dense=vectors[2], sentences=windows)
        store.flush()
    finally:
        store.close()
    return chunks


def test_reading_hits_by_id_does_not_make_a_python_object_of_every_float(tmp_path: Path) -> None:
    _installed()
    from milvus_lite.server_manager import server_manager_instance

    dim = 384
    uri = str(tmp_path / "milvus.db")
    chunks = _fill(uri, 40, dim)
    server_manager_instance.release_server(uri)  # opened again: the vectors mapped from their index files
    store = MilvusStore(uri=uri, dim=dim)
    store.open()
    try:
        ids = {c.id for c in chunks}
        load_entries(store._client, ChunkCache(), {chunks[0].id}, tenant="acme", access_keys=["public"])  # connection warmed up
        tracemalloc.start()
        try:
            found = load_entries(store._client, ChunkCache(), ids, tenant="acme", access_keys=["public"])
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    finally:
        store.close()
    assert len(found) == len(chunks) and all(len(views) == 3 + len(found[i][0].sentence_texts) for i, (_, views) in found.items())
    floats = sum((3 + WINDOWS_PER_ROW * len(window_row_ids(c.id, len(c.sentence_texts)))) * dim for c in chunks)
    # a float read as a Python float in a list is 32 bytes, and the library made two of them (the
    # server's row, the client's); as float32 it is 4 bytes, held a few times over (the row, the reply,
    # the chunk's array): 14.6 bytes a float here, 39.6 before
    assert peak < 24 * floats, f"{peak / floats:.1f} bytes a float"
