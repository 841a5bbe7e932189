from __future__ import annotations

from bot.engine.answering import ExtractiveAnswerer, select_sentences
from knowledge.chunking import Chunk
from knowledge.retrieval import Passage

STEPS = """To export the workspace, follow these steps.
1. Open **Settings → Workspace → Export**.
2. Choose Markdown & CSV or HTML.
3. Click **Start export**. We email a link when the archive is ready.
Exports of very large workspaces can take a few hours. Comments are not included in exports. The link works for 7 days."""


def passage(text: str, *, url: str | None = "https://help.example/export", score: float = 1.0) -> Passage:
    chunk = Chunk(id="c1", doc_id="d1", source="kb/export.md", title="Export your data", url=url, heading="Workspace", text=text, position=0)
    return Passage(chunk=chunk, score=score, dense=0.8, title=0.7, lexical=3.0)


def test_the_answer_quotes_only_the_knowledge_base_and_names_its_source() -> None:
    answer = ExtractiveAnswerer().answer("how do I export my workspace?", [passage(STEPS * 2)])
    assert answer is not None
    body, _, source = answer.text.partition("\n\nSource: ")
    assert source == "Export your data › Workspace (https://help.example/export)"
    normalized = (STEPS * 2).replace("**", "")
    for line in body.splitlines():
        assert line in normalized  # every quoted unit appears verbatim (emphasis marks aside)
    assert answer.citations[0].source == "kb/export.md"


def test_numbered_steps_stay_together_with_their_numbers() -> None:
    units = select_sentences("how do I export?", STEPS * 3, budget=300)
    steps = [u for u in units if u[:2] in {"1.", "2.", "3."}]
    assert steps and all(len(u) > 3 for u in steps)  # never a bare "1."


def test_no_passages_no_answer() -> None:
    assert ExtractiveAnswerer().answer("anything", []) is None


def test_the_source_line_is_labelled_in_the_askers_language() -> None:
    """The quoted sentences stay as written; only the label before the source follows the question
    (English when the question doesn't tell)."""
    steps = passage(STEPS)
    spanish = ExtractiveAnswerer().answer("¿Cómo puedo exportar mi cuenta y los datos?", [steps])
    assert spanish is not None and spanish.text.endswith("\n\nFuente: Export your data › Workspace (https://help.example/export)")
    french = ExtractiveAnswerer().answer("Comment exporter mes données pour mon équipe ?", [steps])
    assert french is not None and "\n\nSource\u00a0: Export your data › Workspace" in french.text
    unclear = ExtractiveAnswerer().answer("export?", [steps])
    assert unclear is not None and "\n\nSource: Export your data › Workspace" in unclear.text


def test_a_help_center_written_with_hard_line_breaks_is_quoted_in_whole_sentences() -> None:
    """Markdown wrapped at 100 characters: "... with a comment. A" ended one line and "timesheet sent back ..."
    began the next, and the answer read "timesheet sent back ..." (the "A" dropped as a fragment)."""
    wrapped = ("Open Approvals, review each week, and press Approve or Send back with a comment. A\n"
               "timesheet sent back can be edited again by its owner and submitted once more. Approved\n"
               "weeks are locked.\n"
               "1. Open Approvals and pick a week that was\n"
               "   sent back to you.\n"
               "2. Press Submit.")
    answer = ExtractiveAnswerer().answer("what happens to a timesheet sent back?", [passage(wrapped)])
    assert answer is not None
    body = answer.text.partition("\n\nSource: ")[0]
    assert "A timesheet sent back can be edited again by its owner and submitted once more." in body.splitlines()
    assert "Approved weeks are locked." in body.splitlines()
    assert "1. Open Approvals and pick a week that was sent back to you." in body.splitlines()
