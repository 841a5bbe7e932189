"""End to end through the widget API: personal data is stored, audited and searched only redacted,
and only the customer who wrote it sees it again."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlmodel import Session, select

from bot.engine.pipeline import Identity
from bot.core.tables import AuditEvent, StoredMessage
from bot.app.app_keys import READY, SERVICES
from bot.app.web import build_app
from tests.conftest import make_settings
from tests.databases import on_postgres, stored_bytes

SECRET_VALUES = ("Maria Lopez", "maria.lopez@example.com", "4111 1111 1111 1111", "+1 415-555-0134")
MESSAGE = "Hi, I'm Maria Lopez (maria.lopez@example.com). My card 4111 1111 1111 1111 was charged twice, call me at +1 415-555-0134"


@pytest.fixture(scope="module")
async def app_client(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[tuple[TestClient, Path]]:
    data = tmp_path_factory.mktemp("privacy")
    app = build_app(make_settings(data))
    async with TestClient(TestServer(app)) as client:
        await asyncio.wait_for(app[READY].wait(), timeout=120)
        yield client, data


async def _conversation(client: TestClient) -> tuple[str, dict[str, str]]:
    created = await (await client.post("/api/v1/conversations", json={"widget_key": "demo"})).json()
    return created["conversation_id"], {"Authorization": f"Bearer {created['token']}"}


async def test_personal_data_is_stored_and_audited_redacted_and_restored_only_for_its_customer(
    app_client: tuple[TestClient, Path],
) -> None:
    client, data = app_client
    conversation, auth = await _conversation(client)
    response = await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": MESSAGE}, headers=auth)
    assert response.status == 200, await response.text()

    services = client.app[SERVICES]
    with Session(services.engine) as session:
        stored = session.exec(select(StoredMessage).where(StoredMessage.conversation_id == conversation)).all()
        events = session.exec(select(AuditEvent).where(AuditEvent.conversation_id == conversation)).all()
    customer = next(m for m in stored if m.role == "customer")
    assert customer.text.startswith("Hi, I'm <PERSON_1> (<EMAIL_1>). My card <CREDIT_CARD_1>")
    everything_stored = json.dumps([m.model_dump(mode="json") for m in stored]) + json.dumps([e.model_dump(mode="json") for e in events])
    for value in SECRET_VALUES:
        assert value not in everything_stored
    redacted = next(e for e in events if e.kind == "redacted")
    assert json.loads(redacted.data)["counts"] == {"PERSON": 1, "EMAIL": 1, "CREDIT_CARD": 1, "PHONE": 1}

    # the customer's own history shows their words as they typed them
    history = await (await client.get(f"/api/v1/conversations/{conversation}/messages", headers=auth)).json()
    assert history["messages"][0]["text"] == MESSAGE
    # nothing in the data directory (SQLite, Milvus Lite) holds the values in clear
    for path in (p for p in data.rglob("*") if p.is_file()):
        raw = path.read_bytes()
        assert b"maria.lopez@example.com" not in raw and b"Maria Lopez" not in raw
    if on_postgres():  # nor the data dir's PostgreSQL database
        raw = stored_bytes(data)
        assert b"maria.lopez@example.com" not in raw and b"Maria Lopez" not in raw


async def test_another_conversation_cannot_see_the_values(app_client: tuple[TestClient, Path]) -> None:
    client, _ = app_client
    first, auth1 = await _conversation(client)
    await client.post(f"/api/v1/conversations/{first}/messages", json={"text": "my email is zoe.k@example.com"}, headers=auth1)
    second, auth2 = await _conversation(client)
    await client.post(f"/api/v1/conversations/{second}/messages", json={"text": "what does <EMAIL_1> mean?"}, headers=auth2)
    history = await (await client.get(f"/api/v1/conversations/{second}/messages", headers=auth2)).json()
    assert "zoe.k@example.com" not in json.dumps(history)
    assert history["messages"][0]["text"] == "what does <EMAIL_1> mean?"


async def test_no_personal_data_in_logs_even_at_debug_level(app_client: tuple[TestClient, Path], caplog: pytest.LogCaptureFixture) -> None:
    client, _ = app_client
    conversation, auth = await _conversation(client)
    with caplog.at_level("DEBUG"):
        response = await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": MESSAGE}, headers=auth)
        assert response.status == 200
        await client.get(f"/api/v1/conversations/{conversation}/messages", headers=auth)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "<PERSON_1>" in logged and "<EMAIL_1>" in logged  # the message was logged, redacted
    for value in SECRET_VALUES:
        assert value not in logged


async def test_the_tenants_pii_kinds_decide_what_is_stored_redacted(tmp_path: Path) -> None:
    tenants = tmp_path / "tenants.toml"
    tenants.write_text('[tenants.shop]\npii_kinds = ["EMAIL"]\n[tenants.shop.widget]\nkeys = ["shop-key"]\n')
    app = build_app(make_settings(tmp_path / "data", SUPPORTBOT_TENANTS_FILE=str(tenants), SUPPORTBOT_SAMPLE_KB="0"))
    async with TestClient(TestServer(app)) as client:
        await asyncio.wait_for(app[READY].wait(), timeout=120)
        created = await (await client.post("/api/v1/conversations", json={"widget_key": "shop-key"})).json()
        conversation, auth = created["conversation_id"], {"Authorization": f"Bearer {created['token']}"}
        response = await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": MESSAGE}, headers=auth)
        assert response.status == 200, await response.text()
        with Session(client.app[SERVICES].engine) as session:
            stored = session.exec(select(StoredMessage).where(StoredMessage.conversation_id == conversation, StoredMessage.role == "customer")).one()
    # only the e-mail address is a kind this tenant redacts
    assert stored.text == MESSAGE.replace("maria.lopez@example.com", "<EMAIL_1>")


async def test_a_stored_conversation_searches_with_the_question_as_typed(app_client: tuple[TestClient, Path]) -> None:
    """The widget's durable path answers as `ask` does: the process that received the message embeds it
    as typed (in memory only); the stored, logged and audited copy stays redacted."""
    client, _ = app_client
    services = client.app[SERVICES]
    # "Dropbox" goes with the name; without it the search ranks other articles and is less sure
    question = "My colleague Dropbox Jones cannot log in with SSO"
    identity = Identity(tenant="default", user=None, groups=(), channel="widget")
    asked = await services.assistant.ask(question, identity=identity, record=False)
    redacted = services.redactor.redact_sync(question, tenant="default")
    assert "Dropbox" not in redacted.redacted
    searched_redacted = await services.assistant.ask(redacted.redacted, identity=identity, record=False, redacted=redacted.counts())
    assert round(searched_redacted.confidence, 4) != round(asked.confidence, 4)  # the word matters to this search

    conversation, auth = await _conversation(client)
    response = await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": question}, headers=auth)
    assert response.status == 200, await response.text()
    reply = (await response.json())["reply"]
    assert reply["confidence"] == round(asked.confidence, 4)
    assert [c["source"] for c in reply.get("citations", [])] == [c.source for c in asked.citations]
    with Session(services.engine) as session:
        stored = session.exec(select(StoredMessage).where(StoredMessage.conversation_id == conversation)).all()
    assert "Dropbox" not in json.dumps([m.model_dump(mode="json") for m in stored])


async def test_a_name_given_in_a_script_without_capitals_is_stored_and_audited_redacted(
    app_client: tuple[TestClient, Path],
) -> None:
    """"我叫王小明" passed redaction unchanged (the model and the cues read capitals) and was stored, audited
    and shown to staff as typed; now the name and the phone number are placeholders there too."""
    client, data = app_client
    conversation, auth = await _conversation(client)
    text = "你好，我叫王小明，电话13812345678，我的订单还没到"
    response = await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": text}, headers=auth)
    assert response.status == 200, await response.text()
    with Session(client.app[SERVICES].engine) as session:
        stored = session.exec(select(StoredMessage).where(StoredMessage.conversation_id == conversation)).all()
        events = session.exec(select(AuditEvent).where(AuditEvent.conversation_id == conversation)).all()
    customer = next(m for m in stored if m.role == "customer")
    assert customer.text == "你好，我叫<PERSON_1>，电话<PHONE_1>，我的订单还没到"
    everything = json.dumps([m.model_dump(mode="json") for m in stored] + [e.model_dump(mode="json") for e in events], ensure_ascii=False)
    assert "王小明" not in everything and "13812345678" not in everything
    # the customer's own history still shows what they typed
    history = await (await client.get(f"/api/v1/conversations/{conversation}/messages", headers=auth)).json()
    assert history["messages"][0]["text"] == text


async def test_a_customer_who_only_says_who_they_are_is_asked_what_they_need(app_client: tuple[TestClient, Path]) -> None:
    """"Hi, I'm Maria Lopez" was searched for and handed to a person as `no_answer`: a card in the staff queue
    with no question on it."""
    client, _ = app_client
    for text in ("Hi, I'm Maria Lopez", "Olumide Adeyemi", "my email is maria.lopez@example.com"):
        conversation, auth = await _conversation(client)
        response = await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": text}, headers=auth)
        assert response.status == 200, await response.text()
        reply = (await response.json())["reply"]
        assert reply["outcome"] == "answer", (text, reply)
        assert reply["text"] == "Thanks! What can I help you with?" and not reply.get("citations")
        # and the question that follows is answered as any other
        response = await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "how do I reset my password?"}, headers=auth)
        assert (await response.json())["reply"]["outcome"] == "answer"
