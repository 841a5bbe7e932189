"""The console tests' app (module scope: each module gets its own): both desks on, the console and
Slack against the loopback Slack fake, for two tenants: alice and carol staff `default`, bob staffs
`acme`; and each of them signed in, in a browser of their own. A module with a `client` or `slack` of
its own uses that instead."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient

from handoff.staff_accounts import add_account, hash_password
from tests.conftest import make_settings, running_app
from tests.fakes.loopback import started
from tests.fakes.slack_api import FakeSlackApi
from tests.handoff.console_steps import (
    ALICE_PASSWORD,
    BOB_PASSWORD,
    CAROL_PASSWORD,
    Staff,
)
from tests.handoff.slack_steps import SECRET, STAFF


@pytest.fixture(scope="module")
async def slack() -> AsyncIterator[FakeSlackApi]:
    async with started(FakeSlackApi()) as (fake,):
        yield fake


@pytest.fixture(scope="module")
async def client(slack: FakeSlackApi, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TestClient]:
    """Two tenants: alice (in the tenants file) staffs `default`, bob (added with the CLI's helper to
    the data dir's staff file) staffs `acme`. Slack is configured too: both desks are on."""
    tenants = tmp_path_factory.mktemp("console-tenants") / "tenants.toml"
    tenants.write_text(
        '[tenants.default.widget]\nkeys = ["demo"]\n'
        f'[tenants.default.staff.alice]\npassword_hash = "{hash_password(ALICE_PASSWORD)}"\ndisplay_name = "Alice"\n'
        f'[tenants.default.staff.carol]\npassword_hash = "{hash_password(CAROL_PASSWORD)}"\ndisplay_name = "Carol"\n'
        # another Alice: two accounts, one display name
        f'[tenants.default.staff.alice2]\npassword_hash = "{hash_password(CAROL_PASSWORD)}"\ndisplay_name = "Alice"\n'
        '[tenants.acme.widget]\nkeys = ["acme"]\n'
    )
    settings = make_settings(
        tmp_path_factory.mktemp("console"), SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SECRET,
        SUPPORTBOT_SLACK_API_URL=slack.base_url, SUPPORTBOT_HANDOFF_CHANNEL=STAFF, SUPPORTBOT_TENANTS_FILE=str(tenants),
    )
    add_account(settings, tenant="acme", name="bob", password=BOB_PASSWORD, display_name="Bob")
    async with running_app(settings, timeout=180) as client:
        yield client


@pytest.fixture
async def alice(client: TestClient) -> AsyncIterator[Staff]:
    staff = Staff(client)
    assert (await staff.sign_in(tenant="default", name="alice", password=ALICE_PASSWORD)).status == 303
    yield staff
    await staff.close()


@pytest.fixture
async def bob(client: TestClient) -> AsyncIterator[Staff]:
    staff = Staff(client)
    assert (await staff.sign_in(tenant="acme", name="bob", password=BOB_PASSWORD)).status == 303
    yield staff
    await staff.close()


@pytest.fixture
async def carol(client: TestClient) -> AsyncIterator[Staff]:
    """A second staff member of `default`, in another browser."""
    staff = Staff(client)
    assert (await staff.sign_in(tenant="default", name="carol", password=CAROL_PASSWORD)).status == 303
    yield staff
    await staff.close()
