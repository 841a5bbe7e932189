"""Guessing console passwords: an address that failed too often is refused (429, no password checked)
until its oldest failure is old enough, other addresses sign in meanwhile, and at most a couple of
password checks (scrypt: memory and a core each) run at once however many sign-ins arrive together."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from handoff.console_sign_in import (
    FAILURE_WINDOW,
    FAILURES_ALLOWED,
    VERIFYING,
    ConsoleSignIn,
)
from handoff.staff_accounts import StaffAccount, StaffDirectory, hash_password
from tests.conftest import make_settings

PASSWORD = "a long staff password"


class CountingDirectory(StaffDirectory):
    """The real directory, counting the password checks running at once."""

    def __init__(self, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self._lock = threading.Lock()
        self.running = self.most = self.checks = 0

    def verify(self, tenant: str, name: str, password: str) -> StaffAccount | None:
        with self._lock:
            self.running += 1
            self.checks += 1
            self.most = max(self.most, self.running)
        try:
            return super().verify(tenant, name, password)
        finally:
            with self._lock:
                self.running -= 1


class Clock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def console(tmp_path: Path) -> AsyncIterator[tuple[TestClient, CountingDirectory, Clock]]:
    tenants = tmp_path / "tenants.toml"
    tenants.write_text(f'[tenants.default.staff.alice]\npassword_hash = "{hash_password(PASSWORD)}"\n')
    directory = CountingDirectory(settings=make_settings(tmp_path / "data", SUPPORTBOT_TENANTS_FILE=str(tenants)))
    clock = Clock()
    # the address as the server's limits take it; here a test header stands for the client's address
    gate = ConsoleSignIn(directory=directory, secret=b"k" * 32, failed_sign_in_delay=0.0, clock=clock,
                         address=lambda request: request.headers.get("X-Test-Address", "somewhere"))
    app = web.Application()
    app.router.add_get("/console/sign-in", gate.sign_in_form)
    app.router.add_post("/console/sign-in", gate.sign_in)
    async with TestClient(TestServer(app)) as client:
        yield client, directory, clock


async def _sign_in(client: TestClient, address: str, password: str) -> aiohttp.ClientResponse:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:  # one browser each
        page = await (await browser.get(client.make_url("/console/sign-in"))).text()
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)
        assert csrf
        response = await browser.post(client.make_url("/console/sign-in"), allow_redirects=False, headers={"X-Test-Address": address},
                                      data={"csrf": csrf.group(1), "tenant": "default", "name": "alice", "password": password})
        await response.read()
        return response


async def test_an_address_that_guessed_too_often_waits_while_others_sign_in(console: tuple[TestClient, CountingDirectory, Clock]) -> None:
    client, directory, clock = console
    for _ in range(FAILURES_ALLOWED):
        assert (await _sign_in(client, "203.0.113.9", "wrong guess")).status == 401
    checked = directory.checks
    refused = await _sign_in(client, "203.0.113.9", PASSWORD)  # even the right password: guessing stops here
    assert refused.status == 429 and int(refused.headers["Retry-After"]) > 60
    assert "Too many failed sign-ins" in await refused.text() and directory.checks == checked  # no password was checked
    assert (await _sign_in(client, "198.51.100.4", PASSWORD)).status == 303  # another address: not held back
    clock.now += FAILURE_WINDOW + 1
    assert (await _sign_in(client, "203.0.113.9", PASSWORD)).status == 303


async def test_sign_ins_arriving_together_check_a_few_passwords_at_a_time(console: tuple[TestClient, CountingDirectory, Clock]) -> None:
    client, directory, _ = console
    answers = await asyncio.gather(*(_sign_in(client, f"192.0.2.{n}", "wrong guess") for n in range(12)))
    assert [a.status for a in answers] == [401] * 12
    assert directory.checks == 12 and directory.most <= VERIFYING
