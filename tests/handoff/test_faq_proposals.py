"""Learning from staff (issue #18): a resolved handoff proposed as a FAQ entry in the console
(prefilled, redacted, edited, CSRF), approved or rejected in /admin/proposals, where approval runs
the release gate against the tenant's stored run and ingests the entry, or keeps it out and says why."""

from __future__ import annotations

import asyncio
import html
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient
from sqlmodel import Session, select

from bot.app.app_keys import SERVICES
from bot.core.records import Identity
from bot.core.tables import Document
from bot.engine.eval_cases import load_cases
from bot.engine.evaluation import run_cases
from bot.engine.release_gate import RunStore, case_rows, figures
from handoff.staff_accounts import hash_password
from tests.conftest import make_settings, running_app
from tests.handoff.console_steps import ALICE_PASSWORD, Staff, hand_over

TOKEN = "admin-secret-for-proposals"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
async def client(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TestClient]:
    tenants = tmp_path_factory.mktemp("faq-tenants") / "tenants.toml"
    tenants.write_text(
        '[tenants.default.widget]\nkeys = ["demo"]\n'
        f'[tenants.default.staff.alice]\npassword_hash = "{hash_password(ALICE_PASSWORD)}"\ndisplay_name = "Alice"\n'
        '[tenants.default.users]\n"mgr-1" = ["managers"]\n'
    )
    settings = make_settings(tmp_path_factory.mktemp("faq"), SUPPORTBOT_TENANTS_FILE=str(tenants), SUPPORTBOT_ADMIN_TOKEN=TOKEN)
    async with running_app(settings, timeout=180) as client:
        yield client


@pytest.fixture
async def alice(client: TestClient) -> AsyncIterator[Staff]:
    staff = Staff(client)
    assert (await staff.sign_in(tenant="default", name="alice", password=ALICE_PASSWORD)).status == 303
    yield staff
    await staff.close()


async def resolved_handoff(client: TestClient, alice: Staff, reply: str) -> int:
    _, _, ws, _, handoff_id = await hand_over(client)
    await alice.act(handoff_id, "claim")
    assert (await alice.reply(handoff_id, reply)).status == 303
    await alice.act(handoff_id, "resolve")
    await ws.close()
    return handoff_id


def textarea(page: str, name: str) -> str:
    found = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.DOTALL)
    assert found, f"no {name} field on the page"
    return html.unescape(found.group(1))


def sources(client: TestClient) -> set[str]:
    with Session(client.app[SERVICES].engine) as session:
        return {d.source for d in session.exec(select(Document))}


async def proposals(client: TestClient, *, of: int | None = None) -> list[dict[str, object]]:
    """The proposals the admin API lists; with `of`, only those of that handoff (the module's other tests
    propose entries of their own, and xdist or an order of its own may run them first)."""
    listed = (await (await client.get("/api/v1/admin/proposals", headers=ADMIN)).json())["proposals"]
    return [p for p in listed if of is None or p["handoff_id"] == of]


async def test_a_resolved_exchange_becomes_a_redacted_proposal_an_operator_approves_into_the_knowledge_base(
    client: TestClient, alice: Staff,
) -> None:
    handoff_id = await resolved_handoff(client, alice, "Open Settings, then Export, and choose Download workspace. "
                                                       "Write to jane.doe@example.com if it fails.")
    page = await (await alice.get(f"/console/handoffs/{handoff_id}")).text()
    question, answer = textarea(page, "question"), textarea(page, "answer")
    # the question the bot's answer did not settle, not the request for a person that followed it
    assert "export my workspace" in question and "talk to a person" not in question
    assert "Download workspace" in answer and "jane.doe@example.com" not in answer  # prefilled from the redacted transcript
    # without the CSRF token: refused, nothing stored
    assert (await alice.post(f"/console/handoffs/{handoff_id}/propose", {"question": "q", "answer": "a"})).status == 403
    token = await alice.csrf(f"/console/handoffs/{handoff_id}")
    empty = await alice.post(f"/console/handoffs/{handoff_id}/propose", {"csrf": token, "question": "  ", "answer": answer})
    assert empty.status == 303 and "error=" in empty.headers["Location"]
    assert "Not proposed: a question has 1 to 500 characters" in await (await alice.get(empty.headers["Location"])).text()
    assert await proposals(client, of=handoff_id) == []
    # staff edit it, and type a phone number back in: stored without it
    edited = answer + " Or call Jane Doe on +1 415 555 0134."
    sent = await alice.post(f"/console/handoffs/{handoff_id}/propose",
                            {"csrf": token, "question": "How do I export my workspace?", "answer": edited})
    assert sent.status == 303
    [proposal] = await proposals(client, of=handoff_id)
    assert proposal["status"] == "proposed" and proposal["proposed_by"] == "Alice"
    assert "555 0134" not in str(proposal["answer"]) and "Download workspace" in str(proposal["answer"])
    assert "How do I export my workspace?" in await (await alice.get(f"/console/handoffs/{handoff_id}")).text()
    # /admin: the token is needed; approval without a stored run says so and ingests
    assert (await client.get("/admin/proposals")).status == 401
    listed = await (await client.get("/admin/proposals", headers=ADMIN)).text()
    assert "How do I export my workspace?" in listed and "Approve" in listed
    # the module's release-gate test stores a run: when it ran first, this approval is gated against that run
    baseline = RunStore(client.app[SERVICES].engine).latest(tenant="default")
    done = await client.post(f"/admin/proposals/{proposal['id']}/approve", headers=ADMIN, allow_redirects=False)
    assert done.status == 303
    [after] = await proposals(client, of=handoff_id)
    said = "no stored evaluation run" if baseline is None else f"release gate against run '{baseline.name}': passed"
    assert after["status"] == "approved" and said in str(after["note"])
    assert f"faq/proposal-{proposal['id']}.md" in sources(client)
    again = await client.post(f"/admin/proposals/{proposal['id']}/approve", headers=ADMIN, allow_redirects=False)
    assert "already approved" in again.headers["Location"].replace("%20", " ")


async def test_an_unknown_proposal_id_is_a_clear_answer_however_large(client: TestClient) -> None:
    unknown = await client.post("/admin/proposals/999999/approve?json", headers=ADMIN)
    assert unknown.status == 200 and "no FAQ proposal #999999" in (await unknown.json())["message"]
    huge = await client.post(f"/admin/proposals/{'9' * 30}/approve", headers=ADMIN, allow_redirects=False)
    assert huge.status == 404 and "error" in await huge.json()


async def test_an_entry_that_fails_the_release_gate_stays_out_and_the_page_says_why(client: TestClient, alice: Staff,
                                                                                     tmp_path: Path) -> None:
    services = client.app[SERVICES]
    cases_file = tmp_path / "cases.jsonl"
    cases_file.write_text(json.dumps({"question": "how do I reset my password?", "expect": "answer",
                                      "sources": ["sample_kb/reset-your-password.md", "sample_kb/faq.csv#faq-010"]}) + "\n")
    cases = load_cases(cases_file)
    results = await run_cases(cases, lambda q: services.assistant.ask(q, identity=Identity(tenant="default")))
    rows = case_rows(cases, results)
    assert rows[0]["verdict"] == "right"
    await asyncio.to_thread(RunStore(services.engine).save, tenant="default", name="before-faq", cases_file=str(cases_file),
                            config={}, figures=figures(rows), rows=rows)
    handoff_id = await resolved_handoff(client, alice, "Ask your office manager.")
    token = await alice.csrf(f"/console/handoffs/{handoff_id}")
    # a wrong entry that takes over a question the knowledge base answers right
    await alice.post(f"/console/handoffs/{handoff_id}/propose",
                     {"csrf": token, "question": "how do I reset my password?", "answer": "Ask your office manager to reset your password."})
    [proposal] = await proposals(client, of=handoff_id)
    assert proposal["status"] == "proposed"
    done = await client.post(f"/admin/proposals/{proposal['id']}/approve", headers=ADMIN)
    page = await done.text()
    # answered from the wrong entry (answered_right drops) or offered beside it (answered_directly drops): which
    # one depends on the entry's text, whose date changes the embedding a little; either fails the gate
    assert "failed_gate" in page and "before-faq" in page and re.search(r"dropped answered_(right|directly)", page)
    after = next(p for p in await proposals(client) if p["id"] == proposal["id"])
    assert after["status"] == "failed_gate" and "kept out of the knowledge base" in str(after["note"])
    assert f"faq/proposal-{proposal['id']}.md" not in sources(client)
    rejected = await client.post(f"/admin/proposals/{proposal['id']}/reject", headers=ADMIN)
    assert rejected.status == 200 and next(p for p in await proposals(client) if p["id"] == proposal["id"])["status"] == "rejected"
    # an entry on a question the cases do not cover passes the same gate and is then there for everyone
    handoff_id = await resolved_handoff(client, alice, "Yes: choose Invoice at checkout and pay by bank transfer.")
    token = await alice.csrf(f"/console/handoffs/{handoff_id}")
    await alice.post(f"/console/handoffs/{handoff_id}/propose",
                     {"csrf": token, "question": "Can I pay the annual plan by bank transfer?",
                      "answer": "Yes: choose Invoice at checkout and pay by bank transfer within 30 days."})
    [good] = await proposals(client, of=handoff_id)
    assert good["status"] == "proposed"
    page = await (await client.post(f"/admin/proposals/{good['id']}/approve", headers=ADMIN)).text()
    assert "passed" in page
    assert next(p for p in await proposals(client) if p["id"] == good["id"])["status"] == "approved"
    answer = await services.assistant.ask("Can I pay for the annual plan with a bank transfer?", identity=Identity(tenant="default"))
    assert f"faq/proposal-{good['id']}.md" in [c.source for c in answer.citations]


def test_the_prefill_leaves_out_greetings_thanks_and_what_the_bot_answered() -> None:
    """Found by a fresh operator: every proposal began with "hi", the question the bot had answered before, and
    ended with "thanks!", each to be deleted by hand before the entry could be approved."""
    from datetime import UTC, datetime

    from bot.core.messages import Message, Role
    from handoff.faq_proposals import prefill

    now = datetime(2026, 12, 1, tzinfo=UTC)
    said = [
        Message(id=1, role=Role.CUSTOMER, text="hi", created_at=now),
        Message(id=2, role=Role.BOT, text="Hi! What can I help you with?", created_at=now, reply_to=1, outcome="answer"),
        Message(id=3, role=Role.CUSTOMER, text="how do I reset my password?", created_at=now),
        Message(id=4, role=Role.BOT, text="Open Settings > Security ...", created_at=now, reply_to=3, outcome="answer"),
        Message(id=5, role=Role.CUSTOMER, text="can I export a page with its comments?", created_at=now),
        Message(id=6, role=Role.BOT, text="I'm passing you to a person", created_at=now, reply_to=5, outcome="handoff"),
        Message(id=7, role=Role.AGENT, text="Yes: Export > include comments.", created_at=now, author="Alice"),
        Message(id=8, role=Role.CUSTOMER, text="thanks!", created_at=now),
    ]
    assert prefill(said).question == "can I export a page with its comments?"
    assert prefill(said).answer == "Yes: Export > include comments."
    # a conversation of nothing but chat keeps what was said, for staff to edit
    assert prefill(said[:1] + said[6:]).question == "hi\nthanks!"
    # a person asked for after an answer: the question is the one the answer did not settle
    after_answer = [*said[2:4],
                    Message(id=9, role=Role.CUSTOMER, text="that didn't work, let me talk to someone", created_at=now),
                    Message(id=10, role=Role.BOT, text="I'm passing you to a person", created_at=now, reply_to=9, outcome="handoff")]
    assert prefill(after_answer).question == "how do I reset my password?"


async def test_the_gate_asks_the_cases_again_as_the_stored_run_asked(client: TestClient, alice: Staff, tmp_path: Path) -> None:
    """Found by ops17's operator trial: a baseline stored with `eval --user` (a manager, who may read the help
    center's articles for managers) was asked again as an anonymous customer at approval, so every case only
    managers can read went from right to handed over and every entry failed the gate, whatever it said."""
    services = client.app[SERVICES]
    article = tmp_path / "kb" / "payroll-bridge.md"
    article.parent.mkdir()
    article.write_text("# Exporting hours with Payroll Bridge\n\nPayroll Bridge sends approved timesheets to your payroll "
                       "provider. At the end of a pay period, approve all timesheets, then press Send to payroll.\n", encoding="utf-8")
    await asyncio.to_thread(services.ingestor.ingest, [article], tenant="default", groups=["managers"], display_base=tmp_path,
                            within=tmp_path)
    await asyncio.to_thread(services.after_ingest, "default")
    cases_file = tmp_path / "cases.jsonl"
    cases_file.write_text(json.dumps({"question": "How do I send approved timesheets to payroll with Payroll Bridge?",
                                      "expect": "answer", "sources": ["kb/payroll-bridge.md"]}) + "\n")
    cases = load_cases(cases_file)
    manager = Identity(tenant="default", user="mgr-1")
    rows = case_rows(cases, await run_cases(cases, lambda q: services.assistant.ask(q, identity=manager)))
    assert rows[0]["verdict"] == "right"
    await asyncio.to_thread(RunStore(services.engine).save, tenant="default", name="as-a-manager", cases_file=str(cases_file),
                            config={"asker": {"user": "mgr-1", "groups": []}}, figures=figures(rows), rows=rows)
    # an entry on another matter entirely passes: the manager's case is still answered right, from its article
    handoff_id = await resolved_handoff(client, alice, "Yes: Team Chat has a channel per location.")
    token = await alice.csrf(f"/console/handoffs/{handoff_id}")
    await alice.post(f"/console/handoffs/{handoff_id}/propose",
                     {"csrf": token, "question": "Does every location get its own chat channel?",
                      "answer": "Yes: Team Chat has a general channel for each location."})
    [proposal] = await proposals(client, of=handoff_id)
    await client.post(f"/admin/proposals/{proposal['id']}/approve", headers=ADMIN)
    after = next(p for p in await proposals(client) if p["id"] == proposal["id"])
    assert after["status"] == "approved", after["note"]
    assert "release gate against run 'as-a-manager': passed" in str(after["note"])
