"""One error hierarchy; caught at the boundaries (CLI, HTTP handlers, channel edges)."""

from __future__ import annotations


class SupportbotError(Exception):
    """Base of every error this project raises on purpose. Messages are safe to show users."""


class ConfigError(SupportbotError):
    """Missing or invalid configuration; raised at start, never later."""


class DatabaseError(SupportbotError):
    """The database cannot be reached, or its schema is not the one this version needs (raised at start)."""


class InputError(SupportbotError):
    """The user's input is unusable (empty, too long, unsupported)."""


class StoreBusyError(SupportbotError):
    """The embedded Milvus Lite store is held by another process (usually `supportbot serve`)."""


class StoreUnavailableError(SupportbotError):
    """A Milvus endpoint this process does not own does not answer (`serve` waits for it, /readyz 503)."""


class StageError(SupportbotError):
    """A pipeline stage failed; the pipeline apologises and hands off."""


class ModelError(StageError):
    """A model tier could not answer (down, timed out, refused, circuit open, output that never
    checked out). The one model error: bot/engine/models.py raises it, the tier fallback catches it."""


def error_kind(exc: BaseException) -> str:
    """A label for an exception that says what failed, never what it was about: its class, with the
    module it comes from (`pymilvus.exceptions.MilvusException`, `builtins.ZeroDivisionError`)."""
    kind = type(exc)
    return f"{kind.__module__}.{kind.__qualname__}"


def safe_traceback(exc: BaseException) -> str:
    """Where an exception came from (every frame, through its causes) without its message: messages
    of database, store and client errors quote what they were given (SQL parameters, a question), and
    the logs must not hold a customer's words."""
    import traceback

    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = "".join(traceback.format_list(traceback.extract_tb(current.__traceback__)))
        parts.append(f"{error_kind(current)} (message withheld)\n{frames}")
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return "\nwhich was raised while handling\n".join(parts)
