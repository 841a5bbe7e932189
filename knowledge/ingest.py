"""Ingest files into a tenant's knowledge base: idempotent by content hash, with pruning.

The `document` table is the registry of what is indexed; the vector store holds the chunks.
A file whose hash (content, access groups, chunker and model) is unchanged is not touched.
"""

from __future__ import annotations

import difflib
import hashlib
import logging
import os
import posixpath
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.core.database import exclusive
from bot.core.links import safe_url
from bot.core.tables import Document, Tenant, utcnow
from knowledge.chunking import CHUNKER_VERSION, Chunk, chunk_document, doc_id_for
from knowledge.embedding import Embedder
from knowledge.loaders import TEXT_SUFFIXES, FaqColumns, SourceDoc, UnsupportedFile, load_file
from knowledge.store import MilvusStore

logger = logging.getLogger(__name__)

EMBED_BATCH = 256

# a document's text beyond which it is refused (said as a skip; an earlier version is kept): about a
# 1,000-page manual, ~3,000 chunks. A help article is a few kilobytes; a bigger text is a dump (a
# log, an export) that would ingest for minutes and crowd every search. Split it into articles.
MAX_DOCUMENT_CHARS = 2_000_000


def access_key(groups: Iterable[str]) -> str:
    """The canonical access key of a document: its groups, sorted. No groups means public."""
    cleaned = sorted({g.strip() for g in groups if g and g.strip()})
    return ",".join(cleaned) or "public"


@dataclass(slots=True)
class IngestReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    chunks: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    # (new source, the source of a document already there with the same text and groups): added all the
    # same, but said: the same folder ingested from another working directory doubles every article
    duplicates: list[tuple[str, str]] = field(default_factory=list)

    @property
    def chunks_per_second(self) -> float:
        return self.chunks / self.seconds if self.seconds else 0.0


@dataclass(slots=True)
class RemoveReport:
    """What `Ingestor.remove` took out (the documents' sources) and which names it was given matched none
    (with up to three of the tenant's sources closest to each, for a mistyped name)."""

    removed: list[str] = field(default_factory=list)
    missing: list[tuple[str, list[str]]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Pending:
    doc: SourceDoc
    digest: str
    existing: Document | None


_DRIVE = re.compile(r"^[A-Za-z]:$")


def source_name(given: str) -> str | None:
    """A path as given to ingest, as the `source` its documents are stored and cited under: `/`, `\\`,
    `.`, `..` and drive letters dropped (`/srv/kb/billing.md` -> `srv/kb/billing.md`), so the same files
    get the same sources whether ingested here or uploaded through the server (bot/app/admin_ingest.py,
    which writes uploads under these names), and no server path shows in a citation. None if nothing
    is left (`/`, `..`)."""
    parts = [p for p in posixpath.normpath(given.replace("\\", "/")).split("/") if p not in {"", ".", ".."} and not _DRIVE.match(p)]
    if not parts or any("\x00" in p for p in parts):
        return None
    return "/".join(parts)


def _walk(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    files = [p for p in path.rglob("*") if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)]
    return sorted(files)


class Ingestor:
    def __init__(self, *, engine: Engine, store: MilvusStore, embedder: Embedder) -> None:
        self._engine = engine
        self._store = store
        self._embedder = embedder

    def ingest(
        self,
        paths: Sequence[str | Path],
        *,
        tenant: str,
        groups: Sequence[str] = (),
        prune: bool = False,
        columns: FaqColumns = FaqColumns(),
        display_base: Path | None = None,
        progress: bool = False,
        on_skip: Callable[[str, str], None] | None = None,
        within: Path | None = None,
    ) -> IngestReport:
        """`within`: read no file whose real path (symbolic links followed) lies outside this folder.

        One ingest of a tenant at a time across processes (two `serve` starting at once on an empty store
        both ingest the sample; `ingest` from the CLI while `serve` runs): the second waits, then finds the
        documents unchanged instead of adding them twice."""
        with self._engine.connect() as conn, exclusive(conn, name=f"ingest:{tenant}"):
            return self._ingest(
                paths, tenant=tenant, groups=groups, prune=prune, columns=columns, display_base=display_base,
                progress=progress, on_skip=on_skip, within=within,
            )

    def _ingest(
        self,
        paths: Sequence[str | Path],
        *,
        tenant: str,
        groups: Sequence[str],
        prune: bool,
        columns: FaqColumns,
        display_base: Path | None,
        progress: bool,
        on_skip: Callable[[str, str], None] | None,
        within: Path | None,
    ) -> IngestReport:
        started = time.perf_counter()
        report = IngestReport()
        access = access_key(groups)
        seen: set[str] = set()
        roots: list[str] = []
        pending: list[_Pending] = []
        with Session(self._engine) as session:
            if session.get(Tenant, tenant) is None:
                session.add(Tenant(name=tenant))
                session.commit()
            existing = {d.source: d for d in session.exec(select(Document).where(Document.tenant == tenant))}
        same_text = {d.content_hash: s for s, d in existing.items()}
        for given in paths:
            root = Path(given)
            display_root = (os.path.relpath(root, display_base) if display_base
                            else source_name(str(given)) or os.path.normpath(str(given)))
            roots.append(display_root)
            if not root.exists():
                self._skip(report, display_root, "no such file or directory", on_skip)
                continue
            for file in _walk(root):
                name = display_root if root.is_file() else os.path.join(display_root, str(file.relative_to(root)))
                if within is not None and not file.resolve().is_relative_to(within):
                    self._skip(report, name, "outside the folder ingest may read", on_skip)
                    continue
                if root.is_dir() and file.suffix.lower() not in TEXT_SUFFIXES:
                    self._skip(report, name, f"unsupported file type {file.suffix or '(none)'}", on_skip)
                    continue
                try:
                    docs = load_file(file, name, columns=columns)
                except UnsupportedFile as exc:
                    self._skip(report, name, str(exc), on_skip)
                    seen.update(s for s in existing if s == name or s.startswith(name + "#"))  # keep, don't prune
                    continue
                except OSError as exc:
                    self._skip(report, name, f"cannot read ({exc.strerror})", on_skip)
                    continue
                if docs and docs[0].kind == "faq":
                    # a FAQ table is one file: rows that vanished from it go with the change
                    current = {d.source for d in docs}
                    stale = [s for s in existing if s.startswith(name + "#") and s not in current]
                    report.removed += self._remove(tenant, [existing.pop(s) for s in stale])
                for doc in docs:
                    if not any(section.text.strip() for section in doc.sections):
                        # nothing to answer from: said, not counted as added; an earlier version goes
                        self._skip(report, doc.source, "no text to answer from", on_skip)
                        if doc.source in existing:
                            report.removed += self._remove(tenant, [existing.pop(doc.source)])
                        continue
                    seen.add(doc.source)  # kept as it was when refused below: not pruned
                    size = sum(len(section.text) for section in doc.sections)
                    if size > MAX_DOCUMENT_CHARS:
                        self._skip(report, doc.source, f"its text is {size / 1e6:.1f} million characters; a document may have "
                                   f"{MAX_DOCUMENT_CHARS / 1e6:.0f} million at most: split it into articles", on_skip)
                        continue
                    digest = self._digest(doc, access)
                    old = existing.get(doc.source)
                    if old is not None and old.content_hash == digest:
                        report.unchanged += 1
                        continue
                    if old is None and (twin := same_text.get(digest)) is not None and twin != doc.source:
                        report.duplicates.append((doc.source, twin))
                    pending.append(_Pending(doc=doc, digest=digest, existing=old))
        self._index(pending, tenant=tenant, access=access, report=report, progress=progress)
        if prune:
            vanished = [
                d for s, d in existing.items()
                if s not in seen and any(s.split("#", 1)[0] == r or s.startswith(r.rstrip("/") + "/") for r in roots)
            ]
            report.removed += self._remove(tenant, vanished)
        if pending or report.removed:
            self._store.flush()
        report.seconds = time.perf_counter() - started
        return report

    def _digest(self, doc: SourceDoc, access: str) -> str:
        extra = f"{access}\0{CHUNKER_VERSION}\0{self._embedder.fingerprint}"
        return hashlib.sha256(f"{doc.content_hash}\0{extra}".encode()).hexdigest()

    @staticmethod
    def _skip(report: IngestReport, name: str, reason: str, on_skip: Callable[[str, str], None] | None) -> None:
        report.skipped.append((name, reason))
        if on_skip:
            on_skip(name, reason)  # the caller says it (the CLI prints each skip): not twice
        else:
            logger.warning("skipped %s: %s", name, reason)

    def sources(self, *, tenant: str) -> set[str]:
        """The sources of the tenant's documents, as ingest named them (what citations and eval cases name)."""
        with Session(self._engine) as session:
            return set(session.exec(select(Document.source).where(Document.tenant == tenant)))

    def remove(self, names: Sequence[str], *, tenant: str) -> RemoveReport:
        """Take documents out of the tenant's knowledge base by the names ingest gave them: a file's path as
        given to ingest (`kb/billing.md`, or `/srv/kb/billing.md`, which ingest named `srv/kb/billing.md`),
        a folder's (every document under it), a FAQ table's (all its rows) or one row's (`kb/faq.csv#faq-010`).
        No file is read: a document whose file is gone is removed the same. Under the tenant's ingest lock,
        as an ingest (the two never interleave)."""
        with self._engine.connect() as conn, exclusive(conn, name=f"ingest:{tenant}"):
            with Session(self._engine) as session:
                docs = {d.source: d for d in session.exec(select(Document).where(Document.tenant == tenant))}
            report = RemoveReport()
            chosen: dict[str, Document] = {}
            for given in names:
                name = source_name(given)
                found = [] if name is None else [
                    s for s in docs if s == name or s.startswith((name + "#", name.rstrip("/") + "/"))
                ]
                if not found:
                    # the closest names: of documents, and of the files that hold FAQ rows (`kb/faq.csv`)
                    names_known = sorted(set(docs) | {s.split("#", 1)[0] for s in docs})
                    near = difflib.get_close_matches(name or given, names_known, n=3, cutoff=0.6)
                    report.missing.append((name or given, near))
                for source in found:
                    chosen.setdefault(source, docs[source])
            self._remove(tenant, list(chosen.values()))
            if chosen:
                self._store.flush()
            report.removed = sorted(chosen)
            return report

    def remove_sources(self, *, tenant: str, sources: Sequence[str]) -> int:
        """Take these documents (by source, as ingested) out of the tenant's knowledge base."""
        with Session(self._engine) as session:
            docs = list(session.exec(select(Document).where(Document.tenant == tenant, col(Document.source).in_(list(sources)))))
        removed = self._remove(tenant, docs)
        if removed:
            self._store.flush()
        return removed

    def _remove(self, tenant: str, docs: Sequence[Document]) -> int:
        if not docs:
            return 0
        self._store.delete_documents(tenant=tenant, doc_ids=[d.doc_id for d in docs])
        with Session(self._engine) as session:
            for doc in docs:
                row = session.get(Document, doc.id)
                if row is not None:
                    session.delete(row)
            session.commit()
        return len(docs)

    def _index(self, pending: Sequence[_Pending], *, tenant: str, access: str, report: IngestReport, progress: bool) -> None:
        if not pending:
            return
        chunked = [(p, chunk_document(p.doc, tenant=tenant)) for p in pending]
        total = sum(len(c) for _, c in chunked)
        bar = None
        if progress and total >= EMBED_BATCH and sys.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(total=total, unit="chunk", desc=f"ingest {tenant}", file=sys.stderr)
        replaced = [p.existing.doc_id for p in pending if p.existing is not None]
        self._store.delete_documents(tenant=tenant, doc_ids=replaced)
        # Chunks of similar length embed together: a batch is padded to its longest text, so mixing a
        # two-line FAQ answer with a full section wastes most of the batch's work.
        ordered = sorted((c for _, chunks in chunked for c in chunks), key=lambda c: len(c.embed_text))
        for start in range(0, len(ordered), EMBED_BATCH):
            batch = ordered[start : start + EMBED_BATCH]
            self._embed_and_store(batch, tenant=tenant, access=access)
            if bar:
                bar.update(len(batch))
        if bar:
            bar.close()
        with Session(self._engine) as session:
            for p, chunks in chunked:
                row = session.get(Document, p.existing.id) if p.existing is not None else None
                if row is None:
                    row = Document(tenant=tenant, source=p.doc.source, doc_id=doc_id_for(tenant=tenant, source=p.doc.source), content_hash=p.digest)
                    report.added += 1
                else:
                    row.version += 1
                    report.updated += 1
                row.content_hash = p.digest
                row.groups = access
                row.title = p.doc.title[:1024]
                row.url = safe_url(p.doc.url)  # loaders check it too: a SourceDoc may come from elsewhere
                row.chunk_count = len(chunks)
                row.updated_at = utcnow()
                session.add(row)
                report.chunks += len(chunks)
            session.commit()

    def _embed_and_store(self, chunks: Sequence[Chunk], *, tenant: str, access: str) -> None:
        dense = self._embedder.embed([c.embed_text for c in chunks])
        # Headings repeat across an article's chunks: each distinct one is embedded once. Headings and
        # leads are short: they go in one call, sorted by length like the chunks (3x faster than in
        # chunk order, as a batch is padded to its longest text).
        short = sorted({text for c in chunks for text in (c.heading_text, c.lead_text)}, key=len)
        vectors = dict(zip(short, self._embedder.embed(short), strict=True))
        title_dense = np.stack([vectors[c.heading_text] for c in chunks])
        lead_dense = np.stack([vectors[c.lead_text] for c in chunks])
        # the sentence windows (`Chunk.sentence_texts`), short too: one call, sorted by length
        windows = sorted({text for c in chunks for text in c.sentence_texts} - vectors.keys(), key=len)
        vectors.update(zip(windows, self._embedder.embed(windows), strict=True))
        none = np.zeros((0, dense.shape[1]), np.float32)
        sentences = [np.stack([vectors[t] for t in c.sentence_texts]) if c.sentence_texts else none for c in chunks]
        self._store.insert(
            tenant=tenant, access=access, chunks=chunks, dense=dense, title_dense=title_dense, lead_dense=lead_dense, sentences=sentences
        )


