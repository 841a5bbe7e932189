"""Running the `supportbot` console script as a user does, for the CLI tests: a real process on this
tree's code and a data dir of the test's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.databases import database_env

SUPPORTBOT = Path(sys.executable).parent / "supportbot"
# each test_cli*.py imports it as its own `pytestmark`
pytestmark = pytest.mark.skipif(not SUPPORTBOT.exists(), reason="supportbot console script not installed in this environment")


def run(args: list[str], *, data_dir: Path, stdin: str | None = None, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    # the console script imports the checkout it was installed from; PYTHONPATH runs this tree's code
    environ = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2]), "SUPPORTBOT_DATA_DIR": str(data_dir),
               **database_env(data_dir), **env}
    return subprocess.run([str(SUPPORTBOT), *args], input=stdin, capture_output=True, text=True, timeout=300, env=environ, cwd=cwd)
