"""What the browser tests share: Debian's headless Chromium driven by Playwright (it cannot download
its own browser here), and `supportbot serve` running this checkout's code in a real process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.bot.test_restart import free_port

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install '.[test]')")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


def server_env(**env: str) -> dict[str, str]:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT), **env}


def _listens(pid: int, port: int) -> bool:
    """Whether process `pid` holds the listening socket of `port` (Linux's /proc): a /readyz answered on a port
    free_port() found free can come from another worker's server that took the port meanwhile."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{fields[9]}]")
    try:
        return any(os.readlink(f"/proc/{pid}/fd/{fd}") in inodes for fd in os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return False


def _ready(base: str, process: subprocess.Popen[bytes], port: int, deadline: float) -> bool:
    """Whether `process` itself answers /readyz at `base` (False: it exited, or the deadline passed)."""
    while time.monotonic() <= deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=2) as response:
                if response.status == 200 and _listens(process.pid, port):
                    return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


@contextmanager
def serving(env: dict[str, str], *, port: int | None = None, ready_within: float = 240) -> Iterator[str]:
    """`supportbot serve` with `env` added, until it answers /readyz; yields its base URL."""
    chosen = port
    deadline = time.monotonic() + ready_within
    while True:
        port = chosen or free_port()
        base = f"http://127.0.0.1:{port}"
        process = subprocess.Popen([sys.executable, "-m", "bot.app.cli.main", "serve", "--port", str(port)], cwd=ROOT,
                                   env=server_env(**env), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if _ready(base, process, port, deadline):
            break
        # the port free_port() found was taken meanwhile (another worker's server): ours exited; another port
        if chosen is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the server did not become ready")
    try:
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
