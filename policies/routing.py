"""The router: per message, extractive, the local model, the remote model, or handoff, with its reasons.

Signals, all cheap (the question's embedding is already computed):
- evidence: no passage, or a top passage less similar than the tenant's `min_dense` threshold, is a
  handoff without paying for a model call (the confidence gate would hand off anyway: no model can
  ground an answer in passages that are not about the question); a near-exact FAQ match is
  answered directly from the FAQ;
- difficulty: the question's similarity to example hard questions (troubleshooting, comparisons,
  "why", several steps) against example easy ones, plus length and several questions in one;
  a tenant adds its own `hard_examples` and `easy_examples`;
- tenant policy (`[tenants.x.routing]`, read once into `tenant.routing`, bot/core/tenant_sections.py): `never_remote = true`, `remote_groups = ["enterprise"]`
  (only these access groups, e.g. a plan, may use the remote tier), `prefer = "local"|"remote"`;
- budget left: over budget steps down remote → local → extractive; where the extractive answer has
  nothing to say the confidence gate hands off;
- privacy: a message with letters of a script that has no capitals (Arabic, Chinese, Hebrew...) is never
  sent to the remote tier, whatever else says so: redaction cannot find the names in it
  (bot/core/language.py `caseless_script`); the local model runs on the operator's own machines.
Nothing a customer, a document or a model says can change the route: it is computed here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.core.config import Settings
from bot.core.language import caseless_script
from bot.core.ports import Embedder
from bot.core.records import Tier, Turn

EXTRACTIVE, LOCAL, REMOTE = Tier.EXTRACTIVE, Tier.LOCAL, Tier.REMOTE
LONG_QUESTION_CHARS = 240
ORDER = (REMOTE, LOCAL, EXTRACTIVE)

HARD_EXAMPLES = (
    "why does the sync fail when two people edit the same page at once?",
    "I did everything in the guide but the import still stops halfway, what else can I check?",
    "compare the Team and Business plans for a company of 40 people with SSO and audit needs",
    "we migrated from another tool and now permissions are wrong for half of our workspaces, how do we fix this?",
    "what is the difference between archiving and deleting, and what happens to shared links in each case?",
    "our API integration returns errors intermittently after we rotated tokens, how should we debug it?",
    "explain how data residency, backups and encryption work together for our compliance audit",
    "can you walk me through setting up SAML with Okta and then provisioning users automatically?",
    "my invoice total doesn't match the number of seats we use, and the proration looks wrong",
    "what are the trade-offs between the options and which one do you recommend for us?",
)
EASY_EXAMPLES = (
    "how do I reset my password?",
    "where can I download my invoice?",
    "how do I invite a colleague?",
    "what does the Team plan cost?",
    "how do I turn on two-factor authentication?",
    "how do I delete a page?",
    "is there a mobile app?",
    "how do I change my email address?",
    "where are the keyboard shortcuts?",
    "how do I export my data?",
)


@dataclass(frozen=True, slots=True)
class Route:
    """`tier` is what answers (no model for extractive); `handoff`: the evidence is too weak for any
    answer, so no model is paid for and the turn goes to a person."""

    tier: Tier
    reasons: tuple[str, ...]
    difficulty: float = 0.0
    handoff: bool = False

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {"tier": str(self.tier), "reasons": list(self.reasons), "difficulty": round(self.difficulty, 4)}
        if self.handoff:
            data["handoff"] = True
        return data


class Router:
    HARD_MARGIN = 0.02

    def __init__(self, *, embedder: Embedder, settings: Settings, tiers: Sequence[Tier]) -> None:
        self._embedder = embedder
        self._settings = settings
        self._tiers = {Tier(t) for t in tiers} | {EXTRACTIVE}
        self._hard: np.ndarray | None = None
        self._easy: np.ndarray | None = None
        self._tenant_hard: dict[str, np.ndarray] = {}
        self._tenant_easy: dict[str, np.ndarray] = {}

    def warm_up(self) -> None:
        if self._hard is None:
            self._hard = self._embedder.embed(list(HARD_EXAMPLES))
            self._easy = self._embedder.embed(list(EASY_EXAMPLES))
            for name, tenant in self._settings.tenants.items():
                policy = tenant.routing
                if policy.hard_examples:
                    self._tenant_hard[name] = self._embedder.embed(list(policy.hard_examples))
                if policy.easy_examples:
                    self._tenant_easy[name] = self._embedder.embed(list(policy.easy_examples))

    def difficulty(self, turn: Turn) -> tuple[float, list[str]]:
        self.warm_up()
        assert self._hard is not None and self._easy is not None and turn.vector is not None
        hard, easy, tenant = self._hard, self._easy, turn.identity.tenant
        if tenant in self._tenant_hard:
            hard = np.vstack([hard, self._tenant_hard[tenant]])
        if tenant in self._tenant_easy:
            easy = np.vstack([easy, self._tenant_easy[tenant]])
        score = float(np.max(hard @ turn.vector) - np.max(easy @ turn.vector))
        reasons = []
        text = turn.redacted or turn.text
        if len(text) > LONG_QUESTION_CHARS:
            score += 0.05
            reasons.append("long question")
        if text.count("?") >= 2 or len([s for s in text.replace("!", ".").split(".") if len(s.split()) > 3]) >= 3:
            score += 0.05
            reasons.append("several questions")
        return score, reasons

    def decide(self, turn: Turn, *, affordable: Callable[[Tier], bool]) -> Route:
        if self._tiers == {EXTRACTIVE}:
            return Route(EXTRACTIVE, ("no model configured",))
        tenant = self._settings.tenant(turn.identity.tenant)
        policy = tenant.routing
        top = turn.passages[0] if turn.passages else None
        if top is None:
            return Route(EXTRACTIVE, ("weak evidence: no passage found",), handoff=True)
        if top.similarity < tenant.thresholds.min_dense:
            return Route(EXTRACTIVE, (f"weak evidence: top passage similarity {top.similarity:.2f} below {tenant.thresholds.min_dense:.2f}",),
                         handoff=True)
        if policy.prefer is None and "#" in top.source and top.title >= 0.85:
            return Route(EXTRACTIVE, ("the question matches an FAQ entry",))
        score, reasons = self.difficulty(turn)
        if policy.prefer in (LOCAL, REMOTE):
            tier = policy.prefer
            reasons.append(f"tenant prefers {tier}")
        elif score > self.HARD_MARGIN:
            tier = REMOTE
            reasons.append("hard question")
        else:
            tier = LOCAL
            reasons.append("simple question")
        if tier == REMOTE and policy.never_remote:
            tier, reasons = LOCAL, [*reasons, "tenant policy: never remote"]
        if tier == REMOTE and policy.remote_groups and not set(policy.remote_groups) & set(turn.notes.get("groups", ())):
            tier, reasons = LOCAL, [*reasons, "remote tier not in this customer's plan"]
        unreadable = caseless_script(turn.text)
        if tier == REMOTE and unreadable:
            tier, reasons = LOCAL, [*reasons, f"never remote: redaction cannot read names in {unreadable.lower()} script"]
        remote_allowed = not unreadable and not policy.never_remote and (
            not policy.remote_groups or set(policy.remote_groups) & set(turn.notes.get("groups", ())))
        if tier == LOCAL and LOCAL not in self._tiers and REMOTE in self._tiers and remote_allowed:
            tier, reasons = REMOTE, [*reasons, "no local model configured"]
        for candidate in ORDER[ORDER.index(tier) :]:
            if candidate not in self._tiers:
                reasons.append(f"{candidate} tier not configured")
                continue
            if not affordable(candidate):
                reasons.append(f"over budget for {candidate}")
                continue
            return Route(candidate, tuple(reasons), score)
        return Route(EXTRACTIVE, tuple(reasons), score)
