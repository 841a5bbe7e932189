"""Shared by the Telegram and Slack customer-channel tests: loopback Bot API and Slack Web API
servers, the whole bot built once against them (package scope: building it loads the models), and the
recorded Telegram updates (the Bot API documentation's examples, aiogram's dataset)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from tests.fakes.chat_app import chat_client
from tests.fakes.loopback import started
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.telegram_api import FakeTelegramApi

WEBHOOK_SECRET = "tg-secret-123"


class _NoSuchFile(Exception):
    pass


class FilesBotApi(FakeTelegramApi):
    """The loopback Bot API plus getFile and the file download route (/file/bot<token>/<path>).
    A file id it does not hold is refused as the Bot API does (400, invalid file_id)."""

    def __init__(self, files: dict[str, bytes] | None = None) -> None:
        super().__init__()
        self.files = files if files is not None else {}
        self.downloads: list[str] = []

    async def _handle(self, request: web.Request) -> web.Response:
        try:
            return await super()._handle(request)
        except _NoSuchFile:
            return web.json_response({"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"}, status=400)

    def _result(self, method: str, args: dict[str, Any]) -> Any:
        if method == "getFile":
            file_id = str(args["file_id"])
            if file_id not in self.files:
                raise _NoSuchFile(file_id)
            return {"file_id": file_id, "file_unique_id": file_id, "file_size": len(self.files[file_id]), "file_path": f"photos/{file_id}.jpg"}
        return super()._result(method, args)

    async def _download(self, request: web.Request) -> web.Response:
        self.downloads.append(request.path)
        return web.Response(body=self.files[request.match_info["path"].removeprefix("photos/").removesuffix(".jpg")])

    def routes(self, app: web.Application) -> None:
        super().routes(app)
        app.router.add_get(r"/file/bot{token}/{path:.+}", self._download)


@pytest.fixture(scope="package")
async def fakes() -> AsyncIterator[tuple[FilesBotApi, FakeSlackApi]]:
    async with started(FilesBotApi(), FakeSlackApi()) as pair:
        yield pair  # type: ignore[misc]


@pytest.fixture(scope="package")
async def client(fakes: tuple[FilesBotApi, FakeSlackApi], tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TestClient]:
    async with chat_client(tmp_path_factory.mktemp("channels"), *fakes, bot_token="123456:TEST-token", webhook_secret=WEBHOOK_SECRET) as client:
        yield client


@pytest.fixture(scope="module")
def examples(shared_data: Path) -> dict[str, dict[str, Any]]:
    rows = json.loads((shared_data / "telegram" / "official_webhooks_doc" / "telegram_doc_update_examples.json").read_text())
    return {row["label"]: row["update"] for row in rows}


@pytest.fixture(scope="module")
def aiogram(shared_data: Path) -> dict[str, Any]:
    return json.loads((shared_data / "telegram" / "aiogram_dev2x_dataset" / "aiogram_dataset.json").read_text())
