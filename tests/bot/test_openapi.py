"""The published OpenAPI document against the server: the same routes, and schemathesis driving the
live server (a real socket, its own event loop) from the document, positive and negative cases, with
no 5xx and nothing the document does not describe (status, content type, headers, body)."""

from __future__ import annotations

import asyncio
import json
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from aiohttp import web
from hypothesis import HealthCheck, settings as hsettings
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bot.app.openapi import OPENAPI
from bot.app.app_keys import READY
from bot.app.web import build_app
from tests.bot.test_restart import free_port
from tests.conftest import make_settings

EXAMPLES = 40  # per operation and mode: about a minute in all on two shared cores
# a request the document does not allow must be refused: 413 (too large) and 426 (no WebSocket
# handshake) are refusals too
REFUSALS = ["400", "401", "403", "404", "405", "413", "426", "429"]
schema = schemathesis.openapi.from_dict(
    OPENAPI, config=schemathesis.Config.from_dict({"checks": {"negative_data_rejection": {"expected-statuses": REFUSALS}}}))
CHECKS = [schemathesis.checks.not_a_server_error, status_code_conformance, content_type_conformance,  # type: ignore[attr-defined]
          response_headers_conformance, response_schema_conformance]


class LiveServer:
    """The whole app on a loopback port, served from a thread with its own event loop."""

    def __init__(self, data_dir: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._data_dir = data_dir
        self._loop = asyncio.new_event_loop()
        self._stop = asyncio.Event()
        self._thread = threading.Thread(target=self._loop.run_until_complete, args=(self._serve(),), daemon=True)
        self.failed: BaseException | None = None

    async def _serve(self) -> None:
        try:
            app = build_app(make_settings(self._data_dir, SUPPORTBOT_RATE_LIMIT_PER_MINUTE="100000",
                                          **{f"SUPPORTBOT_LIMIT_{n}": "1000000" for n in ("CONVERSATIONS_PER_ADDRESS", "MESSAGES_PER_ADDRESS",
                                             "FEEDBACK_PER_ADDRESS", "HANDOFFS_PER_ADDRESS", "ANONYMOUS_MESSAGES")}))
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", self.port).start()
            await asyncio.wait_for(app[READY].wait(), timeout=180)
            self.ready.set()
            await self._stop.wait()
            await runner.cleanup()
        except BaseException as exc:
            self.failed = exc
            self.ready.set()
            raise

    def __enter__(self) -> LiveServer:
        self.ready = threading.Event()
        self._thread.start()
        self.ready.wait(240)
        if self.failed is not None or not self.ready.is_set():
            raise RuntimeError(f"the server did not start: {self.failed!r}")
        return self

    def __exit__(self, *_: object) -> None:
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)

    def post(self, path: str, body: dict[str, object], headers: dict[str, str] | None = None) -> dict[str, object]:
        request = urllib.request.Request(self.base + path, data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json", **(headers or {})})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str, int]]:
    """The server, and a conversation on it with an answer: (base URL, id, token, answer id)."""
    with LiveServer(tmp_path_factory.mktemp("openapi")) as server:
        created = server.post("/api/v1/conversations", {"widget_key": "demo"})
        conversation, token = str(created["conversation_id"]), str(created["token"])
        posted = server.post(f"/api/v1/conversations/{conversation}/messages", {"text": "How do I turn on 2FA?"},
                             {"Authorization": f"Bearer {token}"})
        yield server.base, conversation, token, int(posted["message_id"])  # type: ignore[call-overload]


def test_the_document_describes_exactly_the_routes_the_server_mounts(tmp_path: Path) -> None:
    app = build_app(make_settings(tmp_path))
    mounted = {(route.resource.canonical, route.method.lower()) for route in app.router.routes()
               if route.resource is not None and route.resource.canonical.startswith("/api/v1/conversations") and route.method != "HEAD"}
    described = {(path, method) for path, item in OPENAPI["paths"].items() for method in item if method != "parameters"}
    assert mounted == described


def test_the_document_says_what_the_server_enforces() -> None:
    paths = OPENAPI["paths"]
    create = paths["/api/v1/conversations"]["post"]
    assert {"413", "429", "503"} <= set(create["responses"])
    text = paths["/api/v1/conversations/{id}/messages"]["post"]["requestBody"]["content"]["application/json"]["schema"]["properties"]["text"]
    assert text["minLength"] == 1
    assert "get" in paths["/api/v1/conversations/{id}/stream"]
    assert "relayed" in OPENAPI["components"]["schemas"]["Posted"]["required"]
    for item in paths.values():
        for method, operation in item.items():
            if method != "parameters":
                assert "503" in operation["responses"], method


def _negated(case: schemathesis.Case, location: ParameterLocation) -> bool:
    info = case.meta.components.get(location) if case.meta is not None else None
    return info is not None and info.mode is GenerationMode.NEGATIVE


@schema.parametrize()
@hsettings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_live_server_matches_its_description(case: schemathesis.Case, live: tuple[str, str, str, int]) -> None:
    base, conversation, token, answer = live
    # the generated cases act on a real conversation with its token (unless the case is about a bad id or header)
    if case.path_parameters and "id" in case.path_parameters and not _negated(case, ParameterLocation.PATH):
        case.path_parameters["id"] = conversation
    if not _negated(case, ParameterLocation.HEADER):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
    if case.path.endswith("/feedback") and isinstance(case.body, dict) and not _negated(case, ParameterLocation.BODY):
        case.body["message_id"] = answer
    checks = [*CHECKS, negative_data_rejection] if case.meta is not None and case.meta.generation.mode is GenerationMode.NEGATIVE else CHECKS
    case.call_and_validate(base_url=base, checks=checks, timeout=60)
