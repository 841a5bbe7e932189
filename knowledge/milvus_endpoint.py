"""One Milvus endpoint that several processes share: advertised next to the store, or run standalone.

Milvus Lite lets one process open a store folder. Whoever runs it as a gRPC server (the child of
`supportbot serve`, knowledge/milvus_child.py, or `supportbot vectors serve`) writes the address it
listens on to `<store>.endpoint`, beside the store; another process that finds the store locked reads
that file and talks to the same server over the network, through the same `MilvusClient` code path
as a Milvus server named by `SUPPORTBOT_MILVUS_URI=http://host:19530`. That is how `supportbot ask`,
`ingest` and `eval` work while `serve` runs.

Two owners, and who may use each: a standalone server (`vectors serve`) serves everyone, `serve`
processes included; a `serve`'s child serves CLI commands only (it dies with its `serve`, which must
not take another server's store with it).

`python -m knowledge.milvus_endpoint DATA_DIR HOST PORT` is the standalone server (the CLI starts it).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from knowledge import lite_patches

logger = logging.getLogger(__name__)


# Milvus Lite computes distances with numpy: for a batch of questions that is a matrix product, and
# a multi-threaded OpenBLAS spins its idle threads between calls. One thread halved the child's CPU
# per message under load (5.5 -> 2.4 ms, bench/bench_http.py with batched searches), and cut `vectors
# serve`'s from 3.6 to 1.8-2.1 ms (bench/bench_scale.py's load, 2026-12-05). Read by OpenBLAS when
# numpy loads: a process must have it in its environment from the start.
ONE_BLAS_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


class Owner(StrEnum):
    STANDALONE = "standalone"  # `supportbot vectors serve`: for every process
    SERVE = "serve"  # the child of one `supportbot serve`: for CLI commands only


@dataclass(frozen=True, slots=True)
class Endpoint:
    uri: str
    pid: int
    owner: Owner


def endpoint_file(store: Path) -> Path:
    return store.with_name(store.name + ".endpoint")


def advertise(store: Path, *, uri: str, pid: int, owner: Owner) -> None:
    """Written whole or not at all (rename): a reader never sees half a file."""
    path = endpoint_file(store)
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    scratch.write_text(json.dumps({"uri": uri, "pid": pid, "owner": owner.value}))
    scratch.replace(path)


def withdraw(store: Path, *, pid: int) -> None:
    """Remove the advertisement if it is still this server's (a newer one is left alone)."""
    path = endpoint_file(store)
    found = _read(path)
    if found is not None and found.pid == pid:
        path.unlink(missing_ok=True)


def advertised(store: Path, *, owners: tuple[Owner, ...] = (Owner.STANDALONE, Owner.SERVE)) -> Endpoint | None:
    """The live server advertised for `store`, if any: its process exists and its port answers (a
    server killed without cleaning up leaves a file that is ignored)."""
    found = _read(endpoint_file(store))
    if found is None or found.owner not in owners or not _alive(found.pid):
        return None
    host, _, port = found.uri.removeprefix("http://").rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=0.5):
            return found
    except (OSError, ValueError):
        return None


def _read(path: Path) -> Endpoint | None:
    try:
        data = json.loads(path.read_text())
        return Endpoint(uri=str(data["uri"]), pid=int(data["pid"]), owner=Owner(data["owner"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


# the standalone server ---------------------------------------------------------------------------
def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt  # run_server drains calls and closes the store on KeyboardInterrupt


def _advertise_when_listening(store: Path, *, uri: str, owner: Owner) -> None:
    import threading
    import time

    host, _, port = uri.removeprefix("http://").rpartition(":")

    def wait_then_advertise() -> None:
        for _ in range(1200):
            try:
                with socket.create_connection((host, int(port)), timeout=0.5):
                    advertise(store, uri=uri, pid=os.getpid(), owner=owner)
                    logger.info("Milvus Lite serves %s at %s", store, uri)
                    return
            except OSError:
                time.sleep(0.1)

    threading.Thread(target=wait_then_advertise, name="advertise", daemon=True).start()


STORE_BUSY = 75  # the store is held by another process


def port_in_use(host: str, port: int) -> bool:
    """Whether another socket listens on host:port. gRPC binds with SO_REUSEPORT, so it would share the
    port of another gRPC server (another store's `vectors serve`) without an error and split its clients
    between the two stores; a plain bind (SO_REUSEADDR only) is refused by any listener."""
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError:
        return False  # an unknown host is gRPC's to report
    for family, kind, proto, _name, address in infos:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError:
                return True
    return False


def serve(*, store: Path, host: str, port: int) -> int:
    """Run Milvus Lite's gRPC server on `store` in this process until SIGTERM or Ctrl-C; STORE_BUSY when
    the store is held by another process. The caller checks `port_in_use` first (gRPC would share the port)."""
    from milvus_lite.adapter.grpc.server import run_server
    from milvus_lite.exceptions import DataDirLockedError

    logging.getLogger("grpc._server").setLevel(logging.CRITICAL)  # see MilvusStore.open
    lite_patches.install()
    signal.signal(signal.SIGTERM, _interrupt)
    store.parent.mkdir(parents=True, exist_ok=True)
    # clients on this machine connect over loopback even when the server listens on every address
    shown_host = "127.0.0.1" if host in {"0.0.0.0", "::", ""} else host
    # advertised once it listens: a server that finds the store locked must not replace the live one's file
    _advertise_when_listening(store, uri=f"http://{shown_host}:{port}", owner=Owner.STANDALONE)
    try:
        run_server(data_dir=str(store), host=host, port=port)
    except DataDirLockedError as exc:
        logger.error("%s", exc)
        return STORE_BUSY
    except KeyboardInterrupt:
        pass
    finally:
        withdraw(store, pid=os.getpid())
    return 0


if __name__ == "__main__":
    import sys

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    raise SystemExit(serve(store=Path(sys.argv[1]), host=sys.argv[2], port=int(sys.argv[3])))
