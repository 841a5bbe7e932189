"""A tenant's handoff policy from the tenants file: business hours, topics and where they go,
human-only topics, how long before an unclaimed handoff is announced again.

```toml
[tenants.acme.handoff]
reannounce_minutes = 10
staff_sees_pii = false
business_hours = { days = "mon-fri", start = "09:00", end = "17:30", timezone = "Europe/Berlin" }
[tenants.acme.handoff.topics.billing]
channel = "C0BILLING"            # staff channel for this topic (default: SUPPORTBOT_HANDOFF_CHANNEL)
mention = "S0BILLING"            # Slack user group to mention
examples = ["I was charged twice", "refund my invoice"]
human_only = true                # never answered by the bot
```
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import ConfigError

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


@dataclass(frozen=True, slots=True)
class Topic:
    name: str
    examples: tuple[str, ...]
    channel: str | None = None
    mention: str | None = None
    human_only: bool = False


@dataclass(frozen=True, slots=True)
class BusinessHours:
    days: frozenset[int]
    start: time
    end: time
    zone: ZoneInfo

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone)
        return local.weekday() in self.days and self.start <= local.time() < self.end

    def next_open(self, moment: datetime) -> datetime:
        local = moment.astimezone(self.zone)
        for offset in range(8):
            day = (local + timedelta(days=offset)).date()
            if day.weekday() not in self.days:
                continue
            opening = datetime.combine(day, self.start, tzinfo=self.zone)
            if opening > local or (offset == 0 and self.is_open(moment)):
                return opening if opening > local else local
        return local


@dataclass(frozen=True, slots=True)
class HandoffPolicy:
    reannounce_after: timedelta = timedelta(minutes=10)
    staff_sees_pii: bool = False
    hours: BusinessHours | None = None
    topics: tuple[Topic, ...] = field(default_factory=tuple)

    def topic(self, name: str | None) -> Topic | None:
        return next((t for t in self.topics if t.name == name), None)


def _days(spec: str) -> frozenset[int]:
    out: set[int] = set()
    for part in spec.lower().replace(" ", "").split(","):
        if "-" in part:
            a, b = part.split("-", 1)
            i, j = DAYS.index(a), DAYS.index(b)
            out.update(range(i, j + 1) if i <= j else [*range(i, 7), *range(0, j + 1)])
        elif part:
            out.add(DAYS.index(part))
    return frozenset(out)


def _hours(data: Mapping[str, Any]) -> BusinessHours:
    try:
        return BusinessHours(
            days=_days(str(data.get("days", "mon-fri"))),
            start=time.fromisoformat(str(data.get("start", "09:00"))),
            end=time.fromisoformat(str(data.get("end", "17:00"))),
            zone=ZoneInfo(str(data.get("timezone", "UTC"))),
        )
    except (ValueError, ZoneInfoNotFoundError) as exc:
        raise ConfigError(f"handoff business_hours are not valid: {exc}") from None


def policy_from(raw: Mapping[str, Any]) -> HandoffPolicy:
    data = raw.get("handoff", {}) or {}
    topics = []
    for name, t in (data.get("topics", {}) or {}).items():
        examples: Sequence[str] = t.get("examples", ())
        topics.append(Topic(name=name, examples=tuple(map(str, examples)), channel=t.get("channel"), mention=t.get("mention"), human_only=bool(t.get("human_only", False))))
    return HandoffPolicy(
        reannounce_after=timedelta(minutes=float(data.get("reannounce_minutes", 10))),
        staff_sees_pii=bool(data.get("staff_sees_pii", False)),
        hours=_hours(data["business_hours"]) if "business_hours" in data else None,
        topics=tuple(topics),
    )
