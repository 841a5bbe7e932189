"""Milvus Lite 3's memory: the stored vectors read from disk when used, not held in the process.

Milvus Lite 3 keeps every flushed segment in its process: the segment's Parquet file decoded into an
Arrow table (every column, the vectors included), and beside it each FLAT index, an `.npy` file of the
same vectors read into memory once more. With Arrow's default allocator (mimalloc) the decode's peak
stayed too: a segment of 87,744 sentence windows (135 MB of vectors) took 452 MB to read, 129 MB more
for its index. The store's process grew with every vector of the knowledge base, though a question
reads the vectors of the data and sentence collections only for the few dozen chunks it shows.

So, in the process that runs Milvus Lite:
- a FLAT index file is memory-mapped (`np.load(mmap_mode="r")`) instead of read: the operating
  system reads the pages a search or a read by id touches and may drop them again;
- a segment's vector column whose FLAT index file exists is not decoded from the Parquet file: the
  column is an Arrow array over the same mapped file (the index file holds the segment's vectors, in
  row order, written from that column when the index was built), so the table, the segment's vectors
  and the index are one mapping of one file. A segment flushed while the process runs is decoded as
  before (its index is built from it, sharing the decoded column) until the next start;
- Arrow allocates from the system allocator, which gives a freed decode buffer back.
A page of a mapped file counts in the process's RSS once touched (RssFile, not RssAnon), and the kernel
maps more than the page a read needs (500 random rows of the 10k store's sentence windows, 1.5 kB each:
+90-95 MB of RssFile, with or without MADV_RANDOM: fault-around maps the neighbours the page cache holds).
So a row read by id is read from the file (`os.pread`, `_read_row`) and only searches touch the mapping:
the blended vectors, scanned whole by every search.
Values are the same float32 values (the index file is what the library searches already), so
searches and reads return what they did. tests/knowledge/test_lite_memory.py compares both.
A Milvus server needs none of this.
"""

from __future__ import annotations

import logging
import os
import threading
import weakref
from typing import Any

import numpy as np

from knowledge import lite_rows, lite_scan, lite_wire
from knowledge.lite_bm25 import checked_version

logger = logging.getLogger(__name__)

CHECKED_VERSIONS = frozenset({"3.2.2"})  # milvus-lite versions whose Segment.load and BruteForceIndex.load this reproduces
FLAT_TYPES = ("flat", "brute_force")  # index types whose sidecar is an `.npy` of the segment's vectors
_installed = False


_maps: weakref.WeakValueDictionary[str, np.ndarray] = weakref.WeakValueDictionary()
_maps_lock = threading.Lock()


def mapped_vectors(path: str) -> np.ndarray:
    """A FLAT index file's vectors, memory-mapped read-only; one mapping per file while it is used (the
    segment's table and its index share it: a page mapped twice would count twice in the process's RSS).
    The mapping carries a descriptor of the same file, closed with it, for reads of single rows (`_read_row`)."""
    with _maps_lock:
        found = _maps.get(path)
        if found is None:
            found = np.load(path, mmap_mode="r", allow_pickle=False)
            if isinstance(found, np.memmap) and found.dtype == np.dtype("<f4") and found.ndim == 2 and found.flags.c_contiguous:
                descriptor = os.open(path, os.O_RDONLY)
                found._supportbot_fd = descriptor  # type: ignore[attr-defined]
                weakref.finalize(found, os.close, descriptor)
            _maps[path] = found
        return found


# (segment file, field) -> the mapping its column is over, while the segment holds it
_columns: weakref.WeakValueDictionary[tuple[str, str], np.ndarray] = weakref.WeakValueDictionary()


def _read_row(vectors: np.ndarray, row: int) -> list[float] | np.ndarray:
    """Row `row` of a mapped index file, read from the file (`os.pread`), not through the mapping. A page
    of the mapping that a read touches counts in the process's RSS, and the kernel maps the pages around
    it that the page cache holds (fault-around): at 100,000 chunks reads by id of the data and sentence
    collections left +885 MB of mapped pages in the Milvus child's RSS (bench/bench_growth.py, fourth
    pass). A read of the file leaves them in the page cache, which no process's RSS counts. The same bytes."""
    width = vectors.shape[1] * 4
    data = os.pread(vectors._supportbot_fd, width, vectors.offset + row * width)  # type: ignore[attr-defined]
    if len(data) != width:
        raise OSError(f"short read of {vectors.filename} row {row}")
    found = np.frombuffer(data, dtype="<f4")
    return found if lite_wire.reading_by_id() else found.tolist()  # an array in a read by id (knowledge/lite_wire.py)


def _sidecars(file_path: str) -> dict[str, str]:
    """field -> the FLAT index file of this segment's field, where one exists."""
    from milvus_lite.index.files import parse_index_sidecar_name

    index_dir = os.path.join(os.path.dirname(os.path.dirname(file_path)), "indexes")
    stem = os.path.splitext(os.path.basename(file_path))[0]
    try:
        names = os.listdir(index_dir)
    except FileNotFoundError:
        return {}
    found = {}
    for name in names:
        parsed = parse_index_sidecar_name(name)
        if parsed and parsed.source_stem == stem and parsed.index_type in FLAT_TYPES and parsed.extension == ".idx":
            found[parsed.field_name] = os.path.join(index_dir, name)
    return found


def _column_over(vectors: np.ndarray) -> Any:
    """A FixedSizeList<float32> Arrow array over these (mapped) vectors, without a copy."""
    import pyarrow as pa

    rows, dim = vectors.shape
    values = pa.Array.from_buffers(pa.float32(), rows * dim, [None, pa.py_buffer(vectors)])
    return pa.FixedSizeListArray.from_arrays(values, dim)


def read_mapped(file_path: str) -> Any:
    """The segment's table: its vector columns that have a FLAT index file mapped from that file, the
    other columns read from the Parquet file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sidecars = _sidecars(file_path)
    schema = pq.read_schema(file_path)
    mapped = {}
    for field, path in sidecars.items():
        if field not in schema.names or not pa.types.is_fixed_size_list(schema.field(field).type):
            continue
        if schema.field(field).type.value_type != pa.float32():
            continue
        vectors = mapped_vectors(path)
        if vectors.dtype != np.float32 or vectors.ndim != 2 or vectors.shape[1] != schema.field(field).type.list_size:
            continue
        mapped[field] = vectors
    unheld = [n for n in schema.names if n in UNHELD and pa.types.is_string(schema.field(n).type)]
    in_file = [n for n in lite_rows.shown_fields(file_path, schema) if n not in unheld]  # read from a file of its own
    if not mapped and not unheld and not in_file:
        return pq.read_table(file_path)
    table = pq.read_table(file_path, columns=[n for n in schema.names if n not in mapped and n not in unheld and n not in in_file])
    if any(len(v) != len(table) for v in mapped.values()):  # not this segment's: read it all
        return pq.read_table(file_path)
    for field in sorted([*mapped, *unheld, *in_file], key=schema.names.index):  # in the file's column order
        if field in unheld or field in in_file:
            if field in in_file:  # one column decoded at a time, written to its file, let go
                lite_rows.keep_in_file(file_path, field, pq.read_table(file_path, columns=[field]).column(field))
            table = table.add_column(schema.names.index(field), schema.field(field).with_nullable(True), pa.nulls(len(table), schema.field(field).type))
            continue
        table = table.add_column(schema.names.index(field), schema.field(field), pa.chunked_array([_column_over(mapped[field])]))
        if hasattr(mapped[field], "_supportbot_fd"):
            _columns[(file_path, field)] = mapped[field]
    return table


# Text columns no read of the store returns, left on disk (a column of nulls in the loaded table): the BM25
# collection's "lexical" (knowledge/store_schema.py), the text Milvus made the stored sparse vector from at
# insert; searches score that vector and return ids. 53 MB of the BM25 collection's 111 MB of Arrow memory at
# 100,000 chunks (the sparse vectors are the rest). A query naming it would get None: none does.
UNHELD = frozenset({"lexical"})

class _SparseIndexes(dict):
    """A segment's `sparse_indexes` once the BM25 columns they were built from are dropped from its table
    (`drop_indexed_sparse`): an index taken out (the library's `release_index`, a new index spec) first
    puts its column back, read from the segment's file, so whatever builds it again reads the real column."""

    def __init__(self, segment: Any, dropped: set[str]) -> None:
        super().__init__(segment.sparse_indexes)
        self._segment = segment
        self._dropped = dropped

    def _restore(self, field: str) -> None:
        if field in self._dropped:
            import pyarrow.parquet as pq

            table = self._segment.table
            column = pq.read_table(self._segment.file_path, columns=[field]).column(field)
            self._segment.table = table.set_column(table.schema.get_field_index(field), table.schema.field(field), column)
            self._dropped.discard(field)

    def __setitem__(self, field: str, index: Any) -> None:
        if self.get(field) is not index:
            self._restore(field)
        super().__setitem__(field, index)

    def __delitem__(self, field: str) -> None:
        self._restore(field)
        super().__delitem__(field)

    def pop(self, field: str, *default: Any) -> Any:
        self._restore(field)
        return super().pop(field, *default)

    def clear(self) -> None:
        for field in list(self):
            self._restore(field)
        super().clear()


def restore_sparse(segment: Any, field: str) -> Any:
    """The segment's table with its BM25 column `field` read back from its file if it was dropped."""
    if isinstance(segment.sparse_indexes, _SparseIndexes):
        segment.sparse_indexes._restore(field)
    return segment.table


def drop_indexed_sparse(segment: Any, field: str) -> None:
    """Drop a flushed segment's BM25 column (the packed (word, frequency) pairs of every row) from its table
    once its index holds the same postings (knowledge/lite_bm25.py `compact`): nothing else reads it (a search
    returns ids; no query or read of the BM25 collection returns it), and at 100,000 chunks it is 48 MB of the
    store process's heap (bench/bench_growth.py, sixth pass). The column becomes nulls; it comes back from
    the segment's file before the index is taken out (`_SparseIndexes`)."""
    import pyarrow as pa

    table = segment.table
    if table is None or field not in table.schema.names or not os.path.exists(segment.file_path):
        return
    if isinstance(segment.sparse_indexes, _SparseIndexes):
        if field in segment.sparse_indexes._dropped:
            return
        dropped = segment.sparse_indexes._dropped
    else:
        dropped = set()
        segment.sparse_indexes = _SparseIndexes(segment, dropped)
    position = table.schema.get_field_index(field)
    segment.table = table.set_column(position, table.schema.field(field).with_nullable(True), pa.nulls(len(table), table.schema.field(field).type))
    dropped.add(field)


_reading = threading.local()  # `wanted`: the fields a query or read by id returns (None: every field)


def _projected(library: Any) -> Any:
    """`Collection.query` or `Collection.get` with the fields it returns known to `row_to_dict` while it
    runs: a row's vectors that the call does not return are not made into Python lists. The library
    materialises every column of every matching row and then projects: a tenant's first question reads
    the title, heading and text of up to 16,384 chunks (knowledge/store.py `chunk_parts`, `titles`),
    and with them 16,384 x 3 x 384 floats it drops."""
    import inspect

    signature = inspect.signature(library)

    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        fields = signature.bind(self, *args, **kwargs).arguments.get("output_fields")
        before = getattr(_reading, "wanted", None)
        _reading.wanted = frozenset(fields) if fields and "*" not in fields else None
        try:
            return library(self, *args, **kwargs)
        finally:
            _reading.wanted = before

    call._supportbot_library = library  # type: ignore[attr-defined]
    return call


class _WithoutVectors:
    """A segment as `assemble_candidates` sees it in a query: no vectors (a query returns none of the
    gathered array, which the library builds by copying every segment's vectors: 150 MB at 100,000
    chunks, for every filtered query of the data collection); everything else is the segment's."""

    __slots__ = ("_segment", "vectors")

    def __init__(self, segment: Any) -> None:
        self._segment = segment
        self.vectors = np.zeros((segment.num_rows, 0), dtype=np.float32)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._segment, name)


def _candidates(library: Any) -> Any:
    """`assemble_candidates` for `Collection.query`, its only caller, without the copy of the vectors."""

    def assemble(segments: Any, *args: Any, **kwargs: Any) -> Any:
        return library([_WithoutVectors(s) for s in segments], *args, **kwargs)

    assemble._supportbot_library = library  # type: ignore[attr-defined]
    return assemble


def _row_to_dict(library: Any) -> Any:
    """`Segment.row_to_dict` (a read by id) with each vector from the segment's vector array (`tolist`)
    instead of an Arrow scalar's `as_py`: the same floats, several times faster for the three views of a
    chunk and its sentence windows, which every read of a chunk carries (py-spy of the store's process
    at 100,000 chunks: reads by id were a third of its busy time). Rows of a table with `$meta` (dynamic
    fields, none here) and vectors with nulls keep the library's path."""

    def row_to_dict(self: Any, row_idx: int) -> dict:
        names = self.table.schema.names
        vectors = self._vector_data_by_field
        wanted = getattr(_reading, "wanted", None)
        if "$meta" in names or not vectors or any(mask is not None for _, mask in vectors.values()):
            result = library(self, row_idx)
            for name in result:  # the strings kept in a file (knowledge/lite_rows.py)
                if (text := lite_rows.column_of(self.file_path, name)) is not None:
                    result[name] = text.read(row_idx)
            return result
        result = {}
        for name in names:
            if name == "_seq":
                continue
            found = vectors.get(name)
            if found is not None and wanted is not None and name not in wanted:
                continue  # a vector this query or read does not return
            if found is None:
                text = lite_rows.column_of(self.file_path, name)
                if text is None:
                    result[name] = self.table.column(name)[row_idx].as_py()
                elif wanted is None or name in wanted:  # a string kept in a file, read when returned
                    result[name] = text.read(row_idx)
            else:
                mapping = _columns.get((self.file_path, name))
                if mapping is not None:
                    result[name] = _read_row(mapping, row_idx)
                else:
                    result[name] = found[0][row_idx].copy() if lite_wire.reading_by_id() else found[0][row_idx].tolist()
        return result

    row_to_dict._supportbot_library = library  # type: ignore[attr-defined]
    return row_to_dict


def install() -> bool:
    """Map the stored vectors in this process (the one that runs Milvus Lite). False, and the library's
    own loading, for a version it was not checked against."""
    if not checked_version(CHECKED_VERSIONS, otherwise="its own segment loading"):
        return False
    import pyarrow as pa
    from milvus_lite.engine import collection
    from milvus_lite.index.brute_force import BruteForceIndex
    from milvus_lite.storage import segment
    global _installed
    if _installed:  # once per process (a test may put the library's loading back)
        return True
    pa.set_memory_pool(pa.system_memory_pool())
    library_index_load = BruteForceIndex.__dict__["load"]

    def load_index(cls: Any, path: str, metric: str, dim: int) -> Any:
        vectors = mapped_vectors(path)
        if vectors.ndim != 2 or vectors.shape[1] != dim:
            raise ValueError(f"loaded index has shape {vectors.shape}, expected (N, {dim})")
        lite_scan.on_load(path, vectors, metric)  # a large segment's 8-bit copy and lists, before any search
        return cls(vectors, metric)

    load_index._supportbot_library = library_index_load  # type: ignore[attr-defined]
    BruteForceIndex.load = classmethod(load_index)  # type: ignore[assignment]
    segment._supportbot_read_data_file = segment.read_data_file  # type: ignore[attr-defined]
    segment.read_data_file = read_mapped
    segment.Segment.row_to_dict = _row_to_dict(segment.Segment.row_to_dict)
    library_segment_load = segment.Segment.__dict__["load"]

    def load_segment(cls: Any, *args: Any, **kwargs: Any) -> Any:
        loaded = library_segment_load.__func__(cls, *args, **kwargs)
        lite_rows.share_ids(loaded)  # one string per chunk id across the collections
        return loaded

    load_segment._supportbot_library = library_segment_load  # type: ignore[attr-defined]
    segment.Segment.load = classmethod(load_segment)  # type: ignore[assignment]
    collection.Collection.query = _projected(collection.Collection.query)
    collection.Collection.get = _projected(collection.Collection.get)
    collection.assemble_candidates = _candidates(collection.assemble_candidates)
    _installed = True
    return True
