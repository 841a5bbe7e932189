"""The tenants file: each tenant's section checked and parsed once into a `TenantConfig`.

TOML, with `include = [...]` of further files merged in (read by bot/core/tenants_file.py); unknown keys
and wrong values are errors that name the tenant and the key (the plain keys' checks are in
bot/core/tenant_keys.py), and the file the wrong value is in. bot/core/config.py reads the file through
`load_tenants` and re-exports these records.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from bot.core import tenant_keys
from bot.core.config_schema import ROLLOUT_STAGES, check_tenant
from bot.core.errors import ConfigError
from bot.core.handoff_policy import HandoffPolicy, policy_from
from bot.core.tenant_keys import RETIRED_TENANT_KEYS, TENANT_KEYS, WIDGET_KEYS
from bot.core.tenant_sections import (
    Budget,
    RoutingPolicy,
    SlackSection,
    StaffEntry,
    TelegramSection,
    WidgetSection,
    budget_from,
    routing_from,
    slack_from,
    staff_from,
    telegram_from,
    widget_from,
)
from bot.core.tenants_file import read_toml, with_includes

DEFAULT_TENANT = "default"


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Confidence-gate thresholds; calibrate them with `supportbot eval --calibrate`. The defaults were
    chosen on the TUNE split of three evaluation knowledge bases (bench/bench_answers.py), holding
    answered-wrong within 0.05 on each of them. Fitted the same way on two, they keep it on the third
    (held-out wrong: sample 0.000, COVID-QA 0.037, Bitext 0.043; the same script's leave-one-KB-out
    figures); a tenant with its own cases should still run `supportbot eval --calibrate`."""

    # best cosine of the question to the top passage (body, title or lead) below this is "the knowledge base does
    # not cover it" (bot/core/passages.py `Passage.similarity`)
    min_dense: float = 0.40
    # calibrated probability that the top document is right (policies/confidence.py) needed to answer
    min_confidence: float = 0.55
    # below that: ask which of the documents within `clarify_gap` (ordering score) of the top one the
    # customer means, when the probability that one of them is right reaches `min_choice_confidence`
    min_choice_confidence: float = 0.2
    clarify_gap: float = 0.06
    # below both: from this confidence on, offer the top document and the closest one or two other articles within
    # `split_gap` of it ("this one or that one?") rather than hand over (policies/confidence.py `unsure_pair`);
    # at min_confidence or above, never
    min_split_confidence: float = 0.35
    split_gap: float = 0.3
    split_kin: float = 0.6  # how alike (the cosine of their chunks) the two may be at most
    # a clarification whose first article leads every other offered one on each view of the search is answered from it
    # instead, from this confidence on (policies/clear_lead.py; chosen on TUNE, bench/answers_clear_lead.py); 1.0 turns it off
    min_lead_confidence: float = 0.35
    # below all of those: a question whose top article holds a larger share of its distinctive words than any other article
    # retrieved is answered from it, from this confidence on (policies/word_lead.py; chosen on TUNE,
    # bench/answers_handed_first.py); 1.0 turns it off
    min_words_confidence: float = 0.3
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
    # and questions of this tenant's customers that are no such request, though they name a person ("how do I message a
    # colleague?" in a help center whose product is about colleagues)
    ordinary_examples: tuple[str, ...] = ()
    # access groups every identity of this tenant has (documents without groups are "public")
    default_groups: tuple[str, ...] = ("public",)
    # identity -> groups, for identities known in the tenants file
    users: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # channel -> address on it (a Slack channel id, a Telegram chat id) -> the groups of everyone there
    channel_groups: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    # which PII kinds to redact; None = all
    pii_kinds: tuple[str, ...] | None = None
    # the bot's own texts (bot/core/texts.py) in this language when a customer's can't be told ("SSO?")
    language: str = "en"
    rollout: Rollout = field(default_factory=Rollout)
    # words redaction never takes for a name or an address (besides the knowledge base's own terms)
    keep_terms: tuple[str, ...] = ()
    # the sections, parsed once (bot/core/tenant_sections.py); nothing reads the TOML table itself
    routing: RoutingPolicy = field(default_factory=RoutingPolicy)
    budget: Budget = field(default_factory=Budget)
    handoff: HandoffPolicy = field(default_factory=HandoffPolicy)
    widget: WidgetSection = field(default_factory=WidgetSection)
    telegram: TelegramSection = field(default_factory=TelegramSection)
    slack: SlackSection = field(default_factory=SlackSection)
    staff: Mapping[str, StaffEntry] = field(default_factory=dict)

    @property
    def widget_keys(self) -> tuple[str, ...]:
        return self.widget.keys

    @property
    def allowed_origins(self) -> tuple[str, ...]:
        return self.widget.allowed_origins

    def channel_groups_for(self, channel: str, address: str | None) -> tuple[str, ...]:
        """The groups the tenants file gives everyone in one place (a B2B customer's shared Slack channel)."""
        return self.channel_groups.get(channel, {}).get(address or "", ()) if address else ()

    def groups_for(self, user: str | None, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
        groups = set(self.default_groups) | set(extra)
        if user is not None:
            groups |= set(self.users.get(user, ()))
        return tuple(sorted(groups))


def _thresholds(name: str, data: Mapping[str, Any]) -> Thresholds:
    """A tenant's gate thresholds; a mistake names the table, so the tenant (several tenants' thresholds
    files, written by `eval --calibrate`, may be included into one tenants file)."""
    table = f"[tenants.{name}.thresholds]"
    known = {f.name for f in fields(Thresholds)}
    if not isinstance(data, dict):
        raise ConfigError(f"{table}: thresholds must be a table of numbers, not {data!r}")
    unknown = set(data) - known
    if unknown:
        raise ConfigError(f"{table}: unknown threshold(s) {sorted(unknown)}; known: {sorted(known)}")
    for key, value in data.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{table}: threshold {key} must be a number, not {value!r}")
        # a gap between ordering scores (knowledge/retrieval.py: a weighted sum that can pass 1) is any size
        # from 0: a large one offers every close article; the others are probabilities and cosines, where
        # 1.5 (a slip for 0.15) would never answer
        if key in ("clarify_gap", "split_gap"):
            if value < 0:
                raise ConfigError(f"{table}: threshold {key} must be 0 or more, not {value!r}")
        elif not 0 <= value <= 1:
            raise ConfigError(f"{table}: threshold {key} must be from 0 to 1, not {value!r}")
    return Thresholds(**{k: float(v) for k, v in data.items()})


def _rollout(data: Mapping[str, Any]) -> Rollout:
    stage = str(data.get("stage", "on"))
    assert stage in ROLLOUT_STAGES  # checked by check_tenant
    return Rollout(stage=stage, percent=float(data.get("percent", 100.0)), beta_groups=tuple(data.get("beta_groups", ())))


def _tenant(name: str, data: Mapping[str, Any]) -> TenantConfig:
    if not isinstance(data, dict):
        raise ConfigError(f"[tenants.{name}] must be a table, not {data!r}")
    for key, instead in RETIRED_TENANT_KEYS.items():
        if key in data:
            raise ConfigError(f"unknown key {key!r} in [tenants.{name}]: {instead}")
    tenant_keys.unknown_keys(data, TENANT_KEYS, f"[tenants.{name}]")
    check_tenant(name, data)
    widget = data.get("widget", {})
    tenant_keys.unknown_keys(widget, WIDGET_KEYS, f"[tenants.{name}.widget]")
    users = {str(k): tuple(v) for k, v in data.get("users", {}).items()}
    try:
        routing, budget, handoff = routing_from(data.get("routing", {})), budget_from(data.get("budget", {})), policy_from(data)
    except ConfigError as exc:
        raise ConfigError(f"tenant {name!r}: {exc}") from None
    return TenantConfig(
        name=name,
        thresholds=_thresholds(name, data.get("thresholds", {})),
        human_request_examples=tuple(data.get("human_request_examples", ())),
        ordinary_examples=tuple(data.get("ordinary_examples", ())),
        default_groups=tuple(data.get("default_groups", ("public",))),
        users=users,
        channel_groups=tenant_keys.channel_groups(name, data.get("channel_groups", {})),
        pii_kinds=tenant_keys.pii_kinds(name, data.get("pii_kinds")),
        widget=widget_from(widget),
        staff=staff_from(name, data.get("staff", {}), "the tenants file"),
        language=tenant_keys.language(name, data.get("language", "en")),
        rollout=_rollout(data.get("rollout", {})),
        keep_terms=tenant_keys.keep_terms(name, data.get("privacy", {})),
        routing=routing,
        budget=budget,
        handoff=handoff,
        telegram=telegram_from(data.get("telegram", {})),
        slack=slack_from(data.get("slack", {})),
    )


def _where(name: str, problem: str, *, path: Path, main: dict[str, Any], included: list[tuple[Path, dict[str, Any]]]) -> str:
    """The file whose own values for tenant `name` give `problem`: the including file's values win, so it
    is asked first; a value that is wrong only in an included file is named with that file."""
    for file, data in [(path, main), *included]:
        body = data.get("tenants", {}).get(name) if isinstance(data.get("tenants"), dict) else None
        if not isinstance(body, dict):
            continue
        try:
            _tenant(name, body)
        except ConfigError as exc:
            if str(exc) == problem:
                return "tenants file" if file == path else f"included file (from {path}) {file}"
    return "tenants file"


TENANT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def load_tenants(path: Path | None, *, files: list[Path] | None = None) -> dict[str, TenantConfig]:
    """`files`: filled with the files read (the tenants file and the ones it includes), for a reader that
    watches them (bot/core/live_tenants.py)."""
    if path is None:
        return {DEFAULT_TENANT: TenantConfig(name=DEFAULT_TENANT, widget=WidgetSection(keys=("demo",)))}
    main = read_toml(path, "tenants file")
    included: list[tuple[Path, dict[str, Any]]] = []
    data = with_includes(dict(main), path.resolve(), (path.resolve(),), included)
    if files is not None:
        files[:] = [path.resolve(), *(p for p, _ in included)]
    tenants = data.get("tenants", {})
    if not isinstance(tenants, dict) or not tenants:
        raise ConfigError(f"tenants file {path} defines no [tenants.<name>] table")
    loaded = {}
    for name, body in tenants.items():
        if not TENANT_NAME.fullmatch(str(name)):
            # a name is part of URLs (/telegram/NAME/webhook) and of file names (thresholds-NAME.toml):
            # "acme corp" or "a/b" was taken, and its Telegram webhook and calibrated thresholds file then failed
            raise ConfigError(f"tenants file {path}: tenant name {str(name)!r} may have letters, digits, '.', '_' and '-' "
                              "(at most 64, starting with a letter or digit)")
        try:
            loaded[str(name)] = _tenant(str(name), body)
        except ConfigError as exc:
            where = _where(str(name), str(exc), path=path.resolve(), main=main, included=included) if included else "tenants file"
            if where == "tenants file":
                raise ConfigError(f"tenants file {path}: {exc}") from None
            raise ConfigError(f"{where}: {exc}") from None
    owners: dict[str, str] = {}
    for tenant in loaded.values():  # a key shared by two tenants would open the first one's conversations
        for key in tenant.widget_keys:
            if key in owners:
                raise ConfigError(f"tenants file {path}: widget key {key!r} is listed by both tenant {owners[key]!r} and tenant {tenant.name!r}")
            owners[key] = tenant.name
    return loaded
