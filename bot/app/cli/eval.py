"""`supportbot eval --save RUN / --baseline RUN`: the release gate (bot/engine/release_gate.py) on the command line.

`eval` in bot/app/cli/main.py scores the cases; this stores the run and compares it with a stored one. A failed
gate prints the figures that dropped and the cases that changed and exits 1 (a user error exits 2).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

import click

from bot.core.config import Settings, Thresholds
from bot.engine.assistant import AskResult
from bot.engine.eval_cases import EvalCase

F = TypeVar("F", bound=Callable[..., Any])


def gate_options(func: F) -> F:
    """The options `eval` takes for the release gate."""
    func = click.option("--baseline", default=None, metavar="RUN",
                        help="compare with this stored run; exit 1 when a figure dropped beyond its margin (SUPPORTBOT_GATE_MARGINS)")(func)
    func = click.option("--save", default=None, metavar="RUN", help="store this run (figures, per-case outcomes, grades) under RUN")(func)
    return func


def run_gate(*, settings: Settings, tenant: str, cases_file: Path, cases: Sequence[EvalCase], results: Sequence[AskResult],
             thresholds: Thresholds, save: str | None, baseline: str | None, as_json: bool, asker: Any = None,
             judged: Sequence[dict[str, Any] | None] | None = None) -> dict[str, Any]:
    """Store and/or compare; returns what `--json` adds to the report. Prints the human form unless `as_json`."""
    from bot.core.database import open_database
    from bot.engine.release_gate import Asker, RunStore, case_rows, compare, figures

    rows = case_rows(cases, results, judged)
    now = figures(rows)
    out: dict[str, Any] = {"figures": now}
    engine = open_database(settings.database_url, upgrade=settings.database_upgrade, pool_size=settings.database_pool)
    try:
        store = RunStore(engine)
        previous = store.load(tenant=tenant, name=baseline) if baseline else None  # unknown name: refused before saving
        if save:
            # who asked is kept with the run: a baseline compares only with runs asked as the same identity, and the
            # approval of a staff FAQ proposal asks the cases again as it (bot/app/faq_approval.py)
            config = {**asdict(thresholds), "asker": (asker or Asker()).to_json()}
            store.save(tenant=tenant, name=save, cases_file=str(cases_file), config=config, figures=now, rows=rows)
            out["saved"] = save
    finally:
        engine.dispose()
    if not as_json:
        click.echo("gate figures         " + "  ".join(f"{k} {'-' if v is None else v}" for k, v in now.items()))
        if save:
            click.echo(f"saved as run {save!r} of tenant {tenant!r}")
    if previous is None:
        return out
    result = compare(baseline_name=previous.name, baseline=previous.figures, current=now, margins=settings.gate_margins,
                     baseline_rows=previous.rows, current_rows=rows)
    out["gate"] = result.to_json()
    if not as_json:
        _print_gate(result)
    return out


def judge_results(services: Any, *, tenant: str, results: Sequence[AskResult]) -> list[dict[str, Any] | None] | None:
    """The judge's grade of each answer (SUPPORTBOT_JUDGE_MODEL; None without a judge), redacted and
    metered as bot/engine/grading.py says; an answer the judge could not grade is marked `ungraded`."""
    import asyncio

    from bot.engine.grading import Judge, judge_model

    model = judge_model(services.settings)
    if model is None:
        return None
    redactor = services.redactor
    judge = Judge(model=model, budget=services.budget, settings=services.settings,
                  redact=lambda text, name: redactor.redact_sync(text, tenant=name).redacted if redactor is not None else text)

    async def grade_all() -> list[dict[str, Any] | None]:
        out: list[dict[str, Any] | None] = []
        for result in results:
            if result.outcome.value != "answer":
                out.append(None)
                continue
            grade = await judge.grade(tenant=tenant, question=result.question, answer=result.answer,
                                      passages=result.details.get("passage_texts") or {}, cited=[c.source for c in result.citations])
            out.append(grade.to_json())
        return out

    graded = asyncio.run(grade_all())
    click.echo(f"judge {model.model}: {judge.graded} graded, ungraded {dict(judge.ungraded) or 0}", err=True)
    return graded


def _print_gate(result: Any) -> None:
    click.echo(f"release gate against {result.baseline!r}: {'passed' if result.passed else 'FAILED'}")
    for drop in result.drops:
        click.echo(f"  dropped  {drop}")
    if result.missing:
        click.echo(f"  {result.missing} case(s) of the baseline are not in this run (compared on the shared ones)")
    if result.changed:
        click.echo(f"  {len(result.changed)} case(s) changed:")
        for case in result.changed:
            click.echo(f"    {'worse ' if case.worse else 'better'}  {case.before} -> {case.after}: {case.question}")


def gate_exit(out: dict[str, Any]) -> None:
    """After the report: exit 1 when the gate failed."""
    if "gate" in out and not out["gate"]["passed"]:
        sys.exit(1)
