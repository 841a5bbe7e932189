"""What each table of a tenant may hold, and of which type: checked once, when the tenants file loads.

The policies read their tables lazily (the handoff policy on a tenant's first handoff, the routing
policy per message), so without this a typo (`never_remte`) was silently ignored and a wrong type
(`staff_sees_pii = "false"`, truthy) was applied or failed on a customer's message. Here every key
of `routing`, `budget`, `handoff` (and its topics and business hours), `rollout`, `slack`,
`telegram` and `users` is known and typed; an unknown key or a bad value stops the start with the
table and the key named (the caller adds the file).

Ground layer: imports nothing of the project but the errors.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import time
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.errors import ConfigError

# a check returns what is wrong with a value, or None when it is fine
Check = Callable[[Any], "str | None"]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else f"must be true or false (a TOML boolean, unquoted), not {value!r}"


def text(value: Any) -> str | None:
    return None if isinstance(value, str) and value else f"must be a non-empty string, not {value!r}"


def texts(value: Any) -> str | None:
    ok = isinstance(value, list) and all(isinstance(v, str) and v for v in value)
    return None if ok else f"must be a list of non-empty strings, not {value!r}"


def number(*, low: float | None = None, high: float | None = None, low_open: bool = False) -> Check:
    def check(value: Any) -> str | None:
        if not _is_number(value):
            return f"must be a number, not {value!r}"
        if low is not None and (value <= low if low_open else value < low):
            return f"must be {'more than' if low_open else 'at least'} {low:g}, not {value!r}"
        if high is not None and value > high:
            return f"must be at most {high:g}, not {value!r}"
        return None

    return check


def choice(*options: str) -> Check:
    def check(value: Any) -> str | None:
        return None if value in options else f"must be one of {', '.join(map(repr, options))}, not {value!r}"

    return check


_DAY = r"(mon|tue|wed|thu|fri|sat|sun)"
_DAYS = re.compile(rf"^{_DAY}(-{_DAY})?(,{_DAY}(-{_DAY})?)*$")


def days(value: Any) -> str | None:
    ok = isinstance(value, str) and bool(_DAYS.match(value.lower().replace(" ", "")))
    return None if ok else f"must be days like \"mon-fri\" or \"mon,wed,fri\", not {value!r}"


def clock(value: Any) -> str | None:
    try:
        time.fromisoformat(value)
    except (TypeError, ValueError):
        return f"must be a time like \"09:00\", not {value!r}"
    return None


def zone(value: Any) -> str | None:
    try:
        ZoneInfo(value)
    except (TypeError, ValueError, ZoneInfoNotFoundError):
        return f"must be a time zone like \"Europe/Berlin\", not {value!r}"
    return None


def _origin_of(entry: str) -> str | None:
    """The origin a browser sends for a site written as `entry` (scheme and host in lower case, a port
    only when given), or None when it names no http(s) site."""
    try:
        parts = urlsplit(entry if "://" in entry else f"https://{entry}")
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return f"{parts.scheme.lower()}://{parts.hostname}" + (f":{port}" if port is not None else "")


def origins(value: Any) -> str | None:
    """Sites that may embed the widget: a browser's Origin header is compared with each as it is, so an
    entry with a path, a trailing slash, capitals or no scheme never matched."""
    if (problem := texts(value)) is not None:
        return problem
    for entry in value:
        if entry == "*" or _origin_of(entry) == entry:
            continue
        meant = _origin_of(entry)
        return (f'must be origins like "https://help.acme.example" (scheme and host, no path) or "*", not {entry!r}'
                + (f" (write {meant!r})" if meant else ""))
    return None


@dataclass(frozen=True, slots=True)
class Table:
    """A TOML table with known keys; `each` types every value of a table of named entries (topics, users)."""

    keys: Mapping[str, Check | Table] | None = None
    each: Check | Table | None = None


ROLLOUT_STAGES = ("off", "shadow", "beta", "percent", "on")

ROUTING = Table({
    "never_remote": boolean, "remote_groups": texts, "prefer": choice("local", "remote"),
    "hard_examples": texts, "easy_examples": texts,
})
BUDGET = Table({
    "period": choice("day", "week", "month"), "tenant_usd": number(low=0), "user_usd": number(low=0), "anonymous_usd": number(low=0),
})
TOPIC = Table({
    "examples": texts, "channel": text, "mention": text, "human_only": boolean, "max_amount": number(low=0),
})
HANDOFF = Table({
    "reannounce_minutes": number(low=0, low_open=True), "staff_sees_pii": boolean,
    "business_hours": Table({"days": days, "start": clock, "end": clock, "timezone": zone}),
    "topics": Table(each=TOPIC),
})
ROLLOUT = Table({"stage": choice(*ROLLOUT_STAGES), "percent": number(low=0, high=100), "beta_groups": texts})
SECTIONS: Mapping[str, Table] = {
    "routing": ROUTING,
    "budget": BUDGET,
    "handoff": HANDOFF,
    "rollout": ROLLOUT,
    "slack": Table({"team_id": text}),
    "telegram": Table({"bot_token": text, "webhook_secret": text}),
    "users": Table(each=texts),
}
# top-level keys of a tenant that are plain values
VALUES: Mapping[str, Check] = {"human_request_examples": texts, "ordinary_examples": texts, "default_groups": texts}
# the widget's keys are listed in bot/core/tenant_keys.py (WIDGET_KEYS); these are the types of those we know
WIDGET_VALUES: Mapping[str, Check] = {"keys": texts, "allowed_origins": origins, "jwt_secret": text, "jwt_public_key": text}


def check_table(data: Any, table: Table, where: str) -> None:
    """Raise ConfigError naming `where` (e.g. `[tenants.acme.routing]`) and the key at fault."""
    if not isinstance(data, dict):
        raise ConfigError(f"{where} must be a table, not {data!r}")
    if table.keys is not None:
        unknown = sorted(set(data) - set(table.keys))
        if unknown:
            raise ConfigError(f"unknown key(s) {', '.join(map(repr, unknown))} in {where}; known: {', '.join(sorted(table.keys))}")
    for key, value in data.items():
        rule = table.keys[key] if table.keys is not None else table.each
        if rule is None:
            continue
        if isinstance(rule, Table):
            check_table(value, rule, f"{where[:-1]}.{key}]")
        elif (problem := rule(value)) is not None:
            raise ConfigError(f"{where} {key} {problem}")


def check_tenant(name: str, data: Mapping[str, Any]) -> None:
    for key, check in VALUES.items():
        if key in data and (problem := check(data[key])) is not None:
            raise ConfigError(f"[tenants.{name}] {key} {problem}")
    for key, table in SECTIONS.items():
        if key in data:
            check_table(data[key], table, f"[tenants.{name}.{key}]")
    widget = data.get("widget", {})
    if not isinstance(widget, dict):
        raise ConfigError(f"[tenants.{name}.widget] must be a table, not {widget!r}")
    for key, check in WIDGET_VALUES.items():
        if key in widget and (problem := check(widget[key])) is not None:
            raise ConfigError(f"[tenants.{name}.widget] {key} {problem}")
    _check_handoff(name, data.get("handoff", {}))
    rollout = data.get("rollout", {})
    stage = rollout.get("stage", "on")
    if stage == "percent" and "percent" not in rollout:
        raise ConfigError(f"[tenants.{name}.rollout] stage = \"percent\" needs percent (0-100)")
    if stage == "beta" and not rollout.get("beta_groups"):
        raise ConfigError(f"[tenants.{name}.rollout] stage = \"beta\" needs beta_groups (who gets the bot)")


def _check_handoff(name: str, handoff: Mapping[str, Any]) -> None:
    """What each value of the handoff table allows but together does nothing (its keys are typed already)."""
    hours = handoff.get("business_hours", {})
    # the defaults as bot/core/handoff_policy.py reads them; hours crossing midnight were never open (equal
    # ones neither: a desk that is always closed, as tests have it)
    start, end = str(hours.get("start", "09:00")), str(hours.get("end", "17:00"))
    if time.fromisoformat(end) < time.fromisoformat(start):
        raise ConfigError(f"[tenants.{name}.handoff.business_hours] end ({end}) must be later than start ({start}): "
                          "hours that cross midnight are not supported")
    for topic, table in handoff.get("topics", {}).items():
        if not table.get("examples"):
            raise ConfigError(f"[tenants.{name}.handoff.topics.{topic}] needs examples (messages of the topic: "
                              "it is detected by meaning from them)")
