"""`supportbot serve` and `supportbot vectors serve` as a user starts them (a real process on the
embedded defaults): a bad setting named, a data dir or store another process holds, and how other
hosts reach the vector store."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest

from tests.bot.cli_steps import (
    SUPPORTBOT,
    pytestmark,  # noqa: F401 (skipped without the console script)
    run,
)
from tests.databases import database_env


def test_serve_with_a_short_admin_token_stops_and_names_the_setting(data_dir: Path) -> None:
    out = run(["serve", "--port", "9801"], data_dir=data_dir, SUPPORTBOT_ADMIN_TOKEN="letmein")
    assert out.returncode != 0 and "Traceback" not in out.stderr
    assert "SUPPORTBOT_ADMIN_TOKEN in the environment must be at least 16 characters" in out.stderr and "letmein" not in out.stderr


def test_vectors_serve_on_a_store_another_process_serves_says_so_before_announcing_anything(tmp_path: Path) -> None:
    """`vectors serve` while `serve` ran on the data dir printed "serving <store> at http://..." and Milvus
    Lite's loading logs, then an ERROR and that the store was in use: it read as serving, then failing."""
    from knowledge.milvus_endpoint import Owner, advertise

    data_dir = tmp_path / "data"
    with socket.socket() as live:  # the store's server as `serve` advertises it: a live process, a port that answers
        live.bind(("127.0.0.1", 0))
        live.listen()
        uri = f"http://127.0.0.1:{live.getsockname()[1]}"
        advertise(data_dir / "milvus.db", uri=uri, pid=os.getpid(), owner=Owner.SERVE)
        out = run(["vectors", "serve", "--port", "1"], data_dir=data_dir)
    assert out.returncode != 0
    assert "serving" not in out.stderr and "Traceback" not in out.stderr and "ERROR" not in out.stderr, out.stderr
    assert f"is served already, at {uri} by process {os.getpid()} (`supportbot serve`)" in out.stderr


def test_a_second_serve_on_a_data_dir_another_serve_holds_stops_at_once_naming_it(tmp_path: Path) -> None:
    """`serve` started twice on one data dir (the README's first run, in a second shell): the second retried
    the store's lock for two minutes with /readyz 503 and "store": "ok", then logged a traceback and stayed up
    answering 503. The first one's Milvus Lite process advertises the store (`milvus.db.endpoint`)."""
    from knowledge.milvus_endpoint import Owner, advertise

    data_dir = tmp_path / "data"
    with socket.socket() as live:
        live.bind(("127.0.0.1", 0))
        live.listen()
        uri = f"http://127.0.0.1:{live.getsockname()[1]}"
        advertise(data_dir / "milvus.db", uri=uri, pid=os.getpid(), owner=Owner.SERVE)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        out = subprocess.run([str(SUPPORTBOT), "serve", "--port", str(port)], capture_output=True, text=True, timeout=60, check=False,
                             env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2]), "SUPPORTBOT_DATA_DIR": str(data_dir),
                                  **database_env(data_dir)})
    assert out.returncode != 0
    assert f"is held by another `supportbot serve` (its Milvus Lite process {os.getpid()} at {uri})" in out.stderr, out.stderr[-2000:]
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize(("host", "said"), [("127.0.0.1", "this machine only: `--host 0.0.0.0` to serve other hosts"),
                                            ("0.0.0.0", "other hosts: SUPPORTBOT_MILVUS_URI=http://<this host's name or address>:")])
def test_vectors_serve_tells_how_other_hosts_reach_it_only_when_they_can(tmp_path: Path, host: str, said: str) -> None:
    """On loopback it said "other hosts: SUPPORTBOT_MILVUS_URI=http://127.0.0.1:PORT": on another host that
    address is the host itself, and nothing there listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environ = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2]), "SUPPORTBOT_DATA_DIR": str(tmp_path / "data")}
    environ.pop("SUPPORTBOT_MILVUS_URI", None)
    process = subprocess.Popen([str(SUPPORTBOT), "vectors", "serve", "--host", host, "--port", str(port)], env=environ,
                               stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        assert process.stderr is not None
        first = process.stderr.readline()
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert first.startswith("serving ") and said in first and "http://127.0.0.1" not in first.split("(", 1)[1], first
