"""What a tenant's first question measures of its knowledge base, kept on disk with the state it was measured on.

A tenant's terms (knowledge/terms.py), words and own names (knowledge/vocabulary.py) and levels
(knowledge/profile.py) are measured from its knowledge base once per process: on its first question, or
in the background from the start (bot/engine/services.py `warm_tenants`), and a question waits for them.
At 100,000 chunks in one tenant the levels alone read ~4,000 chunks with their vectors (100 titles
searched), and a tenant's first question after a start waited 37-92 s on a loaded machine
(bench/bench_growth.py). Measured again they come out the same as long as the knowledge base and the
code that measures are the same, so each value is written to a file of the data dir with that state
(`state`: a digest of the tenant's registry of documents, whose content hashes include the embedder,
and of the measuring code's source) and read back, instead of measured, by any later start that finds
the same state. An ingest changes the state: the value is measured again.

The state is read before measuring: a value measured while an ingest lands is filed under the state
before it, which no later lookup asks for. A file that can't be read or written is measured around.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

logger = logging.getLogger(__name__)

V = TypeVar("V")

# the measuring code: a change to any of these packages' source measures every tenant again
CODE_PACKAGES = ("knowledge", "bot/core", "policies")
_code_digest: str | None = None


def code_digest() -> str:
    global _code_digest
    if _code_digest is None:
        root = Path(__file__).resolve().parents[1]
        digest = hashlib.sha256()
        for package in CODE_PACKAGES:
            for path in sorted((root / package).rglob("*.py")):
                digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
        _code_digest = digest.hexdigest()
    return _code_digest


def registry_state(engine: Any) -> Callable[[str], str]:
    """tenant -> a digest of its registry of documents (every document's id, content hash, groups, version
    and time of change) and of the measuring code.

    The digest reads every document of the tenant (4.2-4.7 s at 100,000 documents under load), and a tenant's
    terms, words and levels each ask for it: it is computed once per state of the registry in this process,
    told by the registry's fingerprint (its documents, newest change and sum of versions: one aggregate query,
    what a running `serve` already watches for another process's ingest, bot/engine/knowledge_watch.py). The
    kept files still carry the full digest, so a later start never trusts the fingerprint alone."""
    from sqlalchemy import func, select

    from bot.core.tables import Document

    table = Document.__table__  # type: ignore[attr-defined]
    known: dict[str, tuple[tuple[Any, ...], str]] = {}  # tenant -> (fingerprint, digest)
    lock = threading.Lock()

    def fingerprint(tenant: str) -> tuple[Any, ...]:
        with engine.connect() as conn:
            found = conn.execute(
                select(func.count(), func.max(table.c.updated_at), func.sum(table.c.version)).where(table.c.tenant == tenant)
            ).one()
        return tuple(found)

    def digest_of(tenant: str) -> str:
        digest = hashlib.sha256(code_digest().encode())
        with engine.connect() as conn:
            rows = conn.execute(
                select(table.c.doc_id, table.c.content_hash, table.c.groups, table.c.version, table.c.updated_at)
                .where(table.c.tenant == tenant).order_by(table.c.doc_id)
            )
            for row in rows:
                digest.update("\0".join(map(str, row)).encode() + b"\n")
        return digest.hexdigest()

    def state(tenant: str) -> str:
        # the fingerprint first: a change landing while the digest is read moves it, and the next call reads again
        mark = fingerprint(tenant)
        with lock:
            found = known.get(tenant)
        if found is not None and found[0] == mark:
            return found[1]
        digest = digest_of(tenant)
        with lock:
            known[tenant] = (mark, digest)
        return digest

    return state


class KeptMeasures:
    """Values measured per (kind, key), each in a file of `folder` with the tenant's `state` it was measured on."""

    def __init__(self, folder: Path, *, state: Callable[[str], str]) -> None:
        self._folder = folder
        self._state = state

    def _path(self, kind: str, key: Any) -> Path:
        name = hashlib.sha256(json.dumps([kind, key], sort_keys=True).encode()).hexdigest()[:40]
        return self._folder / f"{kind}-{name}.json"

    def through(self, kind: str, key: Any, *, tenant: str, measure: Callable[[], V], encode: Callable[[V], Any],
                decode: Callable[[Any], V]) -> V:
        """The value kept for this key and the tenant's state now, or `measure()` (then kept). Synchronous."""
        try:
            state = self._state(tenant)
        except Exception:  # the registry can't be read: measure, keep nothing
            logger.warning("the state of tenant %s's knowledge base could not be read", tenant, exc_info=True)
            return measure()
        path = self._path(kind, key)
        try:
            kept = json.loads(path.read_text(encoding="utf-8"))
            if kept.get("state") == state and kept.get("key") == json.loads(json.dumps(key)):
                return decode(kept["value"])
        except FileNotFoundError:
            pass
        except (OSError, ValueError, KeyError, TypeError):
            logger.warning("a kept measurement (%s) could not be read; measuring again", path.name, exc_info=True)
        value = measure()
        try:
            self._folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=self._folder, prefix=".", suffix=".tmp", delete=False) as out:
                json.dump({"state": state, "key": key, "value": encode(value)}, out)
            os.replace(out.name, path)
        except OSError:
            logger.warning("a measurement could not be kept in %s", self._folder, exc_info=True)
        return value
