"""`POST /api/v1/admin/ingest`: ingest through the running server (which holds the store).

Two ways in, neither of which lets a request read an arbitrary file of the server:
- **uploads** (`multipart/form-data`): `file` parts whose file names are the paths as given to
  `supportbot ingest` (`kb/billing.md`), plus text fields `tenant`, `groups` (comma-separated),
  `prune`, `path` (each path as given: what `prune` compares against; default: each file) and the
  FAQ column names (`question_column`, ...). The files are written to a temporary folder under
  those names (`..`, leading `/` and drive letters dropped) and ingested from there, so each
  document's `source` is the name as given and no server path shows in citations.
- **paths on the server** (JSON `{"paths": [...], "tenant": ..., "groups": [...], "prune": bool}`):
  only when SUPPORTBOT_INGEST_ROOT is set, only under that folder (relative paths are taken from
  it; symbolic links leading out are not followed), and `source` is the path relative to it.
Anything else is a 400 (413 for uploads over MAX_UPLOAD_BYTES), never a 500.

`POST /api/v1/admin/remove` takes documents out again (`handle_remove`).
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from aiohttp import BodyPartReader, web
from aiohttp.http_exceptions import HttpProcessingError

from bot.core.errors import ConfigError
from bot.app.composition import Services
from knowledge.ingest import IngestReport, source_name
from knowledge.loaders import FaqColumns

MAX_UPLOAD_BYTES = 256 * 1024 * 1024
MAX_FILES = 20_000
_COLUMNS = {"question_column": "question", "answer_column": "answer", "id_column": "id", "url_column": "url"}
# what aiohttp's multipart reader raises on a broken body (RuntimeError: a bad boundary), and OSError
# for a name the file system refuses
_BROKEN = (ValueError, RuntimeError, AssertionError, OSError, HttpProcessingError)


class IngestRequestError(Exception):
    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _error(message: str, status: int = 400) -> web.Response:
    return web.json_response({"error": message}, status=status)


async def handle_ingest(request: web.Request, services: Services) -> web.Response:
    try:
        if request.content_type == "multipart/form-data":
            folder = Path(tempfile.mkdtemp(prefix="supportbot-upload-"))
            try:
                job = await _read_upload(request, folder)
                report = await _run(services, job, display_base=folder, within=folder)
            finally:
                await asyncio.to_thread(shutil.rmtree, folder, True)
        else:
            root = services.settings.ingest_root
            job = await _read_paths(request, root)
            assert root is not None
            report = await _run(services, job, display_base=root, within=root)
    except IngestRequestError as exc:
        return _error(str(exc), exc.status)
    return web.json_response(
        {"added": report.added, "updated": report.updated, "unchanged": report.unchanged, "removed": report.removed,
         "chunks": report.chunks, "skipped": [{"path": p, "reason": r} for p, r in report.skipped], "seconds": round(report.seconds, 2),
         "duplicates": [{"path": p, "same_as": twin} for p, twin in report.duplicates]}
    )


async def handle_remove(request: web.Request, services: Services) -> web.Response:
    """`POST /api/v1/admin/remove`, JSON `{"tenant": ..., "sources": [...]}`: take documents out of the
    tenant's knowledge base by the names ingest gave them (a file's path as given, a folder's, a FAQ table's
    or one row's, `kb/faq.csv#faq-010`; knowledge/ingest.py `Ingestor.remove`). What `supportbot ingest
    --remove` sends while the server holds the store. Answers the sources removed and the names that matched
    none (with the closest sources, for a typo); the other processes notice within seconds, as after an ingest."""
    try:
        body = await request.json()
    except (ValueError, RecursionError):
        body = None
    if not isinstance(body, dict):
        return _error('expected JSON {"tenant": ..., "sources": [...]}')
    tenant, names = body.get("tenant"), body.get("sources")
    if not isinstance(tenant, str) or not tenant:
        return _error('"tenant" must be a tenant name')
    if not isinstance(names, list) or not names or not all(isinstance(n, str) and n and "\x00" not in n for n in names):
        return _error('"sources" must be a non-empty list of document names (paths as given to ingest)')
    if len(names) > MAX_FILES:
        return _error(f"at most {MAX_FILES} names per request")
    try:
        services.settings.tenant(tenant)
    except ConfigError as exc:
        return _error(str(exc))
    report = await asyncio.to_thread(services.ingestor.remove, names, tenant=tenant)
    if report.removed:
        await asyncio.to_thread(services.after_ingest, tenant)
    return web.json_response({"removed": report.removed, "missing": [{"name": n, "near": near} for n, near in report.missing]})


@dataclass(frozen=True, slots=True)
class _Job:
    paths: Sequence[Path]
    tenant: str
    groups: Sequence[str]
    prune: bool
    columns: FaqColumns


async def _run(services: Services, job: _Job, *, display_base: Path, within: Path) -> IngestReport:
    try:
        services.settings.tenant(job.tenant)
    except ConfigError as exc:
        raise IngestRequestError(str(exc)) from None
    report = await asyncio.to_thread(
        services.ingestor.ingest, list(job.paths), tenant=job.tenant, groups=list(job.groups), prune=job.prune,
        columns=job.columns, display_base=display_base, within=within,
    )
    await asyncio.to_thread(services.after_ingest, job.tenant)  # cached words, terms and levels measured again
    return report


async def _read_paths(request: web.Request, root: Path | None) -> _Job:
    if root is None:
        raise IngestRequestError("this server reads no paths of its own: upload the files (multipart/form-data), "
                                 "or set SUPPORTBOT_INGEST_ROOT to a folder it may read")
    try:
        body = await request.json()
    except (ValueError, RecursionError):
        raise IngestRequestError('expected JSON {"paths": [...], "tenant": ...}') from None
    if not isinstance(body, dict):
        raise IngestRequestError('expected JSON {"paths": [...], "tenant": ...}')
    paths, tenant, groups, prune = body.get("paths"), body.get("tenant"), body.get("groups") or [], body.get("prune", False)
    if not isinstance(paths, list) or not paths or not all(isinstance(p, str) and p and "\x00" not in p for p in paths):
        raise IngestRequestError('"paths" must be a non-empty list of paths')
    if not isinstance(tenant, str) or not tenant:
        raise IngestRequestError('"tenant" must be a tenant name')
    if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
        raise IngestRequestError('"groups" must be a list of access group names')
    if not isinstance(prune, bool):
        raise IngestRequestError('"prune" must be true or false')
    columns = {k: body.get(k, v) for k, v in _COLUMNS.items()}
    if not all(isinstance(v, str) and v for v in columns.values()):
        raise IngestRequestError("column names must be non-empty strings")
    resolved = []
    for given in paths:
        path = (root / given).resolve()  # an absolute `given` replaces root; `..` and links are resolved
        if not path.is_relative_to(root):
            raise IngestRequestError(f"{given!r} is not under the folder this server may ingest from")
        resolved.append(path)
    return _Job(paths=resolved, tenant=tenant, groups=groups, prune=prune, columns=_faq_columns(columns))


def _faq_columns(columns: dict[str, str]) -> FaqColumns:
    return FaqColumns(question=columns["question_column"], answer=columns["answer_column"], id=columns["id_column"], url=columns["url_column"])


async def _read_upload(request: web.Request, folder: Path) -> _Job:
    try:
        reader = await request.multipart()
    except _BROKEN:
        raise IngestRequestError("malformed multipart body") from None
    fields: dict[str, list[str]] = {}
    names: list[str] = []
    total = 0
    try:
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                raise IngestRequestError("nested multipart bodies are not taken")
            if part.name == "file":
                given = part.filename or ""
                if "filename*" not in part.headers.get("Content-Disposition", ""):
                    given = unquote(given)  # aiohttp's and browsers' clients percent-encode a plain filename
                name = source_name(given)
                if name is None:
                    raise IngestRequestError("every file needs a file name (the path as given to ingest)")
                if len(names) >= MAX_FILES:
                    raise IngestRequestError(f"at most {MAX_FILES} files per request")
                target = folder / name
                if target.exists() or any(p.is_file() for p in target.parents if p != folder and p.is_relative_to(folder)):
                    raise IngestRequestError(f"{name!r} was sent twice, or also as a folder")
                target.parent.mkdir(parents=True, exist_ok=True)
                with target.open("wb") as out:
                    while chunk := await part.read_chunk(1 << 16):
                        total += len(chunk)
                        if total > MAX_UPLOAD_BYTES:
                            raise IngestRequestError(f"uploads are limited to {MAX_UPLOAD_BYTES // (1024 * 1024)} MB per request", status=413)
                        out.write(chunk)
                names.append(name)
            elif part.name:
                value = (await part.read(decode=False)).decode("utf-8", "replace")
                if len(value) > 4096:
                    raise IngestRequestError(f"field {part.name!r} is too long")
                fields.setdefault(part.name, []).append(value)
    except _BROKEN:  # a broken part, or a name the file system refuses
        raise IngestRequestError("malformed multipart body") from None
    tenant = (fields.get("tenant") or [""])[0]
    if not tenant:
        raise IngestRequestError('a "tenant" field is required')
    groups = [g.strip() for value in fields.get("groups", []) for g in value.split(",") if g.strip()]
    prune = (fields.get("prune") or ["false"])[0].lower() in {"1", "true", "yes", "on"}
    roots = [source_name(p) for p in fields.get("path", [])] or names
    if not names and not roots:
        raise IngestRequestError("no files uploaded")
    columns = {k: (fields.get(k) or [v])[0] for k, v in _COLUMNS.items()}
    return _Job(paths=[folder / r for r in dict.fromkeys(r for r in roots if r)], tenant=tenant, groups=groups, prune=prune,
                columns=_faq_columns(columns))

