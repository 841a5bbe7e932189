"""Replaying recorded cases under other models and thresholds, deciding as the pipeline does (`policies.confidence.decide`
and the vetoes the recording kept). Split out of bench/bench_answers.py (which still exports every name here) so that
bench/answers_fit.py's grid scores each point with the same `decided` the replay uses."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.core.config import Thresholds
from policies.confidence import Evidence, LogisticModel, Verdict, decide, features
from policies.intent import names_a_person


def _values(evidence: dict[str, Any]) -> list[float]:
    return features(Evidence.from_json(evidence))


def rescore(rec: dict[str, Any], *, answer: LogisticModel, choice: LogisticModel) -> Evidence | None:
    """The recorded evidence with these models' probabilities (None: the gate never saw this case)."""
    e = rec["evidence"]
    if e is None or not e["relevance"]:
        return None
    values = _values(e)
    return replace(
        Evidence.from_json(e), confidence=0.2 if e["capped"] else answer.probability(values),
        choice_confidence=0.2 if e["capped"] else choice.probability(values),
    )


def decided(rec: dict[str, Any], evidence: Evidence | None, thresholds: Thresholds) -> tuple[str, list[str]]:
    """(outcome, cited or offered sources) as the pipeline decides with these thresholds."""
    if evidence is None:  # stopped before the confidence gate (a person request, a human-only topic) or nothing found
        return (rec["outcome"], []) if rec["evidence"] is None else ("handoff", [])
    if "person_named" not in rec["evidence"]:  # recorded before the evidence said so: read from the question as the pipeline does
        evidence = replace(evidence, person_named=names_a_person(rec["question"]))
    verdict, picked = decide(evidence, thresholds)
    if rec.get("near_domain") or rec.get("asked_kinds"):  # policies/near_domain.py or asked_kinds.py handed it over
        return "handoff", []
    if verdict is Verdict.ANSWER:
        return "answer", rec["retrieved"][:1]
    if verdict is Verdict.CLARIFY:
        return "clarify", [rec["retrieved"][n] for n in picked if n < len(rec["retrieved"])]
    return "handoff", []


def replay(rec: dict[str, Any], *, answer: LogisticModel, choice: LogisticModel, thresholds: Thresholds) -> tuple[str, list[str]]:
    return decided(rec, rescore(rec, answer=answer, choice=choice), thresholds)


def shipped(rec: dict[str, Any]) -> tuple[str, list[str]]:
    if rec["outcome"] == "answer":
        return "answer", [rec["cited"]] if rec["cited"] else []
    if rec["outcome"] == "clarify":
        return "clarify", rec["options"]
    return rec["outcome"], []
