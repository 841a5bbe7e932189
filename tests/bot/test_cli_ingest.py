"""`supportbot ingest` as a user runs it (a real process on the embedded defaults): copies by another
path, pruning, broken and empty inputs, removing a document, and the tenant's measures kept."""

from __future__ import annotations

from pathlib import Path

from tests.bot.cli_steps import (
    pytestmark,  # noqa: F401 (skipped without the console script)
    run,
)


def test_ingesting_the_same_files_by_another_path_warns_of_the_copies(tmp_path: Path) -> None:
    """The same folder given by another path (another working directory, a link) doubled every article
    without a word; the warning names the copies and the fix."""
    data_dir, kb = tmp_path / "data", tmp_path / "kb"
    kb.mkdir()
    (kb / "shipping.md").write_text("# Shipping times\n\nStandard parcels arrive in 3 to 5 working days, express ones the next day.\n")
    (tmp_path / "link").symlink_to(kb, target_is_directory=True)
    first = run(["ingest", str(kb), "--tenant", "default"], data_dir=data_dir, SUPPORTBOT_SAMPLE_KB="0")
    assert first.returncode == 0 and "warning" not in first.stderr, first.stderr
    out = run(["ingest", str(tmp_path / "link"), "--tenant", "default"], data_dir=data_dir, SUPPORTBOT_SAMPLE_KB="0")
    assert out.returncode == 0 and "1 added" in out.stdout
    old, new = (str(tmp_path / name / "shipping.md").lstrip("/") for name in ("kb", "link"))
    assert "warning: 1 document(s) added with the same text as one ingested before under another source" in out.stderr
    assert f"{new} = {old}" in out.stderr and "--prune" in out.stderr


def test_a_prune_that_dropped_a_vanished_file_succeeds(tmp_path: Path) -> None:
    """The folder's one article deleted, an unreadable file left: the prune dropped the article and
    exited 1 as if nothing had been done (through a running server the same prune exited 0)."""
    data_dir, kb = tmp_path / "data", tmp_path / "kb"
    kb.mkdir()
    (kb / "shipping.md").write_text("# Shipping times\n\nStandard parcels arrive in 3 to 5 working days, express ones the next day.\n")
    assert run(["ingest", str(kb), "--tenant", "default"], data_dir=data_dir, SUPPORTBOT_SAMPLE_KB="0").returncode == 0
    (kb / "shipping.md").unlink()
    (kb / "notes.json").write_text("{}")
    out = run(["ingest", str(kb), "--tenant", "default", "--prune"], data_dir=data_dir, SUPPORTBOT_SAMPLE_KB="0")
    assert "1 removed" in out.stdout and out.returncode == 0, out.stdout + out.stderr


def test_a_broken_pdf_is_one_line_naming_the_file(tmp_path: Path) -> None:
    """pypdf's own warnings ("invalid pdf header", "EOF marker not found") came first, unasked."""
    broken = tmp_path / "manual.pdf"
    broken.write_bytes(b"not a pdf at all")
    out = run(["ingest", str(broken), "--tenant", "default"], data_dir=tmp_path / "data", SUPPORTBOT_SAMPLE_KB="0")
    assert out.returncode == 1, out.stderr
    lines = out.stderr.splitlines()
    named = [line for line in lines if "manual.pdf" in line]
    assert len(named) == 1 and named[0].startswith(f"skipped {str(broken).lstrip('/')}: unreadable PDF"), out.stderr
    assert not [line for line in lines if "pypdf" in line], out.stderr


def test_ingesting_an_empty_folder_says_there_was_nothing_and_exits_1(tmp_path: Path) -> None:
    """A mistyped path or a folder of unsupported files exited 1, but an empty folder (the wrong one) printed
    "0 added, 0 updated, 0 unchanged, 0 removed, 0 skipped" and exited 0, as if the help center were in."""
    (tmp_path / "kb").mkdir()
    (tmp_path / "kb" / ".notes.md").write_text("# Hidden\n\nleft out\n")
    out = run(["ingest", str(tmp_path / "kb"), "--tenant", "default"], data_dir=tmp_path / "data", SUPPORTBOT_SAMPLE_KB="0")
    assert out.returncode == 1, out.stdout + out.stderr
    assert f"nothing to ingest: no files in {tmp_path / 'kb'}" in out.stderr and "Traceback" not in out.stderr
    pruned = run(["ingest", str(tmp_path / "kb"), "--tenant", "default", "--prune"], data_dir=tmp_path / "data", SUPPORTBOT_SAMPLE_KB="0")
    assert pruned.returncode == 0, pruned.stderr  # clearing a folder's documents with --prune is no failure


def test_ingest_remove_takes_a_document_out_by_the_name_ingest_gave_it(tmp_path: Path) -> None:
    """An operator could add and replace articles but never take one out (short of deleting its file and pruning
    its whole folder): `ingest --remove` takes the path as ingest was given it, reads no file, and exits 1 when
    nothing matched, naming the closest documents."""
    data_dir, kb = tmp_path / "data", tmp_path / "kb"
    kb.mkdir()
    (kb / "shipping.md").write_text("# Shipping times\n\nStandard parcels arrive in 3 to 5 working days, express ones the next day.\n")
    (kb / "returns.md").write_text("# Returns\n\nReturn an item within 30 days for a full refund; the label is in your account.\n")
    assert run(["ingest", "kb", "--tenant", "default"], data_dir=data_dir, cwd=tmp_path, SUPPORTBOT_SAMPLE_KB="0").returncode == 0
    out = run(["ingest", "--remove", "kb/shiping.md", "--tenant", "default"], data_dir=data_dir, cwd=tmp_path, SUPPORTBOT_SAMPLE_KB="0")
    assert out.returncode == 1 and "not in default's knowledge base: kb/shiping.md (did you mean kb/shipping.md?)" in out.stderr
    out = run(["ingest", "--remove", "kb/shipping.md", "--tenant", "default"], data_dir=data_dir, cwd=tmp_path, SUPPORTBOT_SAMPLE_KB="0")
    assert out.returncode == 0 and "removed kb/shipping.md" in out.stdout and "default: 1 removed, 0 not found" in out.stdout, out.stderr
    asked = run(["ask", "how long does shipping take?", "--tenant", "default", "--json"], data_dir=data_dir, SUPPORTBOT_SAMPLE_KB="0")
    assert "kb/shipping.md" not in asked.stdout and (kb / "shipping.md").exists()
    assert run(["ingest", "--remove", "kb", "--prune", "--tenant", "default"], data_dir=data_dir, cwd=tmp_path).returncode == 2


def test_ingest_remove_loads_no_embedding_model(tmp_path: Path) -> None:
    """Removing embeds nothing, yet `ingest --remove` loaded the embedding model first (seconds, for nothing):
    a model that cannot be loaded at all now stops no removal."""
    data_dir, kb = tmp_path / "data", tmp_path / "kb"
    kb.mkdir()
    (kb / "shipping.md").write_text("# Shipping times\n\nStandard parcels arrive in 3 to 5 working days, express ones the next day.\n")
    assert run(["ingest", "kb", "--tenant", "default"], data_dir=data_dir, cwd=tmp_path, SUPPORTBOT_SAMPLE_KB="0").returncode == 0
    out = run(["ingest", "--remove", "kb/shipping.md", "--tenant", "default"], data_dir=data_dir, cwd=tmp_path, SUPPORTBOT_SAMPLE_KB="0",
              SUPPORTBOT_EMBEDDING_MODEL="no-such/embedding-model")
    assert out.returncode == 0 and "default: 1 removed, 0 not found" in out.stdout, out.stderr
    assert "embedding model" not in out.stderr


def test_a_cli_ingest_keeps_the_tenant_s_measures_so_the_next_start_does_not_measure_again(tmp_path: Path) -> None:
    """`supportbot ingest` without a server measures the tenant's terms, words and levels and keeps them in the
    data dir (knowledge/kept_measures.py), as a server does after its own ingest: the next start reads them back
    (at 100,000 chunks, measuring made a tenant's first question wait 11-60 s)."""
    data_dir, kb = tmp_path / "data", tmp_path / "kb"
    kb.mkdir()
    for n, topic in enumerate(["Shipping times", "Returns", "Invoices", "Passwords"]):
        (kb / f"{n}.md").write_text(f"# {topic}\n\n{topic} are explained here: open Settings, then {topic.lower()}, and follow the steps.\n")
    out = run(["ingest", str(kb), "--tenant", "default"], data_dir=data_dir, SUPPORTBOT_SAMPLE_KB="0")
    assert out.returncode == 0, out.stderr
    kept = {path.name: path.stat().st_mtime_ns for path in (data_dir / "measures").glob("*.json")}
    assert {name.split("-")[0] for name in kept} == {"terms", "words", "levels"}
    out = run(["ask", "--tenant", "default", "how do I get an invoice?"], data_dir=data_dir, SUPPORTBOT_SAMPLE_KB="0")
    assert out.returncode == 0, out.stderr
    # read back, not measured and written again
    assert {path.name: path.stat().st_mtime_ns for path in (data_dir / "measures").glob("*.json")} == kept
