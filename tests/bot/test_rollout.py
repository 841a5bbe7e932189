"""Phased rollout through the public interfaces: the widget API answers or hands over as the stage
says, the stage changes from the CLI (`supportbot rollout`, its own database connection, as another
process would) and from /admin without a restart, the kill switch holds for the next message within
a second, shadow drafts reach the handoff card and staff can send them, bad input is refused with
the tenant named, every change is audited, and bad rates step the tenant back to shadow."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from click.testing import CliRunner

from bot.app.app_keys import CONVERSATIONS, HANDOFF, READY
from bot.app.cli.main import main
from bot.app.web import build_app
from bot.core.desk import StaffAction, StaffMember
from bot.core.errors import ConfigError, InputError
from policies.rollout import RolloutPolicy, Route, Stage, bucket, checked, route_for
from tests.conftest import make_settings, running_app

TOKEN = "admin-secret-for-tests"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}
QUESTION = "How do I turn on two-factor authentication?"
ROOMY = {f"SUPPORTBOT_LIMIT_{name}": "100000" for name in (
    "CONVERSATIONS_PER_ADDRESS", "MESSAGES_PER_ADDRESS", "FEEDBACK_PER_ADDRESS", "HANDOFFS_PER_ADDRESS", "ANONYMOUS_MESSAGES")}


def test_stages_are_checked_and_refused_with_the_tenant_named() -> None:
    assert checked(tenant="acme", stage="25") == RolloutPolicy(stage=Stage.PERCENT, percent=25.0)
    assert checked(tenant="acme", stage="percent", percent=0).percent == 0.0
    for stage, percent, message in (("percent", 150.0, "from 0 to 100, not 150"), ("percent", -1.0, "from 0 to 100, not -1"),
                                    ("101", None, "from 0 to 100, not 101"), ("halfway", None, "unknown rollout stage 'halfway'"),
                                    ("percent", None, "needs a percentage"), ("beta", None, "needs the identities")):
        with pytest.raises(InputError, match=f"tenant 'acme': .*{message}"):
            checked(tenant="acme", stage=stage, percent=percent)


def test_a_percentage_is_stable_per_customer_and_grows_by_adding_customers() -> None:
    customers = [f"user-{n}" for n in range(4000)]
    at = {p: {c for c in customers if route_for(RolloutPolicy(stage=Stage.PERCENT, percent=p), tenant="acme", customer=c, user=c,
                                                groups=()) is Route.BOT} for p in (10, 30)}
    assert at[10] <= at[30]  # everyone in at 10 % stays in at 30 %
    assert abs(len(at[30]) / len(customers) - 0.30) < 0.03
    assert bucket(tenant="acme", customer="user-1") == bucket(tenant="acme", customer="user-1") != bucket(tenant="other", customer="user-1")
    beta = RolloutPolicy(stage=Stage.BETA, beta=("vip", "u-7"))
    assert route_for(beta, tenant="acme", customer="c", user="u-7", groups=()) is Route.BOT
    assert route_for(beta, tenant="acme", customer="c", user="u-8", groups=("public", "vip")) is Route.BOT
    assert route_for(beta, tenant="acme", customer="c", user="u-8", groups=("public",)) is Route.STAFF


@pytest.fixture(scope="module")
async def client(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TestClient]:
    async for made in _client(tmp_path_factory):
        yield made


@pytest.fixture
async def fresh_client(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TestClient]:
    """A data dir of its own: the rates of the sliding window are this test's alone."""
    async for made in _client(tmp_path_factory):
        yield made


async def _client(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TestClient]:
    folder = tmp_path_factory.mktemp("rollout")
    tenants = folder / "tenants.toml"
    tenants.write_text('[tenants.default.widget]\nkeys = ["demo"]\n')
    env = {"SUPPORTBOT_TENANTS_FILE": str(tenants), "SUPPORTBOT_ADMIN_TOKEN": TOKEN, "SUPPORTBOT_ROLLBACK_MIN_ANSWERS": "2",
           "SUPPORTBOT_ROLLBACK_NOT_HELPFUL": "0.5", "SUPPORTBOT_ROLLBACK_CHECK_SECONDS": "0", **ROOMY}
    settings = make_settings(folder / "data", **env)
    async with running_app(settings) as client:
        client.cli_env = {"SUPPORTBOT_DATA_DIR": str(folder / "data"), "SUPPORTBOT_DATABASE_URL": settings.database_url, **env}  # type: ignore[attr-defined]
        yield client


async def _ask(client: TestClient, text: str = QUESTION) -> tuple[str, dict[str, str], dict]:  # type: ignore[type-arg]
    response = await client.post("/api/v1/conversations", json={"widget_key": "demo"})
    data = await response.json()
    conversation, auth = data["conversation_id"], {"Authorization": f"Bearer {data['token']}"}
    response = await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": text, "client_message_id": "m1"}, headers=auth)
    assert response.status == 200, await response.text()
    return conversation, auth, (await response.json())["reply"]


def _cli(client: TestClient, *args: str) -> object:
    return CliRunner().invoke(main, ["rollout", *args], env=client.cli_env)  # type: ignore[attr-defined]


async def test_the_kill_switch_from_the_cli_holds_for_the_next_message_within_a_second(client: TestClient) -> None:
    assert (await _ask(client))[2]["outcome"] == "answer"
    result = await asyncio.to_thread(_cli, client, "default", "off", "--reason", "incident 42", "--by", "ops-anna")
    assert result.exit_code == 0 and result.output.strip() == "default: off"  # type: ignore[attr-defined]
    switched = time.monotonic()
    while True:
        _, _, reply = await _ask(client)
        if reply["outcome"] == "handoff":
            break
        assert time.monotonic() - switched < 1.0, "an answer more than a second after the kill switch"
    assert reply["handoff_reason"] == "policy" and time.monotonic() - switched < 1.0
    shown = await asyncio.to_thread(_cli, client, "default")
    assert "default: off" in shown.output and "on -> off  by ops-anna: incident 42" in shown.output  # type: ignore[attr-defined]
    assert (await asyncio.to_thread(_cli, client, "default", "on")).exit_code == 0  # type: ignore[attr-defined]


async def test_bad_stages_are_refused_with_the_tenant_named_and_change_nothing(client: TestClient) -> None:
    refused = await asyncio.to_thread(_cli, client, "default", "percent", "--percent", "150")
    assert refused.exit_code == 2 and "tenant 'default': a rollout percentage must be from 0 to 100, not 150" in refused.output  # type: ignore[attr-defined]
    # an option the stage does not take was ignored: "rollout default on --percent 50" put everyone on the bot
    for args, said in ((("on", "--percent", "50"), "--percent goes with stage 'percent'"), (("off", "--beta", "vip"), "--beta goes with stage 'beta'")):
        refused = await asyncio.to_thread(_cli, client, "default", *args)
        assert refused.exit_code == 2 and f"tenant 'default': {said}" in refused.output  # type: ignore[attr-defined]
    response = await client.post("/api/v1/admin/rollout/default", json={"stage": "everyone"}, headers=ADMIN)
    assert response.status == 400 and "tenant 'default': unknown rollout stage 'everyone'" in (await response.json())["error"]
    response = await client.post("/api/v1/admin/rollout/default", json={"stage": "percent", "percent": -5}, headers=ADMIN)
    assert response.status == 400 and "tenant 'default'" in (await response.json())["error"]
    assert (await client.post("/api/v1/admin/rollout/nope", json={"stage": "on"}, headers=ADMIN)).status == 400
    assert (await client.post("/api/v1/admin/rollout/default", json={"stage": "off"})).status == 401
    for body in ({"stage": "beta", "beta": 5}, {"stage": "beta", "beta": [{"group": "vip"}]}):
        response = await client.post("/api/v1/admin/rollout/default", json=body, headers=ADMIN)
        assert response.status == 400 and "tenant 'default': beta must be" in (await response.json())["error"]
    for body in ({"stage": "off", "reason": 5}, {"stage": ["off"]}):  # not written down as "5", nor "['off']"
        response = await client.post("/api/v1/admin/rollout/default", json=body, headers=ADMIN)
        assert response.status == 400 and "must be a string" in (await response.json())["error"]
    for raw in ("[" * 30_000 + "]" * 30_000, '{"stage": "\xff"}'.encode("latin-1"), "[]", "{"):
        response = await client.post("/api/v1/admin/rollout/default", data=raw, headers={**ADMIN, "Content-Type": "application/json"})
        assert response.status == 400 and "error" in await response.json()
    # a form body that is not UTF-8: before, the form parser's UnicodeDecodeError was a 500
    response = await client.post("/api/v1/admin/rollout/default", data=b"stage=\xd0off", headers={**ADMIN, "Content-Type": "application/x-www-form-urlencoded"})
    assert response.status == 400 and "not UTF-8" in (await response.json())["error"]
    listing = await (await client.get("/api/v1/admin/rollout", headers=ADMIN)).json()
    assert listing["tenants"][0]["stage"] == "on"


async def test_a_percentage_that_is_no_number_or_negative_is_refused_as_given(client: TestClient) -> None:
    # before: `rollout default -5` was click's "No such option '-5'"; JSON true was taken as 1 %, and
    # "abc" was refused as "not nan"
    refused = await asyncio.to_thread(_cli, client, "default", "-5")
    assert refused.exit_code == 2 and "tenant 'default': a rollout percentage must be from 0 to 100, not -5" in refused.output  # type: ignore[attr-defined]
    for percent, shown in ((True, "True"), ("abc", "'abc'"), ([50], "[50]"), ({"n": 5}, "{'n': 5}")):
        response = await client.post("/api/v1/admin/rollout/default", json={"stage": "percent", "percent": percent}, headers=ADMIN)
        error = (await response.json())["error"]
        assert response.status == 400 and error == f"tenant 'default': percent must be a number from 0 to 100, not {shown}", error
    form = {**ADMIN, "Content-Type": "application/x-www-form-urlencoded"}
    response = await client.post("/admin/rollout/default", data="stage=percent&percent=abc", headers=form, allow_redirects=False)
    assert response.status == 303 and "percent%20must%20be%20a%20number" in response.headers["Location"]  # the page says why
    response = await client.post("/api/v1/admin/rollout/default", data="stage=percent&percent=abc", headers=form, allow_redirects=False)
    assert response.status == 400 and "percent must be a number" in (await response.json())["error"]  # the API answers JSON
    response = await client.post("/api/v1/admin/rollout/default", json={"stage": "percent", "percent": "30"}, headers=ADMIN)
    assert response.status == 200 and (await response.json())["percent"] == 30.0  # a form sends numbers as text
    listing = await (await client.get("/api/v1/admin/rollout", headers=ADMIN)).json()
    assert listing["tenants"][0]["stage"] == "percent"
    await client.post("/api/v1/admin/rollout/default", json={"stage": "on"}, headers=ADMIN)


async def test_shadow_drafts_go_on_the_handoff_card_and_staff_can_send_them(client: TestClient) -> None:
    response = await client.post("/api/v1/admin/rollout/default", json={"stage": "shadow", "reason": "trial"}, headers=ADMIN)
    assert response.status == 200 and (await response.json())["stage"] == "shadow"
    await asyncio.sleep(0.6)  # past the half-second cache of the stage
    conversation, auth, reply = await _ask(client)
    assert reply["outcome"] == "handoff" and reply["handoff_reason"] == "policy" and not reply["citations"]
    handoff_service = client.app[HANDOFF]  # type: ignore[index]
    handoff = handoff_service.current(conversation)
    draft = handoff_service.packet(handoff).draft
    assert "two-factor" in draft.lower() or "2fa" in draft.lower()  # the bot's own answer, for staff only
    history = await (await client.get(f"/api/v1/conversations/{conversation}/messages", headers=auth)).json()
    assert draft not in [m["text"] for m in history["messages"]]
    staff = StaffMember(id="s1", name="Sam", desk="console")
    await handoff_service.act(StaffAction.CLAIM, handoff.id, staff=staff, client_id="c1")
    await handoff_service.act(StaffAction.DRAFT, handoff.id, staff=staff, client_id="c2")
    history = await (await client.get(f"/api/v1/conversations/{conversation}/messages", headers=auth)).json()
    assert history["messages"][-1]["text"] == draft
    page = await client.get("/admin/rollout", headers=ADMIN)
    assert page.status == 200 and "shadow" in await page.text()
    await client.post("/api/v1/admin/rollout/default", json={"stage": "on"}, headers=ADMIN)


async def test_percent_and_beta_from_admin_decide_per_customer(client: TestClient) -> None:
    for stage, percent, expected in (("percent", 0, "handoff"), ("percent", 100, "answer")):
        await client.post("/api/v1/admin/rollout/default", json={"stage": stage, "percent": percent}, headers=ADMIN)
        await asyncio.sleep(0.6)
        assert (await _ask(client))[2]["outcome"] == expected
    await client.post("/api/v1/admin/rollout/default", json={"stage": "beta", "beta": ["vip"]}, headers=ADMIN)
    await asyncio.sleep(0.6)
    assert (await _ask(client))[2]["outcome"] == "handoff"  # an anonymous visitor is in no beta group
    await client.post("/api/v1/admin/rollout/default", json={"stage": "on"}, headers=ADMIN)
    await asyncio.sleep(0.6)


async def test_not_helpful_answers_step_the_tenant_back_to_shadow_audited(fresh_client: TestClient) -> None:
    client = fresh_client
    book = client.app[CONVERSATIONS].rollout  # type: ignore[index]
    for _ in range(2):
        conversation, auth, reply = await _ask(client)
        assert reply["outcome"] == "answer"
        response = await client.post(f"/api/v1/conversations/{conversation}/feedback", json={"message_id": reply["id"], "helpful": False},
                                     headers=auth)
        assert response.status == 204
    await _ask(client)  # the check runs in the background after a message
    for _ in range(50):
        if book.current("default").stage is Stage.SHADOW:
            break
        await asyncio.sleep(0.1)
    assert book.current("default").stage is Stage.SHADOW
    change = book.changes(tenant="default", limit=1)[0]
    assert change["by"] == "automatic step back" and "answers marked not helpful" in change["reason"]
    await client.post("/api/v1/admin/rollout/default", json={"stage": "on"}, headers=ADMIN)


async def test_answers_graded_low_in_the_background_step_the_tenant_back_to_shadow(tmp_path_factory: pytest.TempPathFactory) -> None:
    # every answer graded (SUPPORTBOT_GRADE_SAMPLE=1); a relevance cut-off above the scale (the setting
    # takes 0..1, so set on the settings) makes each answer graded low
    folder = tmp_path_factory.mktemp("graded")
    tenants = folder / "tenants.toml"
    tenants.write_text('[tenants.default.widget]\nkeys = ["demo"]\n')
    env = {"SUPPORTBOT_TENANTS_FILE": str(tenants), "SUPPORTBOT_ADMIN_TOKEN": TOKEN, "SUPPORTBOT_ROLLBACK_MIN_ANSWERS": "2",
           "SUPPORTBOT_ROLLBACK_CHECK_SECONDS": "0", "SUPPORTBOT_GRADE_SAMPLE": "1",
           "SUPPORTBOT_ROLLBACK_LOW_GRADES": "0.5", **ROOMY}
    app = build_app(dataclasses.replace(make_settings(folder / "data", **env), rollback_low_relevance=1.01))
    async with TestClient(TestServer(app)) as client:
        await asyncio.wait_for(app[READY].wait(), timeout=120)
        book = client.app[CONVERSATIONS].rollout  # type: ignore[index]
        for _ in range(2):
            assert (await _ask(client))[2]["outcome"] == "answer"
        assert book.current("default").stage is Stage.ON  # no feedback, no errors: only the grades can step it back
        for _ in range(50):
            await _ask(client)  # the check runs in the background after a message, once the grades are stored
            if book.current("default").stage is Stage.SHADOW:
                break
            await asyncio.sleep(0.1)
        assert book.current("default").stage is Stage.SHADOW
        change = book.changes(tenant="default", limit=1)[0]
        assert change["by"] == "automatic step back" and "graded answers graded low" in change["reason"]


def test_grade_step_back_settings_are_shares() -> None:
    with pytest.raises(ConfigError, match="SUPPORTBOT_ROLLBACK_LOW_GRADES"):
        make_settings(Path("/tmp/unused-data-dir"), SUPPORTBOT_ROLLBACK_LOW_GRADES="1.5")
