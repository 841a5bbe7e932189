"""The CLI tests' data dir (tests/bot/test_cli*.py): one per module, shared by that module's tests
that need no data dir of their own."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli-data")
