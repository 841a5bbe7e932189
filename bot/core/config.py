"""The one place that reads the environment: process settings and the tenants file.

Everything else receives a `Settings` (or a `TenantConfig`) as an argument. Names are part of the
external contract (DESIGN.md, "Settings").
"""

from __future__ import annotations

import json
import os
import secrets
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from bot.core.errors import ConfigError
from bot.core.config_source import SettingsSource
from bot.core.config_schema import ROLLOUT_STAGES, check_tenant
from bot.core.pii_kinds import ALL_KINDS

DEFAULT_TENANT = "default"
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


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Confidence-gate thresholds; calibrate them with `supportbot eval --calibrate`. The defaults were
    chosen on the TUNE split of three evaluation knowledge bases (bench/bench_answers.py), holding
    answered-wrong within 0.05 on each of them. Fitted the same way on two, they keep it on the third
    help center (sample, Bitext) but not on a held-out FAQ of near-duplicate questions (COVID-QA:
    0.070; the same script's leave-one-KB-out figures): such a tenant should run
    `supportbot eval --calibrate` on its own cases."""

    # best question/answer cosine below this is "the knowledge base does not cover it"
    min_dense: float = 0.40
    # calibrated probability that the top document is right (policies/confidence.py) needed to answer
    min_confidence: float = 0.825
    # below that: ask which of the documents within `clarify_gap` (ordering score) of the top one the
    # customer means, when the probability that one of them is right reaches `min_choice_confidence`
    min_choice_confidence: float = 0.4
    clarify_gap: float = 0.06
    # similarity to "I want a person" examples minus similarity to ordinary requests
    human_request_margin: float = 0.04
    human_request_min: float = 0.55


@dataclass(frozen=True, slots=True)
class Rollout:
    """`[tenants.x.rollout]`: how far the bot is trusted with this tenant's customers.

    off: people answer everything; shadow: the bot drafts for staff, customers get people; beta: the
    bot answers identities in `beta_groups`; percent: it answers `percent` of conversations; on: all.
    The stage a tenant starts with: `supportbot rollout` and /admin/rollout change it at run time
    (stored in the database, which then wins; bot/engine/rollout.py, policies/rollout.py).
    """

    stage: str = "on"  # one of ROLLOUT_STAGES
    percent: float = 100.0
    beta_groups: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TenantConfig:
    name: str
    thresholds: Thresholds = field(default_factory=Thresholds)
    # extra example phrases that mean "let me talk to a person" for this tenant
    human_request_examples: tuple[str, ...] = ()
    # access groups every identity of this tenant has (documents without groups are "public")
    default_groups: tuple[str, ...] = ("public",)
    # identity -> groups, for identities known in the tenants file
    users: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # channel -> address on it (a Slack channel id, a Telegram chat id) -> the groups of everyone there
    channel_groups: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    # which PII kinds to redact; None = all
    pii_kinds: tuple[str, ...] | None = None
    widget_keys: tuple[str, ...] = ()
    allowed_origins: tuple[str, ...] = ()
    # the bot's own texts (bot/core/texts.py) in this language when a customer's can't be told ("SSO?")
    language: str = "en"
    rollout: Rollout = field(default_factory=Rollout)
    # words redaction never takes for a name or an address (besides the knowledge base's own terms)
    keep_terms: tuple[str, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict)

    def channel_groups_for(self, channel: str, address: str | None) -> tuple[str, ...]:
        """The groups the tenants file gives everyone in one place (a B2B customer's shared Slack channel)."""
        return self.channel_groups.get(channel, {}).get(address or "", ()) if address else ()

    def groups_for(self, user: str | None, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
        groups = set(self.default_groups) | set(extra)
        if user is not None:
            groups |= set(self.users.get(user, ()))
        return tuple(sorted(groups))


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


def _thresholds(data: Mapping[str, Any]) -> Thresholds:
    known = {f.name for f in fields(Thresholds)}
    if not isinstance(data, dict):
        raise ConfigError(f"thresholds must be a table of numbers, not {data!r}")
    unknown = set(data) - known
    if unknown:
        raise ConfigError(f"unknown threshold(s) {sorted(unknown)}; known: {sorted(known)}")
    for key, value in data.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"threshold {key} must be a number, not {value!r}")
    return Thresholds(**{k: float(v) for k, v in data.items()})


# what a [tenants.<name>] table may hold (DESIGN.md, "Settings"; README's sample tenants file): a
# misspelt key would otherwise be ignored and its policy silently not applied. The types of the
# tables' own keys are in bot/core/config_schema.py.
TENANT_KEYS = frozenset({
    "thresholds", "human_request_examples", "default_groups", "users", "pii_kinds", "widget", "slack", "telegram",
    "routing", "budget", "handoff", "rollout", "channel_groups", "language", "privacy",
    "staff",  # web console accounts (handoff/staff_accounts.py checks them)
})
# keys once accepted that never did anything: refused with what to use instead
RETIRED_TENANT_KEYS = {
    "channels": "a tenant's channels are its [tenants.<name>.widget], [tenants.<name>.slack] and [tenants.<name>.telegram] tables",
}
PRIVACY_KEYS = frozenset({"keep_terms"})
GROUP_CHANNELS = frozenset({"slack", "telegram"})  # where an address (channel or chat) is shared by several people
WIDGET_KEYS = frozenset({"keys", "allowed_origins", "jwt_secret", "jwt_public_key"})


def _unknown_keys(data: Mapping[str, Any], known: frozenset[str], where: str) -> None:
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"unknown key(s) {', '.join(map(repr, unknown))} in {where}; known: {', '.join(sorted(known))}")


def _pii_kinds(name: str, value: Any) -> tuple[str, ...] | None:
    """None (the key absent) redacts every kind; a kind we don't detect is an error, not "redact nothing of it"."""
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(k, str) for k in value):
        raise ConfigError(f"tenant {name!r}: pii_kinds must be a list of kind names ({', '.join(sorted(ALL_KINDS))})")
    unknown = sorted(set(value) - ALL_KINDS)
    if unknown:
        raise ConfigError(f"tenant {name!r}: unknown pii_kinds {', '.join(map(repr, unknown))}; known: {', '.join(sorted(ALL_KINDS))}")
    return tuple(value)


def _groups(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(g, str) and g for g in value):
        raise ConfigError(f"{where} must be a list of group names")
    return tuple(value)


def _channel_groups(name: str, data: Any) -> dict[str, dict[str, tuple[str, ...]]]:
    """`[tenants.acme.channel_groups.slack]` `C0SHARED = ["enterprise"]`: everyone writing there has the groups."""
    where = f"[tenants.{name}.channel_groups]"
    if not isinstance(data, dict):
        raise ConfigError(f"{where} must be a table of channels")
    _unknown_keys(data, GROUP_CHANNELS, where)
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for channel, places in data.items():
        if not isinstance(places, dict):
            raise ConfigError(f"{where[:-1]}.{channel}] must map addresses to lists of groups")
        out[channel] = {str(address): _groups(groups, f"{where[:-1]}.{channel}] {address!r}") for address, groups in places.items()}
    return out


def _language(name: str, value: Any) -> str:
    from bot.core.language import LANGUAGES

    if value not in LANGUAGES:
        raise ConfigError(f"tenant {name!r}: language must be one of {', '.join(sorted(LANGUAGES))}, not {value!r}")
    return str(value)


def _rollout(data: Mapping[str, Any]) -> Rollout:
    stage = str(data.get("stage", "on"))
    assert stage in ROLLOUT_STAGES  # checked by check_tenant
    return Rollout(stage=stage, percent=float(data.get("percent", 100.0)), beta_groups=tuple(data.get("beta_groups", ())))


def _keep_terms(name: str, data: Any) -> tuple[str, ...]:
    """`[tenants.X.privacy] keep_terms = ["Paperkite", "Row"]`: each a non-empty string."""
    where = f"[tenants.{name}.privacy]"
    if not isinstance(data, dict):
        raise ConfigError(f"{where} must be a table")
    _unknown_keys(data, PRIVACY_KEYS, where)
    terms = data.get("keep_terms", [])
    if not isinstance(terms, list):
        raise ConfigError(f"{where} keep_terms must be a list of strings, not {type(terms).__name__}")
    for i, term in enumerate(terms):
        if not isinstance(term, str) or not term.strip():
            raise ConfigError(f"{where} keep_terms[{i}] must be a non-empty string, not {term!r}")
    return tuple(t.strip() for t in terms)


def _tenant(name: str, data: Mapping[str, Any]) -> TenantConfig:
    if not isinstance(data, dict):
        raise ConfigError(f"[tenants.{name}] must be a table, not {data!r}")
    for key, instead in RETIRED_TENANT_KEYS.items():
        if key in data:
            raise ConfigError(f"unknown key {key!r} in [tenants.{name}]: {instead}")
    _unknown_keys(data, TENANT_KEYS, f"[tenants.{name}]")
    check_tenant(name, data)
    widget = data.get("widget", {})
    _unknown_keys(widget, WIDGET_KEYS, f"[tenants.{name}.widget]")
    users = {str(k): tuple(v) for k, v in data.get("users", {}).items()}
    return TenantConfig(
        name=name,
        thresholds=_thresholds(data.get("thresholds", {})),
        human_request_examples=tuple(data.get("human_request_examples", ())),
        default_groups=tuple(data.get("default_groups", ("public",))),
        users=users,
        channel_groups=_channel_groups(name, data.get("channel_groups", {})),
        pii_kinds=_pii_kinds(name, data.get("pii_kinds")),
        widget_keys=tuple(widget.get("keys", ())),
        allowed_origins=tuple(widget.get("allowed_origins", ())),
        language=_language(name, data.get("language", "en")),
        rollout=_rollout(data.get("rollout", {})),
        keep_terms=_keep_terms(name, data.get("privacy", {})),
        raw=dict(data),
    )


def _read_toml(path: Path, what: str) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{what} {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{what} {path} is not valid TOML: {exc}") from None


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """`extra`'s tables merged into `base`'s, key by key; the including file's own values win."""
    out = dict(extra)
    for key, value in base.items():
        out[key] = _merge(value, out[key]) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _with_includes(data: dict[str, Any], path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """`include = ["thresholds.toml", ...]` at the top of a tenants file: those files (paths relative
    to it) are read first and merged under it, e.g. the thresholds `supportbot eval --calibrate` writes."""
    includes = data.pop("include", [])
    if isinstance(includes, str):
        includes = [includes]
    if not isinstance(includes, list) or not all(isinstance(i, str) for i in includes):
        raise ConfigError(f"tenants file {path}: include must be a file name or a list of them")
    merged: dict[str, Any] = {}
    for name in includes:
        included = (path.parent / name).resolve()
        if included in seen:
            raise ConfigError(f"tenants file {path}: including {name} again makes a loop")
        merged = _merge(_with_includes(_read_toml(included, f"included file (from {path})"), included, (*seen, included)), merged)
    return _merge(data, merged)


def load_tenants(path: Path | None) -> dict[str, TenantConfig]:
    if path is None:
        return {DEFAULT_TENANT: TenantConfig(name=DEFAULT_TENANT, widget_keys=("demo",))}
    data = _with_includes(_read_toml(path, "tenants file"), path.resolve(), (path.resolve(),))
    tenants = data.get("tenants", {})
    if not isinstance(tenants, dict) or not tenants:
        raise ConfigError(f"tenants file {path} defines no [tenants.<name>] table")
    try:
        return {str(name): _tenant(str(name), body) for name, body in tenants.items()}
    except ConfigError as exc:
        raise ConfigError(f"tenants file {path}: {exc}") from None


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
    judge_tier: str = "remote"  # whose client the judge goes through: local (Ollama) or remote (OpenAI-compatible)
    # rollout (bot/engine/rollout.py): step a tenant back to shadow when, over the window, this share of answers
    # is marked not helpful or this share of messages ends in an error (from `rollback_min_answers` on)
    rollback_window_seconds: float = 3600.0
    rollback_min_answers: int = 20
    rollback_not_helpful: float = 0.3
    rollback_error_rate: float = 0.1
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
        settings = cls(
            data_dir=data_dir,
            database_url=(database_url := get("SUPPORTBOT_DATABASE_URL") or f"sqlite:///{data_dir / 'supportbot.db'}"),
            database_upgrade=env.flag("SUPPORTBOT_DATABASE_UPGRADE", database_url.startswith("sqlite")),
            milvus_uri=get("SUPPORTBOT_MILVUS_URI") or str(data_dir / "milvus.db"),
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
            server_url=get("SUPPORTBOT_SERVER_URL") or "http://127.0.0.1:8080",
            ingest_root=Path(root).resolve() if (root := get("SUPPORTBOT_INGEST_ROOT")) else None,
            host=get("SUPPORTBOT_HOST") or DEFAULT_HOST,
            port=env.whole("SUPPORTBOT_PORT", DEFAULT_PORT, high=65535),
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
            grade_sample=env.typed("SUPPORTBOT_GRADE_SAMPLE", _share) if env.get("SUPPORTBOT_GRADE_SAMPLE") is not None else 0.1,
            rollback_check_seconds=env.number("SUPPORTBOT_ROLLBACK_CHECK_SECONDS", 10.0, zero=True),
            judge_tier=env.typed("SUPPORTBOT_JUDGE_TIER", lambda v: _one_of(v.lower(), ("local", "remote"))) or "remote",
            old_secret_keys=tuple(k.strip() for k in (get("SUPPORTBOT_OLD_SECRET_KEYS") or "").split(",") if k.strip()),
        )
        env.refuse_unknown_file_keys()
        return settings


# how much worse than the baseline run a figure may get before `supportbot eval --baseline` fails: shares
# of the cases (one case of 50 is 0.02) and the mean local grade (0..1)
DEFAULT_GATE_MARGINS = {"answered_right": 0.02, "answered_wrong": 0.02, "offtopic_answered": 0.02, "handoff_recall": 0.02,
                        "mean_grade": 0.05}


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
