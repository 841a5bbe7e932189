"""Prometheus metrics, one registry per app (so several apps in one test process don't collide).

Labels never carry personal data: only channel, outcome, route, reason and stage names, tiers,
providers and breaker states, all from small fixed sets (a reason with a number in it is cut to its
fixed part).
"""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily

from bot.core.connections import DatabaseCalls
from bot.core.tiers import Tier
from bot.engine.assistant import AskResult

PROVIDERS = {Tier.LOCAL: "ollama", Tier.REMOTE: "openai"}  # keyed by the tiers' values too (a StrEnum hashes as its value)
BREAKER_STATES = ("closed", "half_open", "open")


def reason_label(reason: str) -> str:
    """A routing reason as a bounded label: "weak evidence: top passage similarity 0.21 below 0.40" -> "weak evidence"."""
    return reason.split(":", 1)[0] if reason.startswith("weak evidence") else reason[:60]


def failure_kind(error: str) -> str:
    for needle, kind in (("paused", "circuit_open"), ("Timeout", "timeout"), ("did not check out", "unchecked_output"),
                         ("TruncatedStream", "truncated_stream"), ("RateLimit", "rate_limited")):
        if needle in error:
            return kind
    return "error"


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.messages = Counter("supportbot_messages_total", "Customer messages received", ["channel"], registry=self.registry)
        self.outcomes = Counter(
            "supportbot_outcomes_total", "Answers and handoffs", ["outcome", "route", "reason"], registry=self.registry
        )
        self.stage_latency = Histogram(
            "supportbot_stage_seconds", "Time spent in each pipeline stage", ["stage"], registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.latency = Histogram(
            "supportbot_answer_seconds", "Time from message to reply", registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
        )
        # each message observes about ten labelled series: their children are looked up once
        # (`labels()` checks and locks on every call), then kept; the label sets are small and fixed
        self._children: dict[tuple[object, ...], Any] = {}
        self.sockets = Gauge("supportbot_open_websockets", "Open widget WebSockets", registry=self.registry)
        self.rejected = Counter("supportbot_rejected_requests_total", "Requests refused", ["status"], registry=self.registry)
        self.stage_errors = Counter(
            "supportbot_stage_errors_total", "Exceptions caught at the error boundary (the customer got an apology and a person), by stage and exception class",
            ["stage", "error"], registry=self.registry,
        )
        self.handoffs = Counter("supportbot_handoffs_total", "Handoff steps", ["step", "reason"], registry=self.registry)
        self.handoff_post_failures = Counter(
            "supportbot_handoff_post_failures_total", "Handoff cards and staff-thread posts Slack refused for good, by what was posted and Slack's error",
            ["kind", "error"], registry=self.registry,
        )
        self.time_to_claim = Histogram(
            "supportbot_handoff_claim_seconds", "Time from escalation to a person claiming it", registry=self.registry,
            buckets=(10, 30, 60, 120, 300, 600, 1200, 3600, 14400),
        )

        self.routes = Counter(
            "supportbot_routing_decisions_total", "Router decisions by chosen tier and each reason given",
            ["tier", "reason"], registry=self.registry,
        )
        self.tokens = Counter("supportbot_model_tokens_total", "Model tokens by tier", ["tier", "direction"], registry=self.registry)
        self.cost = Counter("supportbot_model_cost_usd_total", "Model spend in USD by tier", ["tier"], registry=self.registry)
        self.model_failures = Counter(
            "supportbot_model_failures_total", "Model tier failures by provider and kind", ["provider", "kind"], registry=self.registry
        )
        self.breaker = Gauge(
            "supportbot_model_breaker_state", "1 for each provider's current circuit breaker state (closed, half_open, open)",
            ["provider", "state"], registry=self.registry,
        )

        self.events = Counter("supportbot_domain_events_total", "Domain events published (bot/core/events.py), by kind", ["kind"], registry=self.registry)
        self.ratings = Counter("supportbot_handoff_ratings_total", "Customers' ratings of the help they had from people", ["rating"], registry=self.registry)

    def watch_database(self, counts: DatabaseCalls) -> None:
        """The database engine's counts (bot/core/connections.py), read when scraped."""
        self.registry.register(_DatabaseCollector(counts))

    async def on_event(self, event: object) -> None:
        """A listener of every domain event (subscribed in bot/app/composition.py): counted by kind."""
        self._child(self.events, type(event).__name__).inc()
        rating = getattr(event, "rating", None)
        if rating is not None:
            self._child(self.ratings, str(rating)).inc()

    def handoff(self, step: str, *, reason: str = "", waited_seconds: float | None = None, error: str | None = None) -> None:
        """`error`: Slack refused a post for good (step "post_failed", `reason` what was posted: card, note, said, file)."""
        self.handoffs.labels(step=step, reason=reason).inc()
        if error is not None:
            self.handoff_post_failures.labels(kind=reason, error=error[:40]).inc()
        if waited_seconds is not None:
            self.time_to_claim.observe(waited_seconds)

    def _child(self, metric: Any, *values: str) -> Any:
        key = (metric, *values)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*values)
        return child

    def observe(self, result: AskResult, *, channel: str) -> None:
        self._child(self.messages, channel).inc()
        reason = result.handoff_reason.value if result.handoff_reason else ""
        self._child(self.outcomes, result.outcome.value, result.route, reason).inc()
        for stage, ms in result.timings_ms.items():
            self._child(self.stage_latency, stage).observe(ms / 1000)
        self.latency.observe(result.latency_ms / 1000)
        error = result.details.get("stage_error")
        if error:  # the class only (bounded): "pymilvus.exceptions.MilvusException" -> "MilvusException"
            self.stage_errors.labels(stage=str(result.details.get("failed_stage", "?")), error=str(error).rsplit(".", 1)[-1][:60]).inc()
        self._observe_models(result.details)

    def _observe_models(self, details: dict[str, object]) -> None:
        routing = details.get("routing")
        if isinstance(routing, dict):
            tier = "handoff" if routing.get("handoff") else str(routing.get("tier", "?"))
            for reason in routing.get("reasons", ()) or ("none",):
                self.routes.labels(tier=tier, reason=reason_label(str(reason))).inc()
        usage = details.get("usage")
        calls = usage if isinstance(usage, list) else []
        for call in calls:
            self.tokens.labels(tier=call["tier"], direction="in").inc(call["tokens_in"])
            self.tokens.labels(tier=call["tier"], direction="out").inc(call["tokens_out"])
            if "cost_usd" in call:
                self.cost.labels(tier=call["tier"]).inc(call["cost_usd"])
        total = float(details.get("cost_usd") or 0.0)  # type: ignore[arg-type]
        if calls and total and not any("cost_usd" in c for c in calls):
            # the turn's spend; calls on two tiers in one turn (a failover) are counted as "mixed"
            tiers = {c["tier"] for c in calls}
            self.cost.labels(tier=tiers.pop() if len(tiers) == 1 else "mixed").inc(total)
        failures = details.get("model_failures")
        for failure in failures if isinstance(failures, list) else ():
            self.model_failures.labels(provider=PROVIDERS.get(failure["tier"], failure["tier"]), kind=failure_kind(failure["error"])).inc()
        breakers = details.get("breakers")
        for tier, state in (breakers.items() if isinstance(breakers, dict) else ()):
            for known in BREAKER_STATES:
                self.breaker.labels(provider=PROVIDERS.get(tier, tier), state=known).set(1 if state == known else 0)

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _DatabaseCollector:
    """Counters kept by the engine's events, not by prometheus_client (a statement costs one `+= 1`)."""

    def __init__(self, counts: DatabaseCalls) -> None:
        self._counts = counts

    def collect(self) -> Any:
        for name, help_text, value in (
            ("statements", "SQL statements executed (an executemany is one)", self._counts.statements),
            ("transactions", "Transactions begun", self._counts.transactions),
            ("checkouts", "Connections checked out of the pool", self._counts.checkouts),
        ):
            yield CounterMetricFamily(f"supportbot_database_{name}", help_text, value=value)
