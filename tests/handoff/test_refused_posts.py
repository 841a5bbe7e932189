"""Posts Slack refuses for good don't block a staff thread: the refused one is skipped (audited, counted,
never retried) and the customer's next words still reach staff; text Slack finds too long arrives in
pieces; a card refused for good (an archived or unknown channel) is tried again every ten minutes, not
on every tick, and goes out once the channel is fixed; a rate limit is waited out, nothing is dropped.
Both pauses are stored with the handoff: a restart (a crash loop, a deploy) waits them out too, also on
a database from before they were stored.

The app runs without Slack (its handoffs stay queued with their posts stored); a handoff service on the
same database, with a clock the test moves and the real slack_sdk client, posts them to the loopback Slack.
Without Slack a tick reads nothing, however many handoffs wait (a read per waiting handoff every tick,
and one per escalation, took the database from the customers' messages: issue #17).
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import Engine, event, inspect

from bot.app.app_keys import CONVERSATIONS, SERVICES, SETTINGS
from bot.app.metrics import Metrics
from bot.core.database import downgrade, open_database
from bot.core.late import Late
from bot.core.tables import utcnow
from channels.slack_staff import SlackStaffDesk
from handoff.records import HandoffRecords
from handoff.service import HandoffService
from tests.conftest import make_settings, running_app
from tests.databases import database_url
from tests.fakes.loopback import started, until
from tests.fakes.slack_api import FakeSlackApi
from tests.handoff.slack_steps import STAFF, widget
from tests.handoff.test_handoff_robustness import cards_of, say


class Clock:
    def __init__(self) -> None:
        self.moment = utcnow()

    def __call__(self) -> datetime:
        return self.moment


class Staff:
    """The handoff service that talks to Slack, with its clock, metrics and records."""

    def __init__(self, service: HandoffService, clock: Clock, metrics: Metrics, records: HandoffRecords) -> None:
        self.service, self.clock, self.metrics, self.records = service, clock, metrics, records

    def failures(self, kind: str, error: str) -> float:
        return self.metrics.registry.get_sample_value("supportbot_handoff_post_failures_total", {"kind": kind, "error": error}) or 0.0


@pytest.fixture(scope="module")
async def slack() -> AsyncIterator[FakeSlackApi]:
    async with started(FakeSlackApi()) as (fake,):
        yield fake


@pytest.fixture(scope="module")
async def client(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TestClient]:
    settings = make_settings(tmp_path_factory.mktemp("refused"), SUPPORTBOT_HANDOFF_CHANNEL=STAFF, SUPPORTBOT_MAX_QUESTION_CHARS="8000")
    async with running_app(settings) as client:
        yield client


def staff_on(app: web.Application, slack: FakeSlackApi, clock: Clock) -> Staff:
    """A handoff service as a start builds it: nothing in memory but what it reads from the database."""
    metrics = Metrics()
    service = HandoffService(
        engine=app[SERVICES].engine, settings=app[SETTINGS], conversations=app[CONVERSATIONS], audit=app[SERVICES].audit,
        now=clock, observe=metrics.handoff,
        desk=Late("the staff desk", SlackStaffDesk(client=AsyncWebClient(token="xoxb-test", base_url=slack.base_url))),
    )
    return Staff(service, clock, metrics, HandoffRecords(app[SERVICES].engine, now=clock))


@pytest.fixture
def staff(client: TestClient, slack: FakeSlackApi) -> Staff:
    slack.refusing.clear()
    slack.refuse_next.clear()
    slack.text_limit = 40_000
    return staff_on(client.app, slack, Clock())


def taken_in_thread(slack: FakeSlackApi, thread_ts: str) -> list[str]:
    """The texts Slack took in the thread, in order (refused attempts left out)."""
    return [
        a["text"] for a in slack.of("chat.postMessage") if a.get("thread_ts") == thread_ts and not any(a is r for r in slack.refused)
    ]


def attempts_with(slack: FakeSlackApi, thread_ts: str, text: str) -> int:
    return len([a for a in slack.of("chat.postMessage") if a.get("thread_ts") == thread_ts and text in str(a.get("text"))])


async def escalated(client: TestClient, staff: Staff, first: str = "my export fails") -> tuple[str, dict[str, str], list[dict[str, Any]], int]:
    conversation, auth, _, received = await widget(client)
    await say(client, conversation, auth, first)
    assert (await say(client, conversation, auth, "I want to talk to a person"))["reply"]["outcome"] == "handoff"
    handoff = staff.service.current(conversation)
    assert handoff is not None and handoff.status == "queued"
    return conversation, auth, received, handoff.id or 0


async def thread_of(client: TestClient, staff: Staff) -> tuple[str, dict[str, str], str, int]:
    """A customer whose card and transcript are in Slack."""
    conversation, auth, _, handoff_id = await escalated(client, staff)
    await staff.service.tick()
    handoff = staff.service.get(handoff_id)
    assert handoff is not None and handoff.thread_ts
    return conversation, auth, handoff.thread_ts, handoff_id


@pytest.mark.parametrize("error", ["no_text", "invalid_blocks"])
async def test_a_relayed_message_slack_refuses_for_good_is_skipped_and_the_next_one_still_reaches_staff(
    client: TestClient, slack: FakeSlackApi, staff: Staff, error: str
) -> None:
    conversation, auth, thread_ts, handoff_id = await thread_of(client, staff)
    slack.refuse_next["chat.postMessage"] = [error]
    for text in ("the first thing I wrote", "are you there?"):
        assert (await say(client, conversation, auth, text))["relayed"] is True
    await staff.service.tick()
    await staff.service.tick()  # the refused post is not tried again
    assert (await say(client, conversation, auth, "hello again"))["relayed"] is True
    await staff.service.tick()

    posts = taken_in_thread(slack, thread_ts)
    assert posts[0].startswith("Transcript") and posts[1:] == ["*Customer:* are you there?", "*Customer:* hello again"]
    assert attempts_with(slack, thread_ts, "the first thing I wrote") == 1
    assert staff.records.failed_posts(handoff_id) == [("said", error)]
    audited = [json.loads(e.data) for e in client.app[SERVICES].audit.events(conversation_id=conversation) if e.kind == "staff_post_failed"]
    assert audited == [{"handoff": handoff_id, "post": "said", "error": error}]  # the code and the kind, not the words
    assert staff.failures("said", error) == 1


async def test_text_slack_finds_too_long_arrives_in_pieces_in_order(client: TestClient, slack: FakeSlackApi, staff: Staff) -> None:
    conversation, auth, thread_ts, handoff_id = await thread_of(client, staff)
    slack.text_limit = 4000  # Slack's is 40,000; the customer's message limit keeps this test's text shorter
    lines = [f"line {i:03d}: the export stopped again and nothing synced" for i in range(140)]
    long_text = "\n".join(lines)
    assert len(long_text) > 7000
    assert (await say(client, conversation, auth, long_text))["relayed"] is True
    assert (await say(client, conversation, auth, "and one more thing"))["relayed"] is True
    await staff.service.tick()

    posts = taken_in_thread(slack, thread_ts)[1:]  # after the transcript
    pieces, after = posts[:-1], posts[-1]
    assert len(pieces) >= 3 and all(len(p) <= 3000 for p in pieces)
    assert "\n".join(pieces) == f"*Customer:* {long_text}"  # every line, once, in order
    assert after == "*Customer:* and one more thing"
    assert staff.records.failed_posts(handoff_id) == [] and staff.failures("said", "msg_too_long") == 0


async def test_a_card_refused_for_good_is_tried_again_every_ten_minutes_and_posted_once_the_channel_is_fixed(
    client: TestClient, slack: FakeSlackApi, staff: Staff, caplog: pytest.LogCaptureFixture
) -> None:
    slack.refusing["chat.postMessage"] = "channel_not_found"
    with caplog.at_level(logging.ERROR, logger="handoff.service"):
        conversation, _, received, handoff_id = await escalated(client, staff)
        await staff.service.tick()
    assert await until(lambda: [m for m in received if "in the queue" in m["text"]])  # the customer is told anyway
    assert len(cards_of(slack, handoff_id)) == 1
    logged = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any(STAFF in line and "channel_not_found" in line for line in logged)
    audited = [json.loads(e.data) for e in client.app[SERVICES].audit.events(conversation_id=conversation) if e.kind == "staff_post_failed"]
    assert audited == [{"handoff": handoff_id, "post": "card", "error": "channel_not_found"}]
    assert staff.failures("card", "channel_not_found") == 1

    for _ in range(3):  # not on every tick: nine minutes on, still one card
        staff.clock.moment += timedelta(minutes=3)
        await staff.service.tick()
    assert len(cards_of(slack, handoff_id)) == 1
    staff.clock.moment += timedelta(minutes=2)  # ten minutes on: tried again, still refused
    await staff.service.tick()
    assert len(cards_of(slack, handoff_id)) == 2 and staff.failures("card", "channel_not_found") == 2

    slack.refusing.clear()  # an operator invited the bot, un-archived the channel
    await staff.service.tick()
    assert len(cards_of(slack, handoff_id)) == 2  # still waits out the pause
    staff.clock.moment += timedelta(minutes=10)
    await staff.service.tick()
    handoff = staff.service.get(handoff_id)
    assert handoff is not None and handoff.status == "open" and handoff.thread_ts
    assert len(cards_of(slack, handoff_id)) == 3
    assert taken_in_thread(slack, handoff.thread_ts)[0].startswith("Transcript")


async def test_a_rate_limit_is_waited_out_and_nothing_is_marked_failed(client: TestClient, slack: FakeSlackApi, staff: Staff) -> None:
    conversation, auth, thread_ts, handoff_id = await thread_of(client, staff)
    slack.refuse_next["chat.postMessage"] = ["ratelimited"]
    slack.retry_after = 30
    assert (await say(client, conversation, auth, "hello?"))["relayed"] is True
    await staff.service.tick()
    staff.clock.moment += timedelta(seconds=20)
    await staff.service.tick()  # Slack asked for 30 seconds
    assert attempts_with(slack, thread_ts, "hello?") == 1 and taken_in_thread(slack, thread_ts)[1:] == []
    staff.clock.moment += timedelta(seconds=11)
    await staff.service.tick()
    assert taken_in_thread(slack, thread_ts)[1:] == ["*Customer:* hello?"]
    assert staff.records.failed_posts(handoff_id) == [] and staff.failures("said", "ratelimited") == 0
    assert not [e for e in client.app[SERVICES].audit.events(conversation_id=conversation) if e.kind == "staff_post_failed"]


async def test_a_restart_waits_out_the_pause_of_a_card_slack_refused_for_good(client: TestClient, slack: FakeSlackApi, staff: Staff) -> None:
    slack.refusing["chat.postMessage"] = "channel_not_found"
    _, _, _, handoff_id = await escalated(client, staff)
    await staff.service.tick()
    assert len(cards_of(slack, handoff_id)) == 1

    for minutes in (1, 4, 4):  # restarting again and again within the ten minutes: Slack is not asked again
        staff.clock.moment += timedelta(minutes=minutes)
        staff = staff_on(client.app, slack, staff.clock)
        await staff.service.tick()
    assert len(cards_of(slack, handoff_id)) == 1

    slack.refusing.clear()  # fixed meanwhile; the pause has run out by the next start
    staff.clock.moment += timedelta(minutes=1)
    staff = staff_on(client.app, slack, staff.clock)
    await staff.service.tick()
    handoff = staff.service.get(handoff_id)
    assert handoff is not None and handoff.status == "open" and handoff.thread_ts
    assert len(cards_of(slack, handoff_id)) == 2 and handoff.not_before is None


async def test_a_restart_waits_out_a_rate_limit(client: TestClient, slack: FakeSlackApi, staff: Staff) -> None:
    conversation, auth, thread_ts, handoff_id = await thread_of(client, staff)
    slack.refuse_next["chat.postMessage"] = ["ratelimited"]
    slack.retry_after = 30
    assert (await say(client, conversation, auth, "still there?"))["relayed"] is True
    await staff.service.tick()
    assert attempts_with(slack, thread_ts, "still there?") == 1

    staff.clock.moment += timedelta(seconds=20)
    staff = staff_on(client.app, slack, staff.clock)
    await staff.service.tick()  # Slack asked for 30 seconds
    assert attempts_with(slack, thread_ts, "still there?") == 1

    staff.clock.moment += timedelta(seconds=11)
    staff = staff_on(client.app, slack, staff.clock)
    await staff.service.tick()
    assert taken_in_thread(slack, thread_ts)[1:] == ["*Customer:* still there?"]
    handoff = staff.service.get(handoff_id)
    assert handoff is not None and handoff.not_before is None


def test_an_existing_database_gains_the_pause_column_and_its_handoffs_are_not_paused(tmp_path: Path) -> None:
    url = database_url(tmp_path / "old.db")
    engine = open_database(url, upgrade=True)
    downgrade(engine, to="0011")  # the handoff table as it was before the pause was stored
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO handoff (conversation_id, tenant, reason, status, attempts, packet, created_at) "
            "VALUES ('c1', 'default', 'asked', 'queued', 3, '{}', '2026-01-01')"
        )
    engine.dispose()
    engine = open_database(url, upgrade=True)
    assert "not_before" in {c["name"] for c in inspect(engine).get_columns("handoff")}
    clock = Clock()
    records = HandoffRecords(engine, now=clock)
    [handoff] = records.waiting()
    assert handoff.not_before is None  # waiting since before the upgrade: announced at the next tick
    records.save(handoff, not_before=clock() + timedelta(minutes=10))
    stored = records.get(handoff.id or 0)
    assert stored is not None and stored.not_before is not None and stored.attempts == 3


@contextmanager
def statements_sent(engine: Engine) -> Iterator[list[str]]:
    sent: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", seen)


async def test_without_slack_a_tick_reads_two_statements_and_a_start_with_slack_posts_the_card_and_the_words(
    client: TestClient, slack: FakeSlackApi, staff: Staff
) -> None:
    app = client.app
    conversation, auth, _, handoff_id = await escalated(client, staff)
    await say(client, conversation, auth, "still waiting, the export says error 42")  # relayed: stored for the thread
    deskless = HandoffService(
        engine=app[SERVICES].engine, settings=app[SETTINGS], conversations=app[CONVERSATIONS], audit=app[SERVICES].audit, now=staff.clock,
    )
    with statements_sent(app[SERVICES].engine) as sent:
        await deskless.tick()
    # the console's timer (claims left half done, reminders) reads the claimed and the waiting handoffs,
    # one statement each whatever waits; nothing per handoff, and nothing written when nothing is due
    assert len(sent) == 2 and all(s.lstrip().upper().startswith("SELECT") for s in sent)
    waiting = staff.records.get(handoff_id)
    assert waiting is not None and waiting.status == "queued"

    await staff.service.tick()  # a start with Slack
    handoff = staff.records.get(handoff_id)
    assert handoff is not None and handoff.status == "open" and handoff.thread_ts
    assert any("error 42" in text for text in taken_in_thread(slack, handoff.thread_ts))
