"""The help center's to-do list on /admin/quality (bot/engine/help_todo.py): questions handed over
because the knowledge base had no answer, counted by the database and grouped by meaning with the
app's embedder (the real bundled model); other handoff reasons, other days and other tenants stay out."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlmodel import Session

from bot.app.admin_quality import register_quality_admin
from bot.core.database import open_database
from bot.core.tables import Handoff
from knowledge.embedding import FastEmbedder
from tests.databases import database_url

TOKEN = "quality-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
NOW = datetime.now(UTC)
HANDED_OVER = [  # (tenant, reason, intent as the card stores it, times, days ago)
    ("default", "no_answer", "how do I cancel my subscription?", 3, 1),
    ("default", "low_confidence", "[billing] I want to cancel my plan", 2, 2),
    ("default", "no_answer", "cancel subscription please", 1, 3),
    ("default", "no_answer", "is there a student discount", 2, 1),
    ("default", "low_confidence", "do you offer discounts for students?", 1, 4),
    ("default", "no_answer", "the app crashes when I upload a photo of <PERSON_1>", 1, 1),
    ("default", "customer_request", "I want to talk to a person", 9, 1),  # not a gap in the knowledge base
    ("default", "no_answer", "where is the dark mode setting", 4, 60),  # before the window
    ("acme", "no_answer", "how do I cancel my subscription?", 5, 1),  # another tenant
]


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[TestClient]:
    engine = open_database(database_url(tmp_path / "db.sqlite"), upgrade=True)
    with Session(engine) as session:
        for n, (tenant, reason, intent, times, days_ago) in enumerate(HANDED_OVER):
            for k in range(times):
                session.add(Handoff(conversation_id=f"c{n}-{k}", tenant=tenant, reason=reason, status="resolved",
                                    packet=json.dumps({"intent": intent, "reason": reason}),
                                    created_at=NOW - timedelta(days=days_ago, minutes=k)))
        session.commit()
    app = web.Application()
    register_quality_admin(app, engine=engine, token=TOKEN, embedder=FastEmbedder(cache_dir=tmp_path / "models"))
    async with TestClient(TestServer(app)) as client:
        yield client
    engine.dispose()


async def test_the_most_frequent_unanswered_questions_grouped_by_meaning(client: TestClient) -> None:
    figures = await (await client.get("/api/v1/admin/quality?days=30&tenant=default", headers=AUTH)).json()
    todo = figures["todo"]
    assert [(t["question"], t["handoffs"]) for t in todo[:2]] == [("how do I cancel my subscription?", 6),
                                                                  ("is there a student discount", 3)]
    assert set(todo[0]["wordings"]) == {"I want to cancel my plan", "cancel subscription please"}  # topic tag dropped
    assert todo[1]["wordings"] == ["do you offer discounts for students?"]
    shown = json.dumps(todo)
    assert "talk to a person" not in shown and "dark mode" not in shown and sum(t["handoffs"] for t in todo) == 10
    assert all(t["tenants"] == ["default"] for t in todo)
    everyone = await (await client.get("/api/v1/admin/quality?days=30", headers=AUTH)).json()
    assert everyone["todo"][0]["handoffs"] == 11 and everyone["todo"][0]["tenants"] == ["acme", "default"]
    page = await (await client.get("/admin/quality?days=30", headers=AUTH)).text()
    assert "Help center to-do" in page and "how do I cancel my subscription?" in page and "&lt;PERSON_1&gt;" in page
