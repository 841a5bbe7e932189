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

from bot.errors import ConfigError

DEFAULT_TENANT = "default"
DEFAULT_EMBEDDING_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
DEFAULT_SPACY_MODEL = "en_core_web_sm"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_TELEGRAM_API_URL = "https://api.telegram.org/bot"
DEFAULT_MAX_QUESTION_CHARS = 2000


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Confidence-gate thresholds; calibrate them with `supportbot eval --calibrate`. The defaults were
    chosen on the TUNE split of three evaluation knowledge bases (bench/bench_answers.py). They keep
    answered-wrong within 0.05 on a held-out help center (sample, Bitext) but not on a held-out FAQ of
    near-duplicate questions (COVID-QA: 0.135; the same script's leave-one-KB-out figures): such a
    tenant should run `supportbot eval --calibrate` on its own cases."""

    # best question/answer cosine below this is "the knowledge base does not cover it"
    min_dense: float = 0.40
    # calibrated probability that the top document is right (policies/confidence.py) needed to answer
    min_confidence: float = 0.775
    # below that: ask which of the documents within `clarify_gap` (ordering score) of the top one the
    # customer means, when the probability that one of them is right reaches `min_choice_confidence`
    min_choice_confidence: float = 0.8
    clarify_gap: float = 0.18
    # similarity to "I want a person" examples minus similarity to ordinary requests
    human_request_margin: float = 0.04
    human_request_min: float = 0.55


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
    # the bot's own texts (bot/texts.py) in this language when a customer's can't be told ("SSO?")
    language: str = "en"
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
    unknown = set(data) - known
    if unknown:
        raise ConfigError(f"unknown threshold(s) {sorted(unknown)}; known: {sorted(known)}")
    return Thresholds(**{k: float(v) for k, v in data.items()})


# what a [tenants.<name>] table may hold (DESIGN.md, "Settings"; README's sample tenants file): a
# misspelt key would otherwise be ignored and its policy silently not applied
TENANT_KEYS = frozenset({
    "thresholds", "human_request_examples", "default_groups", "users", "pii_kinds", "widget", "slack", "telegram",
    "routing", "budget", "handoff", "rollout", "channels", "channel_groups", "language",
})
GROUP_CHANNELS = frozenset({"slack", "telegram"})  # where an address (channel or chat) is shared by several people
WIDGET_KEYS = frozenset({"keys", "allowed_origins", "jwt_secret", "jwt_public_key"})


def _unknown_keys(data: Mapping[str, Any], known: frozenset[str], where: str) -> None:
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"unknown key(s) {', '.join(map(repr, unknown))} in {where}; known: {', '.join(sorted(known))}")


def _pii_kinds(name: str, value: Any) -> tuple[str, ...] | None:
    """None (the key absent) redacts every kind; a kind we don't detect is an error, not "redact nothing of it"."""
    from policies.pii_patterns import ALL_KINDS

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
    from bot.language import LANGUAGES

    if value not in LANGUAGES:
        raise ConfigError(f"tenant {name!r}: language must be one of {', '.join(sorted(LANGUAGES))}, not {value!r}")
    return str(value)


def _tenant(name: str, data: Mapping[str, Any]) -> TenantConfig:
    _unknown_keys(data, TENANT_KEYS, f"[tenants.{name}]")
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
    # test hook: seconds to wait before processing each message (widens a crash window on purpose)
    processing_delay: float = 0.0

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
        env = dict(os.environ if environ is None else environ)
        toml_path = Path(env.get("SUPPORTBOT_CONFIG", "supportbot.toml"))
        if toml_path.is_file():
            # the optional file uses the same names as the environment; the environment wins
            file_values = tomllib.loads(toml_path.read_text(encoding="utf-8"))
            env = {str(k).upper(): str(v) for k, v in file_values.items()} | env

        def get(name: str) -> str | None:
            value = env.get(name)
            return value if value else None

        data_dir = Path(get("SUPPORTBOT_DATA_DIR") or "./data").resolve()
        tenants_file = get("SUPPORTBOT_TENANTS_FILE")
        max_chars = get("SUPPORTBOT_MAX_QUESTION_CHARS")
        return cls(
            data_dir=data_dir,
            database_url=get("SUPPORTBOT_DATABASE_URL") or f"sqlite:///{data_dir / 'supportbot.db'}",
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
            rate_limit_per_minute=_positive_float(get("SUPPORTBOT_RATE_LIMIT_PER_MINUTE"), "SUPPORTBOT_RATE_LIMIT_PER_MINUTE", 60.0),
            prices=_prices(get("SUPPORTBOT_PRICES")),
            model_timeout=_positive_float(get("SUPPORTBOT_MODEL_TIMEOUT"), "SUPPORTBOT_MODEL_TIMEOUT", 30.0),
            telegram_polling=(get("SUPPORTBOT_TELEGRAM_POLLING") or "0").lower() in {"1", "true", "yes"},
            milvus_process=(get("SUPPORTBOT_MILVUS_PROCESS") or "1").lower() not in {"0", "false", "no"},
            embed_threads=int(_positive_float(get("SUPPORTBOT_EMBED_THREADS"), "SUPPORTBOT_EMBED_THREADS", 0)) or None,
            telegram_api_url=get("SUPPORTBOT_TELEGRAM_API_URL") or DEFAULT_TELEGRAM_API_URL,
            secret_key=get("SUPPORTBOT_SECRET_KEY"),
            vault_ttl_hours=_positive_float(get("SUPPORTBOT_VAULT_TTL_HOURS"), "SUPPORTBOT_VAULT_TTL_HOURS", 24 * 30),
            max_question_chars=int(max_chars) if max_chars else DEFAULT_MAX_QUESTION_CHARS,
            load_sample_kb=(get("SUPPORTBOT_SAMPLE_KB") or "1") not in {"0", "false", "no"},
            server_url=get("SUPPORTBOT_SERVER_URL") or "http://127.0.0.1:8080",
            processing_delay=float(get("SUPPORTBOT_PROCESSING_DELAY") or 0.0),
        )


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
