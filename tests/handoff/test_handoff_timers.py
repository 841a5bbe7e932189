"""The handoff timer when several `serve` processes share the database (issue #17), and on an install
whose only staff desk is the web console.

The app runs without Slack (the console is its desk). Two handoff services on the same database, each
with its own engine, its own in-process locks, a clock the test moves and the real slack_sdk client
to the loopback Slack, stand for two processes' timers: the lease that runs the timer in one process
at a time (bot/engine/leases.py `run_alone`) is renewed while a round runs, so a long round keeps it;
it changes hands when its holder stalls past it, so two rounds can still overlap, and what each round
sends must be taken in the database, not in one process's memory.
On the database the suite runs on (SUPPORTBOT_TEST_DATABASE=postgresql: PostgreSQL).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import Engine

from bot.app.app_keys import CONVERSATIONS, HANDOFF, SERVICES, SETTINGS
from bot.core.database import open_database
from bot.core.handoff_states import UNCLAIMED, HandoffStatus, State
from bot.core.late import Late
from bot.core.tables import utcnow
from bot.engine.leases import LeaseTable, run_alone
from channels.slack_staff import SlackStaffDesk
from handoff.service import HandoffService
from handoff.staff_accounts import hash_password
from tests.conftest import make_settings, running_app
from tests.databases import on_postgres
from tests.fakes.loopback import started, until
from tests.fakes.slack_api import FakeSlackApi
from tests.handoff.console_steps import Staff
from tests.handoff.slack_steps import STAFF, widget
from tests.handoff.test_handoff_robustness import cards_of, say

PASSWORD = "correct horse battery"


class Clock:
    def __init__(self) -> None:
        self.moment = utcnow()

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture(scope="module")
async def slack() -> AsyncIterator[FakeSlackApi]:
    async with started(FakeSlackApi()) as (fake,):
        yield fake


@pytest.fixture(scope="module")
async def client(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TestClient]:
    """No Slack: the web console is the staff desk. Tenant `fast` reminds after 0.01 min (0.6 s)."""
    tenants = tmp_path_factory.mktemp("timer-tenants") / "tenants.toml"
    tenants.write_text(
        '[tenants.default.widget]\nkeys = ["demo"]\n'
        '[tenants.fast.widget]\nkeys = ["fast"]\n[tenants.fast.handoff]\nreannounce_minutes = 0.01\n'
        f'[tenants.fast.staff.lead]\npassword_hash = "{hash_password(PASSWORD)}"\ndisplay_name = "Lead"\n'
    )
    settings = make_settings(tmp_path_factory.mktemp("timers"), SUPPORTBOT_HANDOFF_CHANNEL=STAFF, SUPPORTBOT_TENANTS_FILE=str(tenants))
    async with running_app(settings, timeout=180) as client:
        yield client


@pytest.fixture
def engines(client: TestClient) -> Iterator[list[Engine]]:
    """Two processes' own engines on the app's database."""
    url = client.app[SERVICES].engine.url.render_as_string(hide_password=False)
    engines = [open_database(url, upgrade=False) for _ in range(2)]
    yield engines
    for engine in engines:
        engine.dispose()


@pytest.fixture
def processes(client: TestClient, slack: FakeSlackApi, engines: list[Engine]) -> Iterator[tuple[HandoffService, HandoffService, Clock]]:
    """Two processes' handoff services with the Slack desk, on one clock, each on its own engine."""
    app: web.Application = client.app
    clock = Clock()
    services = [
        HandoffService(
            engine=engine, settings=app[SETTINGS], conversations=app[CONVERSATIONS], audit=app[SERVICES].audit, now=clock,
            desk=Late("the staff desk", SlackStaffDesk(client=AsyncWebClient(token="xoxb-test", base_url=slack.base_url))),
        )
        for engine in engines
    ]
    slack.delays.clear()
    yield services[0], services[1], clock
    slack.delays.clear()


async def carded(client: TestClient, service: HandoffService) -> tuple[Any, list[dict[str, Any]]]:
    """A widget customer handed over, their card posted in Slack: (the handoff, what the customer received)."""
    conversation, auth, _, received = await widget(client)
    assert (await say(client, conversation, auth, "I want to talk to a person"))["reply"]["outcome"] == "handoff"
    await service.tick()
    handoff = await asyncio.to_thread(service.current, conversation)
    assert handoff is not None and handoff.status == HandoffStatus.OPEN and handoff.thread_ts
    return handoff, received


def reminders(slack: FakeSlackApi, thread_ts: str) -> list[dict[str, Any]]:
    return [a for a in slack.of("chat.postMessage") if a.get("thread_ts") == thread_ts and "Still waiting" in str(a.get("text"))]


async def test_two_processes_ticking_at_once_remind_staff_of_a_handoff_once(
    client: TestClient, slack: FakeSlackApi, processes: tuple[HandoffService, HandoffService, Clock],
) -> None:
    """Nobody claimed the handoff for ten minutes, and two processes' timer rounds overlapped (Slack
    slow to answer): both posted "Still waiting for someone to claim" in its thread, each having read
    that it was due before the other's reminder was stored."""
    one, two, clock = processes
    handoff, _ = await carded(client, one)
    slack.delays["chat.postMessage"] = 0.3
    clock.moment += timedelta(minutes=11)
    await asyncio.gather(one.tick(), two.tick())
    assert len(reminders(slack, handoff.thread_ts)) == 1
    audited = await asyncio.to_thread(client.app[SERVICES].audit.data_of, conversation_id=handoff.conversation_id, kind="handoff_reminder")
    assert len(audited) == 1

    await asyncio.gather(one.tick(), two.tick())  # the next rounds, within the interval: nothing
    clock.moment += timedelta(minutes=11)
    await asyncio.gather(two.tick(), one.tick())  # ten minutes on, still unclaimed: the next reminder, once
    assert len(reminders(slack, handoff.thread_ts)) == 2


async def test_two_processes_ticking_at_once_post_a_waiting_handoffs_card_once(
    client: TestClient, slack: FakeSlackApi, processes: tuple[HandoffService, HandoffService, Clock],
) -> None:
    """The card could not be posted when the customer asked for a person (Slack down, or the process
    died), so it waits for the timer; two processes' rounds overlapped and each posted it: two cards,
    two threads, the customer's words split between them."""
    one, two, _ = processes
    conversation, auth, _, _ = await widget(client)
    assert (await say(client, conversation, auth, "I want to talk to a person"))["reply"]["outcome"] == "handoff"
    handoff = await asyncio.to_thread(one.current, conversation)
    assert handoff is not None and handoff.status == HandoffStatus.QUEUED
    slack.delays["chat.postMessage"] = 0.3
    await asyncio.gather(one.tick(), two.tick())
    assert len(cards_of(slack, handoff.id or 0)) == 1
    posted = await asyncio.to_thread(one.get, handoff.id or 0)
    assert posted is not None and posted.status == HandoffStatus.OPEN and posted.thread_ts


@pytest.mark.skipif(not on_postgres(), reason="processes share a database only on PostgreSQL (on SQLite one process's lock orders its posts)")
async def test_two_processes_post_what_waits_for_a_staff_thread_once(
    client: TestClient, slack: FakeSlackApi, processes: tuple[HandoffService, HandoffService, Clock],
) -> None:
    """What the customer wrote while the thread's posts waited (Slack down, or the relaying process
    died) was posted twice when two processes' timer rounds overlapped: each read it as waiting before
    the other had marked it posted."""
    one, two, _ = processes
    conversation, auth, _, _ = await widget(client)
    assert (await say(client, conversation, auth, "I want to talk to a person"))["reply"]["outcome"] == "handoff"
    await one.tick()
    handoff = await asyncio.to_thread(one.current, conversation)
    assert handoff is not None and handoff.thread_ts
    await until(lambda: not one._posts._flushes)  # the transcript, posted after the card
    # the customer writes; the app's process has no Slack desk, so the words wait for the thread
    assert (await say(client, conversation, auth, "the invoice shows the wrong address"))["relayed"] is True
    slack.delays["chat.postMessage"] = 0.3
    await asyncio.gather(one.tick(), two.tick())
    said = [a for a in slack.of("chat.postMessage") if a.get("thread_ts") == handoff.thread_ts and "wrong address" in str(a.get("text"))]
    assert len(said) == 1


async def test_a_round_longer_than_the_timers_lease_keeps_the_timer_to_its_process(
    client: TestClient, slack: FakeSlackApi, processes: tuple[HandoffService, HandoffService, Clock], engines: list[Engine],
) -> None:
    """Slack answered slowly while several customers' cards waited, so one process's timer round took
    longer than the timer's lease: the lease ran out mid-round, the other process took it and ran its
    own round beside the first (twice the reads and Slack calls of one round, and every step of the
    round left to the database's takes to keep once). The holder now renews the lease while its round runs."""
    one, two, _ = processes
    for _ in range(3):  # handed over on the app's process, which has no Slack desk: the cards wait for a timer round
        conversation, auth, _, _ = await widget(client)
        assert (await say(client, conversation, auth, "I want to talk to a person"))["reply"]["outcome"] == "handoff"
    waiting = [h for h in await asyncio.to_thread(one._records.waiting) if h.status == HandoffStatus.QUEUED]
    assert len(waiting) >= 3
    slack.delays["chat.postMessage"] = 0.5  # each card half a second: the first round outlives the 0.6 s lease
    rounds: list[tuple[str, float, float]] = []
    started: list[str] = []

    def timed(name: str, service: HandoffService) -> Any:
        async def tick() -> None:
            start = time.monotonic()
            started.append(name)
            try:
                await service.tick()
            finally:
                rounds.append((name, start, time.monotonic()))
        return tick

    lease = "staff-timer"  # not "handoff", whose lease the app's own process holds on PostgreSQL (bot/app/processes.py)
    timers = [asyncio.create_task(run_alone(LeaseTable(engine=engines[0], holder="one"), lease, timed("one", one), every=0.05, ttl=0.6))]
    await until(lambda: started)  # process one holds the timer and runs its first round
    timers.append(asyncio.create_task(run_alone(LeaseTable(engine=engines[1], holder="two"), lease, timed("two", two), every=0.05, ttl=0.6)))
    try:
        await until(lambda: all(cards_of(slack, h.id or 0) for h in waiting), timeout=15)
        await asyncio.sleep(1.0)  # rounds after the cards, on whichever process holds the timer
    finally:
        for timer in timers:
            timer.cancel()
        await asyncio.gather(*timers, return_exceptions=True)
    first = next(r for r in rounds if r[0] == "one")
    assert first[2] - first[1] > 1.2  # the long round this is about: past the lease twice over
    overlapping = [(a, b) for a in rounds for b in rounds if a[0] == "one" and b[0] == "two" and a[1] < b[2] and b[1] < a[2]]
    assert overlapping == []
    assert all(len(cards_of(slack, h.id or 0)) == 1 for h in waiting)


async def test_a_reminder_slack_did_not_take_is_sent_at_the_next_round(
    client: TestClient, slack: FakeSlackApi, processes: tuple[HandoffService, HandoffService, Clock],
) -> None:
    one, two, clock = processes
    handoff, _ = await carded(client, one)
    clock.moment += timedelta(minutes=11)
    slack.failing.add("chat.postMessage")
    try:
        await one.tick()
    finally:
        slack.failing.discard("chat.postMessage")
    assert reminders(slack, handoff.thread_ts) == [a for a in slack.refused if a.get("thread_ts") == handoff.thread_ts]
    await two.tick()  # the other process's round: the reminder was given back, so it goes out now
    taken = [a for a in reminders(slack, handoff.thread_ts) if not any(a is r for r in slack.refused)]
    assert len(taken) == 1


async def test_a_claim_a_dead_process_left_half_done_is_finished_by_the_timer_once(
    client: TestClient, slack: FakeSlackApi, processes: tuple[HandoffService, HandoffService, Clock],
) -> None:
    """The process that stored Alice's claim died before it moved the conversation to staff, told the
    customer and redrew the card: until someone pressed Claim again, the customer waited for nobody and
    the card kept offering Claim. Now the timer finishes it, in one process however many tick."""
    one, two, clock = processes
    handoff, received = await carded(client, one)
    # what the dead process committed: the claim's own transaction, and nothing after it
    stored = await asyncio.to_thread(one._records.move, handoff, only_from=UNCLAIMED, status=HandoffStatus.CLAIMED,
                                     claimed_by="Alice", claimed_by_id="UALICE", claimed_at=clock())
    assert stored is not None and one.state(handoff.conversation_id) is State.WAITING
    await asyncio.gather(one.tick(), two.tick())  # still within a live claim's few milliseconds' grace: left alone
    assert one.state(handoff.conversation_id) is State.WAITING

    clock.moment += timedelta(seconds=11)
    await asyncio.gather(one.tick(), two.tick())
    joined = await until(lambda: [m for m in received if "joined" in m["text"]])
    assert joined[0]["text"].startswith("Alice") and one.state(handoff.conversation_id) is State.WITH_HUMAN
    card = await until(lambda: [u for u in slack.of("chat.update") if u.get("ts") == handoff.thread_ts and "Claimed by Alice" in json.dumps(u["blocks"])])
    assert card
    await asyncio.sleep(0.3)
    assert len([m for m in received if "joined" in m["text"]]) == 1


async def test_a_console_only_install_flags_and_lifts_an_unclaimed_handoff_and_reminds_once(client: TestClient) -> None:
    """Without Slack the timer did nothing at all: a customer nobody claimed waited in the console's list
    among the others, newest first, with nothing to say that they had waited past the tenant's reminder time."""
    app = client.app
    first, first_auth, _, _ = await widget(client, "fast")
    assert (await say(client, first, first_auth, "I want to talk to a person"))["reply"]["outcome"] == "handoff"
    await asyncio.sleep(0.7)  # past tenant fast's reminder time
    second, second_auth, _, _ = await widget(client, "fast")
    assert (await say(client, second, second_auth, "I want to talk to a person"))["reply"]["outcome"] == "handoff"
    older = await asyncio.to_thread(app[HANDOFF].current, first)
    newer = await asyncio.to_thread(app[HANDOFF].current, second)

    await asyncio.gather(app[HANDOFF].tick(), app[HANDOFF].tick())
    audited = await asyncio.to_thread(app[SERVICES].audit.data_of, conversation_id=first, kind="handoff_reminder")
    assert [d.get("desk") for d in audited] == ["console"]
    lead = Staff(client)
    try:
        assert (await lead.sign_in(tenant="fast", name="lead", password=PASSWORD)).status == 303
        rows = (await (await lead.get("/console/api/queue")).json())["handoffs"]
        active = [r for r in rows if r["active"]]
        assert [r["id"] for r in active][:1] == [older.id]  # first, though newer ones came after it
        flagged = active[0]
        assert flagged["flag"] and flagged["flag"].startswith("Waiting ") and flagged["flag"].endswith("nobody has claimed it")
        assert flagged["reminded"]
        page = await (await lead.get("/console")).text()
        assert f'class="handoff queued overdue" data-reminded="{flagged["reminded"]}"' in page
        assert 'class="flag">Waiting ' in page

        # claimed: no longer flagged
        assert (await lead.act(older.id or 0, "claim")).status == 303
        rows = (await (await lead.get("/console/api/queue")).json())["handoffs"]
        assert all(r["flag"] is None for r in rows if r["id"] == older.id)
        assert any(r["id"] == newer.id for r in rows)
    finally:
        await lead.close()
