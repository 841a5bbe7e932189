"""Online grading (bot/engine/online_grading.py) through the widget API: a sampled answer is graded in the
background, locally and by the judge (the real `openai` client against the loopback OpenAI server),
after the customer has the reply; the customer's signals are kept beside the grade."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient
from sqlmodel import Session, select

from bot.app.app_keys import CONVERSATIONS, HANDOFF, SERVICES
from bot.core.desk import StaffAction, StaffMember
from bot.core.ops_tables import AnswerGrade
from bot.core.tables import Handoff
from tests.conftest import make_settings, running_app
from tests.fakes.model_servers import FakeOllama, FakeOpenAI


@pytest.fixture(scope="module")
async def client(servers: tuple[FakeOllama, FakeOpenAI], tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TestClient]:
    _, openai = servers
    folder = tmp_path_factory.mktemp("graded")
    tenants = folder / "tenants.toml"
    tenants.write_text('[tenants.default.widget]\nkeys = ["demo"]\n')
    settings = make_settings(folder / "data", SUPPORTBOT_TENANTS_FILE=str(tenants), SUPPORTBOT_GRADE_SAMPLE="1", SUPPORTBOT_ADMIN_TOKEN="admin-secret-for-tests",
                             OPENAI_BASE_URL=openai.url + "/v1", OPENAI_API_KEY="sk-test", SUPPORTBOT_JUDGE_MODEL="judge-mini")
    async with running_app(settings) as client:
        yield client


def _grades(client: TestClient, *, of: int | None = None) -> list[AnswerGrade]:
    """The grades in the module's data dir, oldest first; with `of`, only the grade of that answer (the module's
    other tests grade answers of their own, and xdist or an order of its own may run them first)."""
    query = select(AnswerGrade).order_by(AnswerGrade.id)  # type: ignore[arg-type]
    if of is not None:
        query = query.where(AnswerGrade.message_id == of)
    with Session(client.app[SERVICES].engine) as session:  # type: ignore[index]
        return list(session.exec(query))


async def test_an_answer_is_graded_after_the_reply_and_keeps_the_customers_signals(
        servers: tuple[FakeOllama, FakeOpenAI], client: TestClient) -> None:
    _, openai = servers
    openai.replies = [("slow", 1.5, '{"faithfulness": 5, "relevance": 4, "tone": 5, "reason": "quotes the article"}')]
    graded_before = len(_grades(client))
    data = await (await client.post("/api/v1/conversations", json={"widget_key": "demo"})).json()
    conversation, auth = data["conversation_id"], {"Authorization": f"Bearer {data['token']}"}
    response = await client.post(f"/api/v1/conversations/{conversation}/messages", headers=auth,
                                 json={"text": "How do I turn on two-factor authentication?", "client_message_id": "m1"})
    reply = (await response.json())["reply"]
    assert reply["outcome"] == "answer"
    assert _grades(client, of=reply["id"]) == []  # the customer has the reply while the judge is still at work
    grader = client.app[CONVERSATIONS].grader  # type: ignore[index]
    await grader.drain()
    [grade] = _grades(client, of=reply["id"])
    assert grade.message_id == reply["id"] and grade.citations_valid and 0 < grade.score <= 1
    assert json.loads(grade.judge or "{}") == {"faithfulness": 5, "relevance": 4, "tone": 5, "reason": "quotes the article"}
    assert "two-factor" in json.dumps(openai.requests[-1]).lower()

    response = await client.post(f"/api/v1/conversations/{conversation}/feedback", json={"message_id": reply["id"], "helpful": False},
                                 headers=auth)
    assert response.status == 204
    await client.post(f"/api/v1/conversations/{conversation}/messages", headers=auth,
                      json={"text": "I want to talk to a real person", "client_message_id": "m2"})
    await grader.drain()
    [grade] = _grades(client, of=reply["id"])
    assert grade.helpful is False and grade.handoff_after is True and grade.rating is None
    assert len(_grades(client)) == graded_before + 1  # the handoff notice is not an answer: not graded

    # people helped; the customer's rating of that help is kept with the answer that was handed over
    handoff_service = client.app[HANDOFF]  # type: ignore[index]
    handoff = handoff_service.current(conversation)
    staff = StaffMember(id="s1", name="Sam", desk="console")
    await handoff_service.act(StaffAction.CLAIM, handoff.id, staff=staff, client_id="c1")
    await handoff_service.act(StaffAction.RESOLVE, handoff.id, staff=staff, client_id="c2")
    await client.post(f"/api/v1/conversations/{conversation}/messages", headers=auth, json={"text": "4", "client_message_id": "m3"})
    for _ in range(50):
        if _grades(client, of=reply["id"])[0].rating is not None:
            break
        await asyncio.sleep(0.1)
    assert _grades(client, of=reply["id"])[0].rating == 4


async def test_a_garbage_judge_leaves_the_grade_local_and_marks_it_ungraded(servers: tuple[FakeOllama, FakeOpenAI], client: TestClient) -> None:
    _, openai = servers
    openai.replies = ["I think it is fine"]
    data = await (await client.post("/api/v1/conversations", json={"widget_key": "demo"})).json()
    auth = {"Authorization": f"Bearer {data['token']}"}
    response = await client.post(f"/api/v1/conversations/{data['conversation_id']}/messages", headers=auth,
                                 json={"text": "How do I reset my password?", "client_message_id": "m1"})
    reply = (await response.json())["reply"]
    assert reply["outcome"] == "answer"
    grader = client.app[CONVERSATIONS].grader  # type: ignore[index]
    await grader.drain()
    grades = _grades(client)  # the module's client: an earlier test's grade may be there too
    [latest] = _grades(client, of=reply["id"])
    assert json.loads(latest.judge or "{}") == {"ungraded": "garbage"} and latest.score > 0
    summary = await asyncio.to_thread(grader.summary, tenant="default", since=latest.created_at.replace(year=2000))
    assert summary["graded"] == len(grades) and summary["mean_grade"] is not None


async def test_the_quality_page_draws_the_grades_and_feedback_as_svg_charts(servers: tuple[FakeOllama, FakeOpenAI], client: TestClient) -> None:
    # this test makes its own graded answer, feedback and handoff: xdist may run it on a worker where the
    # module's other tests (and their grades) never ran. The judge is slow: the customer's verdict and the
    # request for a person come while the grade is being made, and the grade keeps them
    _, openai = servers
    openai.replies = [("slow", 1.0, '{"faithfulness": 4, "relevance": 4, "tone": 5, "reason": "fine"}')]
    data = await (await client.post("/api/v1/conversations", json={"widget_key": "demo"})).json()
    conversation, auth = data["conversation_id"], {"Authorization": f"Bearer {data['token']}"}
    response = await client.post(f"/api/v1/conversations/{conversation}/messages", headers=auth,
                                 json={"text": "How do I reset my password?", "client_message_id": "q1"})
    reply = (await response.json())["reply"]
    assert reply["outcome"] == "answer"
    await client.post(f"/api/v1/conversations/{conversation}/feedback", json={"message_id": reply["id"], "helpful": False}, headers=auth)
    await client.post(f"/api/v1/conversations/{conversation}/messages", headers=auth,
                      json={"text": "I want to talk to a real person", "client_message_id": "q2"})
    await client.app[CONVERSATIONS].grader.drain()  # type: ignore[index]
    grades = _grades(client)
    assert grades[-1].message_id == reply["id"] and grades[-1].helpful is False and grades[-1].handoff_after is True
    with Session(client.app[SERVICES].engine) as session:  # type: ignore[index]
        asked_for_people = len(session.exec(select(Handoff).where(Handoff.reason == "customer_request")).all())

    admin = {"Authorization": "Bearer admin-secret-for-tests"}
    assert (await client.get("/admin/quality")).status == 401
    assert (await client.get("/admin/quality?days=0", headers=admin)).status == 400
    figures = await (await client.get("/api/v1/admin/quality?days=7", headers=admin)).json()
    assert len(figures["days"]) == 7 and figures["graded"][-1] == len(grades) >= 1
    assert figures["not_helpful"][-1] == sum(grade.helpful is False for grade in grades) >= 1
    assert 0 < figures["mean_grade"][-1] <= 1 and figures["handoff_reasons"]["customer_request"] == asked_for_people >= 1
    page = await (await client.get("/admin/quality?days=7", headers=admin)).text()
    assert page.count("<svg") == 4 and "Handoffs by reason" in page and "customer_request" in page
    assert 'aria-label="Customer feedback"' in page and "helpful" in page
