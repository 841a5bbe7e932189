"""Grading answers: the local grader (policies/grading.py) and the judge (bot/engine/grading.py) through the
real `openai` client against the loopback OpenAI server: grades parsed, the judge metered and
budgeted, `never_remote` respected, only redacted text sent, and garbage, a timeout or an empty
budget leaving the answer ungraded (counted) instead of raising."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.config import Settings
from bot.core.database import open_database
from bot.engine.grading import Judge, judge_model, parse_grade
from policies.budget import BudgetBook
from policies.grading import grade_answer
from policies.redaction import SpacyRedactor
from tests.conftest import make_settings
from tests.fakes.model_servers import FAIL, FakeOllama, FakeOpenAI

PASSAGE = "Reset your password: open Settings, choose Security and click Reset password. The link expires after 30 minutes."


def test_the_local_grader_measures_support_citations_and_relevance() -> None:
    passages = {"reset.md": PASSAGE, "billing.md": "Invoices are sent on the first day of each month."}
    copied = grade_answer(question="how do I reset my password?", answer="Open Settings, choose Security and click Reset password.",
                          cited=["reset.md"], passages=passages)
    assert copied.support == 1.0 and copied.supported == copied.sentences == 1 and copied.citations_valid and copied.score == 1.0
    assert copied.relevance == 1.0
    made_up = grade_answer(question="how do I reset my password?",
                           answer="Open Settings and click Reset password. Then call our hotline for a free gift voucher.",
                           cited=["reset.md"], passages=passages)
    assert made_up.sentences == 2 and made_up.supported == 1 and made_up.support < 0.8
    elsewhere = grade_answer(question="how do I reset my password?", answer="Open Settings and click Reset password.",
                             cited=["gone.md"], passages=passages)
    assert not elsewhere.citations_valid and elsewhere.invalid_citations == ("gone.md",) and elsewhere.score == 0.0
    off = grade_answer(question="how do I reset my password?", answer="Invoices are sent on the first day of each month.",
                       cited=["billing.md"], passages=passages)
    assert off.support == 1.0 and off.relevance == 0.0  # supported by its citation, but not about the question


def test_a_grade_is_three_whole_numbers_1_to_5_and_anything_else_is_garbage() -> None:
    grade = parse_grade('Sure! {"faithfulness": 5, "relevance": 4, "tone": 5, "reason": "quotes the passage\\nmore"}')
    assert grade is not None and (grade.faithfulness, grade.relevance, grade.tone, grade.reason) == (5, 4, 5, "quotes the passage")
    for text in ("great answer", '{"faithfulness": 6, "relevance": 4, "tone": 5}', '{"faithfulness": "5", "relevance": 4, "tone": 5}',
                 '{"faithfulness": true, "relevance": 4, "tone": 5}', "{not json}"):
        assert parse_grade(text) is None, text
    # a small model's habits: a code fence, a brace inside the reason, a broken object before the good one
    fenced = parse_grade('```json\n{"reason": "uses {Settings} as the passage says", "faithfulness": 4, "relevance": 5, "tone": 5}\n```')
    assert fenced is not None and (fenced.faithfulness, fenced.reason) == (4, "uses {Settings} as the passage says")
    second = parse_grade('{"faithfulness": 5, oops} then {"faithfulness": 2, "relevance": 3, "tone": 4, "reason": "partly"}')
    assert second is not None and (second.faithfulness, second.relevance, second.tone) == (2, 3, 4)
    # cut off by the token limit while rambling in its reason: the grades it gave count, the reason is what came
    cut = parse_grade('{\n"faithfulness": 5,\n"relevance": 2,\n"tone": 4,\n"reason": "the answer is about 1, 1, 1, 1, 1, 1')
    assert cut is not None and (cut.faithfulness, cut.relevance, cut.tone, cut.reason) == (5, 2, 4, "the answer is about 1, 1, 1, 1, 1, 1")
    assert parse_grade('{"faithfulness": 5, "relevance": 2, "to') is None  # a grade cut off is no grade


@pytest.fixture(scope="module")
def settings(servers: tuple[FakeOllama, FakeOpenAI], tmp_path_factory: pytest.TempPathFactory) -> Settings:
    _, openai = servers
    folder = tmp_path_factory.mktemp("judge")
    tenants = folder / "tenants.toml"
    tenants.write_text("[tenants.acme]\n[tenants.private.routing]\nnever_remote = true\n[tenants.broke.budget]\ntenant_usd = 0.0\n")
    return make_settings(folder / "data", SUPPORTBOT_TENANTS_FILE=str(tenants), OPENAI_BASE_URL=openai.url + "/v1",
                         OPENAI_API_KEY="sk-test", SUPPORTBOT_JUDGE_MODEL="judge-mini", SUPPORTBOT_MODEL_TIMEOUT="5",
                         SUPPORTBOT_PRICES=json.dumps({"judge-mini": [0.0001, 0.0004]}))


@pytest.fixture(scope="module")
def judge(settings: Settings) -> Iterator[tuple[Judge, BudgetBook]]:
    engine = open_database(settings.database_url, upgrade=True)
    redactor = SpacyRedactor(model=settings.spacy_model)
    redactor.warm_up()
    budget = BudgetBook(engine=engine, settings=settings)
    model = judge_model(settings)
    assert model is not None and model.tier == "remote"
    yield Judge(model=model, budget=budget, settings=settings, timeout=1.5,
                redact=lambda text, tenant: redactor.redact_sync(text, tenant=tenant).redacted), budget
    engine.dispose()


async def _grade(judge: Judge, tenant: str = "acme") -> object:
    return await judge.grade(tenant=tenant, question="I'm Maria Lopez, maria.lopez@example.com: how do I reset my password?",
                             answer="Open Settings, choose Security and click Reset password.", passages={"reset.md": PASSAGE},
                             cited=["reset.md"], user="u1")


async def test_the_judge_grades_through_the_openai_client_metered_and_redacted(
        servers: tuple[FakeOllama, FakeOpenAI], judge: tuple[Judge, BudgetBook]) -> None:
    _, openai = servers
    grader, budget = judge
    openai.replies = ['{"faithfulness": 5, "relevance": 5, "tone": 4, "reason": "every step is in the passage"}']
    sent = len(openai.requests)
    grade = await _grade(grader)
    assert grade.to_json() == {"faithfulness": 5, "relevance": 5, "tone": 4, "reason": "every step is in the passage"}  # type: ignore[attr-defined]
    prompt = json.dumps(openai.requests[sent:])
    assert "maria.lopez@example.com" not in prompt and "<EMAIL_1>" in prompt and "judge-mini" in prompt
    assert "Reset password" in prompt  # the cited passage is what faithfulness is judged against
    # the grade's shape goes as structured output, so a server that supports it constrains a small judge to it
    schema = openai.requests[-1]["response_format"]["json_schema"]["schema"]
    assert schema["required"] == ["faithfulness", "relevance", "tone", "reason"] and schema["properties"]["tone"]["enum"] == [1, 2, 3, 4, 5]
    assert openai.requests[-1]["max_tokens"] <= 200  # three grades and a line: a judge that loops is cut off early
    from datetime import UTC, datetime, timedelta
    assert budget.spent(tenant="acme", since=datetime.now(UTC) - timedelta(minutes=1)) > 0  # metered like any model call


async def test_a_garbage_slow_failing_or_unaffordable_judge_leaves_the_answer_ungraded(
        servers: tuple[FakeOllama, FakeOpenAI], judge: tuple[Judge, BudgetBook]) -> None:
    _, openai = servers
    grader, _ = judge
    before = dict(grader.ungraded)
    openai.replies = ["This answer looks fine to me!", ("slow", 3.0, '{"faithfulness": 5, "relevance": 5, "tone": 5}'), FAIL, FAIL]
    assert (await _grade(grader)).ungraded == "garbage"  # type: ignore[attr-defined]
    assert (await _grade(grader)).ungraded == "timeout"  # type: ignore[attr-defined]
    assert (await _grade(grader)).ungraded == "model_error"  # type: ignore[attr-defined]
    sent = len(openai.requests)
    assert (await _grade(grader, "private")).ungraded == "never_remote"  # type: ignore[attr-defined]
    assert (await _grade(grader, "broke")).ungraded == "over_budget"  # type: ignore[attr-defined]
    assert len(openai.requests) == sent  # neither reached the model
    counted = {k: v - before.get(k, 0) for k, v in grader.ungraded.items()}
    assert counted == {"garbage": 1, "timeout": 1, "model_error": 1, "never_remote": 1, "over_budget": 1}


async def test_a_server_without_structured_output_is_asked_in_words_and_still_grades(
        servers: tuple[FakeOllama, FakeOpenAI], settings: Settings) -> None:
    _, openai = servers
    grader = Judge(model=judge_model(settings), budget=_Unlimited(), settings=settings, redact=lambda text, tenant: text, timeout=5)  # type: ignore[arg-type]
    openai.refuse_structured_output = True
    try:
        openai.replies = ['{"reason": "as the passage says", "faithfulness": 4, "relevance": 5, "tone": 5}',
                          '{"reason": "again", "faithfulness": 3, "relevance": 3, "tone": 4}']
        sent = len(openai.requests)
        first, second = await _grade(grader), await _grade(grader)
    finally:
        openai.refuse_structured_output = False
    assert (first.faithfulness, second.faithfulness) == (4, 3) and grader.ungraded == {}  # type: ignore[attr-defined]
    # refused once with the schema, then asked without it: the schema is not sent again
    assert ["response_format" in body for body in openai.requests[sent:]] == [True, False, False]
    openai.replies = [FAIL, FAIL]  # a 500, retried once
    assert (await _grade(grader)).ungraded == "model_error"  # type: ignore[attr-defined]  # any other failure is still one


async def test_a_judge_on_the_local_tier_sends_the_grade_schema_to_ollama(servers: tuple[FakeOllama, FakeOpenAI], tmp_path: Path) -> None:
    ollama, _ = servers
    settings = make_settings(tmp_path / "data", OLLAMA_HOST=ollama.url, SUPPORTBOT_JUDGE_MODEL="qwen2.5:0.5b", SUPPORTBOT_JUDGE_TIER="local")
    model = judge_model(settings)
    assert model is not None and model.tier == "local"
    grader = Judge(model=model, budget=_Unlimited(), settings=settings, redact=lambda text, tenant: text, timeout=5)
    ollama.replies = ['{"reason": "as the passage says", "faithfulness": 5, "relevance": 4, "tone": 5}']
    grade = await grader.grade(tenant="default", question="how do I reset my password?", answer="Open Settings.",
                               passages={"reset.md": PASSAGE}, cited=["reset.md"])
    assert (grade.faithfulness, grade.relevance, grade.tone) == (5, 4, 5)
    assert ollama.requests[-1]["format"]["required"] == ["faithfulness", "relevance", "tone", "reason"]
    assert ollama.requests[-1]["options"]["num_predict"] <= 200


class _Unlimited:
    def allows(self, tier: str, *, tenant: str, user: str | None) -> bool:
        return True

    def record(self, reply: object, **_: object) -> None:
        return None
