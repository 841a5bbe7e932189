"""`supportbot eval` and who its questions are asked as (`--user`, `--groups`; bot/app/cli/eval_access.py and the
release gate's `Asker`), found by ops17's operator trial on a help center with articles for managers only:

- cases answerable only from documents the run may not read are named before the cases run, and `--calibrate`
  stops on them (they were counted as misses, explained as "the question names something the help center never
  mentions");
- a stored run keeps who it asked as, and `--baseline` refuses a run asked as someone else (a baseline taken as a
  manager failed the gate of an anonymous run on every manager-only case, whatever changed);
- `--calibrate`'s file says the `--user` it was calibrated with.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bot.test_release_gate import SUPPORTBOT, run

ARTICLES = {
    "time-clock.md": "# Clocking in with Time Clock\n\nOpen the app within 15 minutes of your shift and tap Clock in. "
                     "The app checks that you are at the location with your phone's GPS.\n",
    "payroll.md": "# Exporting hours with Payroll Bridge\n\nPayroll Bridge sends approved timesheets to your payroll "
                  "provider. Approve all timesheets, then press Send to payroll.\n",
}
CASES = [
    {"question": "How do I clock in for my shift?", "expect": "answer", "sources": ["kb/time-clock.md"]},
    {"question": "How do I send approved timesheets to payroll?", "expect": "answer", "sources": ["kb/payroll.md"]},
    {"question": "What is the capital of Australia?", "expect": "handoff"},
]


@pytest.mark.skipif(not SUPPORTBOT.exists(), reason="supportbot console script not installed in this environment")
def test_eval_names_cases_the_asker_may_not_read_and_compares_runs_only_as_the_same_asker(tmp_path: Path,
                                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # sources are the paths as given to ingest: kb/...
    (tmp_path / "kb").mkdir()
    for name, text in ARTICLES.items():
        (tmp_path / "kb" / name).write_text(text, encoding="utf-8")
    tenants = tmp_path / "tenants.toml"
    tenants.write_text('[tenants.shifts]\ndefault_groups = ["public"]\n[tenants.shifts.users]\n"mgr-1" = ["public", "managers"]\n')
    cases = tmp_path / "cases.jsonl"
    cases.write_text("".join(json.dumps(c) + "\n" for c in CASES))
    data, thresholds = tmp_path / "data", tmp_path / "t.toml"
    env = {"SUPPORTBOT_TENANTS_FILE": str(tenants), "SUPPORTBOT_SAMPLE_KB": "false"}
    done = run(["ingest", "kb", "--tenant", "shifts", "--groups", "managers"], data_dir=data, **env)  # a help center for managers
    assert done.returncode == 0, done.stderr

    # as an anonymous customer: the cases only managers can have answered are named before the run, with the way to
    # ask as a manager; --calibrate stops on them instead of fitting the thresholds to their misses
    anonymous = run(["eval", str(cases), "--tenant", "shifts", "--calibrate", "--output", str(thresholds)], data_dir=data, **env)
    assert anonymous.returncode == 2, anonymous.stdout
    assert "2 case(s) can only be answered from documents this run may not read" in anonymous.stderr
    assert "'How do I send approved timesheets to payroll?': its sources are for managers" in anonymous.stderr
    assert "--user" in anonymous.stderr and "before --calibrate" in anonymous.stderr
    assert "hit_at_1" not in anonymous.stdout and not thresholds.exists()

    # as a manager: nothing to warn about; the calibration file says whom it was calibrated as
    manager = run(["eval", str(cases), "--tenant", "shifts", "--user", "mgr-1", "--calibrate", "--output", str(thresholds),
                   "--save", "manager"], data_dir=data, **env)
    assert manager.returncode == 0, manager.stderr
    assert "may not read" not in manager.stderr
    assert "--tenant shifts --user mgr-1 --calibrate" in thresholds.read_text()

    # a baseline asked as someone else is refused before the cases run, naming both; as the same asker it compares
    other = run(["eval", str(cases), "--tenant", "shifts", "--baseline", "manager"], data_dir=data, **env)
    assert other.returncode == 2, other.stdout
    assert "run 'manager' asked as --user mgr-1, this one as no --user or --groups" in other.stderr
    assert "hit_at_1" not in other.stdout
    same = run(["eval", str(cases), "--tenant", "shifts", "--user", "mgr-1", "--baseline", "manager", "--json"], data_dir=data, **env)
    assert same.returncode == 0, same.stderr
    assert json.loads(same.stdout)["gate"]["passed"] is True
