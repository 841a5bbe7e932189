"""The bot with its Telegram and Slack channels switched on, against the loopback Bot API and Slack Web
API, and the Slack payloads those tests build from bolt-python's recorded scenarios (../shared/data)."""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

from tests.conftest import make_settings, running_app
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.telegram_api import FakeTelegramApi
from tests.handoff.slack_steps import SECRET as SLACK_SECRET
from tests.handoff.slack_steps import STAFF

BOLT = "slack/bolt-python-scenario-payloads"


@asynccontextmanager
async def chat_client(data_dir: Path, telegram: FakeTelegramApi, slack: FakeSlackApi, *, bot_token: str, webhook_secret: str) -> AsyncIterator[TestClient]:
    settings = make_settings(
        data_dir, TELEGRAM_BOT_TOKEN=bot_token, TELEGRAM_WEBHOOK_SECRET=webhook_secret,
        SUPPORTBOT_TELEGRAM_API_URL=telegram.base_url, SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SLACK_SECRET,
        SUPPORTBOT_SLACK_API_URL=slack.base_url, SUPPORTBOT_HANDOFF_CHANNEL=STAFF,
    )
    async with running_app(settings) as client:
        yield client


def bolt_payload(shared_data: Path, name: str, key: str) -> dict[str, Any]:
    return copy.deepcopy(json.loads((shared_data / BOLT / name).read_text())["payloads"][key])


def slack_dm(shared_data: Path, text: str, *, channel: str, ts: int) -> dict[str, Any]:
    """bolt's recorded direct message, as a new message (its own ts, client_msg_id and event_id)."""
    body = bolt_payload(shared_data, "test_message.json", "message_body")
    stamp = f"{ts}.000100"
    body["event"].update(text=text, channel=channel, channel_type="im", ts=stamp, event_ts=stamp, client_msg_id=f"msg-{stamp}")
    body["event"].pop("blocks", None)
    body["event_id"] = f"Ev{stamp}"
    return body
