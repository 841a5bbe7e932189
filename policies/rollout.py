"""Phased rollout: who of a tenant's customers the bot answers (issue #18).

- `off`: nobody; every conversation goes to staff (the kill switch);
- `shadow`: nobody, but the bot drafts: staff see the draft on the handoff card and can send it;
- `beta`: identities or access groups listed in `beta`;
- `percent`: that share of customers, stable per customer (a hash of tenant and customer, so the
  same customer stays in or out as the share grows: 10 % of customers are within 20 %);
- `on`: everybody.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.core.errors import InputError


class Stage(StrEnum):
    OFF = "off"
    SHADOW = "shadow"
    BETA = "beta"
    PERCENT = "percent"
    ON = "on"


class Route(StrEnum):
    """What happens to one customer's message."""

    BOT = "bot"  # the bot answers
    SHADOW = "shadow"  # the bot drafts, staff answer
    STAFF = "staff"  # staff answer, no draft


@dataclass(frozen=True, slots=True)
class RolloutPolicy:
    stage: Stage = Stage.ON
    percent: float = 100.0
    beta: tuple[str, ...] = ()  # identities and access groups


def checked(*, tenant: str, stage: str, percent: float | None = None, beta: Iterable[str] = ()) -> RolloutPolicy:
    """A stage as given on the CLI or /admin, or refused naming the tenant. A bare number is a percentage."""
    given = stage.strip().lower().removesuffix("%")
    try:
        number = float(given)
    except ValueError:
        number = None
    if number is not None:
        given, percent = Stage.PERCENT.value, number
    if given not in {s.value for s in Stage}:
        raise InputError(f"tenant {tenant!r}: unknown rollout stage {stage!r}; one of {', '.join(s.value for s in Stage)} or a percentage")
    members = tuple(sorted({b.strip() for b in beta if b.strip()}))
    if given == Stage.PERCENT:
        if percent is None:
            raise InputError(f"tenant {tenant!r}: stage 'percent' needs a percentage (0-100)")
        if math.isnan(percent) or not 0 <= percent <= 100:
            raise InputError(f"tenant {tenant!r}: a rollout percentage must be from 0 to 100, not {percent:g}")
    if given == Stage.BETA and not members:
        raise InputError(f"tenant {tenant!r}: stage 'beta' needs the identities or access groups that get the bot")
    return RolloutPolicy(stage=Stage(given), percent=float(percent) if given == Stage.PERCENT else 100.0, beta=members)


def bucket(*, tenant: str, customer: str) -> float:
    """The customer's place in 0..100, the same on every process and every day."""
    digest = hashlib.sha256(f"rollout\x00{tenant}\x00{customer}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 * 100


def route_for(policy: RolloutPolicy, *, tenant: str, customer: str, user: str | None, groups: Iterable[str]) -> Route:
    """`customer`: who to keep stable in `percent` (the user id, else the conversation)."""
    if policy.stage is Stage.ON:
        return Route.BOT
    if policy.stage is Stage.OFF:
        return Route.STAFF
    if policy.stage is Stage.SHADOW:
        return Route.SHADOW
    if policy.stage is Stage.BETA:
        return Route.BOT if (user is not None and user in policy.beta) or set(groups) & set(policy.beta) else Route.STAFF
    return Route.BOT if bucket(tenant=tenant, customer=customer) < policy.percent else Route.STAFF
