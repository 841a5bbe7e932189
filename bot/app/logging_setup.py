"""How the process logs: plain text for people (the default), or JSON lines for a log pipeline.

`SUPPORTBOT_LOG_FORMAT=json` writes one JSON object per line: `time` (ISO 8601, UTC), `level`,
`logger`, `message`, then every extra field a call passed (`logger.info("...", extra={"tenant": t})`),
and `exception` with the formatted traceback when there is one.

The formatter is the standard library's with a small subclass rather than python-json-logger: four
fixed fields plus the record's extras is all we need, this stays a dozen lines with no dependency to
follow through its renames (v3 moved `pythonjsonlogger.jsonlogger`), and the extras are told from
the record's own attributes the same way that library does.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# every attribute a LogRecord has before `extra` adds its own
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


class JsonLinesFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                data[key] = value
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            data["exception"] = record.exc_text
        if record.stack_info:
            data["stack"] = self.formatStack(record.stack_info)
        # one line whatever the message holds: json.dumps escapes newlines; default=str for odd extras
        return json.dumps(data, ensure_ascii=False, default=str)


def configure_logging(*, level: str, log_format: str = "text") -> None:
    """Replace the root logger's handlers with one on stderr in the chosen format."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLinesFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # Alembic says "Context impl SQLiteImpl." and "Will assume non-transactional DDL." at every start;
    # ours says what changed ("upgraded the database schema from 0018 to 0019"). Its lines at DEBUG only.
    logging.getLogger("alembic").setLevel(logging.DEBUG if root.getEffectiveLevel() <= logging.DEBUG else logging.WARNING)
    # pypdf warns about a broken file ("invalid pdf header", "EOF marker not found") before ingest's own
    # one line names the file and why it was skipped (knowledge/loaders.py): its lines at DEBUG only.
    logging.getLogger("pypdf").setLevel(logging.DEBUG if root.getEffectiveLevel() <= logging.DEBUG else logging.ERROR)
    # faiss (under Milvus Lite: `vectors serve`, the store's child process) logs at INFO each CPU build it tries,
    # "Could not load library with AVX512 support due to: ModuleNotFoundError(...)", read as a failure by an
    # operator, before it loads the one that fits: its lines at DEBUG only, its warnings kept
    logging.getLogger("faiss").setLevel(logging.DEBUG if root.getEffectiveLevel() <= logging.DEBUG else logging.WARNING)
    logging.captureWarnings(True)  # Python warnings as records in the same format, not raw stderr lines
