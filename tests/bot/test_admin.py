from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app.admin import register_admin
from bot.engine.assistant import pseudonym
from bot.engine.pipeline import Identity
from bot.app.composition import Services
from bot.core.tables import AuditEvent, Document
from sqlmodel import Session, select

TOKEN = "admin-secret-for-tests"


@pytest.fixture
async def client(core: Services) -> AsyncIterator[TestClient]:
    app = web.Application()
    register_admin(app, get_services=lambda: core, token=TOKEN)
    async with TestClient(TestServer(app)) as client:
        yield client


async def test_dashboard_needs_the_admin_token(client: TestClient) -> None:
    assert (await client.get("/admin")).status == 401
    assert (await client.get("/api/v1/admin/stats", headers={"Authorization": "Bearer wrong"})).status == 401


async def test_dashboard_shows_answer_and_handoff_rates(client: TestClient, core: Services) -> None:
    for question in ("how do I reset my password?", "I want to talk to a person"):
        await core.assistant.ask(question, identity=Identity(tenant="default", user="u-42"))
    response = await client.get("/api/v1/admin/stats", headers={"Authorization": f"Bearer {TOKEN}"})
    stats = await response.json()
    assert stats["messages"] >= 2
    assert stats["handoff_reasons"].get("customer_request", 0) >= 1
    # users appear as the audit trail names them: a keyed pseudonym, never their id (which may be an e-mail)
    expected = "default/" + pseudonym(core.assistant._pseudonym_key, tenant="default", user="u-42")
    assert any(user == expected for user, _ in stats["top_users"]) and "u-42" not in json.dumps(stats["top_users"])
    page = await client.get(f"/admin?token={TOKEN}", allow_redirects=False)
    # the cookie set by ?token= (a session, not the token) lets the operator reload without the token in the URL
    session = page.cookies["supportbot_admin"].value
    assert TOKEN not in session
    text = await (await client.get("/admin", headers={"Cookie": f"supportbot_admin={session}"})).text()
    assert "Handoff queue" in text and "Messages per day" in text


async def test_a_token_in_the_address_becomes_the_session_and_leaves_the_address(client: TestClient) -> None:
    """/admin?token=... served the page under that address: the token stayed in the address bar, the history
    and any bookmark. Now the browser gets the session cookie and the same page without the token (303)."""
    for path, rest in ((f"/admin?token={TOKEN}", "/admin"), (f"/admin?days=7&token={TOKEN}&tenant=default", "/admin?days=7&tenant=default"),
                       (f"/admin/conversations?token={TOKEN}&tenant=default", "/admin/conversations?tenant=default")):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 303 and response.headers["Location"] == rest, (path, response.status, response.headers.get("Location"))
        assert TOKEN not in response.headers["Location"] and response.headers["Cache-Control"] == "no-store"
        cookie = response.cookies["supportbot_admin"]
        assert TOKEN not in cookie.value and cookie["httponly"] and cookie["samesite"] == "Strict"
        # where it leads, with the cookie (as a browser sends it back; aiohttp's jar keeps Secure cookies for https only)
        again = await client.get(rest, headers={"Cookie": f"supportbot_admin={cookie.value}"}, allow_redirects=False)
        assert again.status == 200, (rest, again.status)
    wrong = await client.get("/admin?token=not-the-admin-token", allow_redirects=False, headers={"Accept": "text/html"})
    assert wrong.status == 401 and "supportbot_admin" not in wrong.cookies
    assert "not-the-admin-token" not in await wrong.text()  # the sign-in form goes on to the page without it
    # scripts sending the token as a bearer header get the page itself
    assert (await client.get("/admin", headers={"Authorization": f"Bearer {TOKEN}"}, allow_redirects=False)).status == 200


async def test_admin_is_off_without_a_token(core: Services) -> None:
    app = web.Application()
    register_admin(app, get_services=lambda: core, token=None)
    async with TestClient(TestServer(app)) as client:
        # off, and saying how to turn it on: a bare "Not Found" at /admin (listed by the README) read as a broken install
        for path in ("/admin", "/admin/quality"):
            page = await client.get(path)
            assert page.status == 404 and "set SUPPORTBOT_ADMIN_TOKEN" in await page.text()
        api = await client.post("/api/v1/admin/ingest", data=b"x")
        assert api.status == 404 and "set SUPPORTBOT_ADMIN_TOKEN" in (await api.json())["error"]


# admin ingest: uploads, or paths under SUPPORTBOT_INGEST_ROOT only ---------------------------------

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
async def ingest_client(make_services: Callable[..., Services], tmp_path: Path) -> AsyncIterator[tuple[TestClient, Services, Path]]:
    root = tmp_path / "kb-root"
    (root / "help").mkdir(parents=True)
    (root / "help" / "refunds.md").write_text("# Refunds\n\nRefunds take five days.\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("# Secret\n\nroot:x:0:0:root:/root:/bin/bash\n")
    (root / "help" / "linked.md").symlink_to(outside / "secret.md")
    (root / "elsewhere").symlink_to(outside)
    services = await asyncio.to_thread(make_services, SUPPORTBOT_INGEST_ROOT=str(root), SUPPORTBOT_ADMIN_TOKEN=TOKEN)
    app = web.Application()
    register_admin(app, get_services=lambda: services, token=TOKEN)
    async with TestClient(TestServer(app)) as client:
        yield client, services, tmp_path


def _sources(services: Services) -> list[str]:
    with Session(services.engine) as session:
        return sorted(d.source for d in session.exec(select(Document)))


async def test_admin_ingest_reads_paths_under_the_ingest_root_only(ingest_client: tuple[TestClient, Services, Path]) -> None:
    client, services, tmp = ingest_client
    for paths in ("/etc", ["/etc"], ["/etc/passwd"], ["../outside"], [str(tmp / "outside")], ["elsewhere"], ["help/../../outside"], [], [1], None):
        response = await client.post("/api/v1/admin/ingest", json={"paths": paths, "tenant": "default"}, headers=AUTH)
        assert response.status == 400, paths
        assert "error" in await response.json()
    assert _sources(services) == []
    response = await client.post("/api/v1/admin/ingest", json={"paths": ["help"], "tenant": "default"}, headers=AUTH)
    report = await response.json()
    assert response.status == 200 and report["added"] == 1
    # the link out of the root is not followed; what is listed is its name inside the root
    assert report["skipped"] == [{"path": "help/linked.md", "reason": "outside the folder ingest may read"}]
    assert _sources(services) == ["help/refunds.md"]  # relative to the root: no server path for customers
    for body in ({"paths": ["help"], "tenant": "nobody"}, {"paths": ["help"], "tenant": "default", "groups": "staff"},
                 {"paths": ["help"], "tenant": "default", "prune": "yes"}, ["help"]):
        assert (await client.post("/api/v1/admin/ingest", json=body, headers=AUTH)).status == 400, body
    assert (await client.post("/api/v1/admin/ingest", data="[" * 100_000, headers={**AUTH, "Content-Type": "application/json"})).status == 400


async def test_admin_ingest_reads_no_server_path_without_an_ingest_root(core: Services, tmp_path: Path) -> None:
    app = web.Application()
    register_admin(app, get_services=lambda: core, token=TOKEN)
    before = _sources(core)
    async with TestClient(TestServer(app)) as client:
        for paths in (["/etc"], "/etc", [str(tmp_path)]):
            response = await client.post("/api/v1/admin/ingest", json={"paths": paths, "tenant": "default"}, headers=AUTH)
            assert response.status == 400 and "skipped" not in await response.json()
    assert _sources(core) == before


async def test_admin_ingest_takes_uploaded_files_under_the_names_given(ingest_client: tuple[TestClient, Services, Path]) -> None:
    client, services, _ = ingest_client
    form = aiohttp.FormData()
    form.add_field("tenant", "default")
    form.add_field("path", "kb")
    form.add_field("file", b"# Invoices\n\nDownload invoices under Billing.\n", filename="kb/invoices.md")
    form.add_field("file", b"question,answer,url\nHow?,Like this.,javascript:alert(1)\n", filename="kb/faq.csv")
    form.add_field("file", b"# Escape\n\nNot outside.\n", filename="../../kb/../../etc/escape.md")
    response = await client.post("/api/v1/admin/ingest", data=form, headers=AUTH)
    report = await response.json()
    assert response.status == 200, report
    sources = _sources(services)
    # ".." dropped: the third file lands inside the upload as etc/escape.md, outside the path "kb" asked for
    assert sources == ["kb/faq.csv#row-1", "kb/invoices.md"], report
    with Session(services.engine) as session:
        assert all(d.url is None for d in session.exec(select(Document)))
    bad = aiohttp.FormData()
    bad.add_field("file", b"x", filename="a.md")
    assert (await client.post("/api/v1/admin/ingest", data=bad, headers=AUTH)).status == 400  # no tenant
    garbage = {**AUTH, "Content-Type": "multipart/form-data; boundary=zzz"}
    assert (await client.post("/api/v1/admin/ingest", data=b"--zzz\r\nnonsense", headers=garbage)).status == 400


async def test_cli_ingest_through_the_server_uploads_the_files(ingest_client: tuple[TestClient, Services, Path],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.app.cli.ingest import _ingest_through_server

    client, services, tmp = ingest_client
    docs = tmp / "work" / "docs"
    docs.mkdir(parents=True)
    (docs / "setup.md").write_text("# Setup\n\nInstall the app.\n")
    (docs / "logo.png").write_bytes(b"\x89PNG")
    monkeypatch.chdir(tmp / "work")
    settings = services.settings.with_overrides(server_url=str(client.make_url("/")))
    await asyncio.to_thread(_ingest_through_server, settings, paths=("docs",), tenant="default", groups=(), prune=False)
    assert _sources(services) == ["docs/setup.md"]  # the path as given, as a local ingest names it
    (docs / "setup.md").unlink()
    await asyncio.to_thread(_ingest_through_server, settings, paths=("docs",), tenant="default", groups=(), prune=True)
    assert _sources(services) == []


async def test_cli_ingest_through_the_server_of_a_mistyped_path_fails_as_a_local_ingest_does(
        ingest_client: tuple[TestClient, Services, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from bot.app.cli.ingest import _ingest_through_server

    client, services, tmp = ingest_client
    monkeypatch.chdir(tmp)
    settings = services.settings.with_overrides(server_url=str(client.make_url("/")))
    with pytest.raises(SystemExit) as exit_:
        await asyncio.to_thread(_ingest_through_server, settings, paths=("dcos",), tenant="default", groups=(), prune=False)
    assert exit_.value.code == 1  # a script (or CI step) that ingests nothing must not go on as if it had
    assert "skipped dcos" in capsys.readouterr().err


async def test_an_absolute_path_gets_the_same_sources_locally_and_through_the_server(
        ingest_client: tuple[TestClient, Services, Path]) -> None:
    """The same folder ingested once through the running server and once here is one set of
    documents, not two (the upload used to drop the leading `/` that a local ingest kept)."""
    from bot.app.cli.ingest import _ingest_through_server

    client, services, tmp = ingest_client
    docs = (tmp / "abs" / "docs").resolve()
    docs.mkdir(parents=True)
    (docs / "setup.md").write_text("# Setup\n\nInstall the app.\n")
    settings = services.settings.with_overrides(server_url=str(client.make_url("/")))
    await asyncio.to_thread(_ingest_through_server, settings, paths=(str(docs),), tenant="default", groups=(), prune=False)
    uploaded = _sources(services)
    local = await asyncio.to_thread(services.ingestor.ingest, [docs], tenant="default")
    assert (local.added, local.unchanged) == (0, 1)
    assert _sources(services) == uploaded == [str(docs / "setup.md").lstrip("/")]


async def test_the_operators_own_questions_are_not_customer_traffic_on_the_dashboard(client: TestClient, core: Services) -> None:
    # an `eval` run or an `ask` from the command line is audited, but the dashboard counts customers' messages only
    async def counted() -> tuple[int, list[str]]:
        stats = await (await client.get("/api/v1/admin/stats", headers={"Authorization": f"Bearer {TOKEN}"})).json()
        with Session(core.engine) as session:  # the audit trail keeps every question, the operator's under their own kind
            kinds = [e.kind for e in session.exec(select(AuditEvent).where(AuditEvent.tenant == "default"))]
        return stats["messages"], kinds

    messages, kinds = await counted()
    for question in ("how do I reset my password?", "what is the capital of France?"):
        await core.assistant.ask(question, identity=Identity(tenant="default", user="operator", channel="cli"))
    await core.assistant.ask("how do I reset my password?", identity=Identity(tenant="default", user="u-7", channel="widget"))
    messages_after, kinds_after = await counted()
    assert messages_after == messages + 1
    assert kinds_after.count("operator_outcome") == kinds.count("operator_outcome") + 2
    assert kinds_after.count("outcome") == kinds.count("outcome") + 1


async def test_admin_remove_takes_documents_out_and_the_cli_through_the_server_says_what_went(
        ingest_client: tuple[TestClient, Services, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """`supportbot ingest --remove` while the server holds the store: the server takes the documents out (there
    was no way to remove a document at all), says which names matched nothing, and refuses a malformed request."""
    from bot.app.cli import remove as cli_remove
    from bot.core.errors import StoreBusyError

    client, services, _ = ingest_client
    assert (await client.post("/api/v1/admin/ingest", json={"paths": ["help"], "tenant": "default"}, headers=AUTH)).status == 200
    assert _sources(services) == ["help/refunds.md"]
    for body in ({"tenant": "default"}, {"tenant": "default", "sources": []}, {"tenant": "default", "sources": "help/refunds.md"},
                 {"tenant": "nobody", "sources": ["help/refunds.md"]}, {"sources": ["help/refunds.md"]}, ["help/refunds.md"]):
        response = await client.post("/api/v1/admin/remove", json=body, headers=AUTH)
        assert response.status == 400 and "error" in await response.json(), body
    assert (await client.post("/api/v1/admin/remove", json={"tenant": "default", "sources": ["help"]})).status == 401
    assert _sources(services) == ["help/refunds.md"]

    settings = services.settings.with_overrides(server_url=str(client.make_url("/")))

    def held_by_serve(**_: object) -> object:  # what opening the store finds while `serve` holds it (Milvus Lite)
        raise StoreBusyError("the knowledge store is in use by another process")

    monkeypatch.setattr(cli_remove, "open_services", held_by_serve)
    with pytest.raises(SystemExit) as exit_:
        await asyncio.to_thread(cli_remove.remove_documents, settings, names=("help/refund.md",), tenant="default")
    assert exit_.value.code == 1  # nothing removed: a script must not go on as if it had
    assert "not in default's knowledge base: help/refund.md (did you mean help/refunds.md?)" in capsys.readouterr().err
    await asyncio.to_thread(cli_remove.remove_documents, settings, names=("help/refunds.md",), tenant="default")
    out = capsys.readouterr().out
    assert "removed help/refunds.md" in out and "default (through the server): 1 removed, 0 not found" in out
    assert _sources(services) == [] and services.store.count(tenant="default") == 0


async def test_ingest_remove_through_the_server_loads_no_embedding_model(ingest_client: tuple[TestClient, Services, Path]) -> None:
    """`supportbot ingest --remove` while another process holds the store: it loaded the embedding model before
    finding the store busy and asking the server (seconds, for nothing); a model that cannot be loaded at all
    now stops no removal, and the server takes the document out."""
    import os
    import sys

    from tests.databases import database_env

    client, services, _ = ingest_client
    assert (await client.post("/api/v1/admin/ingest", json={"paths": ["help"], "tenant": "default"}, headers=AUTH)).status == 200
    data_dir = services.settings.data_dir
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2]), "SUPPORTBOT_DATA_DIR": str(data_dir),
           **database_env(data_dir), "SUPPORTBOT_ADMIN_TOKEN": TOKEN, "SUPPORTBOT_SERVER_URL": str(client.make_url("/")),
           "SUPPORTBOT_SAMPLE_KB": "0", "SUPPORTBOT_EMBEDDING_MODEL": "no-such/embedding-model"}
    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "supportbot"), "ingest", "--remove", "help/refunds.md", "--tenant", "default",
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), timeout=300)
    assert process.returncode == 0, err.decode()
    assert "default (through the server): 1 removed, 0 not found" in out.decode()
    assert _sources(services) == []
