"""`supportbot ingest --remove PATH...`: take documents out of a tenant's knowledge base, here or through
a running server (as an ingest goes: bot/app/cli/ingest.py)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from bot.app.cli.common import admin_call, open_services
from bot.core.config import Settings

if TYPE_CHECKING:
    from knowledge.ingest import RemoveReport

SHOWN = 20  # removed sources listed one a line; beyond, a count


def remove_documents(settings: Settings, *, names: Sequence[str], tenant: str) -> None:
    """Remove, say what went and what matched nothing (with the closest names), exit 1 when nothing went."""
    from bot.core.errors import StoreBusyError

    try:
        # no redactor, no sample, no model: nothing is answered, added or embedded; the store and the document
        # table are what count (loading the embedding model took seconds, here and before going to the server)
        services = open_services(sample=False, redact=False, join_serve=not settings.admin_token, models=False)
    except StoreBusyError:
        if not settings.admin_token:
            raise
        report, where = _remove_through_server(settings, names=names, tenant=tenant), " (through the server)"
    else:
        try:
            report, where = services.ingestor.remove(list(names), tenant=tenant), ""
        finally:
            services.close()
    _say(report, tenant=tenant, where=where, sample_comes_back=settings.load_sample_kb and tenant == "default")
    if not report.removed:
        sys.exit(1)


def _say(report: RemoveReport, *, tenant: str, where: str, sample_comes_back: bool) -> None:
    for name, near in report.missing:
        hint = f" (did you mean {' or '.join(near)}?)" if near else ""
        click.echo(f"not in {tenant}'s knowledge base: {name}{hint}", err=True)
    for source in report.removed[:SHOWN]:
        click.echo(f"removed {source}")
    more = f" ({len(report.removed) - SHOWN} more not listed)" if len(report.removed) > SHOWN else ""
    click.echo(f"{tenant}{where}: {len(report.removed)} removed{more}, {len(report.missing)} not found")
    if sample_comes_back and any(source.startswith("sample_kb/") for source in report.removed):
        # the sample help center is ingested at every start of `serve` while it is on
        click.echo("note: the sample help center's documents come back at the next start of `serve`; "
                   "set SUPPORTBOT_SAMPLE_KB=false to keep them out", err=True)


def _remove_through_server(settings: Settings, *, names: Sequence[str], tenant: str) -> RemoveReport:
    """The running server holds the store: ask it (POST /api/v1/admin/remove)."""
    from knowledge.ingest import RemoveReport

    body = admin_call(settings, "/api/v1/admin/remove", data=json.dumps({"tenant": tenant, "sources": list(names)}).encode(),
                      content_type="application/json", timeout=600, work="removal")
    return RemoveReport(removed=list(body["removed"]), missing=[(m["name"], list(m["near"])) for m in body["missing"]])
