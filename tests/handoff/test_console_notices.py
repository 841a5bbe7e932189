"""Issue #18 §4 without Slack: when bad rates step a tenant back to shadow, the console desk's staff are
told on the queue page (and in its live JSON) until one of them acknowledges it; the telling and the
acknowledging are audited; another tenant's staff see nothing of it and can't dismiss it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient
from sqlmodel import Session, col, select

from bot.app.app_keys import CONVERSATIONS, SERVICES
from bot.core.tables import AuditEvent
from handoff.staff_accounts import hash_password
from policies.rollout import Stage
from tests.bot.test_rollout import ROOMY, _ask
from tests.conftest import make_settings, running_app
from tests.handoff.console_steps import ALICE_PASSWORD, BOB_PASSWORD, Staff, csrf_of


@pytest.fixture(scope="module")
async def client(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TestClient]:
    folder = tmp_path_factory.mktemp("notices")
    tenants = folder / "tenants.toml"
    tenants.write_text(
        '[tenants.default.widget]\nkeys = ["demo"]\n'
        f'[tenants.default.staff.alice]\npassword_hash = "{hash_password(ALICE_PASSWORD)}"\ndisplay_name = "Alice"\n'
        '[tenants.acme.widget]\nkeys = ["acme"]\n'
        f'[tenants.acme.staff.bob]\npassword_hash = "{hash_password(BOB_PASSWORD)}"\ndisplay_name = "Bob"\n'
    )
    settings = make_settings(folder / "data", SUPPORTBOT_TENANTS_FILE=str(tenants), SUPPORTBOT_ROLLBACK_MIN_ANSWERS="2",
                             SUPPORTBOT_ROLLBACK_NOT_HELPFUL="0.5", SUPPORTBOT_ROLLBACK_CHECK_SECONDS="0", **ROOMY)
    async with running_app(settings, timeout=180) as client:
        yield client


async def signed_in(client: TestClient, tenant: str, name: str, password: str) -> Staff:
    staff = Staff(client)
    assert (await staff.sign_in(tenant=tenant, name=name, password=password)).status == 303
    return staff


def audited(client: TestClient, kind: str) -> list[AuditEvent]:
    with Session(client.app[SERVICES].engine) as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.kind == kind).order_by(col(AuditEvent.id))))


async def step_back(client: TestClient) -> None:
    """Two answers marked not helpful: over the threshold, the tenant goes back to shadow."""
    book = client.app[CONVERSATIONS].rollout
    for _ in range(2):
        conversation, auth, reply = await _ask(client)
        assert reply["outcome"] == "answer"
        response = await client.post(f"/api/v1/conversations/{conversation}/feedback", json={"message_id": reply["id"], "helpful": False},
                                     headers=auth)
        assert response.status == 204
    await _ask(client)  # the check runs in the background after a message
    for _ in range(100):
        if book.current("default", fresh=True).stage is Stage.SHADOW and audited(client, "staff_told_of_step_back"):
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the tenant was not stepped back (or staff were not told)")


async def test_staff_of_the_tenant_are_told_on_the_queue_until_one_acknowledges_it(client: TestClient) -> None:
    alice, other_tab, bob = (await signed_in(client, "default", "alice", ALICE_PASSWORD),
                             await signed_in(client, "default", "alice", ALICE_PASSWORD), await signed_in(client, "acme", "bob", BOB_PASSWORD))
    try:
        page = await (await alice.get("/console")).text()
        assert "stepped back" not in page and (await (await alice.get("/console/api/queue")).json())["notice"] is None

        await step_back(client)
        told = audited(client, "staff_told_of_step_back")[-1]
        assert told.tenant == "default" and json.loads(told.data)["desks"] == ["console"]  # no Slack here: the console
        page = await (await alice.get("/console")).text()
        assert "The bot was stepped back to shadow" in page and "answers marked not helpful" in page and "Got it" in page
        notice = (await (await other_tab.get("/console/api/queue")).json())["notice"]
        assert notice is not None and "answers marked not helpful" in notice["reason"]
        # another tenant's staff: nothing shown, and their "Got it" on it changes nothing
        assert "stepped back" not in await (await bob.get("/console")).text()
        bob_csrf = csrf_of(await (await bob.get("/console")).text())
        assert (await bob.post(f"/console/notices/{notice['id']}/acknowledge", {"csrf": bob_csrf})).status == 303
        assert (await (await alice.get("/console/api/queue")).json())["notice"] == notice
        # without the form's token: refused
        assert (await alice.post(f"/console/notices/{notice['id']}/acknowledge", {})).status == 403

        csrf = csrf_of(await (await alice.get("/console")).text())
        response = await alice.post(f"/console/notices/{notice['id']}/acknowledge", {"csrf": csrf})
        assert response.status == 303 and response.headers["Location"] == "/console"
        assert "stepped back" not in await (await alice.get("/console")).text()
        assert (await (await other_tab.get("/console/api/queue")).json())["notice"] is None  # gone for everyone on the tenant
        seen = audited(client, "step_back_acknowledged")
        assert len(seen) == 1 and seen[0].tenant == "default" and json.loads(seen[0].data) == {"by": "Alice", "step": notice["id"]}
    finally:
        for staff in (alice, other_tab, bob):
            await staff.close()
