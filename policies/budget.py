"""Cost and budgets: what each model call cost, spend per user and tenant, and whether a tier is
still affordable. Over budget steps down (remote → local → extractive), never an error.

```toml
[tenants.acme.budget]
period = "day"            # "day", "week" (from Monday) or "month": when spend resets (UTC)
tenant_usd = 20.0         # all of acme's model calls in one period
user_usd = 0.50           # one customer's model calls in one period
anonymous_usd = 2.0       # all anonymous widget visitors' model calls together in one period
```
An anonymous widget visitor has no identity a per-user budget could follow (a new conversation is a
new visitor), so they share one budget: a flood of anonymous conversations can spend `anonymous_usd`,
not the whole `tenant_usd`, and signed-in customers keep theirs.
Any other period, or a budget that is no number, is refused when the app starts (ConfigError).
Prices come from SUPPORTBOT_PRICES (USD per 1,000 tokens in and out, per model: gpt-4o-mini at
$0.15 / $0.60 per million tokens is `[0.00015, 0.0006]`); a remote model without a price is charged
at `DEFAULT_REMOTE_PRICE` so budgets still bite; local models cost 0 unless priced.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from bot.core.records import ModelReply, Tier
from bot.core.config import Settings
from bot.core.tables import Usage

DEFAULT_REMOTE_PRICE = (0.0005, 0.0015)


def period_start(period: str, now: datetime) -> datetime:
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "month":
        return day.replace(day=1)
    if period == "week":
        return day - timedelta(days=day.weekday())
    return day


class BudgetBook:
    def __init__(self, *, engine: Engine, settings: Settings, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._engine = engine
        self._settings = settings
        self._clock = clock

    def price(self, reply: ModelReply) -> float:
        per_in, per_out = self._settings.prices.get(reply.model) or (DEFAULT_REMOTE_PRICE if reply.tier == Tier.REMOTE else (0.0, 0.0))
        return reply.tokens_in / 1000 * per_in + reply.tokens_out / 1000 * per_out

    def record(self, reply: ModelReply, *, tenant: str, user: str | None, conversation_id: str | None) -> float:
        cost = self.price(reply)
        with Session(self._engine) as session:
            session.add(Usage(tenant=tenant, user=user, conversation_id=conversation_id, tier=reply.tier, model=reply.model,
                              tokens_in=reply.tokens_in, tokens_out=reply.tokens_out, cost_usd=cost, created_at=self._clock()))
            session.commit()
        return cost

    def spent(self, *, tenant: str, user: str | None = None, anonymous: bool = False, since: datetime) -> float:
        """The tenant's spend since `since`: all of it, one user's, or (anonymous) that of every
        conversation without a user."""
        with Session(self._engine) as session:
            query = select(func.coalesce(func.sum(Usage.cost_usd), 0.0)).where(Usage.tenant == tenant, col(Usage.created_at) >= since)
            if user is not None:
                query = query.where(Usage.user == user)
            elif anonymous:
                query = query.where(col(Usage.user).is_(None))
            return float(session.exec(query).one())

    def allows(self, tier: Tier, *, tenant: str, user: str | None, now: datetime | None = None) -> bool:
        """Whether a call on this tier still fits the tenant's and the user's (or, with no user, the
        anonymous visitors') budget for the period."""
        if tier == Tier.EXTRACTIVE:
            return True
        budget = self._settings.tenant(tenant).budget
        if not budget.limited:
            return True
        since = period_start(budget.period, now or self._clock())
        if tier == Tier.LOCAL and self._settings.local_model not in self._settings.prices:
            return True  # the local model costs nothing unless it has a price
        if budget.tenant_usd is not None and self.spent(tenant=tenant, since=since) >= budget.tenant_usd:
            return False
        if user is None:
            return budget.anonymous_usd is None or self.spent(tenant=tenant, anonymous=True, since=since) < budget.anonymous_usd
        return budget.user_usd is None or self.spent(tenant=tenant, user=user, since=since) < budget.user_usd

    def report(self, *, since: datetime, tenant: str | None = None) -> dict[str, Any]:
        """Spend and calls per tenant, user, tier and day (UTC), for `supportbot usage` and the dashboard."""
        with Session(self._engine) as session:
            query = select(Usage).where(col(Usage.created_at) >= since)
            if tenant is not None:
                query = query.where(Usage.tenant == tenant)
            rows = list(session.exec(query))
        tenants: dict[str, dict[str, Any]] = {}
        for row in rows:
            t = tenants.setdefault(row.tenant, {"cost_usd": 0.0, "calls": 0, "tiers": {}, "tier_cost_usd": {}, "users": {}, "days": {}})
            t["cost_usd"] += row.cost_usd
            t["calls"] += 1
            t["tiers"][row.tier] = t["tiers"].get(row.tier, 0) + 1
            t["tier_cost_usd"][row.tier] = t["tier_cost_usd"].get(row.tier, 0.0) + row.cost_usd
            key = row.user or "-"
            t["users"][key] = t["users"].get(key, 0.0) + row.cost_usd
            day = t["days"].setdefault(row.created_at.strftime("%Y-%m-%d"), {"cost_usd": 0.0, "calls": 0, "users": {}})
            day["cost_usd"] += row.cost_usd
            day["calls"] += 1
            day["users"][key] = day["users"].get(key, 0.0) + row.cost_usd
        for t in tenants.values():
            t["cost_usd"] = round(t["cost_usd"], 6)
            t["tier_cost_usd"] = {k: round(v, 6) for k, v in t["tier_cost_usd"].items()}
            t["users"] = {k: round(v, 6) for k, v in t["users"].items()}
            t["days"] = {d: {"cost_usd": round(v["cost_usd"], 6), "calls": v["calls"], "users": {k: round(c, 6) for k, c in v["users"].items()}}
                         for d, v in sorted(t["days"].items())}
        return tenants
