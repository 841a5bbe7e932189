"""The release gate (bot/engine/release_gate.py, bot/app/cli/eval.py): `supportbot eval --save RUN --baseline RUN`.

End to end: a real `supportbot` process on the sample knowledge base and the bench's cases; a run on
a deliberately worse configuration (thresholds lowered in the tenants file) fails the gate against
the tenant's own and names the cases that changed. The comparison itself on recorded results."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.config_values import DEFAULT_GATE_MARGINS
from bot.core.database import open_database
from bot.core.errors import InputError
from bot.engine.assistant import AskResult
from bot.engine.eval_cases import EvalCase
from bot.engine.pipeline import Citation, HandoffReason, Option, Outcome
from bot.engine.release_gate import RunStore, case_rows, compare, figures
from tests.databases import database_env, database_url

SUPPORTBOT = Path(sys.executable).parent / "supportbot"
CASES = Path(__file__).resolve().parents[2] / "bench" / "cases" / "sample_kb.jsonl"


def _answer(question: str, source: str, text: str = "Open Settings and choose Reset password.") -> AskResult:
    return AskResult(question=question, outcome=Outcome.ANSWER, answer=text, confidence=0.9,
                     citations=(Citation(source=source, title="t", url=None, score=0.9),), route="extractive",
                     handoff_reason=None, latency_ms=1.0,
                     details={"retrieved": [source], "passage_texts": {source: "To reset: open Settings and choose Reset password."}})


def _handoff(question: str) -> AskResult:
    return AskResult(question=question, outcome=Outcome.HANDOFF, answer="A person will reply.", confidence=0.2, citations=(),
                     route="none", handoff_reason=HandoffReason.NO_ANSWER, latency_ms=1.0, details={"retrieved": []})


CASE_LIST = [EvalCase("reset password", "answer", sources=("a.md",)), EvalCase("weather?", "handoff"),
             EvalCase("export data", "answer", sources=("b.md",))]


def test_a_worse_run_fails_on_the_figures_that_dropped_and_names_the_changed_cases() -> None:
    good = case_rows(CASE_LIST, [_answer("reset password", "a.md"), _handoff("weather?"), _handoff("export data")])
    bad = case_rows(CASE_LIST, [_answer("reset password", "a.md"), _answer("weather?", "a.md"), _answer("export data", "a.md")])
    before, after = figures(good), figures(bad)
    assert (before["answered_right"], before["answered_wrong"], before["offtopic_answered"]) == (0.5, 0.0, 0.0)
    assert (after["answered_wrong"], after["offtopic_answered"], after["handoff_recall"]) == (0.5, 1.0, 0.0)
    assert before["mean_grade"] == 1.0  # every word of the answer is in the cited passage
    gate = compare(baseline_name="good", baseline=before, current=after, margins=DEFAULT_GATE_MARGINS,
                   baseline_rows=good, current_rows=bad)
    assert not gate.passed
    assert {d.figure for d in gate.drops} == {"answered_wrong", "offtopic_answered", "handoff_recall"}
    assert [(c.question, c.before, c.after, c.worse) for c in gate.changed] == [
        ("weather?", "handed_over_ok", "answered_offtopic", True), ("export data", "handed_over", "wrong", True)]
    same = compare(baseline_name="good", baseline=before, current=before, margins=DEFAULT_GATE_MARGINS,
                   baseline_rows=good, current_rows=good)
    assert same.passed and not same.changed
    # within the margin: one wrong answer of 100 does not fail a 0.02 margin
    loose = compare(baseline_name="g", baseline={"answered_wrong": 0.0}, current={"answered_wrong": 0.01},
                    margins=DEFAULT_GATE_MARGINS, baseline_rows=[], current_rows=[])
    assert loose.passed


def test_a_question_answered_right_that_is_now_offered_among_choices_fails_the_gate() -> None:
    """A wrong FAQ entry on a question answered right made it a clarification between the two: "right" for
    answered_right (the right article is offered), so the gate passed it."""
    clarified = AskResult(question="reset password", outcome=Outcome.CLARIFY, answer="Which one?", confidence=0.4, citations=(),
                          route="extractive", handoff_reason=None, latency_ms=1.0,
                          options=(Option(source="a.md", title="Reset"), Option(source="faq/proposal-1.md", title="Reset (staff)")),
                          details={"retrieved": ["a.md", "faq/proposal-1.md"]})
    good = case_rows(CASE_LIST, [_answer("reset password", "a.md"), _handoff("weather?"), _handoff("export data")])
    offered = case_rows(CASE_LIST, [clarified, _handoff("weather?"), _handoff("export data")])
    before, after = figures(good), figures(offered)
    assert before["answered_right"] == after["answered_right"] == 0.5
    assert (before["answered_directly"], after["answered_directly"]) == (0.5, 0.0)
    gate = compare(baseline_name="good", baseline=before, current=after, margins=DEFAULT_GATE_MARGINS, baseline_rows=good, current_rows=offered)
    assert not gate.passed and [d.figure for d in gate.drops] == ["answered_directly"]
    assert [(c.question, c.before, c.after, c.worse) for c in gate.changed] == [("reset password", "right", "right (offered)", True)]


def test_runs_are_stored_per_tenant_and_a_name_is_never_overwritten(tmp_path: Path) -> None:
    engine = open_database(database_url(tmp_path / "db.sqlite"), upgrade=True)
    try:
        store = RunStore(engine)
        rows = case_rows(CASE_LIST[:1], [_answer("reset password", "a.md")])
        store.save(tenant="acme", name="r1", cases_file="c.jsonl", config={}, figures=figures(rows), rows=rows)
        assert store.load(tenant="acme", name="r1").rows[0]["verdict"] == "right"
        with pytest.raises(InputError, match="already has a run named 'r1'"):
            store.save(tenant="acme", name="r1", cases_file="c.jsonl", config={}, figures={}, rows=[])
        with pytest.raises(InputError, match=r"no stored run named 'r2' \(stored: r1\)"):
            store.load(tenant="acme", name="r2")
        with pytest.raises(InputError, match="no stored run named 'r1'"):
            store.load(tenant="other", name="r1")
    finally:
        engine.dispose()


def run(args: list[str], *, data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2]), "SUPPORTBOT_DATA_DIR": str(data_dir),
               **database_env(data_dir), **env}
    return subprocess.run([str(SUPPORTBOT), *args], capture_output=True, text=True, timeout=600, env=environ, check=False)


@pytest.mark.skipif(not SUPPORTBOT.exists(), reason="supportbot console script not installed in this environment")
def test_a_lowered_threshold_fails_the_gate_against_the_tenants_own_run(tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    # every other case of the bench's file (both kinds), to keep the three runs short
    cases.write_text("\n".join(CASES.read_text(encoding="utf-8").splitlines()[::2]) + "\n", encoding="utf-8")
    data_dir = tmp_path / "data"
    own, worse = tmp_path / "own.toml", tmp_path / "worse.toml"
    own.write_text("[tenants.default]\n")
    worse.write_text("[tenants.default.thresholds]\nmin_confidence = 0.1\nmin_dense = 0.1\n")

    first = run(["eval", str(cases), "--tenant", "default", "--save", "before"], data_dir=data_dir, SUPPORTBOT_TENANTS_FILE=str(own))
    assert first.returncode == 0, first.stderr
    assert "saved as run 'before'" in first.stdout

    again = run(["eval", str(cases), "--tenant", "default", "--baseline", "before", "--json"], data_dir=data_dir,
                SUPPORTBOT_TENANTS_FILE=str(own))
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["gate"]["passed"] is True

    lowered = run(["eval", str(cases), "--tenant", "default", "--save", "lowered", "--baseline", "before"], data_dir=data_dir,
                  SUPPORTBOT_TENANTS_FILE=str(worse))
    assert lowered.returncode == 1, lowered.stderr
    assert "release gate against 'before': FAILED" in lowered.stdout
    # a safety figure drops: wrong answers, off-topic answers, or a request for a person answered instead
    assert any(f"dropped  {name}" in lowered.stdout for name in ("answered_wrong", "offtopic_answered", "handoff_recall"))
    changed = [line for line in lowered.stdout.splitlines() if line.startswith("    worse ")]
    assert changed and all(" -> " in line and ": " in line for line in changed)
    print(lowered.stdout[lowered.stdout.index("gate figures"):])  # the figure for the report (pytest -s)

    unknown = run(["eval", str(cases), "--tenant", "default", "--baseline", "nope"], data_dir=data_dir, SUPPORTBOT_TENANTS_FILE=str(own))
    assert unknown.returncode == 2 and "no stored run named 'nope' (stored: before, lowered)" in unknown.stderr
    assert "hit_at_1" not in unknown.stdout  # refused before the cases ran, not after a whole run
    taken = run(["eval", str(cases), "--tenant", "default", "--save", "before"], data_dir=data_dir, SUPPORTBOT_TENANTS_FILE=str(own))
    assert taken.returncode == 2 and "already has a run named 'before'" in taken.stderr and "hit_at_1" not in taken.stdout


@pytest.mark.skipif(not SUPPORTBOT.exists(), reason="supportbot console script not installed in this environment")
async def test_eval_with_a_judge_stores_its_grades_and_counts_what_it_could_not_grade(
        servers: tuple[object, object], tmp_path: Path) -> None:
    import asyncio

    _, openai = servers
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join(json.dumps(c) for c in (
        {"question": "how do I reset my password?", "expect": "answer"},
        {"question": "How can I turn on two-factor authentication?", "expect": "answer"},
        {"question": "I want to talk to a real person", "expect": "handoff", "reason": "customer_request"},
    )) + "\n")
    openai.replies = ['{"faithfulness": 4, "relevance": 5, "tone": 5, "reason": "steps from the article"}', "no idea, sorry"]  # type: ignore[attr-defined]
    sent = len(openai.requests)  # type: ignore[attr-defined]
    environ = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2]), "SUPPORTBOT_DATA_DIR": str(tmp_path / "data"),
               **database_env(tmp_path / "data"), "OPENAI_BASE_URL": openai.url + "/v1", "OPENAI_API_KEY": "sk-test",  # type: ignore[attr-defined]
               "SUPPORTBOT_JUDGE_MODEL": "judge-mini"}
    process = await asyncio.create_subprocess_exec(str(SUPPORTBOT), "eval", str(cases), "--tenant", "default", "--save", "judged", "--json",
                                                   env=environ, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 300)
    assert process.returncode == 0, err.decode()
    figures_ = json.loads(out)["figures"]
    assert figures_["judge_faithfulness"] == 4.0 and figures_["judge_ungraded"] == 1 and figures_["graded"] == 2
    assert "1 graded, ungraded {'garbage': 1}" in err.decode()
    assert len(openai.requests) - sent == 2  # type: ignore[attr-defined]  # one call per answer, none for the handoff
