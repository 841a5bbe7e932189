"""Issue 19 on the HTTP side, against the real app in-process: CORS per tenant, bad input that used
to give 500, the token oracle, expiring and rotating tokens, and the admin cookie. Limits per client
address and widget key, and the handoff and feedback floods: test_http_limits.py.

The app trusts X-Forwarded-For here, so each test counts against its own client address (the app:
hardened_app.py).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from bot.app.tokens import Tokens
from tests.bot.hardened_app import ACME, ADMIN, METRICS_TOKEN, at, hardened_app, start
from tests.conftest import make_settings


@pytest.fixture(scope="module")
async def client(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TestClient]:
    async with hardened_app(tmp_path_factory) as client:
        yield client


# 1. CORS --------------------------------------------------------------------------------------------
async def test_a_preflight_from_a_listed_origin_is_allowed_and_others_are_not(client: TestClient) -> None:
    ask = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type"}
    allowed = await client.options("/api/v1/conversations", headers={"Origin": ACME, **ask})
    assert allowed.status == 204
    assert allowed.headers["Access-Control-Allow-Origin"] == ACME
    assert "POST" in allowed.headers["Access-Control-Allow-Methods"]
    assert {"authorization", "content-type"} <= {h.strip().lower() for h in allowed.headers["Access-Control-Allow-Headers"].split(",")}
    assert "Origin" in allowed.headers["Vary"]
    later = await client.options("/api/v1/conversations/abc/messages", headers={"Origin": ACME, **ask})
    assert later.status == 204 and later.headers["Access-Control-Allow-Origin"] == ACME
    refused = await client.options("/api/v1/conversations", headers={"Origin": "https://evil.example", **ask})
    assert "Access-Control-Allow-Origin" not in refused.headers and "Origin" in refused.headers["Vary"]


async def test_a_refused_site_is_logged_once_for_the_operator(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    # the browser shows the site's owner only "failed" (and the customer "please try again"): the server's log said nothing
    ask = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    with caplog.at_level("WARNING", logger="bot.app.cors"):
        for _ in range(3):
            await client.options("/api/v1/conversations", headers={"Origin": "https://forgotten.example", **ask})
        await client.options("/api/v1/conversations", headers={"Origin": ACME, **ask})
    said = [r.getMessage() for r in caplog.records if r.name == "bot.app.cors"]
    assert len(said) == 1 and "https://forgotten.example" in said[0] and "allowed_origins" in said[0], said


async def test_every_response_to_a_listed_origin_carries_cors_headers_errors_too(client: TestClient) -> None:
    origin = {"Origin": ACME}
    conversation, auth = await start(client, "10.1.0.1", "acme-key", **origin)
    ok = await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "hello"}, headers=auth)
    bad_json = await client.post(f"/api/v1/conversations/{conversation}/messages", data="{", headers={**auth, "Content-Type": "application/json"})
    bad_key = await client.post("/api/v1/conversations", json={"widget_key": "nope"}, headers=at("10.1.0.1", **origin))
    wrong_token = await client.get(f"/api/v1/conversations/{conversation}/messages", headers=at("10.1.0.1", Authorization="Bearer x", **origin))
    for response in (ok, bad_json, bad_key, wrong_token):
        assert response.headers.get("Access-Control-Allow-Origin") == ACME, (response.status, dict(response.headers))
        assert "Retry-After" in response.headers["Access-Control-Expose-Headers"]
        assert "Origin" in response.headers["Vary"]
        assert response.content_type == "application/json"
    assert (ok.status, bad_json.status, bad_key.status, wrong_token.status) == (200, 400, 401, 401)
    statuses = []
    for _ in range(5):  # past the address's 4 conversations a minute
        response = await client.post("/api/v1/conversations", json={"widget_key": "acme-key"}, headers=at("10.1.0.1", **origin))
        statuses.append(response.status)
    assert statuses[-1] == 429
    assert response.headers["Access-Control-Allow-Origin"] == ACME and int(response.headers["Retry-After"]) >= 1


async def test_another_tenants_origin_gets_no_cors_headers(client: TestClient) -> None:
    other = {"Origin": "https://help.other.example"}
    conversation, auth = await start(client, "10.1.0.2", "acme-key")
    response = await client.get(f"/api/v1/conversations/{conversation}/messages", headers={**auth, **other})
    assert response.status == 403 and "Access-Control-Allow-Origin" not in response.headers
    refused = await client.post("/api/v1/conversations", json={"widget_key": "acme-key"}, headers=at("10.1.0.2", **other))
    assert refused.status == 403 and "Access-Control-Allow-Origin" not in refused.headers


async def test_a_call_without_a_widget_key_opens_the_tenant_its_origin_is_listed_by(client: TestClient) -> None:
    # before: a keyless call opened a conversation of the demo key's tenant ("default") whatever its Origin,
    # answered from the wrong help center (and, in a browser, with no CORS header for acme's site)
    acme = await client.post("/api/v1/conversations", json={}, headers=at("10.1.1.1", Origin=ACME))
    assert acme.status == 201, await acme.text()
    assert (await acme.json())["tenant"] == "acme" and acme.headers["Access-Control-Allow-Origin"] == ACME
    bare = await client.post("/api/v1/conversations", headers=at("10.1.1.1", Origin=ACME))  # no body at all
    assert bare.status == 201 and (await bare.json())["tenant"] == "acme"
    # no Origin (a server-side client), or the API's own pages: the demo key's tenant, as the contract's bare POST
    # (test_a_call_without_a_widget_key_from_a_site_no_tenant_lists; here they would use up the demo key's limit)


async def test_a_call_without_a_widget_key_from_an_ambiguous_or_unknown_site_is_refused_clearly(client: TestClient) -> None:
    shared = await client.post("/api/v1/conversations", json={}, headers=at("10.1.1.3", Origin="https://shops.example"))
    assert shared.status == 400 and "widget_key" in (await shared.json())["error"]
    # the site can read why (both tenants list it)
    assert shared.headers["Access-Control-Allow-Origin"] == "https://shops.example"
    keyed = await client.post("/api/v1/conversations", json={"widget_key": "shop2-key"}, headers=at("10.1.1.3", Origin="https://shops.example"))
    assert keyed.status == 201 and (await keyed.json())["tenant"] == "shop2"
    nobody = await client.post("/api/v1/conversations", json={}, headers=at("10.1.1.4", Origin="https://blog.example"))
    assert nobody.status == 403 and "allowed_origins" in (await nobody.json())["error"]


def test_a_call_without_a_widget_key_from_a_site_no_tenant_lists(tmp_path: Path) -> None:
    from aiohttp import web
    from aiohttp.test_utils import make_mocked_request

    from bot.app.request_checks import tenant_without_key

    tenants = tmp_path / "tenants.toml"
    tenants.write_text(f'[tenants.default.widget]\nkeys = ["demo"]\n[tenants.acme.widget]\nkeys = ["a"]\nallowed_origins = ["{ACME}"]\n')
    settings = make_settings(tmp_path, SUPPORTBOT_TENANTS_FILE=str(tenants))
    request = make_mocked_request("POST", "/api/v1/conversations", headers={"Origin": "https://evil.example", "Host": "api.example"})
    with pytest.raises(web.HTTPForbidden) as refused:
        tenant_without_key(settings, request)
    assert "https://evil.example is not allowed for any widget" in refused.value.text
    own = make_mocked_request("POST", "/api/v1/conversations", headers={"Origin": "https://api.example", "Host": "api.example"})
    assert tenant_without_key(settings, own).name == "default"
    plain = make_mocked_request("POST", "/api/v1/conversations", headers={"Host": "api.example"})
    assert tenant_without_key(settings, plain).name == "default"
    # listed by nobody: the one tenant that allows any site ("*"), where there is one
    tenants.write_text(tenants.read_text() + '[tenants.anysite.widget]\nkeys = ["b"]\nallowed_origins = ["*"]\n')
    assert tenant_without_key(make_settings(tmp_path, SUPPORTBOT_TENANTS_FILE=str(tenants)), request).name == "anysite"


# 6. bad input: clear 400s in JSON, never a 500 ----------------------------------------------------------------
@pytest.mark.parametrize("text", ["\u200b\u200b", "\x00\x00", " \u2060\ufeff\n\t", "\u00ad"])
async def test_text_of_invisible_characters_is_empty(client: TestClient, text: str) -> None:
    conversation, auth = await start(client, "10.3.0.3")
    response = await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": text}, headers=auth)
    assert response.status == 400 and (await response.json())["error"] == "the message is empty"


@pytest.mark.parametrize(("body", "says"), [({}, "the message is missing"), ({"text": 5}, "text must be a string"),
                                            ({"text": None}, "text must be a string"), ({"text": ["hi"]}, "text must be a string")])
async def test_a_missing_or_mistyped_text_is_named_not_called_empty(client: TestClient, body: dict[str, object], says: str) -> None:
    conversation, auth = await start(client, "10.3.0.4")
    response = await client.post(f"/api/v1/conversations/{conversation}/messages", json=body, headers=auth)
    assert response.status == 400 and (await response.json())["error"].startswith(says)


@pytest.mark.parametrize("client_id", ["a\u0000b", "\u0000", "id\u001b[31m"])
async def test_a_client_message_id_with_a_control_character_is_a_clear_400(client: TestClient, client_id: str) -> None:
    """schemathesis sent a NUL in client_message_id: PostgreSQL's text cannot hold one, and the answer was a 500."""
    conversation, auth = await start(client, "10.3.0.5")
    response = await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "hello", "client_message_id": client_id},
                                 headers=auth)
    assert response.status == 400 and (await response.json())["error"] == "client_message_id holds a control character"
    ok = await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "hello", "client_message_id": "ab"}, headers=auth)
    assert ok.status == 200


@pytest.mark.parametrize(
    "raw",
    [
        b'{"text": ' + b"9" * 5000 + b"}",
        b'{"text": "hi", "client_message_id": ' + b"1" * 5000 + b"}",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"text": ' + b"[" * 10_000 + b"]" * 10_000 + b"}",
        b'{"text": ' + b'{"a":' * 50_000 + b"1" + b"}" * 50_000 + b"}",
        b'{"text": "\\ud800"}',
        b'{"text": "ok \\udfff then"}',
        b'{"text": "\xff\xfe"}',
        b"",
        b"null",
        b'{"text": 1e999}',
    ],
    ids=["5000-digits", "5000-digit-id", "deep-array", "10k-deep-array", "deep-object", "lone-high-surrogate", "lone-low-surrogate", "bad-utf8", "empty", "null", "inf"],
)
async def test_hostile_bodies_get_a_json_400_not_a_500(client: TestClient, raw: bytes) -> None:
    conversation, auth = await start(client, f"10.6.{len(raw) % 250}.{raw[-1] if raw else 0}", "k6")
    for url in (f"/api/v1/conversations/{conversation}/messages", f"/api/v1/conversations/{conversation}/feedback", "/api/v1/conversations"):
        response = await client.post(url, data=raw, headers={**auth, "Content-Type": "application/json"})
        # a body without widget_key opens a conversation with the demo key: fine, and never a 500
        expected = {400, 413, 201} if url.endswith("conversations") else {400, 413}
        assert response.status in expected, (url, response.status, await response.text())
        assert response.content_type == "application/json"


async def test_a_body_that_is_not_what_its_content_encoding_says_is_a_json_400(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    # before: "Can not decode content-encoding: gzip" from the body reader was a 500 (and a traceback)
    import gzip

    conversation, auth = await start(client, "10.6.0.9")
    for url in (f"/api/v1/conversations/{conversation}/messages", f"/api/v1/conversations/{conversation}/feedback", "/api/v1/conversations"):
        for encoding in ("gzip", "deflate"):
            response = await client.post(url, data=b'{"text": "hi"}', headers={**auth, "Content-Type": "application/json", "Content-Encoding": encoding})
            assert response.status == 400 and response.content_type == "application/json", (url, response.status, await response.text())
            assert "could not be read" in (await response.json())["error"]
    zipped = gzip.compress(json.dumps({"text": "how do I reset my password?"}).encode())
    response = await client.post(f"/api/v1/conversations/{conversation}/messages", data=zipped,
                                 headers={**auth, "Content-Type": "application/json", "Content-Encoding": "gzip"})
    assert response.status == 200, await response.text()  # a body that is what it says is read as ever
    assert not [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]  # answered, so no traceback in the log


async def test_non_string_fields_are_refused(client: TestClient) -> None:
    for body in ({"widget_key": ["demo"]}, {"widget_key": "demo", "visitor_token": 5}, {"widget_key": "demo", "visitor_token": {"a": 1}},
                 {"widget_key": "x" * 5000}):
        response = await client.post("/api/v1/conversations", json=body, headers=at("10.6.0.2"))
        assert response.status == 400, body
    conversation, auth = await start(client, "10.6.0.2")
    url = f"/api/v1/conversations/{conversation}/messages"
    for body in ({"text": ["hi"]}, {"text": "hi", "client_message_id": {"a": 1}}, {"text": "hi", "client_message_id": "c" * 5000}):
        assert (await client.post(url, json=body, headers=auth)).status == 400, body


async def test_unknown_routes_and_methods_answer_json(client: TestClient) -> None:
    missing = await client.get("/api/v1/nothing-here")
    assert missing.status == 404 and "error" in await missing.json()
    wrong = await client.delete("/api/v1/conversations")
    assert wrong.status == 405 and "error" in await wrong.json() and "POST" in wrong.headers["Allow"]
    plain = await client.get("/api/v1/conversations/abc/stream", headers={"Authorization": "Bearer nope"})
    assert plain.status == 401 and "error" in await plain.json()


@pytest.mark.parametrize("days", ["abc", "99999999999999999999", "-5", "0", "1.5", "", "١٢"])
async def test_admin_refuses_bad_days_with_a_json_400(client: TestClient, days: str) -> None:
    auth = {"Authorization": f"Bearer {ADMIN}"}
    for path in ("/admin", "/api/v1/admin/stats"):
        response = await client.get(path, params={"days": days}, headers=auth)
        assert response.status == 400, (path, days, response.status)
        assert "days" in (await response.json())["error"]
    assert (await client.get("/api/v1/admin/stats", params={"days": "30"}, headers=auth)).status == 200


# 7. no oracle ------------------------------------------------------------------------------------------------
async def test_a_wrong_token_and_an_unknown_conversation_read_the_same(client: TestClient) -> None:
    conversation, auth = await start(client, "10.7.0.1")
    wrong = {"Authorization": "Bearer v2.00000000.1.AAAA", **at("10.7.0.1")}
    for method, suffix in (("GET", "messages"), ("POST", "messages"), ("POST", "feedback"), ("POST", "handoff"), ("GET", "stream")):
        known = await client.request(method, f"/api/v1/conversations/{conversation}/{suffix}", json={"text": "hi"}, headers=wrong)
        unknown = await client.request(method, f"/api/v1/conversations/{'f' * 32}/{suffix}", json={"text": "hi"}, headers=wrong)
        assert known.status == unknown.status == 401
        assert await known.json() == await unknown.json()
        # someone else's valid token, too
        other = await client.request(method, f"/api/v1/conversations/{'e' * 32}/{suffix}", json={"text": "hi"}, headers=auth)
        assert other.status == 401 and await other.json() == await known.json()


# 11. tokens and the admin cookie ---------------------------------------------------------------------------------
def test_tokens_expire_and_rotate_through_a_key_ring() -> None:
    now = [1_000_000.0]
    old = Tokens([b"old-key"], ttl=3600, clock=lambda: now[0])
    token = old.issue("conv")
    assert old.check("conv", token) and not old.check("other", token)
    rotated = Tokens([b"new-key", b"old-key"], ttl=3600, clock=lambda: now[0])
    assert rotated.check("conv", token)  # issued under the old key: still good
    assert rotated.check("conv", rotated.issue("conv"))
    assert not Tokens([b"new-key"], ttl=3600, clock=lambda: now[0]).check("conv", token)  # the old key dropped
    now[0] += 3601
    assert not rotated.check("conv", token)  # expired
    assert not rotated.check("conv", "5" * 64)  # the old unversioned form: no issue time, refused
    assert not rotated.check("conv", token.replace(".", "..", 1))


async def test_the_admin_cookie_is_a_secure_session_not_the_token(client: TestClient) -> None:
    page = await client.get("/admin", params={"token": ADMIN}, allow_redirects=False)
    assert page.status == 303 and page.headers["Location"] == "/admin"  # on to the page without the token
    cookie = page.cookies["supportbot_admin"]
    assert ADMIN not in cookie.value
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/admin"
    assert page.headers["Referrer-Policy"] == "no-referrer"

    async def with_cookie(value: str) -> int:  # sent by hand: the client keeps Secure cookies for https only
        return (await client.get("/admin", headers={"Cookie": f"supportbot_admin={value}"})).status

    assert await with_cookie(cookie.value) == 200  # the session lets the operator reload
    expires, mac = cookie.value.split(".")
    assert await with_cookie(f"{int(expires) + 10**6}.{mac}") == 401  # a longer session forged
    assert await with_cookie(ADMIN) == 401  # the raw token is no session
    assert "error" in json.loads(await (await client.get("/admin")).text())


async def test_metrics_want_their_token_when_one_is_set(client: TestClient) -> None:
    """/metrics told anyone the tenants, their traffic, handoffs and errors. With SUPPORTBOT_METRICS_TOKEN set
    it answers only a scraper sending it as a bearer token."""
    for headers in ({}, {"Authorization": "Bearer wrong-token-of-some-length"}, {"Authorization": f"Basic {METRICS_TOKEN}"}):
        refused = await client.get("/metrics", headers=headers)
        assert refused.status == 401 and refused.headers["WWW-Authenticate"].startswith("Bearer"), headers
        assert "SUPPORTBOT_METRICS_TOKEN" in (await refused.json())["error"]
    scraped = await client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert scraped.status == 200 and "# TYPE" in await scraped.text()
