"""Vectors of knowledge-base texts embedded before, kept on disk beside the embedding model.

Ingest embeds each chunk's body, heading, lead and sentence windows, one text per ONNX call
(knowledge/embedding.py `CALL_BATCH`), so a text always gets the same vector from the same weights:
a vector can be kept and used again. A re-ingest after a change of chunking (`CHUNKER_VERSION`
re-embeds every document), the same help center ingested into another data dir (a staging copy, the
test suite's many servers), a document edited in one paragraph: each embeds only the texts it has not
seen. Only the knowledge base's own texts go in, never a customer's question (a question is embedded
per ask and kept nowhere).

Keyed by the embedder's fingerprint (model, weights, length limit) and the text's SHA-256, so another
model never reads these vectors. SQLite in WAL mode (the standard library's: one query looks up a
whole batch of keys, which a key-value cache library's one call per key would not), so the processes
sharing a model cache (`SUPPORTBOT_MODEL_CACHE`: several `serve`, parallel test workers) read and
write it safely. Bounded: past `max_rows` the oldest half goes. Any trouble with the file (read-only
disk, corruption) is logged once and the texts are embedded as if there were no cache.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bot.core.ports import Embedder

logger = logging.getLogger(__name__)

FILE_NAME = "document-vectors.sqlite3"
MAX_ROWS = 1_000_000  # ~1.6 GB of 384-dimension vectors; past it the oldest half is dropped
_LOOKUP = 500  # keys per query (SQLite's bound variables)


class CachedEmbedder:
    """An `Embedder` for the knowledge base's texts that embeds only what `directory`'s cache lacks."""

    def __init__(self, embedder: Embedder, directory: Path, *, max_rows: int = MAX_ROWS) -> None:
        self._embedder = embedder
        self._path = directory / FILE_NAME
        self._max_rows = max_rows
        self._local = threading.local()
        self._broken = False
        self.embedded = 0  # texts that went through the model (not found in the cache)

    @property
    def dim(self) -> int:
        return self._embedder.dim

    @property
    def fingerprint(self) -> str:
        return self._embedder.fingerprint

    def warm_up(self) -> None:
        self._embedder.warm_up()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts or self._broken:
            return self._through_model(texts)
        self.warm_up()  # the fingerprint names the loaded weights
        prefix = f"{self.fingerprint}\n".encode()
        keys = [hashlib.sha256(prefix + text.encode()).digest() for text in texts]
        try:
            found = self._read(keys)
        except sqlite3.Error as exc:
            return self._give_up(exc, texts)
        missing = [n for n, key in enumerate(keys) if key not in found]
        if missing:  # in the caller's order (ingest sorts them by length)
            fresh = self._through_model([texts[n] for n in missing])
            try:
                self._write([(keys[n], fresh[i]) for i, n in enumerate(missing)])
            except sqlite3.Error as exc:
                self._give_up(exc, ())
            for i, n in enumerate(missing):
                found[keys[n]] = fresh[i]
        return np.stack([found[key] for key in keys]).astype(np.float32, copy=False)

    def _through_model(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded += len(texts)
        return self._embedder.embed(texts)

    def _give_up(self, exc: sqlite3.Error, texts: Sequence[str]) -> np.ndarray:
        if not self._broken:
            logger.warning("the document vector cache %s is not usable (%s); embedding without it", self._path, exc)
        self._broken = True
        return self._through_model(texts)

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self._path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("CREATE TABLE IF NOT EXISTS vector (key BLOB PRIMARY KEY, vector BLOB NOT NULL)")
            self._local.conn = conn
        return conn

    def _read(self, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        conn = self._connection()
        found: dict[bytes, np.ndarray] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), _LOOKUP):
            part = unique[start : start + _LOOKUP]
            rows = conn.execute(f"SELECT key, vector FROM vector WHERE key IN ({','.join('?' * len(part))})", part)
            for key, blob in rows:
                vector = np.frombuffer(blob, dtype=np.float32)
                if vector.shape == (self.dim,):  # a row of another size is not this model's: embedded again
                    found[key] = vector
        return found

    def _write(self, rows: Sequence[tuple[bytes, np.ndarray]]) -> None:
        conn = self._connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany("INSERT OR REPLACE INTO vector (key, vector) VALUES (?, ?)",
                             [(key, np.asarray(vector, dtype=np.float32).tobytes()) for key, vector in rows])
            count = conn.execute("SELECT max(rowid) - min(rowid) FROM vector").fetchone()[0] or 0
            if count > self._max_rows:  # the oldest half out (rowids grow with each insert)
                conn.execute("DELETE FROM vector WHERE rowid < (SELECT min(rowid) + ? FROM vector)", (count // 2,))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
