"""Milvus Lite's own gRPC server as a child process of `supportbot serve`.

Milvus Lite 3 is written in Python. Inside the server's process its search code competed with
everything else (HTTP, the database, redaction) for one interpreter lock; in a child it gets a core
of its own (bench/bench_http.py: ~25% more messages per second on two cores). The store on disk is
the same directory either way, so nothing changes for the data.

The child dies with its parent (Linux `PR_SET_PDEATHSIG`), so a killed server never leaves an
orphan holding the store's lock, and SIGTERM shuts it down cleanly (in-flight calls drained, store
closed). A child that can't lock the store because a previous one is still exiting is retried. A
child that dies under a running server (killed, out of memory) is noticed and started again by
`bot.app.operations.watch_store`; `/readyz` answers 503 meanwhile.

Child side: `python -m knowledge.milvus_child PARENT_PID DATA_DIR PORT`.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from bot.core.errors import ConfigError, StoreBusyError
from knowledge import lite_patches
from knowledge.milvus_endpoint import ONE_BLAS_THREAD, Owner, advertise, withdraw

logger = logging.getLogger(__name__)

_LOCKED = 75  # the child's exit status when another process holds the store
# glibc gives each thread that allocates its own arena (up to 8 per core), and an arena keeps what is freed in it:
# the child's gRPC worker threads each allocate the replies and temporaries of the searches and reads they serve.
# Two arenas (the child runs Python, one thread at a time, under its interpreter lock), and blocks of 128 kB or
# more always mapped of their own, so that freeing one gives it back (glibc otherwise raises that threshold to the
# largest block freed, up to 32 MB, and keeps the later ones in its heap); an operator's own settings win. Milvus
# child at 100,000 chunks 562-579 -> 509 MB (the growth history in bench/growth_report.py's docstring, seventh pass).
MALLOC = {"MALLOC_ARENA_MAX": "2", "MALLOC_MMAP_THRESHOLD_": "131072"}


class MilvusChild:
    """Parent side: spawn (cheap, from the main thread), then `wait_ready` where blocking is fine."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = _free_port()
        self.log_path = data_dir.parent / "milvus-lite.log"
        self._process: subprocess.Popen[bytes] | None = None
        self._spawn()

    @property
    def uri(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _spawn(self) -> None:
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            # PR_SET_PDEATHSIG follows the thread that forks: spawn from a thread that lives as long
            # as the server (the main thread), not from a worker thread.
            self._process = subprocess.Popen(
                [sys.executable, "-m", "knowledge.milvus_child", str(os.getpid()), str(self.data_dir), str(self.port)],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, cwd=Path(__file__).resolve().parents[1],
                env={**MALLOC, **os.environ, **ONE_BLAS_THREAD},
            )

    def wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self._process is not None
            status = self._process.poll()
            if status == _LOCKED:
                if time.monotonic() + 1 > deadline:
                    break
                time.sleep(0.5)  # a previous child may still be exiting: its lock goes with it
                self._spawn()
                continue
            if status is not None:
                raise ConfigError(f"the Milvus Lite process exited with status {status}; see {self.log_path}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    pass
            except OSError:
                time.sleep(0.1)
                continue
            # CLI commands (`ask`, `ingest`, `eval`) find the store locked, and this server beside it
            advertise(self.data_dir, uri=self.uri, pid=self._process.pid, owner=Owner.SERVE)
            return
        if self._process is not None and self._process.poll() == _LOCKED:
            raise StoreBusyError(
                f"the knowledge store {self.data_dir} is in use by another process (another `supportbot serve`?). "
                "Milvus Lite allows one process at a time."
            )
        self.stop()
        raise ConfigError(f"the Milvus Lite process did not start within {timeout:.0f} s; see {self.log_path}")

    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def respawn(self) -> None:
        """Start the child again after it died (the store on disk is the same). Call it from the main
        thread, as the first spawn: the new child must die with the server too."""
        if self.alive():
            return
        self._spawn()

    def stop(self, grace: float = 1.5) -> None:
        """SIGTERM (calls in flight drained, store closed), SIGKILL after `grace` seconds: `serve` must
        be gone within 5 s of its own SIGTERM, and the store on disk survives a kill (tests/bot/test_restart.py)."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        withdraw(self.data_dir, pid=process.pid)
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# child side ------------------------------------------------------------------------------------
def _die_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before we asked
        raise SystemExit(1)


def _watch_parent(parent: int) -> None:
    """Where PR_SET_PDEATHSIG doesn't exist (macOS): notice the parent is gone, shut down cleanly."""
    import _thread
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        _thread.interrupt_main()

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt  # run_server drains calls and closes the store on KeyboardInterrupt


def main(argv: list[str]) -> int:
    parent, data_dir, port = int(argv[0]), argv[1], int(argv[2])
    # stderr is the parent's milvus-lite.log
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    _die_with_parent(parent)
    _watch_parent(parent)
    signal.signal(signal.SIGTERM, _interrupt)
    logging.getLogger("grpc._server").setLevel(logging.CRITICAL)  # see MilvusStore.open
    from milvus_lite.adapter.grpc.server import run_server
    from milvus_lite.exceptions import DataDirLockedError

    lite_patches.install()
    try:
        run_server(data_dir=data_dir, host="127.0.0.1", port=port)
    except DataDirLockedError as exc:
        logger.error("%s", exc)
        return _LOCKED
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
