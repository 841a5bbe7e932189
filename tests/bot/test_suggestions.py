"""A question the bot is not sure enough to answer goes to a person, and the customer gets the articles
that came closest to read while they wait; a question the help center does not cover gets none."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app.app_keys import READY
from bot.app.web import build_app
from tests.conftest import make_settings

# a tenant whose gate trusts no article and offers no choice: every covered question is handed over
# as low_confidence (the real thresholds answer the questions below)
NEVER_SURE = """
[tenants.default.widget]
keys = ["demo"]
[tenants.default.thresholds]
min_confidence = 1.0
min_choice_confidence = 1.0
min_split_confidence = 1.0
min_words_confidence = 1.0
"""


@pytest.fixture(scope="module")
async def client(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TestClient]:
    tenants = tmp_path_factory.mktemp("t") / "tenants.toml"
    tenants.write_text(NEVER_SURE)
    app = build_app(make_settings(tmp_path_factory.mktemp("suggest"), SUPPORTBOT_TENANTS_FILE=str(tenants)))
    async with TestClient(TestServer(app)) as client:
        await asyncio.wait_for(app[READY].wait(), timeout=120)
        yield client


async def ask(client: TestClient, text: str) -> dict:
    data = await (await client.post("/api/v1/conversations", json={"widget_key": "demo"})).json()
    url, auth = f"/api/v1/conversations/{data['conversation_id']}", {"Authorization": f"Bearer {data['token']}"}
    response = await client.post(f"{url}/messages", json={"text": text, "client_message_id": "q1"}, headers=auth)
    assert response.status in (200, 201), await response.text()
    return (await response.json())["reply"]


@pytest.mark.parametrize(("question", "article"), [
    ("how do I reset my password?", "/articles/reset-your-password"),
    ("where can i download my invoices", "/articles/download-invoices"),
])
async def test_a_doubted_answer_is_handed_over_with_the_closest_articles_to_read_meanwhile(
    client: TestClient, question: str, article: str
) -> None:
    """Each listed page once, the one that answers among them (an FAQ row is listed under its own question)."""
    reply = await ask(client, question)
    assert reply["outcome"] == "handoff" and reply["handoff_reason"] == "low_confidence"
    notice, _, listed = reply["text"].partition("\n\n")
    lines = listed.splitlines()
    assert lines[0] == "While you wait, these articles might help:"
    assert 2 <= len(lines) <= 4 and all(line.startswith("• ") for line in lines[1:])
    assert any(line.endswith(f"{article})") for line in lines[1:]), lines
    links = [line.rsplit("(", 1)[-1] for line in lines[1:]]
    assert len(set(links)) == len(links)  # no page twice (an FAQ row links to its article)
    assert "person" in notice  # still handed over: the suggestions come with the notice


async def test_a_question_the_help_center_does_not_cover_gets_no_articles(client: TestClient) -> None:
    reply = await ask(client, "what's the capital of Australia?")
    assert reply["outcome"] == "handoff" and reply["handoff_reason"] == "no_answer"
    assert "might help" not in reply["text"] and "•" not in reply["text"]
