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
[tenants.acme.handoff.topics.refunds]
examples = ["I want a refund", "refund my order"]
human_only = true
max_amount = 100                 # ...unless every amount in the message is at most this: "refund of $40"
                                 # is answered, "refund of $900" goes to a person (amounts are no PII)
```
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.errors import ConfigError

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


@dataclass(frozen=True, slots=True)
class Topic:
    name: str
    examples: tuple[str, ...]
    channel: str | None = None
    mention: str | None = None
    human_only: bool = False
    max_amount: float | None = None  # human-only only above this amount (when the message names one)

    def for_people(self, text: str) -> bool:
        """Whether a message of this topic must go to people."""
        if not self.human_only:
            return False
        if self.max_amount is None:
            return True
        return any(amount > self.max_amount for amount in amounts(text))


# "$900", "€1.250,50", "1,250 USD", "40 dollars", "EUR 75": the figure next to a currency
_CURRENCY = r"(?:[$€£¥]|\b(?:usd|eur|gbp|chf|cad|aud|dollars?|euros?|pounds?|bucks)\b)"
_FIGURE = r"(\d{1,3}(?:[.,']\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)"
_MONEY_RE = re.compile(rf"{_CURRENCY}\s?{_FIGURE}|{_FIGURE}\s?{_CURRENCY}", re.IGNORECASE)


def _figure(raw: str) -> float:
    separators = [i for i, c in enumerate(raw) if c in ".,'"]
    if separators and len(raw) - separators[-1] - 1 in (1, 2) and raw[separators[-1]] in ".,":
        whole, cents = raw[: separators[-1]], raw[separators[-1] + 1 :]
    else:
        whole, cents = raw, "0"
    return float(re.sub(r"\D", "", whole) or "0") + float(f"0.{cents}")


def amounts(text: str) -> list[float]:
    """Sums of money a message names (after redaction: placeholders hold no amounts)."""
    return [_figure(m.group(1) or m.group(2)) for m in _MONEY_RE.finditer(text)]


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


def _amount(topic: str, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ConfigError(f"handoff topic {topic!r}: max_amount must be a number of at least 0, not {value!r}")
    return float(value)


def policy_from(raw: Mapping[str, Any]) -> HandoffPolicy:
    data = raw.get("handoff", {}) or {}
    topics = []
    for name, t in (data.get("topics", {}) or {}).items():
        examples: Sequence[str] = t.get("examples", ())
        topics.append(Topic(name=name, examples=tuple(map(str, examples)), channel=t.get("channel"), mention=t.get("mention"), human_only=bool(t.get("human_only", False)),
                            max_amount=_amount(name, t.get("max_amount"))))
    return HandoffPolicy(
        reannounce_after=timedelta(minutes=float(data.get("reannounce_minutes", 10))),
        staff_sees_pii=bool(data.get("staff_sees_pii", False)),
        hours=_hours(data["business_hours"]) if "business_hours" in data else None,
        topics=tuple(topics),
    )
