"""Shared fixtures: the whole bot in-process on the embedded defaults, in a temporary data dir.

Loading models and opening Milvus Lite takes seconds, so `core` is built once per test session
(the sample knowledge base ingested for `default`); tests that need their own stores use
`make_services`.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bot.app.app_keys import READY  # noqa: E402
from bot.app.composition import Services, build_services  # noqa: E402
from bot.app.web import build_app  # noqa: E402
from bot.core.config import Settings  # noqa: E402
from tests.databases import POSTGRES, database_env  # noqa: E402
from tests.fakes.loopback import started  # noqa: E402
from tests.fakes.model_servers import FakeOllama, FakeOpenAI  # noqa: E402

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def make_settings(data_dir: Path, **env: str) -> Settings:
    """Settings for a data dir; on PostgreSQL (SUPPORTBOT_TEST_DATABASE) with the data dir's own database."""
    if "SUPPORTBOT_DATABASE_URL" not in env:
        env = {**database_env(data_dir), **env}
    if "SUPPORTBOT_MODEL_CACHE" in os.environ:  # the run's one model cache (`pytest_configure`), unless a test names its own
        env = {"SUPPORTBOT_MODEL_CACHE": os.environ["SUPPORTBOT_MODEL_CACHE"], **env}
    return Settings.from_env({"SUPPORTBOT_DATA_DIR": str(data_dir), **env})



@asynccontextmanager
async def running_app(settings: Settings, *, timeout: float = 120, **options: Any) -> AsyncIterator[TestClient]:
    """The whole app on `settings` (and `build_app`'s `options`), started as `serve` starts it, ready
    (models loaded, help center ingested) before the block runs; leaving the block stops it, as a
    restart does."""
    app = build_app(settings, **options)
    async with TestClient(TestServer(app)) as client:
        await asyncio.wait_for(app[READY].wait(), timeout=timeout)
        yield client


def pytest_configure(config: pytest.Config) -> None:
    """One model cache for the whole run (SUPPORTBOT_MODEL_CACHE): re-quantizing the embedding model into
    each test's fresh data dir cost every test that starts the product ~4-8 s. Made by the controlling
    process, so parallel workers (pytest-xdist), and the servers tests start, inherit it."""
    if "SUPPORTBOT_MODEL_CACHE" not in os.environ and not hasattr(config, "workerinput"):
        os.environ["SUPPORTBOT_MODEL_CACHE"] = tempfile.mkdtemp(prefix="supportbot-test-models-")
        config.stash[_MADE_CACHE] = os.environ["SUPPORTBOT_MODEL_CACHE"]


def pytest_unconfigure(config: pytest.Config) -> None:
    if (made := config.stash.get(_MADE_CACHE, None)) is not None:
        shutil.rmtree(made, ignore_errors=True)


_MADE_CACHE = pytest.StashKey[str]()


def pytest_report_header() -> str:
    return f"database: {'PostgreSQL (a database per data dir)' if POSTGRES is not None else 'SQLite'}"


def pytest_sessionfinish() -> None:
    if POSTGRES is not None:
        POSTGRES.drop_all()


@pytest.fixture(scope="module")
async def servers() -> AsyncIterator[tuple[FakeOllama, FakeOpenAI]]:
    """Loopback servers speaking Ollama's and OpenAI's HTTP APIs, one pair per test module."""
    async with started(FakeOllama(), FakeOpenAI()) as pair:
        yield pair  # type: ignore[misc]


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared test data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def core(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """The product on its embedded defaults with the sample knowledge base, as after install."""
    services = build_services(make_settings(tmp_path_factory.mktemp("core")))
    services.start()
    yield services
    services.close()


@pytest.fixture
def make_services(tmp_path: Path) -> Iterator[Callable[..., Services]]:
    """Fresh services in this test's own data dir; env overrides as keyword arguments."""
    made: list[Services] = []

    def factory(*, sample: bool = False, start: bool = True, **env: str) -> Services:
        data_dir = tmp_path / f"data{len(made)}"
        env.setdefault("SUPPORTBOT_SAMPLE_KB", "1" if sample else "0")
        services = build_services(make_settings(data_dir, **env))
        if start:
            services.start()
        made.append(services)
        return services

    yield factory
    for services in made:
        services.close()
