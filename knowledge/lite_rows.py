"""Milvus Lite 3's memory per stored row: the chunks' shown text read from a file when a row is read, not
held, and one string per chunk id however many collections hold it.

Milvus Lite 3 holds every flushed segment's columns in its process (knowledge/lite_memory.py). Of the
data collection's, the strings a chunk shows (its text, title, heading, source and URL) are never
filtered on, searched nor sorted by: only a read returns them, by id (the few dozen chunks of a
question) or in a tenant's first look at its knowledge base (knowledge/store.py `chunk_parts`). At
100,000 chunks they were ~60 MB of the store process's heap, growing with the knowledge base.

So when such a segment is loaded, each of these columns is written once to a file of its own (the
UTF-8 bytes one after another) and left out of the loaded table (a column of nulls); the process
keeps only where each row starts (8 bytes a row) and which rows are null. A row read takes its
strings from the file by `os.pread`, as lite_memory.py reads vectors (a read of a file leaves its
pages in the page cache, which no process's RSS counts; pages of a mapping would count). The file
is unnamed (`tempfile.TemporaryFile` beside the segment, removed by the system when closed or when
the process dies) and written at each load: nothing on disk to keep in step with the segment.
The same strings: tests/knowledge/test_lite_memory.py compares every read with the library's.
A segment flushed while the process runs keeps its columns until the next start, as its vectors.

Ids: each loaded segment holds its primary keys as a Python list of strings and a dict from each to its
row (`Segment.pks`, `pk_to_row`), ~100 bytes a row in strings and ~35 in row numbers. Three collections
(the blended vector, BM25, the data) hold the same chunk ids, each its own copy: `share_ids` makes them
one string per id (`sys.intern`: the interpreter's table, which lets a string go when nothing holds it)
and one int object per row number. Same keys and values; tests/knowledge/test_lite_memory.py.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import weakref
from typing import Any

import numpy as np

# the data collection's shown strings (knowledge/store_schema.py SHOWN, less the position); a column of
# this name in another collection is left alone unless every one of its uses is a read (none is today)
SHOWN_STRINGS = frozenset({"source", "title", "url", "heading", "text"})
SHOWN_COLLECTION = "chunks_v4_data"


class TextColumn:
    """One string column of one segment, in an unnamed file: row i is bytes offsets[i]:offsets[i + 1]."""

    def __init__(self, column: Any, folder: str) -> None:
        import pyarrow as pa

        array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        if pa.types.is_string(array.type):
            array = array.cast(pa.large_string())
        _, offsets, data = array.buffers()
        self._offsets = np.frombuffer(offsets, dtype=np.int64)[array.offset : array.offset + len(array) + 1].copy()
        self._nulls = np.asarray(array.is_null(), dtype=bool) if array.null_count else None
        start, end = int(self._offsets[0]), int(self._offsets[-1])
        self._file = tempfile.TemporaryFile(dir=folder, prefix=".supportbot-text-")  # noqa: SIM115 (open as long as the column)
        if end > start:
            self._file.write(memoryview(data)[start:end])
            self._file.flush()
        self._offsets -= start
        self._fd = self._file.fileno()
        weakref.finalize(self, self._file.close)
        self.rows = len(array)

    def read(self, row: int) -> str | None:
        if self._nulls is not None and self._nulls[row]:
            return None
        start, end = int(self._offsets[row]), int(self._offsets[row + 1])
        if end == start:
            return ""
        data = os.pread(self._fd, end - start, start)
        if len(data) != end - start:
            raise OSError(f"short read of a segment's text column, row {row}")
        return data.decode("utf-8")


# (segment file, field) -> its column in a file, while the segment holds it (kept by the segment's table)
_columns: dict[tuple[str, str], TextColumn] = {}
_lock = threading.Lock()


def shown_fields(file_path: str, schema: Any) -> list[str]:
    """The columns of this segment to keep in a file: the data collection's shown strings."""
    import pyarrow as pa

    parts = os.path.normpath(file_path).split(os.sep)
    if SHOWN_COLLECTION not in parts:
        return []
    return [n for n in schema.names if n in SHOWN_STRINGS and (pa.types.is_string(schema.field(n).type) or pa.types.is_large_string(schema.field(n).type))]


def keep_in_file(file_path: str, field: str, column: Any) -> None:
    """Write this segment's column to its file. The columns of segments whose file is gone (compacted
    away) are let go here, their files with them."""
    found = TextColumn(column, os.path.dirname(file_path))
    with _lock:
        for key in [k for k in _columns if not os.path.exists(k[0])]:
            del _columns[key]
        _columns[(file_path, field)] = found


def column_of(file_path: str, field: str) -> TextColumn | None:
    return _columns.get((file_path, field))


_numbers: list[int] = []  # row numbers as one int object each, shared by every segment's dict


def share_ids(segment: Any) -> None:
    """A loaded segment's ids as shared strings, and its dict from id to row over shared row numbers."""
    pks = segment.pks
    if not pks or not isinstance(pks[0], str):
        return
    with _lock:
        if len(_numbers) < len(pks):
            _numbers.extend(range(len(_numbers), len(pks)))
        numbers = _numbers[: len(pks)]
    intern = sys.intern
    pks[:] = [intern(pk) for pk in pks]
    segment.pk_to_row = dict(zip(pks, numbers))
