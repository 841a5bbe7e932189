"""Near-domain questions (policies/near_domain.py): near a payroll help center's article in meaning, about a thing it
never mentions, handed over as no answer instead of answered from the nearest article."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.config import Settings
from bot.core.tenants import Thresholds
from bot.engine.confidence_stage import ConfidenceStage
from bot.engine.pipeline import Answer, HandoffReason, Identity, Outcome, Turn
from knowledge.chunking import Chunk
from knowledge.retrieval import Passage
from knowledge.vocabulary import TenantVocabulary
from policies.near_domain import NEAR_MARGIN, SpacyNounReader

ARTICLE = ("Add a new employee", ("Go to People and choose Add employee. Enter their name, start date, pay rate and bank details; "
                                  "they get an invitation to finish their profile and sign their tax forms."))


@pytest.fixture(scope="module")
def nouns() -> SpacyNounReader:
    reader = SpacyNounReader(model="en_core_web_sm")
    reader.warm_up()
    return reader


def _stage(tmp_path: Path, nouns: SpacyNounReader | None, *, floor: str = "") -> ConfidenceStage:
    tenants = tmp_path / "tenants.toml"
    # a tenant that trusts its help center: the gate alone answers anything over the floor
    tenants.write_text(f"[tenants.default]\n[tenants.default.thresholds]\nmin_confidence = 0.01\n{floor}")
    settings = Settings.from_env({"SUPPORTBOT_DATA_DIR": str(tmp_path), "SUPPORTBOT_TENANTS_FILE": str(tenants)})
    vocabulary = TenantVocabulary(load=lambda tenant, keys: [f"{ARTICLE[0]}\n{ARTICLE[1]}"])
    return ConfidenceStage(settings=settings, vocabulary=vocabulary, nouns=nouns)


def _turn(question: str, *, dense: float) -> Turn:
    chunk = Chunk(id="c1", doc_id="d1", source="kb/add-employee.md", title=ARTICLE[0], url=None, heading="", text=ARTICLE[1], position=0)
    turn = Turn(identity=Identity(tenant="default", user="u", channel="test"), text=question)
    turn.access_keys = ["public"]
    turn.passages = [Passage(chunk=chunk, score=1.0, dense=dense, title=dense, lexical=1.0, relevance=dense)]
    turn.answer = Answer(text=ARTICLE[1], citations=(), route="extractive", support=1.0)
    return turn


async def test_a_question_near_the_floor_naming_what_the_help_center_never_mentions_is_no_answer(
    tmp_path: Path, nouns: SpacyNounReader
) -> None:
    asked = "my employee's work visa expired, what should i do?"  # "visa": no word of the help center
    without = _turn(asked, dense=0.42)
    await _stage(tmp_path, None).run(without)
    assert without.outcome is Outcome.ANSWER  # as before: answered from the nearest article
    near = _turn(asked, dense=0.42)
    await _stage(tmp_path, nouns).run(near)
    assert near.outcome is Outcome.HANDOFF and near.handoff_reason is HandoffReason.NO_ANSWER


@pytest.mark.parametrize(
    ("question", "dense"),
    [
        ("how do i add new employees and their bank details", 0.42),  # every thing it names, the help center uses (by stem)
        ("where do new employees sign their tax forms", 0.42),
        ("my employee's work visa expired, what should i do?", Thresholds().min_dense + NEAR_MARGIN + 0.05),  # close enough to the article to be its question
    ],
)
async def test_questions_the_help_center_covers_are_still_answered(tmp_path: Path, nouns: SpacyNounReader, question: str, dense: float) -> None:
    turn = _turn(question, dense=dense)
    await _stage(tmp_path, nouns).run(turn)
    assert turn.outcome is Outcome.ANSWER, turn.notes


def test_nouns_are_read_without_placeholders_or_numbers(nouns: SpacyNounReader) -> None:
    assert nouns.nouns("can <PERSON_1> get a w2 for 2024 from the payroll dashboard") == ["payroll", "dashboard"]


async def test_a_question_handed_over_anyway_keeps_its_reason(tmp_path: Path, nouns: SpacyNounReader) -> None:
    """Only an answer or a clarification the rule stops becomes `no_answer`: staff still see "low confidence" where the
    gate alone would have handed over (a tenant that answers nothing under 0.99)."""
    tenants = tmp_path / "tenants.toml"
    tenants.write_text("[tenants.default]\n[tenants.default.thresholds]\nmin_confidence = 0.99\nmin_choice_confidence = 0.99\n"
                       "min_split_confidence = 0.99\n")
    doubted = ConfidenceStage(settings=Settings.from_env({"SUPPORTBOT_DATA_DIR": str(tmp_path), "SUPPORTBOT_TENANTS_FILE": str(tenants)}),
                              vocabulary=TenantVocabulary(load=lambda tenant, keys: [f"{ARTICLE[0]}\n{ARTICLE[1]}"]), nouns=nouns)
    turn = _turn("my employee's work visa expired, what should i do?", dense=0.42)
    await doubted.run(turn)
    assert turn.outcome is Outcome.HANDOFF and turn.handoff_reason is HandoffReason.LOW_CONFIDENCE
    assert "near_domain" not in turn.notes  # not even read: the tagger runs only where it would change the outcome


async def test_a_thing_the_help_center_writes_in_the_plural_is_not_unknown_in_the_singular(tmp_path: Path, nouns: SpacyNounReader) -> None:
    # "details" and "forms" written, "detail" and "form" asked: their stems meet, so the help center does mention them
    # (compared only one way, "what can a read only user do?" of a help center about "users" was handed over)
    asked = "where do i change the bank detail and the tax form of a new employee?"
    turn = _turn(asked, dense=0.42)
    await _stage(tmp_path, nouns).run(turn)
    assert turn.outcome is Outcome.ANSWER


async def test_a_tenant_that_lowers_its_floor_lowers_the_near_domain_floor_with_it(tmp_path: Path, nouns: SpacyNounReader) -> None:
    # the veto sits just over the tenant's own `min_dense`: a tenant that answers from weaker passages (by hand, or
    # `eval --calibrate`) is not overruled by a floor of the default's, and a release gate sees what its change does
    turn = _turn("my employee's work visa expired, what should i do?", dense=0.42)
    await _stage(tmp_path, nouns, floor="min_dense = 0.2\n").run(turn)
    assert turn.outcome is Outcome.ANSWER
