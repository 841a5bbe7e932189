"""A follow-up in a conversation ("and the whole workspace?" after "How do I export a page?") is answered with
the question before it in mind; the same message opening a conversation, or an off-topic one, goes to a person
as before. Through the widget API, on the sample help center."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app.app_keys import READY
from bot.app.web import build_app
from tests.conftest import make_settings


@pytest.fixture(scope="module")
async def client(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TestClient]:
    app = build_app(make_settings(tmp_path_factory.mktemp("follow-ups")))
    async with TestClient(TestServer(app)) as client:
        await asyncio.wait_for(app[READY].wait(), timeout=120)
        yield client


async def _say(client: TestClient, texts: list[str]) -> list[dict]:
    created = await (await client.post("/api/v1/conversations", json={"widget_key": "demo"})).json()
    conversation, auth = created["conversation_id"], {"Authorization": f"Bearer {created['token']}"}
    replies = []
    for text in texts:
        response = await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": text}, headers=auth)
        assert response.status == 200, await response.text()
        replies.append((await response.json())["reply"])
    return replies


async def test_a_follow_up_is_answered_with_the_question_before_it(client: TestClient) -> None:
    first, then = await _say(client, ["How do I export a page?", "and the whole workspace?"])
    assert first["outcome"] == "answer"
    assert then["outcome"] == "answer", then
    assert then["citations"][0]["source"] == "sample_kb/export-your-data.md"
    assert "workspace" in then["text"].lower()


async def test_the_same_message_alone_or_off_topic_goes_to_a_person(client: TestClient) -> None:
    (alone,) = await _say(client, ["and the whole workspace?"])
    assert alone["outcome"] == "handoff"
    _, weather = await _say(client, ["How do I export a page?", "and what's the weather tomorrow?"])
    assert weather["outcome"] == "handoff"  # not answered from the export article the first question found


async def test_an_ok_is_said_back_and_the_follow_up_after_it_still_leans_on_the_question(client: TestClient) -> None:
    """"ok" was searched and handed to a person as `no_answer`: the conversation went to the staff queue, and the
    customer's next question was relayed to people instead of answered."""
    first, ok, then = await _say(client, ["How do I export a page?", "ok", "and the whole workspace?"])
    assert first["outcome"] == "answer"
    assert ok["outcome"] == "answer" and ok["text"] == "Is there anything else I can help with?"
    assert then["outcome"] == "answer" and then["citations"][0]["source"] == "sample_kb/export-your-data.md"


async def test_saying_the_answer_did_not_help_goes_to_a_person_told_why(client: TestClient) -> None:
    first, unhappy = await _say(client, ["How do I export a page?", "that didn't help"])
    assert first["outcome"] == "answer"
    assert unhappy["outcome"] == "handoff" and unhappy["handoff_reason"] == "not_helpful"
    assert unhappy["text"].startswith("Sorry that didn't help.")


async def test_a_correction_is_searched_with_the_question_it_corrects(client: TestClient) -> None:
    """"no, I meant the whole workspace" found an FAQ on belonging to several workspaces alone, and was answered
    from it: what the customer had just said was not meant."""
    first, corrected = await _say(client, ["How do I export a page?", "no, I meant the whole workspace"])
    assert corrected["outcome"] == "answer"
    assert corrected["citations"][0]["source"] == "sample_kb/export-your-data.md"
    assert "workspace" in corrected["text"].lower() and corrected["text"] != first["text"]


async def test_after_an_option_picked_by_its_place_a_follow_up_leans_on_the_question_asked(client: TestClient) -> None:
    offer, picked, then = await _say(client, ["how do I delete stuff", "the second one", "and for how long?"])
    assert offer["outcome"] == "clarify" and picked["outcome"] == "answer"
    assert then["outcome"] == "answer" and then["citations"][0]["source"] == "sample_kb/trash-and-restore.md"
