"""`supportbot eval`: run cases (bot/engine/eval_cases.py) through the full pipeline and score them.

An `expect: handoff` case is off-topic unless its reason is `customer_request` (a request for a
person). The report includes a risk–coverage table: for each `min_confidence`, the shares of
answerable questions answered right (or clarified with a right option among those offered), answered
wrong, clarified and handed over, and the share of off-topic questions not handed over; it is replayed
from each case's recorded evidence with the same decision the pipeline makes
(`policies.confidence.decide`). `calibrate_thresholds` picks the tenant's thresholds from it
(`supportbot eval --calibrate --max-wrong 0.05`).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from bot.core.config import Thresholds
from bot.core.records import HandoffReason
from bot.core.stats import percentile
from bot.engine.assistant import AskResult
from bot.engine.eval_cases import EvalCase
from policies.confidence import Evidence, Verdict, decide


def _percentile(values: Sequence[float], q: float) -> float:
    """`q` in percent (p50, p90, p99)."""
    return percentile(values, q / 100)


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


@dataclass(slots=True)
class EvalReport:
    cases: int = 0
    hit_at_1: float | None = None
    hit_at_3: float | None = None
    answer_precision: float | None = None
    answer_recall: float | None = None
    handoff_precision: float | None = None
    handoff_recall: float | None = None
    reason_accuracy: float | None = None
    contains_rate: float | None = None
    latency_ms: dict[str, float] = field(default_factory=dict)
    cost_usd: float = 0.0
    risk_coverage: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__}  # type: ignore[attr-defined]


def score(cases: Sequence[EvalCase], results: Sequence[AskResult], *, thresholds: Thresholds | None = None) -> EvalReport:
    """`thresholds`: the tenant's (the risk–coverage table varies `min_confidence` from them)."""
    report = EvalReport(cases=len(cases))
    with_sources = [(c, r) for c, r in zip(cases, results, strict=True) if c.sources]
    if with_sources:
        h1 = sum(1 for c, r in with_sources if r.details.get("retrieved", [])[:1] and r.details["retrieved"][0] in c.sources)
        h3 = sum(1 for c, r in with_sources if set(r.details.get("retrieved", [])[:3]) & set(c.sources))
        report.hit_at_1, report.hit_at_3 = _ratio(h1, len(with_sources)), _ratio(h3, len(with_sources))
    pairs = list(zip(cases, results, strict=True))
    tp_a = sum(1 for c, r in pairs if c.expect == "answer" and r.outcome.value == "answer")
    report.answer_precision = _ratio(tp_a, sum(1 for _, r in pairs if r.outcome.value == "answer"))
    report.answer_recall = _ratio(tp_a, sum(1 for c, _ in pairs if c.expect == "answer"))
    tp_h = sum(1 for c, r in pairs if c.expect == "handoff" and r.outcome.value == "handoff")
    report.handoff_precision = _ratio(tp_h, sum(1 for _, r in pairs if r.outcome.value == "handoff"))
    report.handoff_recall = _ratio(tp_h, sum(1 for c, _ in pairs if c.expect == "handoff"))
    with_reason = [(c, r) for c, r in pairs if c.reason]
    if with_reason:
        ok = sum(1 for c, r in with_reason if r.handoff_reason is not None and r.handoff_reason.value == c.reason)
        report.reason_accuracy = _ratio(ok, len(with_reason))
    with_contains = [(c, r) for c, r in pairs if c.answer_contains]
    if with_contains:
        ok = sum(1 for c, r in with_contains if all(s.lower() in r.answer.lower() for s in c.answer_contains))
        report.contains_rate = _ratio(ok, len(with_contains))
    latencies = [r.latency_ms for r in results]
    report.latency_ms = {f"p{q}": round(_percentile(latencies, q), 2) for q in (50, 90, 99)}
    report.cost_usd = round(sum(float(r.details.get("cost_usd", 0.0)) for r in results), 6)
    report.risk_coverage = risk_coverage(pairs, thresholds=thresholds or Thresholds())
    for c, r in pairs:
        wrong_outcome = r.outcome.value != c.expect
        wrong_source = bool(c.sources) and not (r.details.get("retrieved", [])[:1] and r.details["retrieved"][0] in c.sources)
        if wrong_outcome or wrong_source:
            report.failures.append(
                {"question": c.question, "expect": c.expect, "got": r.outcome.value, "reason": r.handoff_reason,
                 "top": r.details.get("retrieved", [])[:3], "want": list(c.sources), "confidence": round(r.confidence, 3),
                 "why": why_handed_over(r, thresholds or Thresholds()) if c.expect == "answer" and r.outcome.value == "handoff" else None}
            )
    return report


def why_handed_over(result: AskResult, thresholds: Thresholds) -> str | None:
    """Why an answerable case went to a person as `no_answer` although its confidence may be high: the
    pipeline's rules besides `min_confidence` (bot/engine/confidence_stage.py), which the risk–coverage
    table does not vary. "can I connect <a product the help center lists>?" was handed over at confidence
    0.97 with its article first, and nothing in the output said the top passage's cosine was under `min_dense`."""
    if result.handoff_reason == HandoffReason.CUSTOMER_REQUEST:
        # before any search: no threshold of the table moves it (ops17's trial: "can I send a direct message to a
        # colleague", in a help center about working with colleagues)
        return ("taken for a request for a person, before any search; if such questions are none where you are, list a few "
                "in words of your own as the tenant's ordinary_examples")
    recorded = result.details.get("evidence")
    if recorded is None or result.handoff_reason != HandoffReason.NO_ANSWER:
        return None
    similarity = float(recorded.get("similarity") or 0.0)
    if recorded.get("unknown_names"):
        return "the question names something (a product, a company) the help center never mentions"
    if similarity < thresholds.min_dense:
        return (f"the top passage's similarity {similarity:.2f} is under min_dense {thresholds.min_dense} "
                "(the floor below which nothing is answered; [tenants.T.thresholds] min_dense)")
    return None


async def run_cases(
    cases: Sequence[EvalCase], ask: Callable[[str], Awaitable[AskResult]], *, on_result: Callable[[AskResult], None] | None = None
) -> list[AskResult]:
    results = []
    for case in cases:
        result = await ask(case.question)
        results.append(result)
        if on_result:
            on_result(result)
    return results


# risk and coverage ---------------------------------------------------------------------------
def kind_of(case: EvalCase) -> str:
    """What a case asks of the bot: an answer, a person (the customer asked for one), or to decline (off topic)."""
    if case.expect == "answer":
        return "answer"
    return "person" if case.reason == HandoffReason.CUSTOMER_REQUEST else "offtopic"


def replayed(result: AskResult, thresholds: Thresholds) -> tuple[str, list[str]]:
    """(outcome, cited or offered sources) of this case had the gate used `thresholds`."""
    recorded = result.details.get("evidence")
    if recorded is None:  # decided before the gate: a person request, a human-only topic
        return result.outcome.value, [c.source for c in result.citations[:1]]
    retrieved = list(result.details.get("retrieved", []))
    verdict, picked = decide(Evidence.from_json(recorded), thresholds)
    if verdict is Verdict.ANSWER:
        return "answer", retrieved[:1]
    if verdict is Verdict.CLARIFY:
        return "clarify", [retrieved[n] for n in picked if n < len(retrieved)]
    return "handoff", []


def shares(pairs: Sequence[tuple[EvalCase, tuple[str, list[str]]]]) -> dict[str, Any]:
    """Answerable: right (an answer from a right source, or a clarification offering one; without
    `sources` any answer counts), wrong, clarified, handed over; off-topic: not handed over."""
    answerable = [(c, o) for c, o in pairs if kind_of(c) == "answer"]
    offtopic = [(c, o) for c, o in pairs if kind_of(c) == "offtopic"]

    def right(case: EvalCase, outcome: tuple[str, list[str]]) -> bool:
        return outcome[0] in ("answer", "clarify") and (not case.sources or bool(set(outcome[1]) & set(case.sources)))

    return {
        "right": _ratio(sum(right(c, o) for c, o in answerable), len(answerable)),
        "wrong": _ratio(sum(o[0] == "answer" and not right(c, o) for c, o in answerable), len(answerable)),
        "clarified": _ratio(sum(o[0] == "clarify" for _, o in answerable), len(answerable)),
        "handed_over": _ratio(sum(o[0] == "handoff" for _, o in answerable), len(answerable)),
        "offtopic_answered": _ratio(sum(o[0] != "handoff" for _, o in offtopic), len(offtopic)),
    }


RISK_STEPS = tuple(round(0.30 + 0.05 * n, 2) for n in range(14))  # min_confidence 0.30 .. 0.95


def risk_coverage(pairs: Sequence[tuple[EvalCase, AskResult]], *, thresholds: Thresholds) -> list[dict[str, Any]]:
    rows = []
    for t in RISK_STEPS:
        at = replace(thresholds, min_confidence=t)
        rows.append({"min_confidence": t, **shares([(c, replayed(r, at)) for c, r in pairs])})
    return rows


def within(count: int, total: int, bound: float) -> bool:
    """Whether `count` cases of `total` meet a share `bound`, with a tolerance of one case.

    A bound of 0.05 on 17 off-topic questions would otherwise allow none of them, and one case, an
    accident of which questions were written, would push the thresholds to an extreme that costs
    many right answers. So one case is always tolerated (for a positive bound): the bound is exact
    from 1/bound cases on (20 cases at 0.05) and allows one case below that. A bound of 0 allows none."""
    if total == 0 or count == 0:
        return True
    return bound > 0 and count <= max(bound * total, 1)


def _counts(pairs: Sequence[tuple[EvalCase, tuple[str, list[str]]]]) -> dict[str, int]:
    got = shares(pairs)
    answerable = sum(1 for c, _ in pairs if kind_of(c) == "answer")
    offtopic = sum(1 for c, _ in pairs if kind_of(c) == "offtopic")
    return {
        "answerable": answerable, "offtopic": offtopic,
        **{k: round((got[k] or 0) * n) for k, n in (("right", answerable), ("wrong", answerable), ("clarified", answerable),
                                                     ("offtopic_answered", offtopic))},
    }


def calibrate_thresholds(
    pairs: Sequence[tuple[EvalCase, AskResult]], *, thresholds: Thresholds, max_wrong: float, max_offtopic: float = 0.05,
    max_clarified: float = 0.15,
) -> tuple[Thresholds, dict[str, Any]] | None:
    """The thresholds that answer the most answerable questions right with at most `max_wrong` of
    them answered wrong, at most `max_offtopic` of off-topic questions not handed over and at most
    `max_clarified` clarified, each bound with a tolerance of one case (`within`); among equally
    many right, the fewest wrong and off-topic answered, and then those nearest `thresholds`. None when no thresholds meet those bounds.
    The shares returned are those on these cases; `tolerated` names a bound exceeded by its one case."""
    best: tuple[tuple[int, int, float], Thresholds, dict[str, Any]] | None = None
    # the unsure pair (policies/confidence.py `unsure_pair`) as the tenant has it, or off (1.0: never below min_confidence)
    splits = sorted({thresholds.min_split_confidence, 1.0})
    # the grid and the tenant's own values (the default min_choice_confidence, 0.2, is below the grid's 0.3):
    # keeping what the tenant has is a candidate too
    steps = sorted({n / 100 for n in range(30, 100)} | {thresholds.min_confidence})
    choice_steps = sorted({n / 20 for n in range(6, 20)} | {thresholds.min_choice_confidence})
    for step, choice_step, split in itertools.product(steps, choice_steps, splits):
        t = replace(thresholds, min_confidence=step, min_choice_confidence=choice_step, min_split_confidence=split)
        replays = [(c, replayed(r, t)) for c, r in pairs]
        n = _counts(replays)
        checks = {"wrong": (n["wrong"], n["answerable"], max_wrong),
                  "offtopic_answered": (n["offtopic_answered"], n["offtopic"], max_offtopic),
                  "clarified": (n["clarified"], n["answerable"], max_clarified)}
        if not all(within(*check) for check in checks.values()):
            continue
        # among equals, the thresholds nearest the tenant's own: move them only as far as the cases call for.
        # A tie went to the first tried, the loosest (0.3): on 15 answerable and 5 off-topic cases all
        # right from 0.3 to 0.7 that wrote 0.3, and questions about other things the cases missed got answered
        moved = (abs(t.min_confidence - thresholds.min_confidence) + abs(t.min_choice_confidence - thresholds.min_choice_confidence)
                 + abs(t.min_split_confidence - thresholds.min_split_confidence))
        key = (n["right"], -(n["wrong"] + n["offtopic_answered"]), -round(moved, 6))
        if best is None or key > best[0]:
            got = shares(replays)
            tolerated = [name for name, (k, total, bound) in checks.items() if total and k / total > bound]
            best = (key, t, {**got, **({"tolerated": tolerated} if tolerated else {})})
    return None if best is None else (best[1], best[2])


def thresholds_toml(tenant: str, thresholds: Thresholds, *, note: str) -> str:
    """A file a tenants file includes (`include = ["..."]`): this tenant's gate thresholds."""
    lines = [f"# {note}", f"[tenants.{json.dumps(tenant)}.thresholds]"]
    lines += [f"{name} = {getattr(thresholds, name)}" for name in ("min_dense", "min_confidence", "min_choice_confidence", "clarify_gap", "min_split_confidence", "split_gap", "split_kin")]
    return "\n".join(lines) + "\n"
