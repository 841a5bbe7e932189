"""The one place that reads the environment: process settings, and the tenants file through
bot/core/tenants.py.

Everything else receives a `Settings` (or a `TenantConfig`) as an argument. Names are part of the
external contract (DESIGN.md, "Settings"). One value's parsing and checks are in bot/core/config_values.py,
the per-client limits (`ClientLimits`) in bot/core/client_limits.py.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bot.core import config_values
from bot.core.client_limits import ClientLimits, client_limits
from bot.core.config_values import DEFAULT_GATE_MARGINS
from bot.core.errors import ConfigError
from bot.core.live_tenants import LiveTenants
from bot.core.config_source import SettingsSource
from bot.core.tiers import Tier
# the tenants file's records and reader (bot/core/tenants.py) and its keys (bot/core/tenant_keys.py);
# re-exported here, where callers always found them
from bot.core.tenant_keys import TENANT_KEYS as TENANT_KEYS
from bot.core.tenants import Rollout as Rollout, TenantConfig, Thresholds as Thresholds
from bot.core.tenants import DEFAULT_TENANT as DEFAULT_TENANT, load_tenants

DEFAULT_EMBEDDING_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
DEFAULT_SPACY_MODEL = "en_core_web_sm"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_TELEGRAM_API_URL = "https://api.telegram.org/bot"
DEFAULT_MAX_QUESTION_CHARS = 2000
# the longest customer message passed to staff while people own the conversation (a pasted log, a long
# story: a person reads it, no search or model does); split for Slack's thread when Slack refuses it whole
HANDOFF_MAX_CHARS = 12_000
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
# seconds a request may take to send its body before the server gives up on it (a stalled upload
# would otherwise hold a connection, and its memory, for as long as the client likes)
DEFAULT_BODY_TIMEOUT = 30.0
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("text", "json")
DEFAULT_TOKEN_TTL_HOURS = 24 * 30


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path
    database_url: str
    milvus_uri: str
    tenants: Mapping[str, TenantConfig]
    tenants_file: Path | None = None  # where `tenants` was read (its `include`s are relative to it)
    admin_token: str | None = None
    metrics_token: str | None = None  # set: /metrics wants it as a bearer token (Prometheus `authorization`)
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
    # ONNX threads per embedding call: None = one, and a long list (an ingest's batch) spread over every
    # core, a call per core (knowledge/embedding.py PARALLEL_FROM); `serve` uses 1 as well
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
    # where the embedding model's files are assembled (re-quantized once, knowledge/embedding.py); None: the data dir's
    # `models` folder. Several data dirs (processes, test runs) may share one: its files are written whole or not at all
    model_cache: Path | None = None
    # ingest keeps the knowledge base's text vectors in the model cache and embeds only texts it has not
    # seen (knowledge/vector_cache.py); never a customer's question
    embed_cache: bool = True
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
    database_pool: int | None = None  # PostgreSQL connections a process keeps open (None: bot/core/connections.py's default)
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
            value = env.typed(name, config_values.share)
            return default if value is None else value

        settings = cls(
            data_dir=data_dir,
            database_url=(database_url := config_values.database_url(env) or f"sqlite:///{data_dir / 'supportbot.db'}"),
            database_upgrade=env.flag("SUPPORTBOT_DATABASE_UPGRADE", database_url.startswith("sqlite")),
            database_pool=env.whole("SUPPORTBOT_DATABASE_POOL", 0, high=1000) or None,
            milvus_uri=config_values.milvus_uri(env) or str(data_dir / "milvus.db"),
            # the file is read again when it changes: thresholds and the other per-message settings apply without a restart
            tenants=LiveTenants(Path(tenants_file)) if tenants_file else load_tenants(None),
            tenants_file=Path(tenants_file).resolve() if tenants_file else None,
            admin_token=config_values.secret_token(env, "SUPPORTBOT_ADMIN_TOKEN"),
            metrics_token=config_values.secret_token(env, "SUPPORTBOT_METRICS_TOKEN"),
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
            prices=env.typed("SUPPORTBOT_PRICES", config_values.prices) or {},
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
            server_url=get("SUPPORTBOT_SERVER_URL") or config_values.local_url(host, port),
            ingest_root=Path(root).resolve() if (root := get("SUPPORTBOT_INGEST_ROOT")) else None,
            model_cache=Path(cache).resolve() if (cache := get("SUPPORTBOT_MODEL_CACHE")) else None,
            embed_cache=env.flag("SUPPORTBOT_EMBED_CACHE", True),
            host=host,
            port=port,
            log_level=env.typed("SUPPORTBOT_LOG_LEVEL", lambda v: config_values.one_of(v.upper(), LOG_LEVELS)),
            log_format=env.typed("SUPPORTBOT_LOG_FORMAT", lambda v: config_values.one_of(v.lower(), LOG_FORMATS)) or "text",
            body_timeout=env.number("SUPPORTBOT_BODY_TIMEOUT", DEFAULT_BODY_TIMEOUT),
            processing_delay=env.number("SUPPORTBOT_PROCESSING_DELAY", 0.0, zero=True),
            limits=client_limits(get),
            trust_forwarded_for=env.flag("SUPPORTBOT_TRUST_FORWARDED_FOR", False),
            token_ttl_hours=env.number("SUPPORTBOT_TOKEN_TTL_HOURS", DEFAULT_TOKEN_TTL_HOURS),
            gate_margins=env.typed("SUPPORTBOT_GATE_MARGINS", config_values.gate_margins) or dict(DEFAULT_GATE_MARGINS),
            judge_model=get("SUPPORTBOT_JUDGE_MODEL"),
            rollback_window_seconds=env.number("SUPPORTBOT_ROLLBACK_WINDOW_SECONDS", 3600.0),
            rollback_min_answers=env.whole("SUPPORTBOT_ROLLBACK_MIN_ANSWERS", 20),
            rollback_not_helpful=env.number("SUPPORTBOT_ROLLBACK_NOT_HELPFUL", 0.3),
            rollback_error_rate=env.number("SUPPORTBOT_ROLLBACK_ERROR_RATE", 0.1),
            rollback_low_grades=share("SUPPORTBOT_ROLLBACK_LOW_GRADES", 0.3),
            rollback_low_relevance=share("SUPPORTBOT_ROLLBACK_LOW_RELEVANCE", 0.35),
            grade_sample=share("SUPPORTBOT_GRADE_SAMPLE", 0.1),
            rollback_check_seconds=env.number("SUPPORTBOT_ROLLBACK_CHECK_SECONDS", 10.0, zero=True),
            judge_tier=Tier(env.typed("SUPPORTBOT_JUDGE_TIER", lambda v: config_values.one_of(v.lower(), (Tier.LOCAL, Tier.REMOTE))) or Tier.REMOTE),
            old_secret_keys=tuple(k.strip() for k in (get("SUPPORTBOT_OLD_SECRET_KEYS") or "").split(",") if k.strip()),
        )
        env.refuse_unknown_file_keys()
        return settings


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
