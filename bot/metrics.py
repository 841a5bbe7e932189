"""Prometheus metrics, one registry per app (so several apps in one test process don't collide).

Labels never carry personal data: only channel, outcome, route, reason and stage names.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from bot.assistant import AskResult


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
        self.sockets = Gauge("supportbot_open_websockets", "Open widget WebSockets", registry=self.registry)
        self.rejected = Counter("supportbot_rejected_requests_total", "Requests refused", ["status"], registry=self.registry)
        self.handoffs = Counter("supportbot_handoffs_total", "Handoff steps", ["step", "reason"], registry=self.registry)
        self.time_to_claim = Histogram(
            "supportbot_handoff_claim_seconds", "Time from escalation to a person claiming it", registry=self.registry,
            buckets=(10, 30, 60, 120, 300, 600, 1200, 3600, 14400),
        )

    def handoff(self, step: str, *, reason: str = "", waited_seconds: float | None = None) -> None:
        self.handoffs.labels(step=step, reason=reason).inc()
        if waited_seconds is not None:
            self.time_to_claim.observe(waited_seconds)

    def observe(self, result: AskResult, *, channel: str) -> None:
        self.messages.labels(channel=channel).inc()
        reason = result.handoff_reason.value if result.handoff_reason else ""
        self.outcomes.labels(outcome=result.outcome.value, route=result.route, reason=reason).inc()
        for stage, ms in result.timings_ms.items():
            self.stage_latency.labels(stage=stage).observe(ms / 1000)
        self.latency.observe(result.latency_ms / 1000)

    def render(self) -> bytes:
        return generate_latest(self.registry)
