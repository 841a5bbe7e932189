"""What every `supportbot` command shares: user errors as one clear line, no traceback; the settings,
the services (`open_services`) and the asker's identity (`identity_of`)."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from bot.core.config import Settings
from bot.core.errors import SupportbotError

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


def open_services(*, sample: bool | None = None, redact: bool = True, join_serve: bool = True, models: bool = True) -> Any:
    """The composition root's services, started, for a command that works on the knowledge base or answers.
    `models=False`: no model loaded, for one that embeds and answers nothing (and `sample=False`)."""
    from bot.app.composition import build_services
    from knowledge.milvus_endpoint import Owner

    settings = load_settings()
    services = build_services(settings, redact=redact)
    # while `serve` runs, its store process is used (knowledge/milvus_endpoint.py), unless told not to
    services.store.join_owners = (Owner.STANDALONE, Owner.SERVE) if join_serve else (Owner.STANDALONE,)
    services.start(sample=sample, models=models)
    return services


def groups_of(value: str | None) -> tuple[str, ...]:
    return tuple(g.strip() for g in (value or "").split(",") if g.strip())


def identity_of(*, tenant: str, user: str | None, groups: str | None) -> Any:
    """Who asks from the command line; `groups` comma-separated."""
    from bot.engine.pipeline import Identity

    return Identity(tenant=tenant, user=user, groups=groups_of(groups), channel="cli")


def admin_call(settings: Settings, path: str, *, data: bytes, content_type: str, timeout: float, work: str) -> Any:
    """POST `data` to the running server's admin API (`path`, with the admin token) and return its JSON: for
    the work a `serve` holding the store must do (ingest, remove). Refused: the server's reason; unreachable:
    `StoreBusyError`, the store being held by a process that did not take the work."""
    import json
    import urllib.error
    import urllib.request

    from bot.core.errors import StoreBusyError

    request = urllib.request.Request(
        settings.server_url.rstrip("/") + path, data=data, method="POST",
        headers={"Authorization": f"Bearer {settings.admin_token}", "Content-Type": content_type},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace")[:500]
        raise click.ClickException(f"the server refused the {work} ({exc.code}): {detail}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise StoreBusyError(f"the store is held by another process and the server at {settings.server_url} did not take the work ({exc})") from None
