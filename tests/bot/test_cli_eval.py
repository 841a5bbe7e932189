"""`supportbot eval` as a user runs it (a real process on the embedded defaults): hit rates after an
ingest, the cases that missed and why, and `eval --calibrate` (its inputs checked, the thresholds file
written where the tenants file includes it)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.bot.cli_steps import (
    pytestmark,  # noqa: F401 (skipped without the console script)
    run,
)


def test_ingest_then_eval_reports_hit_rates(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "shipping.md").write_text(
        "# Shipping times\nURL: https://shop.example/shipping\n\nStandard parcels arrive in 3 to 5 working days. "
        "Express parcels arrive the next working day when ordered before 2 pm.\n"
    )
    out = run(["ingest", str(kb), "--tenant", "default"], data_dir=data_dir, SUPPORTBOT_SAMPLE_KB="0")
    assert out.returncode == 0, out.stderr
    assert "1 added" in out.stdout
    cases = tmp_path / "cases.jsonl"
    source = os.path.normpath(str(kb / "shipping.md"))
    cases.write_text(
        json.dumps({"question": "how long does express delivery take?", "expect": "answer", "sources": [source]}) + "\n"
        + json.dumps({"question": "agent please", "expect": "handoff", "reason": "customer_request"}) + "\n"
    )
    out = run(["eval", str(cases), "--tenant", "default", "--json"], data_dir=data_dir, SUPPORTBOT_SAMPLE_KB="0")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["hit_at_1"] == 1.0
    assert report["answer_recall"] == 1.0 and report["handoff_recall"] == 1.0
    assert report["latency_ms"]["p50"] > 0


def test_eval_names_the_cases_that_missed(data_dir: Path, tmp_path: Path) -> None:
    """The text report gave figures only (hit_at_1 0.000): which case missed, and that its source was
    mistyped (`reset-your-password.md`, not `sample_kb/...` as ingest named it), was in --json alone."""
    cases = tmp_path / "cases.jsonl"
    cases.write_text(
        json.dumps({"question": "how do I reset my password?", "expect": "answer", "sources": ["reset-your-password.md"]}) + "\n"
        + json.dumps({"question": "I want to talk to a person", "expect": "handoff", "reason": "customer_request"}) + "\n"
    )
    out = run(["eval", str(cases), "--tenant", "default"], data_dir=data_dir)
    assert out.returncode == 0, out.stderr
    listed = out.stdout.split("failures (1):", 1)[1].splitlines()[1:]
    assert len(listed) == 1, out.stdout
    listed[0] = listed[0].strip()
    assert listed[0].startswith("'how do I reset my password?': expected answer, got answer")
    assert "top: sample_kb/" in listed[0] and listed[0].endswith("want: reset-your-password.md")
    # said before the figures too, with the source meant (before: nothing but hit_at_1 0.000 and the line above)
    assert "'reset-your-password.md' (did you mean 'sample_kb/reset-your-password.md'?)" in out.stderr


def test_eval_says_why_an_answerable_case_was_handed_over_at_a_high_confidence(data_dir: Path, tmp_path: Path) -> None:
    """"can I connect <a product the help center lists>?" was listed as "expected answer, got handoff (no_answer),
    confidence 0.971" with its article first: the floor `min_dense` (the top passage's cosine), which the
    risk-coverage table does not vary, was nowhere named. A floor set high shows the same on the sample help center."""
    tenants = tmp_path / "tenants.toml"
    tenants.write_text('[tenants.default.widget]\nkeys = ["demo"]\n[tenants.default.thresholds]\nmin_dense = 0.99\n')
    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps({"question": "how do I change the email address on my account?", "expect": "answer",
                                 "sources": ["sample_kb/change-your-email-address.md"]}) + "\n")
    out = run(["eval", str(cases), "--tenant", "default"], data_dir=data_dir, SUPPORTBOT_TENANTS_FILE=str(tenants))
    assert out.returncode == 0, out.stderr
    [listed] = out.stdout.split("failures (1):", 1)[1].splitlines()[1:]
    assert "expected answer, got handoff (no_answer)" in listed
    assert "; handed over: the top passage's similarity 0." in listed and "is under min_dense 0.99" in listed
    out = run(["eval", str(cases), "--tenant", "default", "--json"], data_dir=data_dir, SUPPORTBOT_TENANTS_FILE=str(tenants))
    assert "under min_dense 0.99" in json.loads(out.stdout)["failures"][0]["why"]


def test_eval_calibrate_refuses_cases_naming_sources_no_document_has(data_dir: Path, tmp_path: Path) -> None:
    """A case file written with the files' bare names scored every right answer wrong, and --calibrate
    wrote thresholds fitted to those false verdicts (exit 0)."""
    cases = tmp_path / "cases.jsonl"
    cases.write_text(
        json.dumps({"question": "how do I reset my password?", "expect": "answer", "sources": ["reset-your-password.md"]}) + "\n"
        + json.dumps({"question": "what is the capital of France?", "expect": "handoff"}) + "\n"
    )
    target = tmp_path / "thresholds.toml"
    out = run(["eval", str(cases), "--calibrate", "--output", str(target)], data_dir=data_dir)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "name no document of tenant 'default'" in out.stderr and "did you mean 'sample_kb/reset-your-password.md'?" in out.stderr
    assert not target.exists() and "calibrated" not in out.stdout


@pytest.mark.parametrize(("lines", "missing"), [
    ([{"question": "How do I reset my password?", "expect": "answer"}], "add questions your help center does not answer"),
    ([{"question": "what is the capital of France?", "expect": "handoff"},
      {"question": "a person please", "expect": "handoff", "reason": "customer_request"}], "add questions your help center answers"),
])
def test_eval_calibrate_needs_answerable_and_off_topic_cases(data_dir: Path, tmp_path: Path, lines: list[dict[str, str]],
                                                              missing: str) -> None:
    """With answerable cases only nothing held the gate back: `--calibrate` wrote min_confidence 0.3, the
    loosest it tries (the default is 0.55), and off-topic questions got answered; with off-topic ones only,
    the same 0.3. Now refused before any case runs, saying which kind to add."""
    cases = tmp_path / "cases.jsonl"
    cases.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    target = tmp_path / "thresholds.toml"
    out = run(["eval", str(cases), "--calibrate", "--output", str(target)], data_dir=data_dir)
    assert out.returncode == 2 and "--calibrate needs both kinds of case" in out.stderr and missing in out.stderr
    assert "Traceback" not in out.stderr and out.stdout == "" and not target.exists()


def test_eval_calibrate_into_a_folder_that_does_not_exist_says_so(data_dir: Path, tmp_path: Path) -> None:
    # before: an OSError traceback at the end of the run; now said before any case runs (nothing printed of a run)
    cases = tmp_path / "cases.jsonl"
    cases.write_text('{"question": "How do I reset my password?", "expect": "answer"}\n'
                     '{"question": "What is the capital of France?", "expect": "handoff"}\n', encoding="utf-8")
    target = tmp_path / "missing" / "thresholds.toml"
    out = run(["eval", str(cases), "--calibrate", "--max-wrong", "1", "--max-clarified", "1", "--output", str(target)], data_dir=data_dir)
    assert out.returncode == 1 and f"cannot write the thresholds to {target}: no folder {target.parent}" in out.stderr
    assert "Traceback" not in out.stderr and out.stdout == ""
    target.parent.mkdir()
    out = run(["eval", str(cases), "--calibrate", "--max-wrong", "1", "--max-clarified", "1", "--output", str(target)], data_dir=data_dir)
    assert out.returncode == 0, out.stderr
    assert "[tenants.\"default\".thresholds]" in target.read_text(encoding="utf-8") and f"-> {target}" in out.stdout


def test_eval_calibrate_again_writes_the_thresholds_file_the_tenants_file_includes(data_dir: Path, tmp_path: Path) -> None:
    """Found trying supportbot as an operator: a second calibration, run from another folder, wrote a new
    thresholds-TENANT.toml there, which nothing read, and said a running serve would apply it."""
    conf, elsewhere = tmp_path / "conf", tmp_path / "elsewhere"
    conf.mkdir()
    elsewhere.mkdir()
    tenants = conf / "tenants.toml"
    tenants.write_text('include = ["thresholds-default.toml"]\n[tenants.default.widget]\nkeys = ["demo"]\n', encoding="utf-8")
    (conf / "thresholds-default.toml").write_text("[tenants.default.thresholds]\nmin_confidence = 0.9\n", encoding="utf-8")
    cases = tmp_path / "cases.jsonl"
    cases.write_text('{"question": "How do I reset my password?", "expect": "answer"}\n'
                     '{"question": "What is the capital of France?", "expect": "handoff"}\n', encoding="utf-8")
    out = run(["eval", str(cases), "--calibrate", "--max-wrong", "1", "--max-clarified", "1"],
              data_dir=data_dir, cwd=elsewhere, SUPPORTBOT_TENANTS_FILE=str(tenants))
    assert out.returncode == 0, out.stderr
    assert "written by `supportbot eval" in (conf / "thresholds-default.toml").read_text(encoding="utf-8")
    assert not (elsewhere / "thresholds-default.toml").exists()
    assert "the tenants file includes it" in out.stdout and "{" not in out.stdout.split("calibrated:")[1].splitlines()[0]


def test_eval_calibrate_names_the_include_as_the_tenants_file_reads_it(data_dir: Path, tmp_path: Path) -> None:
    """Found trying supportbot as a new operator: `--calibrate` printed `include = ["<output as given>"]`,
    but includes are read relative to the tenants file: with the tenants file in another folder than the
    one `eval` ran in, the printed line named a file the next start could not find."""
    conf, out_dir = tmp_path / "conf", tmp_path / "runs"
    conf.mkdir()
    out_dir.mkdir()
    tenants = conf / "tenants.toml"
    tenants.write_text('[tenants.default.widget]\nkeys = ["demo"]\n', encoding="utf-8")
    cases = tmp_path / "cases.jsonl"
    cases.write_text('{"question": "How do I reset my password?", "expect": "answer"}\n'
                     '{"question": "What is the capital of France?", "expect": "handoff"}\n', encoding="utf-8")
    out = run(["eval", str(cases), "--calibrate", "--max-wrong", "1", "--max-clarified", "1"],  # thresholds-default.toml, here
              data_dir=data_dir, cwd=out_dir, SUPPORTBOT_TENANTS_FILE=str(tenants))
    assert out.returncode == 0, out.stderr
    assert (out_dir / "thresholds-default.toml").exists()
    assert 'include = ["../runs/thresholds-default.toml"]' in out.stdout
    # qa12: with the include added, the running server went on answering with its old thresholds (it reads the
    # tenants file at its start) while `ask` used the new ones, and nothing said so; now it reads them again and says how
    assert "applies them within seconds" in out.stdout
    tenants.write_text('include = ["../runs/thresholds-default.toml"]\n' + tenants.read_text(encoding="utf-8"), encoding="utf-8")
    shown = run(["rollout", "default"], data_dir=data_dir, SUPPORTBOT_TENANTS_FILE=str(tenants))  # the start reads it
    assert shown.returncode == 0, shown.stderr
