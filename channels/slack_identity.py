"""Who the app is on Slack (auth.test), asked in the background so that bolt's authorization step never
waits for Slack: a customer message is stored even while Slack's Web API is unreachable.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from slack_bolt.authorization import AuthorizeResult
from slack_sdk.web.async_client import AsyncWebClient

logger = logging.getLogger("channels.slack_staff")  # the name these lines were always logged under


class BotIdentity:
    """Who the app is on Slack (auth.test: its user and bot ids), asked in the background and kept.

    Bolt's authorization step needs it for every event; asking Slack there made a Slack outage a
    500 for every customer message. Until Slack has answered, events go through without the ids:
    the app's own messages are still told apart by their `bot_id`, and a mention in a known thread
    that arrives twice (as `message` and `app_mention`) has one client_msg_id, so it is stored once.
    """

    RETRY_SECONDS = 30.0
    TIMEOUT_SECONDS = 10.0

    def __init__(self, *, client: AsyncWebClient) -> None:
        self._client = client
        self.user_id: str | None = None
        self.bot_id: str | None = None
        self._task: asyncio.Task[None] | None = None
        self._asked_at = float("-inf")

    def refresh(self) -> None:
        """Ask Slack in the background, unless it answered already or was asked recently."""
        if self.user_id is not None or (self._task is not None and not self._task.done()):
            return
        if time.monotonic() - self._asked_at < self.RETRY_SECONDS:
            return
        self._asked_at = time.monotonic()
        self._task = asyncio.get_running_loop().create_task(self._ask())

    async def _ask(self) -> None:
        try:
            answer = await asyncio.wait_for(self._client.auth_test(), self.TIMEOUT_SECONDS)
        except Exception as exc:  # unreachable, refused, a timeout, an error answer: ask again later
            logger.warning("Slack's auth.test failed (%s); events are stored meanwhile, replies wait for Slack", type(exc).__name__)
            return
        self.user_id, self.bot_id = answer.get("user_id"), answer.get("bot_id")

    async def start(self) -> None:
        self.refresh()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    def authorizer(self) -> Callable[..., Awaitable[AuthorizeResult]]:
        """bolt's `authorize` function, which never waits for Slack. A plain function, not a method:
        bolt passes arguments by parameter name and would take `self` for one."""

        async def authorize(enterprise_id: str | None, team_id: str | None, user_id: str | None) -> AuthorizeResult:
            self.refresh()
            return AuthorizeResult(
                enterprise_id=enterprise_id, team_id=team_id, user_id=user_id,
                bot_token=self._client.token, bot_user_id=self.user_id, bot_id=self.bot_id,
            )

        return authorize
