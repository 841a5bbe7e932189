"""Ingest reuses the vectors of knowledge-base texts it embedded before (knowledge/vector_cache.py):
the same help center in a second data dir costs no embedding and finds the same passages; questions are
never kept; a broken cache file costs nothing but the time."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.engine.pipeline import Identity
from bot.engine.services import Services
from knowledge.vector_cache import FILE_NAME

DOCS = {
    "plans.md": "# Plans\n\nThe Starter plan costs 9 euros a month. The Team plan adds shared inboxes and costs 29 euros.\n\n"
                "Read-only users can see every conversation but cannot reply or change settings. Owners can invite them from Settings.",
    "export.md": "# Exporting data\n\nYou can export every conversation as CSV from Settings, Data. Exports over 1 GB arrive by e-mail.",
}
QUESTION = "what can a read only user do?"


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir(exist_ok=True)
    for name, text in DOCS.items():
        (folder / name).write_text(text)
    return folder


def _rows(cache: Path) -> int:
    with sqlite3.connect(cache / FILE_NAME) as conn:
        return int(conn.execute("SELECT count(*) FROM vector").fetchone()[0])


async def _found(services: Services) -> list[tuple[str, float]]:
    result = await services.assistant.ask(QUESTION, identity=Identity(tenant="default", user="u1", channel="test"))
    return [(c.source, round(c.score, 6)) for c in result.citations] + [(result.outcome.value, round(result.confidence, 6))]


async def test_a_second_data_dir_embeds_nothing_the_first_did_and_finds_the_same(
    tmp_path: Path, make_services: Callable[..., Services],
) -> None:
    cache = tmp_path / "models"
    first = make_services(SUPPORTBOT_MODEL_CACHE=str(cache))
    first.ingestor.ingest([_folder(tmp_path)], tenant="default")
    embedded_first = first.ingestor._embedder.embedded  # noqa: SLF001 - the texts that went through the model
    kept = _rows(cache)
    assert embedded_first > 0 and kept == embedded_first  # every text once
    answer_first = await _found(first)
    assert answer_first[0][0].endswith("plans.md")
    assert _rows(cache) == kept  # the question was embedded, not kept

    second = make_services(SUPPORTBOT_MODEL_CACHE=str(cache))
    second.ingestor.ingest([_folder(tmp_path)], tenant="default")
    assert second.ingestor._embedder.embedded == 0  # noqa: SLF001
    assert await _found(second) == answer_first

    without = make_services(SUPPORTBOT_MODEL_CACHE=str(cache), SUPPORTBOT_EMBED_CACHE="0")
    without.ingestor.ingest([_folder(tmp_path)], tenant="default")
    assert await _found(without) == answer_first  # the cached vectors are the model's own


async def test_a_broken_cache_file_is_reported_once_and_ingest_goes_on(
    tmp_path: Path, make_services: Callable[..., Services], caplog: pytest.LogCaptureFixture,
) -> None:
    cache = tmp_path / "models"
    cache.mkdir()
    (cache / FILE_NAME).write_bytes(b"this is not a database" * 100)
    services = make_services(SUPPORTBOT_MODEL_CACHE=str(cache))
    with caplog.at_level(logging.WARNING, logger="knowledge.vector_cache"):
        report = services.ingestor.ingest([_folder(tmp_path)], tenant="default")
    assert report.chunks > 0
    assert len([r for r in caplog.records if "not usable" in r.getMessage()]) == 1
    assert (await _found(services))[0][0].endswith("plans.md")
