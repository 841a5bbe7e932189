"""The staff summary of a handoff is a model call like any other: the tenant's routing policy
decides which tier may read the (redacted) transcript, and the call is metered. A tenant with
`never_remote = true` sends nothing to the remote model, whatever tiers are configured."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient
from sqlmodel import Session, select

from bot.app.app_keys import HANDOFF, SERVICES
from bot.core.tables import Usage
from tests.conftest import make_settings, running_app
from tests.fakes.loopback import started, until
from tests.fakes.model_servers import FakeOpenAI

TENANTS = """
[tenants.private]
[tenants.private.widget]
keys = ["k-private"]
[tenants.private.routing]
never_remote = true

[tenants.open]
[tenants.open.widget]
keys = ["k-open"]
"""
PROMPT_MARK = "Summarise this support conversation"


@pytest.fixture(scope="module")
async def remote_only() -> AsyncIterator[tuple[TestClient, FakeOpenAI]]:
    """The product with only a remote model tier (as a tenant might run it), two tenants."""
    import tempfile

    async with started(FakeOpenAI()) as (openai,):
        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / "tenants.toml").write_text(TENANTS)
            settings = make_settings(
                Path(folder) / "data", SUPPORTBOT_TENANTS_FILE=str(Path(folder) / "tenants.toml"), SUPPORTBOT_SAMPLE_KB="0",
                OPENAI_BASE_URL=openai.url + "/v1", OPENAI_API_KEY="sk-test", SUPPORTBOT_REMOTE_MODEL="gpt-4o-mini",
            )
            async with running_app(settings) as client:
                yield client, openai


def _summary_requests(openai: FakeOpenAI) -> list[dict]:
    return [r for r in openai.requests if PROMPT_MARK in str(r.get("messages"))]


async def _escalate(client: TestClient, key: str) -> str:
    created = await (await client.post("/api/v1/conversations", json={"widget_key": key})).json()
    auth = {"Authorization": f"Bearer {created['token']}"}
    conversation = created["conversation_id"]
    await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "My export to CSV keeps failing at 50%"}, headers=auth)
    assert (await client.post(f"/api/v1/conversations/{conversation}/handoff", headers=auth)).status < 300
    await until(lambda: client.app[HANDOFF].current(conversation) is not None, timeout=20)
    return conversation


async def test_a_never_remote_tenants_transcript_is_not_summarized_by_the_remote_model(remote_only: tuple[TestClient, FakeOpenAI]) -> None:
    client, openai = remote_only
    asked = len(_summary_requests(openai))  # the module's model server: another test's summaries may be there
    conversation = await _escalate(client, "k-private")
    await asyncio.sleep(0.5)
    assert _summary_requests(openai)[asked:] == []
    packet = client.app[HANDOFF].packet(client.app[HANDOFF].current(conversation))
    assert "CSV" in packet.summary  # the summary built from the customer's own words


async def test_a_summary_by_an_allowed_tier_is_metered_for_its_tenant(remote_only: tuple[TestClient, FakeOpenAI]) -> None:
    client, openai = remote_only
    asked = len(_summary_requests(openai))
    conversation = await _escalate(client, "k-open")
    await until(lambda: _summary_requests(openai)[asked:], timeout=20)
    with Session(client.app[SERVICES].engine) as session:
        usage = list(session.exec(select(Usage).where(Usage.conversation_id == conversation)))
    assert [u.tenant for u in usage if u.tier == "remote"] == ["open"]
