"""The one place that reads the environment: process settings, and the tenants file through
bot/core/tenants.py.

Everything else receives a `Settings` (or a `TenantConfig`) as an argument. Names are part of the
external contract (DESIGN.md, "Settings").
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.core.errors import ConfigError
from bot.core.config_source import SettingsSource
from bot.core.tiers import Tier
# the tenants file's records and reader (bot/core/tenants.py); re-exported here, where callers always found them
from bot.core.tenants import TENANT_KEYS as TENANT_KEYS, Rollout as Rollout, TenantConfig, Thresholds as Thresholds
from bot.core.tenants import DEFAULT_TENANT as DEFAULT_TENANT, load_tenants

DEFAULT_EMBEDDING_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
DEFAULT_SPACY_MODEL = "en_core_web_sm"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_TELEGRAM_API_URL = "https://api.telegram.org/bot"
DEFAULT_MAX_QUESTION_CHARS = 2000
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
# seconds a request may take to send its body before the server gives up on it (a stalled upload
# would otherwise hold a connection, and its memory, for as long as the client likes)
DEFAULT_BODY_TIMEOUT = 30.0
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("text", "json")
DEFAULT_TOKEN_TTL_HOURS = 24 * 30


@dataclass(frozen=True, slots=True)
class Rate:
    """At most `limit` calls in any `window` seconds."""

    limit: int
    window: float = 60.0


@dataclass(frozen=True, slots=True)
class ClientLimits:
    """Per client address and per widget key (bot/app/limits.py); SUPPORTBOT_LIMIT_<NAME> per minute
    (the anonymous budget per hour). An office behind one NAT address is many visitors, hence the
    room above what one person types."""

    conversations_per_address: Rate = Rate(20)
    messages_per_address: Rate = Rate(60)
    feedback_per_address: Rate = Rate(30)
    handoffs_per_address: Rate = Rate(5)
    conversations_per_widget_key: Rate = Rate(1200)
    messages_per_widget_key: Rate = Rate(6000)
    feedback_per_widget_key: Rate = Rate(1200)
    handoffs_per_widget_key: Rate = Rate(60)
    # messages of conversations without a signed visitor (no per-user budget applies to them)
    anonymous_messages: Rate = Rate(200, 3600.0)


def _client_limits(get: Any) -> ClientLimits:
    changes: dict[str, Rate] = {}
    for item in fields(ClientLimits):
        name = f"SUPPORTBOT_LIMIT_{item.name.upper()}"
        value = get(name)
        if value is None:
            continue
        try:
            limit = int(value)
        except ValueError:
            raise ConfigError(f"{name} must be a whole number of calls, got {value!r}") from None
        if limit < 1:
            raise ConfigError(f"{name} must be at least 1, got {value!r}")
        changes[item.name] = Rate(limit, item.default.window)  # type: ignore[union-attr]
    return ClientLimits(**changes)


def _prices(value: str | None) -> dict[str, tuple[float, float]]:
    """`{"gpt-4o-mini": [0.00015, 0.0006], ...}`: USD per 1,000 tokens in and out."""
    if not value:
        return {}
    try:
        data = json.loads(value)
        return {str(model): (float(pair[0]), float(pair[1])) for model, pair in data.items()}
    except (ValueError, TypeError, IndexError, AttributeError):
        raise ConfigError('SUPPORTBOT_PRICES must be JSON like {"model": [usd_per_1k_in, usd_per_1k_out]}') from None


def _positive_float(value: str | None, name: str, default: float) -> float:
    if value is None or value == "":
        return default
    try:
        number = float(value)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {value!r}") from None
    if number <= 0:
        raise ConfigError(f"{name} must be positive, got {value!r}")
    return number


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path
    database_url: str
    milvus_uri: str
    tenants: Mapping[str, TenantConfig]
    admin_token: str | None = None
    embedding_model: str = DEFAULT_EMBEDDING_MODEL
    spacy_model: str = DEFAULT_SPACY_MODEL
    ollama_host: str | None = None
    local_model: str | None = None
    openai_base_url: str | None = None
    openai_api_key: str | None = None
    remote_model: str | None = None
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    handoff_channel: str | None = None
    telegram_bot_token: str | None = None
    telegram_webhook_secret: str | None = None
    telegram_api_url: str = DEFAULT_TELEGRAM_API_URL
    rate_limit_per_minute: float = 60.0  # sustained messages per conversation (bursts of 8 allowed)
    model_timeout: float = 30.0  # seconds for one model call before the next tier takes over
    # model -> (USD per 1,000 tokens in, USD per 1,000 tokens out); SUPPORTBOT_PRICES as JSON
    prices: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    telegram_polling: bool = False  # long polling instead of the webhook (local use, no public URL)
    # ONNX threads per embedding call: None = all cores (one question at a time: CLI, ingest);
    # `serve` uses 1, as concurrent questions already keep the cores busy (two threads each contended)
    embed_threads: int | None = None
    milvus_process: bool = True  # `serve` runs a local Milvus Lite store in a child process (knowledge/milvus_child.py)
    secret_key: str | None = None
    vault_ttl_hours: float = 24 * 30  # how long a conversation's redacted originals are kept
    max_question_chars: int = DEFAULT_MAX_QUESTION_CHARS
    load_sample_kb: bool = True
    # where a running `supportbot serve` listens, for CLI work it must do (Milvus Lite is single-process)
    server_url: str = "http://127.0.0.1:8080"
    # the only folder whose files `POST /api/v1/admin/ingest` may read by path (else uploads only)
    ingest_root: Path | None = None
    # where `serve` listens unless --host/--port say otherwise
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    log_level: str | None = None  # None: INFO under `serve`, WARNING for other commands
    log_format: str = "text"  # or "json": one JSON object per line (bot/app/logging_setup.py)
    body_timeout: float = DEFAULT_BODY_TIMEOUT
    # test hook: seconds to wait before processing each message (widens a crash window on purpose)
    processing_delay: float = 0.0
    limits: ClientLimits = field(default_factory=ClientLimits)
    # behind a reverse proxy: count limits against the address it saw (the last X-Forwarded-For entry)
    trust_forwarded_for: bool = False
    # conversation tokens expire this long after issue; earlier secret keys still verify (rotation)
    token_ttl_hours: float = DEFAULT_TOKEN_TTL_HOURS
    old_secret_keys: tuple[str, ...] = ()
    # may a start (serve, any command) upgrade the database schema? Default: yes on SQLite (one machine's
    # data dir, first run just works), no elsewhere (the operator runs `supportbot db upgrade`, the release step)
    database_upgrade: bool = True
    # operations (issue #18): the release gate's margins (bot/engine/release_gate.py); the judge model
    gate_margins: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_GATE_MARGINS))
    judge_model: str | None = None
    judge_tier: Tier = Tier.REMOTE  # whose client the judge goes through: local (Ollama) or remote (OpenAI-compatible)
    # rollout (bot/engine/rollout.py): step a tenant back to shadow when, over the window, this share of answers
    # is marked not helpful or this share of messages ends in an error (from `rollback_min_answers` on)
    rollback_window_seconds: float = 3600.0
    rollback_min_answers: int = 20
    rollback_not_helpful: float = 0.3
    rollback_error_rate: float = 0.1
    # ... or this share of the answers graded in the window (SUPPORTBOT_GRADE_SAMPLE) is graded low: the
    # local grade's relevance under `rollback_low_relevance`, the grader's right/wrong cut-off chosen on the
    # TUNE split by bench/bench_grading.py (0.35; REPORT kappa 0.55 against the labels). Not the judge's
    # grades: how far a judge agrees depends on the model configured (Gemma 3 270M: kappa 0, bench_judge.py).
    # With the grader's TUNE rates (14 of 117 right answers graded low, 62 of 96 wrong ones), 0.3 graded
    # low is about a third of the answers wrong.
    rollback_low_grades: float = 0.3
    rollback_low_relevance: float = 0.35
    rollback_check_seconds: float = 10.0  # how often one process checks a tenant (after its messages)
    grade_sample: float = 0.1  # the share of live answers graded in the background (bot/engine/online_grading.py)

    def tenant(self, name: str) -> TenantConfig:
        try:
            return self.tenants[name]
        except KeyError:
            known = ", ".join(sorted(self.tenants))
            raise ConfigError(f"unknown tenant {name!r} (known: {known})") from None

    @property
    def milvus_is_local(self) -> bool:
        return not self.milvus_uri.startswith(("http://", "https://", "tcp://"))

    def with_overrides(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = SettingsSource.load(dict(os.environ if environ is None else environ))
        get = env.get

        data_dir = Path(get("SUPPORTBOT_DATA_DIR") or "./data").resolve()
        tenants_file = get("SUPPORTBOT_TENANTS_FILE")
        host, port = get("SUPPORTBOT_HOST") or DEFAULT_HOST, env.whole("SUPPORTBOT_PORT", DEFAULT_PORT, high=65535)

        def share(name: str, default: float) -> float:  # 0 is a share too: not `or default`
            value = env.typed(name, _share)
            return default if value is None else value

        settings = cls(
            data_dir=data_dir,
            database_url=(database_url := _database_url(env) or f"sqlite:///{data_dir / 'supportbot.db'}"),
            database_upgrade=env.flag("SUPPORTBOT_DATABASE_UPGRADE", database_url.startswith("sqlite")),
            milvus_uri=_milvus_uri(env) or str(data_dir / "milvus.db"),
            tenants=load_tenants(Path(tenants_file) if tenants_file else None),
            admin_token=get("SUPPORTBOT_ADMIN_TOKEN"),
            embedding_model=get("SUPPORTBOT_EMBEDDING_MODEL") or DEFAULT_EMBEDDING_MODEL,
            spacy_model=get("SUPPORTBOT_SPACY_MODEL") or DEFAULT_SPACY_MODEL,
            ollama_host=get("OLLAMA_HOST"),
            local_model=get("SUPPORTBOT_LOCAL_MODEL"),
            openai_base_url=get("OPENAI_BASE_URL"),
            openai_api_key=get("OPENAI_API_KEY"),
            remote_model=get("SUPPORTBOT_REMOTE_MODEL"),
            slack_bot_token=get("SLACK_BOT_TOKEN"),
            slack_signing_secret=get("SLACK_SIGNING_SECRET"),
            slack_app_token=get("SLACK_APP_TOKEN"),
            slack_api_url=get("SUPPORTBOT_SLACK_API_URL") or DEFAULT_SLACK_API_URL,
            handoff_channel=get("SUPPORTBOT_HANDOFF_CHANNEL"),
            telegram_bot_token=get("TELEGRAM_BOT_TOKEN"),
            telegram_webhook_secret=get("TELEGRAM_WEBHOOK_SECRET"),
            rate_limit_per_minute=env.number("SUPPORTBOT_RATE_LIMIT_PER_MINUTE", 60.0),
            prices=env.typed("SUPPORTBOT_PRICES", _prices) or {},
            model_timeout=env.number("SUPPORTBOT_MODEL_TIMEOUT", 30.0),
            telegram_polling=env.flag("SUPPORTBOT_TELEGRAM_POLLING", False),
            milvus_process=env.flag("SUPPORTBOT_MILVUS_PROCESS", True),
            embed_threads=env.whole("SUPPORTBOT_EMBED_THREADS", 0) or None,
            telegram_api_url=get("SUPPORTBOT_TELEGRAM_API_URL") or DEFAULT_TELEGRAM_API_URL,
            secret_key=get("SUPPORTBOT_SECRET_KEY"),
            vault_ttl_hours=env.number("SUPPORTBOT_VAULT_TTL_HOURS", 24 * 30),
            max_question_chars=env.whole("SUPPORTBOT_MAX_QUESTION_CHARS", DEFAULT_MAX_QUESTION_CHARS),
            load_sample_kb=env.flag("SUPPORTBOT_SAMPLE_KB", True),
            # where this machine's `serve` listens unless told otherwise: a CLI started with the
            # settings `serve` got (SUPPORTBOT_PORT=9000) finds it
            server_url=get("SUPPORTBOT_SERVER_URL") or _local_url(host, port),
            ingest_root=Path(root).resolve() if (root := get("SUPPORTBOT_INGEST_ROOT")) else None,
            host=host,
            port=port,
            log_level=env.typed("SUPPORTBOT_LOG_LEVEL", lambda v: _one_of(v.upper(), LOG_LEVELS)),
            log_format=env.typed("SUPPORTBOT_LOG_FORMAT", lambda v: _one_of(v.lower(), LOG_FORMATS)) or "text",
            body_timeout=env.number("SUPPORTBOT_BODY_TIMEOUT", DEFAULT_BODY_TIMEOUT),
            processing_delay=env.number("SUPPORTBOT_PROCESSING_DELAY", 0.0, zero=True),
            limits=_client_limits(get),
            trust_forwarded_for=env.flag("SUPPORTBOT_TRUST_FORWARDED_FOR", False),
            token_ttl_hours=env.number("SUPPORTBOT_TOKEN_TTL_HOURS", DEFAULT_TOKEN_TTL_HOURS),
            gate_margins=env.typed("SUPPORTBOT_GATE_MARGINS", _gate_margins) or dict(DEFAULT_GATE_MARGINS),
            judge_model=get("SUPPORTBOT_JUDGE_MODEL"),
            rollback_window_seconds=env.number("SUPPORTBOT_ROLLBACK_WINDOW_SECONDS", 3600.0),
            rollback_min_answers=env.whole("SUPPORTBOT_ROLLBACK_MIN_ANSWERS", 20),
            rollback_not_helpful=env.number("SUPPORTBOT_ROLLBACK_NOT_HELPFUL", 0.3),
            rollback_error_rate=env.number("SUPPORTBOT_ROLLBACK_ERROR_RATE", 0.1),
            rollback_low_grades=share("SUPPORTBOT_ROLLBACK_LOW_GRADES", 0.3),
            rollback_low_relevance=share("SUPPORTBOT_ROLLBACK_LOW_RELEVANCE", 0.35),
            grade_sample=share("SUPPORTBOT_GRADE_SAMPLE", 0.1),
            rollback_check_seconds=env.number("SUPPORTBOT_ROLLBACK_CHECK_SECONDS", 10.0, zero=True),
            judge_tier=Tier(env.typed("SUPPORTBOT_JUDGE_TIER", lambda v: _one_of(v.lower(), (Tier.LOCAL, Tier.REMOTE))) or Tier.REMOTE),
            old_secret_keys=tuple(k.strip() for k in (get("SUPPORTBOT_OLD_SECRET_KEYS") or "").split(",") if k.strip()),
        )
        env.refuse_unknown_file_keys()
        return settings


# how much worse than the baseline run a figure may get before `supportbot eval --baseline` fails: shares
# of the cases (one case of 50 is 0.02) and the mean local grade (0..1)
DEFAULT_GATE_MARGINS = {"answered_right": 0.02, "answered_wrong": 0.02, "offtopic_answered": 0.02, "handoff_recall": 0.02,
                        "mean_grade": 0.05}


def _local_url(host: str, port: int) -> str:
    """How a process on this machine reaches a `serve` listening on host:port (any address: loopback)."""
    if host in {"", "0.0.0.0", "::", "*"}:
        host = "127.0.0.1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _share(value: str) -> float:
    share = float(value)
    if not 0 <= share <= 1:
        raise ValueError("must be a share from 0 to 1")
    return share


def _gate_margins(value: str) -> dict[str, float]:
    """SUPPORTBOT_GATE_MARGINS: JSON {"answered_right": 0.02, ...}; figures not named keep their default."""
    data = json.loads(value)
    if not isinstance(data, dict) or set(data) - set(DEFAULT_GATE_MARGINS):
        raise ValueError(f"must be a JSON object with some of {', '.join(DEFAULT_GATE_MARGINS)}")
    if not all(isinstance(v, int | float) and 0 <= v <= 1 for v in data.values()):
        raise ValueError("each margin must be a number from 0 to 1")
    return {**DEFAULT_GATE_MARGINS, **{k: float(v) for k, v in data.items()}}


def _one_of(value: str, options: tuple[str, ...]) -> str:
    if value not in options:
        raise ValueError(f"must be one of {', '.join(options)}")
    return value


def load_secret(settings: Settings) -> bytes:
    if settings.secret_key:
        return settings.secret_key.encode()
    path = settings.data_dir / "secret.key"
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_text(secrets.token_hex(32))
            path.chmod(0o600)
        return path.read_text().strip().encode()
    except OSError as exc:
        raise ConfigError(f"cannot keep the token secret in {path}: {exc}; set SUPPORTBOT_SECRET_KEY") from None


_DRIVERS = {"sqlite": ("pysqlite",), "postgresql": ("psycopg",), "postgres": ("psycopg",)}  # the drivers installed


def _database_url(env: SettingsSource) -> str | None:
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


def _milvus_uri(env: SettingsSource) -> str | None:
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
