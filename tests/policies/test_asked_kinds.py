"""Questions asking for a ruling of law or a recommendation (policies/asked_kinds.py), of an article that gives
neither: handed over as no answer instead of answered from the article they share a subject with."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.config import Settings
from bot.engine.confidence_stage import ConfidenceStage
from bot.engine.pipeline import Answer, HandoffReason, Identity, Outcome, Turn
from knowledge.chunking import Chunk
from knowledge.retrieval import Passage
from policies.asked_kinds import AskedKind, asked_kinds, unanswered_kinds

OVERTIME = ("Approve timesheets and overtime", ("Hours over 40 in a week show as overtime on the timesheet. Approve them before "
            "the pay run and they are paid at the overtime rate you set for the employee."))
PROFILE = ("Update your personal details", ("Open Profile and choose Edit to change your name, address or bank details. A "
           "change of name needs the document that shows it."))
ADMINS = ("Admin roles", "Give your accountant or bookkeeper the Accountant role: they see pay runs and reports, not settings.")


def _stage(tmp_path: Path) -> ConfidenceStage:
    tenants = tmp_path / "tenants.toml"
    # a tenant that trusts its help center: the gate alone answers anything over the floor
    tenants.write_text("[tenants.default]\n[tenants.default.thresholds]\nmin_confidence = 0.01\n")
    return ConfidenceStage(settings=Settings.from_env({"SUPPORTBOT_DATA_DIR": str(tmp_path), "SUPPORTBOT_TENANTS_FILE": str(tenants)}))


def _turn(question: str, article: tuple[str, str], *, dense: float = 0.65) -> Turn:
    chunk = Chunk(id="c1", doc_id="d1", source="kb/article.md", title=article[0], url=None, heading="", text=article[1], position=0)
    turn = Turn(identity=Identity(tenant="default", user="u", channel="test"), text=question)
    turn.access_keys = ["public"]
    turn.passages = [Passage(chunk=chunk, score=1.0, dense=dense, title=dense, lexical=1.0, relevance=dense)]
    turn.answer = Answer(text=article[1], citations=(), route="extractive", support=1.0)
    return turn


@pytest.mark.parametrize(
    ("question", "article"),
    [
        ("is it legal for my boss not to pay overtime?", OVERTIME),  # a ruling of law, of an article on tracking overtime
        ("can you recommend a good accountant", ADMINS),  # advice, of an article on what an accountant may see
    ],
)
async def test_a_question_asking_what_its_article_never_speaks_of_is_no_answer(tmp_path: Path, question: str, article: tuple[str, str]) -> None:
    turn = _turn(question, article)
    await _stage(tmp_path).run(turn)
    assert turn.outcome is Outcome.HANDOFF and turn.handoff_reason is HandoffReason.NO_ANSWER


@pytest.mark.parametrize(
    ("question", "article"),
    [
        # the article does speak of the law: it is the question's article
        ("is it legal for my boss not to pay overtime?", (OVERTIME[0], OVERTIME[1] + " Overtime follows federal law.")),
        ("which role do you recommend for my accountant", (ADMINS[0], "We recommend the Accountant role for your bookkeeper.")),
        ("how do i change my legal name", PROFILE),  # "legal" names the thing changed, it asks for no ruling
        ("how do i approve overtime", OVERTIME),
    ],
)
async def test_questions_their_article_answers_are_still_answered(tmp_path: Path, question: str, article: tuple[str, str]) -> None:
    turn = _turn(question, article)
    await _stage(tmp_path).run(turn)
    assert turn.outcome is Outcome.ANSWER, turn.notes


def test_the_kinds_a_question_asks_for() -> None:
    assert asked_kinds("Is that even legal?") == {AskedKind.LAW}
    assert asked_kinds("is gambling legal in my state") == {AskedKind.LAW}
    assert asked_kinds("can I sue them") == {AskedKind.LAW}
    assert asked_kinds("what's the safest model of airplane") == {AskedKind.ADVICE}
    assert asked_kinds("where do I update my legal name or legal address") == set()
    assert asked_kinds("what is the best way to export my hours") == set()  # "best way": how, not which


def test_a_passage_speaks_of_a_kind_by_any_inflection_of_its_words() -> None:
    assert unanswered_kinds("what do you recommend?", "Our advice: back up weekly.") == []
    assert unanswered_kinds("is it legal to record calls", "Laws differ by state; ask your lawyers.") == []
    assert unanswered_kinds("is it legal to record calls", "Calls are recorded for training.") == [AskedKind.LAW]
