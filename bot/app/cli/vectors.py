"""`supportbot vectors serve`: Milvus Lite as a standalone local endpoint that several processes share.

Milvus Lite lets one process open a store. Run this once per machine and every `supportbot serve`,
`ask`, `ingest` and `eval` on the same data dir finds it (it advertises itself beside the store,
knowledge/milvus_endpoint.py); processes elsewhere set `SUPPORTBOT_MILVUS_URI=http://host:port`.
For development and tests: in production, a Milvus server (2.5+, for BM25) takes its place.
"""

from __future__ import annotations

from pathlib import Path

import click

from bot.app.cli.common import friendly, load_settings
from bot.core.errors import ConfigError, StoreBusyError


@click.group()
def vectors() -> None:
    """The vector store: run Milvus Lite as a shared local endpoint."""


@vectors.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on")
@click.option("--port", default=19530, show_default=True, type=click.IntRange(1, 65535))
@friendly
def serve_vectors(host: str, port: int) -> None:
    """Serve the data dir's Milvus Lite store over gRPC until stopped (Ctrl-C, SIGTERM)."""
    from knowledge.milvus_endpoint import STORE_BUSY, port_in_use, serve

    settings = load_settings(default_level="INFO")
    if not settings.milvus_is_local:
        raise ConfigError(f"SUPPORTBOT_MILVUS_URI names a server ({settings.milvus_uri}); `vectors serve` serves a local store")
    store = Path(settings.milvus_uri)
    if port_in_use(host, port):
        raise ConfigError(f"port {port} on {host} is in use by another process: choose another with --port")
    click.echo(f"serving {store} at http://{host}:{port} (other hosts: SUPPORTBOT_MILVUS_URI=http://{host}:{port})", err=True)
    if serve(store=store, host=host, port=port) == STORE_BUSY:
        raise StoreBusyError(f"the knowledge store {store} is in use by another process (`supportbot serve`?): stop it first")
