"""A stored message read into its record and shown as JSON (bot/core/messages.py): the API, the widget's
socket and /console see exactly what they saw when messages travelled as dicts, rows written long ago
included; the relay refuses anything but a live event."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from bot.core.messages import LiveEvent, LiveKind, Message, Posted, Role
from bot.core.records import HandoffReason, Outcome

AT = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def row(role: str, text: str, payload: dict | None = None, *, reply_to: int | None = None, at: datetime = AT) -> SimpleNamespace:
    return SimpleNamespace(id=7, role=role, text=text, created_at=at, reply_to=reply_to, payload=json.dumps(payload) if payload else None)


def test_a_bot_answer_shows_its_payload_fields_in_their_order_and_nothing_else() -> None:
    # as ConversationService stores an answer: AskResult.to_json() without the question
    payload = {"outcome": "answer", "answer": "Open Settings.", "confidence": 0.8123,
               "citations": [{"source": "kb/reset.md", "title": "Reset", "url": "https://help.example/reset", "score": 0.71}],
               "options": [], "route": "extractive", "handoff_reason": None, "latency_ms": 12.5}
    message = Message.from_row(row("bot", "Open Settings.", payload, reply_to=6))
    assert message.role is Role.BOT and message.outcome is Outcome.ANSWER and message.citations is not None
    shown = message.to_json()
    assert list(shown) == ["id", "role", "text", "created_at", "reply_to", "citations", "outcome", "handoff_reason", "confidence", "route", "options"]
    assert shown == {
        "id": 7, "role": "bot", "text": "Open Settings.", "created_at": "2026-11-30T10:00:00+00:00", "reply_to": 6,
        "citations": payload["citations"], "outcome": "answer", "handoff_reason": None, "confidence": 0.8123, "route": "extractive", "options": [],
    }
    assert Posted(message).to_json() == {"type": "message", "message": shown}


def test_staff_and_system_messages_show_only_what_they_have() -> None:
    assert Message.from_row(row("customer", "hi", {"entities": {"EMAIL": 1}})).to_json() == {
        "id": 7, "role": "customer", "text": "hi", "created_at": "2026-11-30T10:00:00+00:00"}
    agent = Message.from_row(row("agent", "On it.", {"author": "Alice"}))
    assert agent.to_json()["author"] == "Alice" and "outcome" not in agent.to_json() and "handoff_reason" not in agent.to_json()
    assert Message.from_row(row("system", "Rate us 1-5", {"rating_request": True})).to_json()["rating_request"] is True
    note = Message.from_row(row("system", "I can't read files", {"buttons": ["human"]}))
    assert note.buttons == ("human",) and note.to_json()["buttons"] == ["human"]


def test_rows_from_older_releases_read_back_as_they_were_stored() -> None:
    """A word no longer in the vocabulary stays as it is; a reply from before clarifications has no
    `options`; SQLite gives times back without their zone, and they are shown so."""
    old = Message.from_row(row("bot", "Open Settings.", {"outcome": "answered", "citations": []}, at=datetime(2026, 11, 1, 9)))
    assert old.outcome == "answered" and old.options is None
    assert old.to_json() == {"id": 7, "role": "bot", "text": "Open Settings.", "created_at": "2026-11-01T09:00:00", "citations": [],
                             "outcome": "answered", "handoff_reason": None}
    apology = Message.from_row(row("bot", "Sorry", {"outcome": "handoff", "handoff_reason": "error"}))
    assert apology.handoff_reason is HandoffReason.ERROR and apology.to_json()["handoff_reason"] == "error"


def test_restoring_text_keeps_the_rest_of_the_message() -> None:
    message = Message.from_row(row("agent", "Hi <PERSON_1>", {"author": "Alice"}))
    restored = message.with_text("Hi Maria")
    assert restored.to_json() == {**message.to_json(), "text": "Hi Maria"} and message.text == "Hi <PERSON_1>"
    assert message.with_text(message.text) is message


def test_live_events_round_trip_and_anything_else_is_refused() -> None:
    for event in (LiveEvent(LiveKind.TYPING), LiveEvent.token("Hel"), LiveEvent(LiveKind.RETRACT)):
        assert LiveEvent.from_json(json.loads(json.dumps(event.to_json()))) == event
    assert LiveEvent(LiveKind.TYPING).to_json() == {"type": "typing"} and LiveEvent.token("a").to_json() == {"type": "token", "text": "a"}
    with pytest.raises(ValueError):
        LiveEvent.from_json({"type": "message", "text": "a stored message goes by its id"})
    with pytest.raises(TypeError):
        LiveEvent.from_json(["token"])
