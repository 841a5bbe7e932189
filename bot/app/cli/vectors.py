"""`supportbot vectors serve`: Milvus Lite as a standalone local endpoint that several processes share.

Milvus Lite lets one process open a store. Run this once per machine and every `supportbot serve`,
`ask`, `ingest` and `eval` on the same data dir finds it (it advertises itself beside the store,
knowledge/milvus_endpoint.py); processes elsewhere set `SUPPORTBOT_MILVUS_URI=http://host:port`.
For development and tests: in production, a Milvus server (2.5+, for BM25) takes its place.
"""

from __future__ import annotations

import os
import sys
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
    from knowledge.milvus_endpoint import STORE_BUSY, advertised, port_in_use, serve

    with_one_blas_thread()
    settings = load_settings(default_level="INFO")
    if not settings.milvus_is_local:
        raise ConfigError(f"SUPPORTBOT_MILVUS_URI names a server ({settings.milvus_uri}); `vectors serve` serves a local store")
    store = Path(settings.milvus_uri)
    if (live := advertised(store)) is not None:
        # told before "serving ...": the store's lock was found only once Milvus Lite started, after that line
        raise StoreBusyError(f"the knowledge store {store} is served already, at {live.uri} by process {live.pid} "
                             f"({'`supportbot vectors serve`' if live.owner == 'standalone' else '`supportbot serve`'}): "
                             "every command on this data dir uses it; stop that process first to serve the store here")
    if port_in_use(host, port):
        raise ConfigError(f"port {port} on {host} is in use by another process: choose another with --port")
    click.echo(f"serving {store} at http://{host}:{port} ({_for_others(host, port)})", err=True)
    if serve(store=store, host=host, port=port) == STORE_BUSY:
        raise StoreBusyError(f"the knowledge store {store} is in use by another process (`supportbot serve`?): stop it first")


def _for_others(host: str, port: int) -> str:
    """How processes elsewhere reach this server: it said `SUPPORTBOT_MILVUS_URI=http://127.0.0.1:19530` for
    "other hosts", an address that on another host is that host itself, while it listened on loopback only."""
    import ipaddress

    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:  # a host name: others may reach it by that name
        return f"other hosts: SUPPORTBOT_MILVUS_URI=http://{host}:{port}"
    if address.is_loopback:
        return "this machine only: `--host 0.0.0.0` to serve other hosts"
    if address.is_unspecified:
        return f"other hosts: SUPPORTBOT_MILVUS_URI=http://<this host's name or address>:{port}"
    return f"other hosts: SUPPORTBOT_MILVUS_URI=http://{host}:{port}"


def with_one_blas_thread() -> None:
    """Run on as this same process (same pid, same arguments) with one BLAS thread, as the Milvus Lite
    child of `serve` runs (knowledge/milvus_endpoint.py ONE_BLAS_THREAD: OpenBLAS's idle threads spin
    between the searches' matrix products). numpy is loaded by now and OpenBLAS reads its threads at
    load, hence the exec; a thread count the operator set is kept."""
    from knowledge.milvus_endpoint import ONE_BLAS_THREAD

    missing = {name: value for name, value in ONE_BLAS_THREAD.items() if name not in os.environ}
    # after the exec none is missing: it happens once; and only for this command's own command line
    # (never in a process that called the command in-process, such as a test's CliRunner)
    if missing and {"vectors", "serve"} <= set(sys.argv[1:]):
        os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], {**os.environ, **missing})
