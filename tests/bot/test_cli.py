"""The `supportbot` command as a user runs it: a real process on the embedded defaults. Here `ask`,
`redact` and user errors; `ingest`: test_cli_ingest.py, `eval`: test_cli_eval.py, `audit` and `usage`:
test_cli_audit.py, `serve` and `vectors serve`: test_cli_serve.py."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.bot.cli_steps import (
    SUPPORTBOT,
    pytestmark,  # noqa: F401 (skipped without the console script)
    run,
)
from tests.databases import database_env


def test_ask_works_right_after_install_on_the_sample_knowledge_base(data_dir: Path) -> None:
    out = run(["ask", "how do I reset my password?", "--json"], data_dir=data_dir)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["outcome"] == "answer"
    assert result["citations"] and "password" in result["citations"][0]["title"].lower()
    assert result["citations"][0]["source"].startswith("sample_kb/")
    assert "password" in result["answer"].lower()
    assert set(result) >= {"question", "outcome", "answer", "confidence", "citations", "route", "handoff_reason", "latency_ms"}


def test_ask_reads_json_lines_from_stdin(data_dir: Path) -> None:
    questions = "How can I turn on two-factor authentication?\n\nI want to talk to a real person\n" + "x" * 3000 + "\n"
    out = run(["ask"], data_dir=data_dir, stdin=questions)
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(lines) == 3
    assert lines[0]["outcome"] == "answer"
    assert lines[1]["outcome"] == "handoff" and lines[1]["handoff_reason"] == "customer_request"
    assert "limit is 2000" in lines[2]["error"]


def test_ask_takes_json_objects_on_stdin_and_echoes_their_id(data_dir: Path) -> None:
    lines = [
        json.dumps({"id": "q1", "question": "How can I turn on two-factor authentication?"}),
        "How do I reset my password?",
        json.dumps({"id": 7, "question": "agent please", "user": "u-42"}),
        json.dumps({"id": "q3", "text": "no question field"}),
        '{"question": "broken',
        json.dumps({"id": "q5", "question": "x" * 2100}),
    ]
    out = run(["ask"], data_dir=data_dir, stdin="\n".join(lines) + "\n")
    assert out.returncode == 0, out.stderr
    results = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(results) == 6
    assert results[0]["id"] == "q1" and results[0]["question"].startswith("How can I turn on")
    assert results[0]["outcome"] == "answer" and "two-factor" in results[0]["answer"].lower()
    assert "id" not in results[1] and results[1]["outcome"] == "answer"
    assert results[2]["id"] == 7 and results[2]["handoff_reason"] == "customer_request"
    assert results[3]["id"] == "q3" and '"question" string' in results[3]["error"]
    assert "not a JSON object" in results[4]["error"]
    # a question over the limit: the error line names the question asked, not the JSON line around it
    assert results[5]["id"] == "q5" and "limit is 2000" in results[5]["error"] and results[5]["question"] == "x" * 200


def test_ask_answers_a_wrongly_typed_or_undecodable_stdin_line_with_its_error_and_goes_on(data_dir: Path) -> None:
    lines = [
        json.dumps({"id": 1, "question": "How do I reset my password?", "groups": {"public": True}}),
        json.dumps({"id": 2, "question": "How do I reset my password?", "user": 42}),
        json.dumps({"id": 3, "question": "How do I reset my password?", "groups": [1, None]}),
        "bad bytes \udcff reset my password",
        json.dumps({"id": 5, "question": "How do I reset my password?", "groups": ["public"]}),
    ]
    stdin = ("\n".join(lines) + "\n").encode("utf-8", "surrogateescape")  # the fourth line holds the byte 0xff
    environ = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2]), "SUPPORTBOT_DATA_DIR": str(data_dir), **database_env(data_dir)}
    out = subprocess.run([str(SUPPORTBOT), "ask"], input=stdin, capture_output=True, timeout=300, env=environ)
    assert out.returncode == 0, out.stderr
    assert b"Traceback" not in out.stderr
    results = [json.loads(line) for line in out.stdout.decode("utf-8", "replace").splitlines()]
    assert [r.get("id") for r in results] == [1, 2, 3, None, 5]
    assert '"groups" must be a list of strings' in results[0]["error"]
    assert '"user" must be a string' in results[1]["error"]
    assert '"groups" must be a list of strings' in results[2]["error"]
    assert "not valid UTF-8" in results[3]["error"]
    assert results[4]["outcome"] == "answer"


def test_a_mistyped_tenant_is_refused_before_the_store_is_opened(tmp_path: Path) -> None:
    # before: `ask` and `eval` loaded the models and opened (on a fresh data dir: created) the store
    # first, racing a `serve` that was starting on the same data dir
    cases = tmp_path / "cases.jsonl"
    cases.write_text('{"question": "q", "expect": "answer"}\n', encoding="utf-8")
    for args in (["ask", "hello", "--tenant", "nope"], ["eval", str(cases), "--tenant", "nope"]):
        out = run(args, data_dir=tmp_path / "data")
        assert out.returncode == 2 and "unknown tenant 'nope'" in out.stderr
        assert not (tmp_path / "data" / "milvus.db").exists()


def test_a_mistyped_folder_is_named_as_typed_before_the_store_is_opened(tmp_path: Path) -> None:
    missing = str(tmp_path / "help-centre")  # an absolute path: its source would drop the leading /
    out = run(["ingest", missing, "--tenant", "default"], data_dir=tmp_path / "data")
    assert out.returncode == 1
    assert f"skipped {missing}: no such file or directory" in out.stderr
    assert not (tmp_path / "data" / "milvus.db").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ask", "   "], "empty"),
        (["ask", "hello", "--tenant", "nope"], "unknown tenant 'nope'"),
        (["ingest", "/nonexistent/folder", "--tenant", "default"], "no such file"),
        (["ask", "bad bytes \udcff"], "not valid UTF-8"),
        (["db", "downgrade", "abc"], "Can't locate revision identified by 'abc'"),
    ],
)
def test_user_errors_are_one_clear_line_without_traceback(data_dir: Path, args: list[str], message: str) -> None:
    out = run(args, data_dir=data_dir)
    assert out.returncode != 0
    assert message in out.stderr
    assert "Traceback" not in out.stderr


def test_redact_writes_json_lines_by_default(data_dir: Path) -> None:
    out = run(["redact"], data_dir=data_dir, stdin="mail me at maria.lopez@example.com\nhow do I export my data?\n")
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert lines[0] == {"text": "mail me at maria.lopez@example.com", "redacted": "mail me at <EMAIL_1>",
                        "entities": [{"type": "EMAIL", "start": 11, "end": 34}]}
    assert lines[1]["redacted"] == "how do I export my data?" and lines[1]["entities"] == []
    assert run(["redact", "--json"], data_dir=data_dir, stdin="mail me at maria.lopez@example.com\n").stdout == out.stdout.splitlines()[0] + "\n"
    assert run(["redact", "--text"], data_dir=data_dir, stdin="mail me at maria.lopez@example.com\n").stdout == "mail me at <EMAIL_1>\n"


def test_redact_takes_the_text_as_arguments(data_dir: Path) -> None:
    """`supportbot redact "..."`, as a new user first types it: each argument redacted, standard input not read."""
    out = run(["redact", "--text", "mail me at maria.lopez@example.com", "how do I export my data?"], data_dir=data_dir, stdin="never read\n")
    assert out.returncode == 0, out.stderr
    assert out.stdout == "mail me at <EMAIL_1>\nhow do I export my data?\n"
