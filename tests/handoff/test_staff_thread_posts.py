"""Staff-thread posts are stored until Slack took them: a restart during a Slack outage loses none of the
customer's messages in the thread and posts none twice, and what the customer wrote before the card
could be posted appears in the thread right after it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.app.app_keys import HANDOFF
from bot.core.config import Settings
from tests.channels.conftest import WEBHOOK_SECRET, FilesBotApi
from tests.channels.telegram_steps import _conversation_of, post, update_from
from tests.conftest import make_settings, running_app
from tests.fakes.loopback import until
from tests.handoff.slack_steps import SECRET, STAFF, widget
from tests.handoff.test_handoff_robustness import (
    ThreadOutageSlack,
    cards_of,
    in_thread,
    say,
)


@pytest.fixture
async def slack() -> AsyncIterator[ThreadOutageSlack]:
    fake = ThreadOutageSlack()
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
def settings(slack: ThreadOutageSlack, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_settings(
        tmp_path_factory.mktemp("durable"), SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SECRET,
        SUPPORTBOT_SLACK_API_URL=slack.base_url, SUPPORTBOT_HANDOFF_CHANNEL=STAFF,
    )


def taken_after(slack: ThreadOutageSlack, first: int) -> list[tuple[str, dict[str, Any]]]:
    """What Slack took from call number `first` on: cards and thread posts, in the order they arrived."""
    return [
        (("card" if not args.get("thread_ts") else "thread"), args) for name, args in slack.calls[first:]
        if name == "chat.postMessage" and (not args.get("thread_ts") or any(args is taken for taken in slack.thread_posts))
    ]


async def test_messages_written_while_slack_is_down_reach_the_thread_once_in_order_after_a_restart(slack: ThreadOutageSlack, settings: Settings) -> None:
    slack.failing.add("chat.postMessage")  # Slack is down: no card, no thread
    async with running_app(settings) as client:
        conversation, auth, ws, received = await widget(client)
        await say(client, conversation, auth, "How do I restore a deleted page?")
        assert (await say(client, conversation, auth, "I want to talk to a person"))["reply"]["outcome"] == "handoff"
        for text in ("still there?", "it's urgent"):
            assert (await say(client, conversation, auth, text))["relayed"] is True
        handoff = client.app[HANDOFF].current(conversation)
        assert handoff.status == "queued" and not handoff.thread_ts
        await ws.close()
    assert slack.thread_posts == []

    slack.failing.clear()  # Slack is back; the service restarts on the same data directory
    restarted_at = len(slack.calls)
    async with running_app(settings) as client:
        handoffs = client.app[HANDOFF]
        handoff = await until(lambda: (h := handoffs.get(handoff.id)) is not None and h.thread_ts and h, timeout=30)
        await until(lambda: len(in_thread(slack, handoff.thread_ts)) >= 3, timeout=30)
        await handoffs.tick()  # another round posts nothing again
        taken = taken_after(slack, restarted_at)
        assert [kind for kind, _ in taken] == ["card", "thread", "thread", "thread"]
        posts = in_thread(slack, handoff.thread_ts)
        assert posts[0].startswith("Transcript") and "How do I restore a deleted page?" in posts[0]
        assert posts[1:] == ["*Customer:* still there?", "*Customer:* it's urgent"]
        assert len(cards_of(slack, handoff.id)) == 2  # the refused attempt before the restart, then the card Slack took
        assert cards_of(slack, handoff.id)[-1] is taken[0][1]


async def test_a_post_slack_took_before_a_restart_is_not_posted_again(slack: ThreadOutageSlack, settings: Settings) -> None:
    async with running_app(settings) as client:
        handoffs = client.app[HANDOFF]
        slack.threads_down = True  # the card goes out, posts in its thread do not
        conversation, auth, ws, _ = await widget(client)
        await say(client, conversation, auth, "How do I reset my password?")  # answered: the handoff comes with the next message
        await say(client, conversation, auth, "I want to talk to a person")
        handoff = await until(lambda: (h := handoffs.current(conversation)) is not None and h.thread_ts and h)
        await say(client, conversation, auth, "hello?")
        slack.threads_down = False
        await handoffs.tick()
        assert len(in_thread(slack, handoff.thread_ts)) == 2  # the transcript and "hello?"
        slack.threads_down = True
        await say(client, conversation, auth, "anyone?")  # waits: Slack refuses it
        await ws.close()

    slack.threads_down = False
    async with running_app(settings) as client:
        await until(lambda: len(in_thread(slack, handoff.thread_ts)) >= 3, timeout=30)
        await client.app[HANDOFF].tick()
        posts = in_thread(slack, handoff.thread_ts)
        assert posts[0].startswith("Transcript") and posts[1:] == ["*Customer:* hello?", "*Customer:* anyone?"]
        assert len(cards_of(slack, handoff.id)) == 1


async def test_a_file_sent_before_the_card_could_be_posted_is_uploaded_in_the_thread_after_it(
    slack: ThreadOutageSlack, tmp_path_factory: pytest.TempPathFactory, shared_data: Path
) -> None:
    examples = {row["label"]: row["update"] for row in json.loads((shared_data / "telegram/official_webhooks_doc/telegram_doc_update_examples.json").read_text())}
    telegram = FilesBotApi()
    await telegram.start()
    settings = make_settings(
        tmp_path_factory.mktemp("durable-files"), TELEGRAM_BOT_TOKEN="123456:TEST-token", TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET,
        SUPPORTBOT_TELEGRAM_API_URL=telegram.base_url, SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SECRET,
        SUPPORTBOT_SLACK_API_URL=slack.base_url, SUPPORTBOT_HANDOFF_CHANNEL=STAFF,
    )
    chat = 3300
    document = update_from(examples["Message with a document"], chat=chat)
    file_id = document["message"]["document"]["file_id"]
    telegram.files[file_id] = b"%PDF-1.4 the customer's invoice"
    try:
        slack.failing.add("chat.postMessage")  # Slack is down: the handoff stays queued, no card
        async with running_app(settings) as client:
            await post(client, update_from(examples["Message with text"], text="/human", chat=chat))
            handoff = client.app[HANDOFF].current(_conversation_of(chat))
            assert handoff is not None and handoff.status == "queued"
            await post(client, document)  # sent while the handoff waits for its card
        assert slack.files == []

        slack.failing.clear()
        restarted_at = len(slack.calls)
        async with running_app(settings) as client:
            uploaded = await until(lambda: [f for f in slack.files if f["data"] == telegram.files[file_id]], timeout=30)
            handoff = client.app[HANDOFF].get(handoff.id)
            assert uploaded[0]["thread_ts"] == handoff.thread_ts and uploaded[0]["channel"] == STAFF
            # the card and the transcript open the thread; the note of the document and the file itself
            # follow (in either order: the note goes through the inbox, the file through its own task, so
            # the note may still be on its way when the file is there)
            calls = await until(lambda: (found := [
                (name, args) for name, args in slack.calls[restarted_at:] if name in ("chat.postMessage", "files.completeUploadExternal")
            ]) and len(found) >= 4 and found, timeout=30)
            assert [name for name, _ in calls[:2]] == ["chat.postMessage"] * 2
            assert sorted(name for name, _ in calls[2:]) == ["chat.postMessage", "files.completeUploadExternal"]
            card, transcript = (args for _, args in calls[:2])
            relayed = next(args for name, args in calls[2:] if name == "chat.postMessage")
            assert card is cards_of(slack, handoff.id)[-1] and transcript["text"].startswith("Transcript") and "[sent document]" in relayed["text"]
            await client.app[HANDOFF].tick()
            assert len(slack.files) == 1
    finally:
        await telegram.close()
