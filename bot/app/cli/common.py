"""What every `supportbot` command shares: user errors as one clear line, no traceback."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from bot.core.errors import SupportbotError
from bot.core.config import Settings

F = TypeVar("F", bound=Callable[..., Any])


def friendly(func: F) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except SupportbotError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


def load_settings(*, default_level: str = "WARNING") -> Settings:
    """The settings, with logging set up as they say (SUPPORTBOT_LOG_LEVEL, SUPPORTBOT_LOG_FORMAT)."""
    from bot.app.logging_setup import configure_logging

    settings = Settings.from_env()
    configure_logging(level=settings.log_level or default_level, log_format=settings.log_format)
    return settings
