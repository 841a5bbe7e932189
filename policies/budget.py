"""Cost and budgets: what each model call cost, spend per user and tenant, and whether a tier is
still affordable. Over budget steps down (remote → local → extractive), never an error.

```toml
[tenants.acme.budget]
period = "day"            # or "month": when spend resets (UTC)
tenant_usd = 20.0         # all of acme's model calls in one period
user_usd = 0.50           # one customer's model calls in one period
```
Prices come from SUPPORTBOT_PRICES (USD per 1,000 tokens in and out, per model); a remote model
without a price is charged at `DEFAULT_REMOTE_PRICE` so budgets still bite; local models cost 0
unless priced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from bot.models import ModelReply
from bot.settings import Settings
from bot.storage import Usage

DEFAULT_REMOTE_PRICE = (0.0005, 0.0015)


@dataclass(frozen=True, slots=True)
class Budget:
    period: str = "day"
    tenant_usd: float | None = None
    user_usd: float | None = None


def budget_for(raw: dict[str, Any] | Any) -> Budget:
    data = dict(raw.get("budget", {}) or {})
    return Budget(
        period=str(data.get("period", "day")),
        tenant_usd=float(data["tenant_usd"]) if "tenant_usd" in data else None,
        user_usd=float(data["user_usd"]) if "user_usd" in data else None,
    )


def period_start(period: str, now: datetime) -> datetime:
    if period == "month":
        return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


class BudgetBook:
    def __init__(self, *, engine: Engine, settings: Settings) -> None:
        self._engine = engine
        self._settings = settings

    def price(self, reply: ModelReply) -> float:
        per_in, per_out = self._settings.prices.get(reply.model) or (DEFAULT_REMOTE_PRICE if reply.tier == "remote" else (0.0, 0.0))
        return reply.tokens_in / 1000 * per_in + reply.tokens_out / 1000 * per_out

    def record(self, reply: ModelReply, *, tenant: str, user: str | None, conversation_id: str | None) -> float:
        cost = self.price(reply)
        with Session(self._engine) as session:
            session.add(Usage(tenant=tenant, user=user, conversation_id=conversation_id, tier=reply.tier, model=reply.model,
                              tokens_in=reply.tokens_in, tokens_out=reply.tokens_out, cost_usd=cost))
            session.commit()
        return cost

    def spent(self, *, tenant: str, user: str | None = None, since: datetime) -> float:
        with Session(self._engine) as session:
            query = select(func.coalesce(func.sum(Usage.cost_usd), 0.0)).where(Usage.tenant == tenant, col(Usage.created_at) >= since)
            if user is not None:
                query = query.where(Usage.user == user)
            return float(session.exec(query).one())

    def allows(self, tier: str, *, tenant: str, user: str | None, now: datetime | None = None) -> bool:
        """Whether a call on this tier still fits the tenant's and the user's budget for the period."""
        if tier == "extractive":
            return True
        budget = budget_for(self._settings.tenant(tenant).raw)
        if budget.tenant_usd is None and budget.user_usd is None:
            return True
        since = period_start(budget.period, now or datetime.now(UTC))
        if tier == "local" and self._settings.local_model not in self._settings.prices:
            return True  # the local model costs nothing unless it has a price
        if budget.tenant_usd is not None and self.spent(tenant=tenant, since=since) >= budget.tenant_usd:
            return False
        return not (budget.user_usd is not None and user is not None and self.spent(tenant=tenant, user=user, since=since) >= budget.user_usd)

    def report(self, *, since: datetime) -> dict[str, Any]:
        """Spend and calls per tenant, user and tier (for `supportbot usage` and the dashboard)."""
        with Session(self._engine) as session:
            rows = list(session.exec(select(Usage).where(col(Usage.created_at) >= since)))
        tenants: dict[str, dict[str, Any]] = {}
        for row in rows:
            t = tenants.setdefault(row.tenant, {"cost_usd": 0.0, "calls": 0, "tiers": {}, "users": {}})
            t["cost_usd"] += row.cost_usd
            t["calls"] += 1
            t["tiers"][row.tier] = t["tiers"].get(row.tier, 0) + 1
            key = row.user or "-"
            t["users"][key] = round(t["users"].get(key, 0.0) + row.cost_usd, 6)
        for t in tenants.values():
            t["cost_usd"] = round(t["cost_usd"], 6)
        return tenants
