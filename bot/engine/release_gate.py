"""The release gate: `supportbot eval CASES --save RUN` stores a run; `--baseline RUN` compares.

A run is its figures (shares of the cases), each case's outcome and verdict, and its grade. The gate
fails when a figure got worse than the baseline's by more than its margin (`Settings.gate_margins`):
answered right, answered wrong, off-topic answered, handoff recall and mean grade. The cases whose
verdict changed are listed, the worse ones first, so the person who changed a threshold or the
knowledge base sees which questions it cost.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.core.errors import InputError
from bot.core.ops_tables import EvalRun
from bot.engine.assistant import AskResult
from bot.engine.eval_cases import EvalCase
from bot.engine.evaluation import kind_of
from policies.grading import LocalGrade, grade_answer

# figure -> whether a higher value is better
FIGURES: dict[str, bool] = {
    "answered_right": True, "answered_directly": True, "answered_wrong": False, "offtopic_answered": False, "handoff_recall": True,
    "mean_grade": True,
}
# a right article offered among others instead of answered: "right" for the figures (a clarification that
# offers the right article counts as right), but a case that went from answered to offered got worse (the
# customer has to choose, from options one of which may be wrong): a wrong FAQ entry on a question answered
# right made it a clarification between the two and passed the gate
RIGHT_OFFERED = "right (offered)"
# a verdict's rank: a change to a lower rank is a regression ("right" -> "clarified" -> "handed_over" -> "wrong")
_RANK = {"right": 3, "clarified": 2, "handed_over": 1, "wrong": 0, "handed_over_ok": 1, "answered_offtopic": 0,
         "answered_person": 0, RIGHT_OFFERED: 2.5}


def cited_sources(result: AskResult) -> list[str]:
    """What an outcome points the customer at: the answer's citations (else its top passage), a clarification's options."""
    if result.outcome.value == "answer":
        return [c.source for c in result.citations] or list(result.details.get("retrieved", []))[:1]
    if result.outcome.value == "clarify":
        return [o.source for o in result.options]
    return []


def verdict_of(case: EvalCase, result: AskResult) -> str:
    """right | wrong | clarified (no right option offered) | handed_over, for an answerable question;
    handed_over_ok | answered_offtopic | answered_person for one that should go to a person."""
    outcome = result.outcome.value
    if kind_of(case) != "answer":
        if outcome == "handoff":
            return "handed_over_ok"
        return "answered_offtopic" if kind_of(case) == "offtopic" else "answered_person"
    if outcome == "handoff":
        return "handed_over"
    sources = cited_sources(result)
    right = not case.sources or bool(set(sources[:1] if outcome == "answer" else sources) & set(case.sources))
    if right:
        return "right"
    return "wrong" if outcome == "answer" else "clarified"


def local_grade(result: AskResult) -> LocalGrade | None:
    if result.outcome.value != "answer":
        return None
    return grade_answer(question=result.question, answer=result.answer, cited=[c.source for c in result.citations],
                        passages=result.details.get("passage_texts") or {})


def case_rows(cases: Sequence[EvalCase], results: Sequence[AskResult],
              judged: Sequence[Mapping[str, Any] | None] | None = None) -> list[dict[str, Any]]:
    """One row per case: what the run did with it, as stored and compared. `judged`: a judge's grade per case."""
    rows = []
    for n, (case, result) in enumerate(zip(cases, results, strict=True)):
        grade = local_grade(result)
        rows.append({
            "question": case.question, "kind": kind_of(case), "outcome": result.outcome.value,
            "verdict": verdict_of(case, result), "sources": cited_sources(result)[:3],
            "grade": grade.to_json() if grade else None,
            "judge": (judged[n] if judged is not None else None),
        })
    return rows


def _share(count: int, total: int) -> float | None:
    return round(count / total, 4) if total else None


def figures(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    answerable = [r for r in rows if r["kind"] == "answer"]
    offtopic = [r for r in rows if r["kind"] == "offtopic"]
    to_people = [r for r in rows if r["kind"] != "answer"]
    graded = [r["grade"]["score"] for r in rows if r.get("grade")]
    return {
        "cases": len(rows),
        "answered_right": _share(sum(r["verdict"] == "right" for r in answerable), len(answerable)),
        # right without a choice to make: answered from a right article (`RIGHT_OFFERED` above)
        "answered_directly": _share(sum(r["verdict"] == "right" and r["outcome"] == "answer" for r in answerable), len(answerable)),
        "answered_wrong": _share(sum(r["verdict"] == "wrong" for r in answerable), len(answerable)),
        "offtopic_answered": _share(sum(r["outcome"] != "handoff" for r in offtopic), len(offtopic)),
        "handoff_recall": _share(sum(r["outcome"] == "handoff" for r in to_people), len(to_people)),
        "mean_grade": round(sum(graded) / len(graded), 4) if graded else None,
        "graded": len(graded),
        "judge_ungraded": sum(1 for r in rows if isinstance(r.get("judge"), dict) and r["judge"].get("ungraded")),
        **{f"judge_{axis}": _mean([r["judge"][axis] for r in rows if isinstance(r.get("judge"), dict) and axis in r["judge"]])
           for axis in ("faithfulness", "relevance", "tone")},
    }


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


@dataclass(frozen=True, slots=True)
class FigureDrop:
    figure: str
    baseline: float
    current: float
    margin: float

    def __str__(self) -> str:
        return f"{self.figure}: {self.baseline:.3f} -> {self.current:.3f} (margin {self.margin})"


@dataclass(frozen=True, slots=True)
class ChangedCase:
    question: str
    before: str
    after: str

    @property
    def worse(self) -> bool:
        return _RANK.get(self.after, 0) < _RANK.get(self.before, 0)


@dataclass(frozen=True, slots=True)
class GateResult:
    baseline: str
    drops: tuple[FigureDrop, ...]
    changed: tuple[ChangedCase, ...]
    missing: int  # baseline cases not in this run (a different cases file): compared on the shared ones

    @property
    def passed(self) -> bool:
        return not self.drops

    def to_json(self) -> dict[str, Any]:
        return {"baseline": self.baseline, "passed": self.passed, "missing": self.missing,
                "drops": [{"figure": d.figure, "baseline": d.baseline, "current": d.current, "margin": d.margin} for d in self.drops],
                "changed": [{"question": c.question, "before": c.before, "after": c.after, "worse": c.worse} for c in self.changed]}


def compare(*, baseline_name: str, baseline: Mapping[str, Any], current: Mapping[str, Any], margins: Mapping[str, float],
            baseline_rows: Sequence[Mapping[str, Any]], current_rows: Sequence[Mapping[str, Any]]) -> GateResult:
    drops = []
    for name, higher_better in FIGURES.items():
        before, after = baseline.get(name), current.get(name)
        if before is None or after is None:
            continue
        loss = (before - after) if higher_better else (after - before)
        if loss > margins[name] + 1e-9:
            drops.append(FigureDrop(figure=name, baseline=before, current=after, margin=margins[name]))
    now = {r["question"]: r for r in current_rows}
    changed = [ChangedCase(question=r["question"], before=_shown(r), after=_shown(now[r["question"]]))
               for r in baseline_rows if r["question"] in now and _shown(now[r["question"]]) != _shown(r)]
    changed.sort(key=lambda c: not c.worse)
    missing = sum(1 for r in baseline_rows if r["question"] not in now)
    return GateResult(baseline=baseline_name, drops=tuple(drops), changed=tuple(changed), missing=missing)


def _shown(row: Mapping[str, Any]) -> str:
    """A case's verdict as the gate compares it: a right one offered among others is `RIGHT_OFFERED`."""
    return RIGHT_OFFERED if row["verdict"] == "right" and row.get("outcome") == "clarify" else str(row["verdict"])


@dataclass(frozen=True, slots=True)
class Asker:
    """Who a run's questions were asked as (`eval --user U --groups g1,g2`): what they may read decides which cases
    can be answered at all, so runs compare only when asked as the same identity. Stored in the run's `config`."""

    user: str | None = None
    groups: tuple[str, ...] = ()

    @classmethod
    def of(cls, *, user: str | None, groups: Sequence[str] = ()) -> Asker:
        return cls(user=user or None, groups=tuple(sorted({g for g in groups if g})))

    def to_json(self) -> dict[str, Any]:
        return {"user": self.user, "groups": sorted(self.groups)}

    def __str__(self) -> str:
        said = [f"--user {self.user}"] if self.user else []
        said += [f"--groups {','.join(sorted(self.groups))}"] if self.groups else []
        return " ".join(said) or "no --user or --groups"


@dataclass(frozen=True, slots=True)
class StoredRun:
    name: str
    tenant: str
    figures: dict[str, Any]
    rows: list[dict[str, Any]]
    config: dict[str, Any]
    cases_file: str = ""

    @property
    def asker(self) -> Asker | None:
        """Who the run asked as; None for a run stored before runs kept it (then unknown)."""
        asked = self.config.get("asker")
        if not isinstance(asked, dict):
            return None
        return Asker.of(user=asked.get("user"), groups=asked.get("groups") or ())

    def check_asker(self, asker: Asker) -> None:
        """Refuse a comparison with a run asked as someone else: a run as a customer who may read more (`--user` of
        a manager) and one as an anonymous customer differ by every case only the first can see, whatever changed
        (found by ops17's trial: a baseline taken with --user failed the gate of a run without it on three cases)."""
        before = self.asker
        if before is not None and before != asker:
            raise InputError(f"run {self.name!r} asked as {before}, this one as {asker}: what each may read differs, so the "
                             "figures do not compare; ask as the same identity (or save a new baseline)")


class RunStore:
    """Evaluation runs in the database (table `eval_run`), by tenant and name."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def save(self, *, tenant: str, name: str, cases_file: str, config: Mapping[str, Any], figures: Mapping[str, Any],
             rows: Sequence[Mapping[str, Any]]) -> None:
        if not name.strip():
            raise InputError("a run needs a name (--save NAME)")
        row = EvalRun(tenant=tenant, name=name, cases_file=cases_file, config=json.dumps(config), figures=json.dumps(figures),
                      cases=json.dumps(list(rows), default=str))
        try:
            with Session(self._engine) as session:
                session.add(row)
                session.commit()
        except IntegrityError:
            raise InputError(f"tenant {tenant!r} already has a run named {name!r}; save under another name") from None

    def load(self, *, tenant: str, name: str) -> StoredRun:
        with Session(self._engine) as session:
            row = session.exec(select(EvalRun).where(EvalRun.tenant == tenant, EvalRun.name == name)).first()
            if row is None:
                known = ", ".join(self.names(tenant=tenant)) or "none"
                raise InputError(f"tenant {tenant!r} has no stored run named {name!r} (stored: {known})")
            return StoredRun(name=row.name, tenant=row.tenant, figures=json.loads(row.figures), rows=json.loads(row.cases),
                             config=json.loads(row.config), cases_file=row.cases_file)

    def latest(self, *, tenant: str) -> StoredRun | None:
        """The tenant's most recently stored run: the baseline an approval in /admin is gated against."""
        with Session(self._engine) as session:
            row = session.exec(select(EvalRun).where(EvalRun.tenant == tenant).order_by(EvalRun.id.desc())).first()  # type: ignore[union-attr]
        if row is None:
            return None
        return StoredRun(name=row.name, tenant=row.tenant, figures=json.loads(row.figures), rows=json.loads(row.cases),
                         config=json.loads(row.config), cases_file=row.cases_file)

    def names(self, *, tenant: str) -> list[str]:
        with Session(self._engine) as session:
            return list(session.exec(select(EvalRun.name).where(EvalRun.tenant == tenant).order_by(EvalRun.id)))  # type: ignore[arg-type]
