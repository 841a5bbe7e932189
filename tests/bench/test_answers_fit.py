"""bench/answers_fit.py's grid scores each point as the pipeline decides: its figures at a point are those of the replay
(`policies.confidence.decide` with the recorded vetoes, bench/answers_replay.py), unsure pair and third option included;
and the worst KB's criterion always chooses a point, the least excess over the targets when none meets them."""

from __future__ import annotations

import random
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bench.answers_adopt import ADOPTED, DEFAULTS, MODELS, adopt
from bench.answers_fit import AXES, GAPS, MARKS, TARGETS, at, choose, kb_grid
from bench.answers_replay import replay
from bench.answers_report import figures
from bot.core.config import Thresholds
from policies.confidence import ANSWER_MODEL, CHOICE_MODEL, LogisticModel


def _record(rng: random.Random, *, kb: str, n: int) -> dict[str, Any]:
    """A recorded case with made-up evidence: five documents close together or not, some near-duplicates, some
    questions vetoed after the gate (near-domain, asked kinds), some stopped before it."""
    kind = rng.choices(("answer", "offtopic", "person"), weights=(6, 3, 1))[0]
    docs = rng.sample([f"{kb}/a{k}.md" for k in range(8)], 5)
    top = rng.uniform(0.4, 1.0)
    relevance = [top]
    for _ in range(4):
        relevance.append(relevance[-1] - rng.choice((0.0, 0.01, 0.03, 0.05, 0.1, 0.2, 0.4)))
    evidence = {
        "similarity": rng.uniform(0.3, 0.9), "agreement": rng.uniform(0.7, 1.1), "lexical": rng.random(), "margin": 0.0,
        "confidence": 0.0, "choice_confidence": 0.0, "lead": 0.0, "relevance": relevance,
        "kin": [1.0] + [rng.choice((0.2, 0.5, 0.7, 0.97)) for _ in range(4)], "unknown_names": rng.choice((0, 0, 0, 1)),
        "unknown_words": rng.choice((0, 0, 1, 2)), "spread": rng.choice((0.3, 0.4)), "capped": rng.random() < 0.05,
        "person_named": kind == "person" and rng.random() < 0.8,
    }
    before_gate = rng.random() < 0.08
    return {
        "kb": kb, "split": "tune", "kind": kind, "question": f"question {n}", "sources": [rng.choice(docs[:4])] if kind == "answer" else [],
        "retrieved": docs, "evidence": None if before_gate else evidence, "outcome": rng.choice(("answer", "handoff")) if before_gate else "handoff",
        "near_domain": rng.random() < 0.05, "asked_kinds": rng.random() < 0.03, "cited": None, "options": [],
    }


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    rng = random.Random(7)
    return [_record(rng, kb=kb, n=n) for kb in ("one", "two") for n in range(300)]


def _replayed(records: list[dict[str, Any]], t: Thresholds) -> dict[str, float | None]:
    f = figures((r, replay(r, answer=ANSWER_MODEL, choice=CHOICE_MODEL, thresholds=t)) for r in records)
    return {mark: f[mark] for mark in MARKS}


def test_the_grid_at_the_shipped_defaults_is_the_replay(records: list[dict[str, Any]]) -> None:
    """On main the grid knew neither the unsure pair nor the third option nor the vetoes: at the shipped defaults it
    read fewer clarifications than the pipeline makes."""
    for kb in ("one", "two"):
        mine = [r for r in records if r["kb"] == kb]
        replayed = _replayed(mine, Thresholds())
        assert replayed["clarified"] > 0.1  # the made-up cases do reach the unsure pair
        assert at(kb_grid(mine, ANSWER_MODEL, CHOICE_MODEL), Thresholds()) == replayed


def test_the_grid_is_the_replay_at_every_point_drawn(records: list[dict[str, Any]]) -> None:
    grid = kb_grid(records, ANSWER_MODEL, CHOICE_MODEL)
    rng = random.Random(3)
    for _ in range(25):
        t = replace(Thresholds(), clarify_gap=rng.choice(GAPS), **{name: float(rng.choice(list(values))) for name, values in AXES.items()})
        assert at(grid, t) == _replayed(records, t), t


def test_with_no_point_meeting_the_targets_the_least_excess_is_chosen(records: list[dict[str, Any]]) -> None:
    """Off-topic questions answered before the gate (a pleasantry said back) at every threshold: no point meets the
    off-topic target. On main the fit exited ("no thresholds meet the targets"); now it chooses the point whose largest
    excess over a target, on any KB, is least, and says by how much."""
    said_back = [r | {"kind": "offtopic", "evidence": None, "outcome": "answer", "sources": [], "kb": "one"} for r in records[:60]]
    cases = [*records, *said_back]
    chosen = choose(cases, ANSWER_MODEL, CHOICE_MODEL)
    grids = {kb: kb_grid([r for r in cases if r["kb"] == kb], ANSWER_MODEL, CHOICE_MODEL) for kb in ("one", "two")}
    least = float(np.max([g[mark] - target for g in grids.values() for mark, target in TARGETS.items()], axis=0).min())
    floor = len(said_back) / sum(r["kind"] == "offtopic" for r in cases if r["kb"] == "one") - TARGETS["offtopic_answered"]
    assert chosen.excess >= least >= floor > 0
    assert chosen.figures == {kb: at(grid, chosen.thresholds) for kb, grid in grids.items()}
    assert max(f[mark] - target for f in chosen.figures.values() for mark, target in TARGETS.items()) <= chosen.excess + 1e-4


def test_with_every_target_met_the_rule_is_the_worst_kbs_right(records: list[dict[str, Any]]) -> None:
    """Every answerable question's right article first, no off-topic question: a point meets every target; the excess is
    0 and the point chosen meets them (a KB with no off-topic case has no off-topic figure)."""
    easy = [r | {"sources": r["retrieved"][:1]} for r in records if r["kind"] != "offtopic" and r["evidence"] is not None]
    chosen = choose(easy, ANSWER_MODEL, CHOICE_MODEL)
    assert chosen.excess == 0
    assert all(f[mark] is None or f[mark] <= target for f in chosen.figures.values() for mark, target in TARGETS.items())
    assert all(f["offtopic_answered"] is None for f in chosen.figures.values())


def test_adopting_a_fit_writes_its_models_and_defaults_and_nothing_else(tmp_path: Path) -> None:
    """`bench_answers.py --fit --adopt`: the two models' lines and the four defaults the grid chooses are rewritten, as
    code that loads and holds them; every other line stays."""
    models, defaults = tmp_path / "confidence.py", tmp_path / "tenants.py"
    shutil.copy(MODELS, models)
    shutil.copy(DEFAULTS, defaults)
    answer, choice = LogisticModel(bias=-1.5, weights=(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.25)), LogisticModel(bias=0.5, weights=(0.0,) * 7)
    t = replace(Thresholds(), min_confidence=0.825, min_choice_confidence=0.45, clarify_gap=0.14, min_split_confidence=1.0)
    adopt(answer, choice, t, models_file=models, defaults_file=defaults)
    changed = [line for old, new in ((MODELS, models), (DEFAULTS, defaults))
               for line in set(new.read_text().splitlines()) - set(old.read_text().splitlines())]
    assert len(changed) == 6
    loaded: dict[str, Any] = {}
    exec(compile(models.read_text(), str(models), "exec"), loaded)  # noqa: S102 - the file just written, as Python imports it
    assert [(m.bias, m.weights) for m in (loaded["ANSWER_MODEL"], loaded["CHOICE_MODEL"])] == [(m.bias, m.weights) for m in (answer, choice)]
    loaded = {}
    exec(compile(defaults.read_text(), str(defaults), "exec"), loaded)  # noqa: S102
    written = loaded["Thresholds"]()
    assert [getattr(written, name) for name in ADOPTED] == [0.825, 0.45, 0.14, 1.0]
