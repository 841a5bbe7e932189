"""`supportbot audit` and `supportbot usage` as a user runs them (a real process on the embedded
defaults): a conversation exported without the user's id, rollout changes, clear errors for bad
input, and the questions `ask` answered counted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bot.cli_steps import (
    pytestmark,  # noqa: F401 (skipped without the console script)
    run,
)


async def test_audit_exports_a_conversation_without_the_users_id(tmp_path: Path) -> None:
    """A widget visitor's id from signed claims may be their e-mail address: the trail names them by a pseudonym."""
    import asyncio

    from bot.app.composition import build_services
    from bot.engine.conversations import ConversationService
    from tests.conftest import make_settings

    data_dir = tmp_path / "data"
    services = build_services(make_settings(data_dir, SUPPORTBOT_SAMPLE_KB="1"))
    await asyncio.to_thread(services.start)
    try:
        conversations = ConversationService(services=services)
        conversation = conversations.create(tenant="default", channel="widget", user="maria.lopez@example.com")
        for text in ("how do I reset my password?", "and how do I turn on two-factor authentication?"):
            await conversations.submit(conversation_id=conversation.id, text=text, client_id=None)
    finally:
        await asyncio.to_thread(services.close)

    out = await asyncio.to_thread(run, ["audit", "--conversation", conversation.id], data_dir=data_dir)
    assert out.returncode == 0, out.stderr
    assert "maria.lopez" not in out.stdout and "example.com" not in out.stdout
    events = [json.loads(line) for line in out.stdout.splitlines()]
    assert {e["conversation_id"] for e in events} == {conversation.id}
    outcomes = [e for e in events if e["kind"] == "outcome"]
    assert len(outcomes) == 2 and outcomes[0]["data"]["outcome"] == "answer"
    users = {e["data"]["user"] for e in outcomes}
    assert len(users) == 1 and next(iter(users)).startswith("user-")  # the same person, followable, not named


def test_audit_shows_rollout_changes_the_kill_switch_included(tmp_path: Path) -> None:
    """Who switched the bot off, when and why was kept in the audit trail but no command showed it (only the
    last five changes of one tenant, as text, under `rollout TENANT`): `audit` took a conversation only."""
    data_dir = tmp_path / "data"
    for stage, reason in (("shadow", "trial week"), ("off", "kill switch: wrong refunds")):
        changed = run(["rollout", "default", stage, "--reason", reason, "--by", "ops-lead"], data_dir=data_dir, SUPPORTBOT_SAMPLE_KB="0")
        assert changed.returncode == 0, changed.stderr
    out = run(["audit", "--kind", "rollout"], data_dir=data_dir, SUPPORTBOT_SAMPLE_KB="0")
    assert out.returncode == 0, out.stderr
    events = [json.loads(line) for line in out.stdout.splitlines()]
    assert [(e["kind"], e["tenant"], e["data"]["from"], e["data"]["to"], e["data"]["by"], e["data"]["reason"]) for e in events] == [
        ("rollout_changed", "default", "on", "shadow", "ops-lead", "trial week"),
        ("rollout_changed", "default", "shadow", "off", "ops-lead", "kill switch: wrong refunds"),
    ]
    assert run(["audit", "--kind", "rollout", "--tenant", "default", "--days", "1"], data_dir=data_dir).stdout == out.stdout
    unknown = run(["audit", "--kind", "rollout", "--tenant", "nobody"], data_dir=data_dir)
    assert unknown.returncode != 0 and "nobody" in unknown.stderr and "Traceback" not in unknown.stderr
    neither = run(["audit"], data_dir=data_dir)
    assert neither.returncode == 2 and "give --conversation ID or --kind rollout" in neither.stderr


@pytest.mark.parametrize("days", ["1000000", "99999999999"])
def test_usage_over_too_many_days_is_a_clear_error(data_dir: Path, days: str) -> None:
    # before: OverflowError tracebacks ("date value out of range", "Python int too large to convert to C int")
    out = run(["usage", "--days", days], data_dir=data_dir)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert f"Invalid value for '--days': {days} is not in the range 1<=x<=36500" in out.stderr
    out = run(["usage", "--days", "36500", "--json"], data_dir=data_dir)
    assert out.returncode == 0 and json.loads(out.stdout)["days"] == 36500, out.stderr


def test_audit_of_an_unknown_conversation_is_a_clear_error(data_dir: Path) -> None:
    out = run(["audit", "--conversation", "no-such-conversation"], data_dir=data_dir)
    assert out.returncode == 2
    assert "unknown conversation 'no-such-conversation'" in out.stderr
    assert out.stdout == "" and "Traceback" not in out.stderr


def test_usage_over_one_day_says_day(tmp_path: Path) -> None:
    out = run(["usage", "--days", "1"], data_dir=tmp_path / "data", SUPPORTBOT_SAMPLE_KB="0")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == "model usage, last 1 day"  # was "last 1 days"


def test_usage_counts_the_questions_asked_with_ask(data_dir: Path) -> None:
    # `usage`'s shares by route left out what `ask` answered, though its model calls were in the spend
    before = json.loads(run(["usage", "--json"], data_dir=data_dir).stdout)["tenants"].get("default", {}).get("cli_answers_by_route", {})
    assert run(["ask", "how do I reset my password?"], data_dir=data_dir).returncode == 0
    assert run(["ask", "I want to talk to a real person"], data_dir=data_dir).returncode == 0
    out = run(["usage", "--json"], data_dir=data_dir)
    assert out.returncode == 0, out.stderr
    routes = json.loads(out.stdout)["tenants"]["default"]["cli_answers_by_route"]
    assert sum(routes.values()) == sum(before.values()) + 2
    assert routes.get("handoff", 0) == before.get("handoff", 0) + 1
    text = run(["usage"], data_dir=data_dir).stdout
    assert "questions from the command line (ask, eval) by route: " in text and f"of {sum(routes.values())}" in text
