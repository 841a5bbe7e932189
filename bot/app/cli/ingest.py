"""`supportbot ingest`: load files into a tenant's knowledge base, here or through a running server."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from bot.app.cli.common import (
    admin_call,
    friendly,
    groups_of,
    load_settings,
    open_services,
)
from bot.app.cli.remove import remove_documents
from bot.core.config import Settings


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--tenant", required=True, help="tenant whose knowledge base receives the files")
@click.option("--groups", default=None, help="access groups, comma-separated (default: public)")
@click.option("--prune", is_flag=True, help="remove documents whose files vanished from PATHS")
@click.option("--remove", is_flag=True,
              help="take the documents named by PATHS out instead (paths as given to ingest, folders, FAQ rows as FILE#ID); no file is read")
@click.option("--question-column", default="question", show_default=True)
@click.option("--answer-column", default="answer", show_default=True)
@click.option("--id-column", default="id", show_default=True)
@click.option("--url-column", default="url", show_default=True)
@friendly
def ingest(paths: tuple[str, ...], tenant: str, groups: str | None, prune: bool, remove: bool, question_column: str,
           answer_column: str, id_column: str, url_column: str) -> None:
    """Ingest Markdown, HTML, text, PDF files and FAQ tables (CSV/JSONL); with --remove, take documents out."""
    from bot.core.errors import StoreBusyError
    from knowledge.loaders import FaqColumns

    settings = load_settings()
    settings.tenant(tenant)
    if remove:
        if prune or groups is not None:
            raise click.UsageError("--remove takes documents out by name: --prune and --groups do not go with it")
        remove_documents(settings, names=paths, tenant=tenant)
        return
    if not prune and not any(os.path.exists(given) for given in paths):
        # a mistyped folder: said at once, as typed ("/srv/kb", not the source "srv/kb" it would have named),
        # not after the models loaded and the store opened; with --prune a vanished folder is what is meant
        for given in paths:
            click.echo(f"skipped {given}: no such file or directory", err=True)
        click.echo(f"{tenant}: nothing ingested", err=True)
        sys.exit(1)
    try:
        # with the admin token, files go to the running server (it refreshes at once); without, through its store
        services = open_services(join_serve=not settings.admin_token)
    except StoreBusyError:
        if not settings.admin_token:
            raise
        columns = {"question_column": question_column, "answer_column": answer_column, "id_column": id_column, "url_column": url_column}
        _ingest_through_server(settings, paths=paths, tenant=tenant, groups=groups_of(groups), prune=prune, columns=columns)
        return
    report = services.ingestor.ingest(
        list(paths), tenant=tenant, groups=groups_of(groups), prune=prune, progress=True,
        columns=FaqColumns(question=question_column, answer=answer_column, id=id_column, url=url_column),
        on_skip=lambda name, reason: click.echo(f"skipped {name}: {reason}", err=True),
    )
    if report.added or report.updated or report.removed:
        _measure_for_the_next_start(services, tenant)
    services.close()
    _echo_duplicates(report.duplicates)
    click.echo(
        f"{tenant}: {report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
        f"{report.removed} removed, {len(report.skipped)} skipped; {report.chunks} chunks in {report.seconds:.1f}s"
    )
    # nothing taken (a mistyped path, only unsupported files, an empty folder) is a failure for scripts; a
    # prune that dropped vanished files did something, as through the server (below)
    _exit_when_nothing_taken(paths, taken=report.added + report.updated + report.unchanged + report.removed,
                             skipped=len(report.skipped), prune=prune)


def _measure_for_the_next_start(services: Any, tenant: str) -> None:
    """The tenant's terms, words and levels measured now and kept in the data dir (knowledge/kept_measures.py),
    as a server measures them after its own ingest: else the next `serve` measures them again (at 100,000
    chunks a tenant's first question waited 11-60 s for that). Not when a running `serve` holds the store:
    it notices the ingest (bot/engine/knowledge_watch.py) and measures with its own models."""
    from knowledge.milvus_endpoint import Owner, advertised

    if advertised(Path(services.store.uri), owners=(Owner.SERVE,)) is not None:
        return
    try:
        services.after_ingest(tenant)
    except Exception as exc:  # noqa: BLE001 - the next start measures instead: the ingest itself is done
        click.echo(f"{tenant}: its knowledge base was not measured for the next start ({type(exc).__name__})", err=True)


def _ingest_through_server(settings: Settings, *, paths: tuple[str, ...], tenant: str, groups: tuple[str, ...], prune: bool,
                           columns: dict[str, str] | None = None) -> None:
    """The running server holds the store: upload the files to it (it reads no paths of its own).

    Each file goes under its path as given (`kb/billing.md`), which becomes its `source`, as when
    ingesting locally; files of types ingest doesn't read are reported here and not sent.
    """
    fields, files, skipped = _upload_plan(paths, tenant=tenant, groups=groups, prune=prune, columns=columns or {})
    for name, reason in skipped:
        click.echo(f"skipped {name}: {reason}", err=True)
    body, content_type = _multipart(fields, files)
    report = admin_call(settings, "/api/v1/admin/ingest", data=body, content_type=content_type, timeout=3600, work="ingest")
    for item in report["skipped"]:
        click.echo(f"skipped {item['path']}: {item['reason']}", err=True)
    _echo_duplicates([(item["path"], item["same_as"]) for item in report.get("duplicates", [])])
    click.echo(
        f"{tenant} (through the server): {report['added']} added, {report['updated']} updated, {report['unchanged']} unchanged, "
        f"{report['removed']} removed, {len(report['skipped']) + len(skipped)} skipped; {report['chunks']} chunks in {report['seconds']:.1f}s"
    )
    # as a local ingest: nothing taken (a mistyped path, only unsupported files, an empty folder) is a failure for scripts
    _exit_when_nothing_taken(paths, taken=report["added"] + report["updated"] + report["unchanged"] + report["removed"],
                             skipped=len(report["skipped"]) + len(skipped), prune=prune)


def _exit_when_nothing_taken(paths: tuple[str, ...], *, taken: int, skipped: int, prune: bool) -> None:
    """Exit 1 when the ingest took nothing: files skipped (each said why) and none taken, or no file at all
    under the paths (an empty folder, or the wrong one: "0 added ... 0 skipped" and exit 0 read as done).
    A prune with nothing left to ingest is no failure: emptying a folder and pruning is how it is cleared."""
    if taken:
        return
    if not skipped and not prune:
        click.echo(f"nothing to ingest: no files in {', '.join(paths)} (hidden files are left out)", err=True)
    if skipped or not prune:
        sys.exit(1)


def _echo_duplicates(duplicates: list[tuple[str, str]]) -> None:
    """A document's `source` is its path as given, so the same folder ingested from another working
    directory (`kb/faq.md`, then `/srv/kb/faq.md`) added every article again under a new name: the
    customer's answer then cited both, and eval cases name only one. Said, with the fix."""
    if not duplicates:
        return
    shown = "; ".join(f"{new} = {old}" for new, old in duplicates[:5]) + (f"; and {len(duplicates) - 5} more" if len(duplicates) > 5 else "")
    click.echo(f"warning: {len(duplicates)} document(s) added with the same text as one ingested before under another source "
               f"(the same files given by another path?): {shown}. A source is the path as given to ingest: ingest from "
               "where you did before. To take these copies out, run this ingest again with --prune from a folder where "
               "the paths you gave do not exist (a prune drops the documents whose files are gone)", err=True)


def _upload_plan(paths: tuple[str, ...], *, tenant: str, groups: tuple[str, ...], prune: bool,
                 columns: dict[str, str]) -> tuple[list[tuple[str, str]], list[tuple[str, Path]], list[tuple[str, str]]]:
    """The form fields, the files (name as given, local path) and what is skipped here, as the
    ingester walks folders (knowledge/ingest.py): hidden files left out, other types reported."""
    from knowledge.loaders import TEXT_SUFFIXES

    fields = [("tenant", tenant), ("groups", ",".join(groups)), ("prune", "true" if prune else "false"), *columns.items()]
    files: list[tuple[str, Path]] = []
    skipped: list[tuple[str, str]] = []
    for given in paths:
        root, shown = Path(given), os.path.normpath(given)
        fields.append(("path", shown))  # a path that doesn't exist is reported by the server, like any other
        if root.is_file():
            files.append((shown, root))
        elif root.is_dir():
            for file in sorted(p for p in root.rglob("*") if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)):
                name = os.path.join(shown, str(file.relative_to(root)))
                if file.suffix.lower() in TEXT_SUFFIXES:
                    files.append((name, file))
                else:
                    skipped.append((name, f"unsupported file type {file.suffix or '(none)'}"))
    return fields, files, skipped


def _multipart(fields: list[tuple[str, str]], files: list[tuple[str, Path]]) -> tuple[bytes, str]:
    """A multipart/form-data body (the standard library has no encoder): text fields, then the files."""
    import uuid
    from urllib.parse import quote

    boundary = uuid.uuid4().hex
    out = bytearray()
    for name, value in fields:
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value.encode() + b"\r\n"
    for name, path in files:
        # RFC 7578/5987: a name with any character is carried percent-encoded in filename*
        disposition = f"form-data; name=\"file\"; filename*=utf-8''{quote(name, safe='')}"
        out += f"--{boundary}\r\nContent-Disposition: {disposition}\r\nContent-Type: application/octet-stream\r\n\r\n".encode()
        out += path.read_bytes() + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"
