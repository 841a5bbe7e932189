"""Milvus Lite's reply to a read by id with its vectors as float32 arrays, not Python floats.

A question's hits are read by id from the data and sentence-window collections (knowledge/store_reads.py):
a chunk's three views and its packed windows, 1,152 + 3,072 floats a row. Milvus Lite turns each row's
vectors into a list of Python floats (`Segment.row_to_dict`), and its gRPC translator copies those into
the reply one float at a time (`flat.extend(float(x) for x in v)`, `_build_field_data`). With a chunk
cache that holds a small knowledge base whole, those reads are rare at 1,000 chunks; at 100,000 most
hits are read again (the cache is bounded, knowledge/chunk_cache.py), and in py-spy of the Milvus
child under bench/bench_growth_interleaved.py the translator alone was 14% of its samples, reads by id
21% (issue #17).

So, in the process that runs Milvus Lite:
- a read by id (`Collection.get`, what `id in [...]` queries go to) returns each vector read from a
  mapped index file as a float32 array (knowledge/lite_memory.py `_read_row`), not a list;
- a float-vector column without nulls goes into the reply as its float32 bytes, parsed as the
  packed repeated field they are (one copy, no Python object per float).
The reply's bytes are the same as the library's (tests/knowledge/test_lite_wire.py compares them);
a column with nulls or a row of the wrong width takes the library's path (and its error).
The client asks for float32 arrays too (`strict_float32`, store_reads.py).
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from knowledge.lite_bm25 import checked_version

CHECKED_VERSIONS = frozenset({"3.2.2"})  # milvus-lite versions whose `_build_field_data` and `Collection.get` this reproduces
FLOAT_VECTOR_TAG = b"\x0a"  # FloatArray.data: field 1, length-delimited (packed)

_reading = threading.local()  # `arrays`: a read by id is running in this thread
_installed = False


def reading_by_id() -> bool:
    """Whether this thread is in a read by id, whose rows' vectors may be float32 arrays."""
    return getattr(_reading, "arrays", False)


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        low, value = value & 0x7F, value >> 7
        if not value:
            out.append(low)
            return bytes(out)
        out.append(low | 0x80)


def packed_floats(column: Any, dim: int) -> bytes | None:
    """A FloatArray message holding these vectors, row after row, as float32 (None: not rows of `dim` floats)."""
    try:
        vectors = np.asarray(column, dtype="<f4")
    except (TypeError, ValueError):  # ragged rows
        return None
    if vectors.ndim != 2 or vectors.shape[1] != dim or not len(vectors):
        return None
    raw = vectors.tobytes()
    return FLOAT_VECTOR_TAG + _varint(len(raw)) + raw


def _field_data(library: Any, schema_pb2: Any, float_vector: Any) -> Any:
    """`_build_field_data` with a float-vector column without nulls packed at once."""

    def build(name: str, fschema: Any, column: Any) -> Any:
        if fschema.dtype == float_vector and column is not None and all(v is not None for v in column):
            dim = int(fschema.dim or 0)
            packed = packed_floats(column, dim) if dim > 0 else None
            if packed is not None:
                fd = schema_pb2.FieldData()
                fd.field_name = name
                fd.type = 101  # FloatVector, as the library sets it
                fd.vectors.dim = dim
                fd.vectors.float_vector.ParseFromString(packed)
                return fd
        return library(name, fschema, column)

    build._supportbot_library = library  # type: ignore[attr-defined]
    return build


def _by_id(library: Any) -> Any:
    """`Collection.get` with `reading_by_id()` true while it runs."""

    def get(self: Any, *args: Any, **kwargs: Any) -> Any:
        before = reading_by_id()
        _reading.arrays = True
        try:
            return library(self, *args, **kwargs)
        finally:
            _reading.arrays = before

    get._supportbot_library = library  # type: ignore[attr-defined]
    return get


def install() -> bool:
    """Install in the process that runs Milvus Lite; False (the library's own encoding) for another version."""
    global _installed
    if not checked_version(CHECKED_VERSIONS, otherwise="its own encoding of vectors"):
        return False
    if _installed:
        return True
    from milvus_lite.adapter.grpc.translators import records
    from milvus_lite.engine import collection
    from milvus_lite.schema.types import DataType

    records._build_field_data = _field_data(records._build_field_data, records.schema_pb2, DataType.FLOAT_VECTOR)
    collection.Collection.get = _by_id(collection.Collection.get)
    _installed = True
    return True
