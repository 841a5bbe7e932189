"""Reading one setting's value: the parsers that turn a setting's text into its typed value and the
checks of the addresses (database URL, Milvus URI, the local server's URL). A value they refuse stops
the start with a message naming the setting (bot/core/config.py calls them from `Settings.from_env`).
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.core.config_source import SettingsSource
from bot.core.errors import ConfigError


def prices(value: str | None) -> dict[str, tuple[float, float]]:
    """`{"gpt-4o-mini": [0.00015, 0.0006], ...}`: USD per 1,000 tokens in and out."""
    if not value:
        return {}
    try:
        data = json.loads(value)
        return {str(model): (float(pair[0]), float(pair[1])) for model, pair in data.items()}
    except (ValueError, TypeError, IndexError, AttributeError):
        raise ConfigError('SUPPORTBOT_PRICES must be JSON like {"model": [usd_per_1k_in, usd_per_1k_out]}') from None


# how much worse than the baseline run a figure may get before `supportbot eval --baseline` fails: shares
# of the cases (one case of 50 is 0.02) and the mean local grade (0..1)
DEFAULT_GATE_MARGINS = {"answered_right": 0.02, "answered_directly": 0.02, "answered_wrong": 0.02, "offtopic_answered": 0.02,
                        "handoff_recall": 0.02, "mean_grade": 0.05}


MIN_TOKEN_CHARS = 16  # an admin or metrics token shorter than this is guessable: the start stops


def secret_token(env: SettingsSource, name: str) -> str | None:
    """A bearer token setting (SUPPORTBOT_ADMIN_TOKEN, SUPPORTBOT_METRICS_TOKEN): unset, or at least
    MIN_TOKEN_CHARS characters. The error says its length, never the value (unlike other settings' errors)."""
    value = env.get(name)
    if value is None or len(value) >= MIN_TOKEN_CHARS:
        return value
    raise ConfigError(f"{name} {env.where(name)} must be at least {MIN_TOKEN_CHARS} characters (a long random value, e.g. from "
                      f"`python3 -c 'import secrets; print(secrets.token_urlsafe(32))'`), got {len(value)}")


def share(value: str) -> float:
    share = float(value)
    if not 0 <= share <= 1:
        raise ValueError("must be a share from 0 to 1")
    return share


def gate_margins(value: str) -> dict[str, float]:
    """SUPPORTBOT_GATE_MARGINS: JSON {"answered_right": 0.02, ...}; figures not named keep their default."""
    data = json.loads(value)
    if not isinstance(data, dict) or set(data) - set(DEFAULT_GATE_MARGINS):
        raise ValueError(f"must be a JSON object with some of {', '.join(DEFAULT_GATE_MARGINS)}")
    if not all(isinstance(v, int | float) and 0 <= v <= 1 for v in data.values()):
        raise ValueError("each margin must be a number from 0 to 1")
    return {**DEFAULT_GATE_MARGINS, **{k: float(v) for k, v in data.items()}}


def one_of(value: str, options: tuple[str, ...]) -> str:
    if value not in options:
        raise ValueError(f"must be one of {', '.join(options)}")
    return value


_DRIVERS = {"sqlite": ("pysqlite",), "postgresql": ("psycopg",), "postgres": ("psycopg",)}  # the drivers installed


def local_url(host: str, port: int) -> str:
    """How a process on this machine reaches a `serve` listening on host:port (any address: loopback)."""
    if host in {"", "0.0.0.0", "::", "*"}:
        host = "127.0.0.1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def database_url(env: SettingsSource) -> str | None:
    """SUPPORTBOT_DATABASE_URL, refused at start when it is no URL or names a database or driver that is not
    installed (else a traceback from deep in SQLAlchemy); the message never quotes it, as it holds a password."""
    name, value = "SUPPORTBOT_DATABASE_URL", env.get("SUPPORTBOT_DATABASE_URL")
    if value is None:
        return None
    form = "sqlite:///path/to/file.db or postgresql://user:password@host:5432/db"
    try:
        parsed = make_url(value)
    except (ArgumentError, ValueError):
        raise ConfigError(f"{name} {env.where(name)} is not a database URL: write it as {form}") from None
    backend, _, driver = parsed.drivername.partition("+")  # not get_driver_name(): it loads the dialect ("postgres" has none)
    if backend not in _DRIVERS:
        raise ConfigError(f"{name} {env.where(name)} names a {backend} database; supportbot uses {form}")
    if driver and driver not in _DRIVERS[backend]:
        raise ConfigError(f"{name} {env.where(name)} names the driver {driver}, which is not installed; write it as {form}")
    return value


def milvus_uri(env: SettingsSource) -> str | None:
    """SUPPORTBOT_MILVUS_URI: a server's address must have a host and a port that is a number (a port such as
    `abc` was pymilvus's ValueError traceback at the first search); anything else is a local path."""
    name, value = "SUPPORTBOT_MILVUS_URI", env.get("SUPPORTBOT_MILVUS_URI")
    if value is None or not value.startswith(("http://", "https://", "tcp://")):
        return value
    try:
        parts = urlsplit(value)
        hostname = parts.hostname
        parts.port  # noqa: B018 - a port that is no number (or above 65535) raises here
    except ValueError:
        hostname = None
    if not hostname:
        raise env.bad(name, "must be a server's address such as http://host:19530, or a local path")
    return value
