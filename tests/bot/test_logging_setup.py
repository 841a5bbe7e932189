from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app.logging_setup import JsonLinesFormatter, configure_logging


@pytest.fixture
def restore_root() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def record(message: str, *args: object, exc: bool = False, **extra: object) -> logging.LogRecord:
    logger = logging.getLogger("bot.test")
    exc_info = None
    if exc:
        try:
            raise ValueError("boom")
        except ValueError:
            import sys

            exc_info = sys.exc_info()
    return logger.makeRecord(logger.name, logging.WARNING, __file__, 1, message, args, exc_info, extra=extra)


def test_a_json_line_has_time_level_logger_message_and_the_extra_fields() -> None:
    line = JsonLinesFormatter().format(record("ready at %s\nsecond line", "http://x/", tenants=["a", "b"], port=8080))
    assert "\n" not in line
    data = json.loads(line)
    assert data["level"] == "WARNING" and data["logger"] == "bot.test"
    assert data["message"] == "ready at http://x/\nsecond line"
    assert data["tenants"] == ["a", "b"] and data["port"] == 8080
    assert data["time"].endswith("+00:00")
    assert not {"args", "msg", "levelno", "pathname"} & set(data)


def test_an_exception_stays_on_the_line() -> None:
    line = JsonLinesFormatter().format(record("failed", exc=True))
    assert "\n" not in line
    assert "ValueError: boom" in json.loads(line)["exception"]


def test_text_is_the_default_and_json_is_asked_for(restore_root: None, capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(level="INFO")
    logging.getLogger("bot.test").info("plain %d", 1)
    configure_logging(level="INFO", log_format="json")
    logging.getLogger("bot.test").info("structured", extra={"tenant": "acme"})
    plain, structured = capsys.readouterr().err.splitlines()
    assert plain.endswith("INFO bot.test: plain 1")
    assert json.loads(structured)["tenant"] == "acme"
    assert len(logging.getLogger().handlers) == 1


def test_a_start_logs_only_our_line_about_the_schema_not_alembics(restore_root: None, capsys: pytest.CaptureFixture[str],
                                                                 tmp_path: Path) -> None:
    from bot.core.database import open_database

    configure_logging(level="INFO")
    open_database(f"sqlite:///{tmp_path}/a.db").dispose()  # created at head
    open_database(f"sqlite:///{tmp_path}/a.db").dispose()  # opened again: nothing to say
    lines = capsys.readouterr().err.splitlines()
    assert [line for line in lines if "alembic" in line] == []
    assert sum("created the database schema at revision" in line for line in lines) == 1
    configure_logging(level="DEBUG")
    assert logging.getLogger("alembic").getEffectiveLevel() == logging.DEBUG


def test_the_vector_store_logs_no_faiss_build_probing_at_info(restore_root: None, capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(level="INFO")
    probe = logging.getLogger("faiss.loader")
    probe.info("Could not load library with AVX512 support due to: ModuleNotFoundError")
    probe.warning("a real faiss warning")
    err = capsys.readouterr().err
    assert "Could not load library" not in err and "a real faiss warning" in err
