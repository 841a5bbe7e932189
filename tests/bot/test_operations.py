"""The start-up line and warnings as functions; tests/bot/test_serve.py sees them from a real process."""

from __future__ import annotations

import logging
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.app.operations import customer_channels, startup_summary, startup_warnings
from bot.app.vector_endpoint import start_waiting_for_endpoint
from bot.core.config import Settings
from bot.core.errors import StoreUnavailableError


def settings(tmp_path: Path, tenants: str = "", **env: str) -> Settings:
    base = {"SUPPORTBOT_DATA_DIR": str(tmp_path)}
    if tenants:
        (tmp_path / "tenants.toml").write_text(tenants)
        base["SUPPORTBOT_TENANTS_FILE"] = str(tmp_path / "tenants.toml")
    return Settings.from_env(base | env)


def test_the_summary_names_tiers_and_desks_but_no_secret(tmp_path: Path) -> None:
    configured = settings(
        tmp_path, OPENAI_API_KEY="sk-secret", OPENAI_BASE_URL="https://user:pw@llm.example/v1", SUPPORTBOT_REMOTE_MODEL="gpt-4o-mini",
        SLACK_BOT_TOKEN="xoxb-secret", SUPPORTBOT_HANDOFF_CHANNEL="C0STAFF", SUPPORTBOT_ADMIN_TOKEN="admin-secret-for-tests",
    )
    line, fields = startup_summary(
        settings=configured, url="http://0.0.0.0:8080/", models={"remote": SimpleNamespace(model="gpt-4o-mini")},
        desks=["Slack (channel C0STAFF)", "console (/console)"],
        channels=customer_channels(slack_on=True, telegram_tenants={"acme": object(), "default": object()}),
    )
    assert fields["tiers"] == ["extractive", "remote (gpt-4o-mini)"]
    assert "staff desks: Slack (channel C0STAFF), console (/console)" in line
    assert "customers: widget (/), Telegram (acme, default), Slack;" in line
    for secret in ("sk-secret", "pw@", "xoxb-secret", "admin-secret-for-tests"):
        assert secret not in line and secret not in str(fields)


def test_start_warns_of_a_missing_secret_key(tmp_path: Path) -> None:
    # a rollout stage other than `on` is acted on now (bot/engine/rollout.py): no warning for it
    warnings = startup_warnings(settings(tmp_path, '[tenants.acme.rollout]\nstage = "shadow"\n[tenants.default]\n'))
    assert len(warnings) == 1
    assert warnings[0].startswith("SUPPORTBOT_SECRET_KEY is not set")
    assert startup_warnings(settings(tmp_path / "x", SUPPORTBOT_SECRET_KEY="k")) == []


def test_start_says_how_to_try_the_widget_when_no_tenant_has_the_demo_pages_key(tmp_path: Path) -> None:
    # a tenants file with its own tenant: the demo page at / chatted with key 'demo', refused by the server,
    # and the widget said "please try again" to every message, with nothing in the log
    own = settings(tmp_path, '[tenants.halden.widget]\nkeys = ["halden-key"]\n', SUPPORTBOT_SECRET_KEY="k")
    warnings = startup_warnings(own)
    assert len(warnings) == 2 and "no tenant of the tenants file has" in warnings[0]
    assert "/?widget_key=halden-key" in warnings[0] and "tenant halden's widget" in warnings[0]
    (tmp_path / "y").mkdir()
    (tmp_path / "z").mkdir()
    listed = settings(tmp_path / "y", '[tenants.default.widget]\nkeys = ["demo"]\n[tenants.halden.widget]\nkeys = ["h"]\n'
                      'allowed_origins = ["https://help.halden.example"]\n', SUPPORTBOT_SECRET_KEY="k")
    assert startup_warnings(listed) == []
    assert startup_warnings(settings(tmp_path / "z", '[tenants.slackonly]\n', SUPPORTBOT_SECRET_KEY="k")) == []  # no widget at all


def test_start_names_tenants_whose_widget_no_site_may_embed(tmp_path: Path) -> None:
    # a widget key and no allowed_origins: the tag on the help site was refused by the browser, and nothing said why
    own = settings(tmp_path, '[tenants.default.widget]\nkeys = ["demo"]\n[tenants.halden.widget]\nkeys = ["h"]\n'
                   '[tenants.wren.widget]\nkeys = ["w"]\nallowed_origins = ["https://help.wren.example"]\n', SUPPORTBOT_SECRET_KEY="k")
    warnings = startup_warnings(own)
    assert len(warnings) == 1 and warnings[0].startswith("tenant halden has widget keys but no allowed_origins")


# the demo page at / -----------------------------------------------------------------------------
PAGE = Path(__file__).resolve().parents[2] / "channels" / "widget_static" / "index.html"


async def demo(settings_: Settings, query: str = "") -> str:
    from aiohttp import web
    from aiohttp.test_utils import TestClient, TestServer

    from bot.app.operations import demo_page

    app = web.Application()
    app.router.add_get("/", demo_page(settings_, PAGE))
    async with TestClient(TestServer(app)) as client:
        response = await client.get("/" + query)
        assert response.status == 200 and response.content_type == "text/html"
        return await response.text()


async def test_the_demo_page_shows_another_tenant_as_itself_not_the_sample_help_center(tmp_path: Path) -> None:
    # qa12: /?widget_key=<tenant wren's key> put wren's widget on the sample help center's page (Paperkite's
    # title, articles and links), though wren's widget answers from wren's own knowledge base
    own = settings(tmp_path, '[tenants.default.widget]\nkeys = ["demo"]\n[tenants.wren.widget]\nkeys = ["wren-site"]\n')
    page = await demo(own, "?widget_key=wren-site")
    assert "Paperkite" not in page and "paperkite" not in page
    assert "<title>wren" in page and 'data-widget-key="wren-site"' in page and 'data-widget-key="demo"' not in page
    # the tag to embed, and what else the help site needs: its origin listed (else the browser refuses the widget)
    assert "/widget.js&quot; data-widget-key=&quot;wren-site&quot;" in page
    assert "<code>allowed_origins</code> of <code>[tenants.wren.widget]</code>" in page
    assert "Paperkite" in await demo(own)  # the default tenant's page is the sample help center's, whose widget it has
    assert "Paperkite" in await demo(own, "?widget_key=demo")


async def test_the_demo_page_is_neutral_where_the_sample_help_center_is_not_the_tenants(tmp_path: Path) -> None:
    # no sample help center (SUPPORTBOT_SAMPLE_KB=false): the default tenant's widget answers from the operator's own
    off = settings(tmp_path, SUPPORTBOT_SAMPLE_KB="false")
    page = await demo(off)
    assert "Paperkite" not in page and 'data-widget-key="demo"' in page and "<title>default" in page
    # a tenants file where no tenant has the page's key: the widget would answer every message "please try again";
    # the page says how to open it with a key of the file instead (naming no key: the page is public)
    (tmp_path / "other").mkdir()
    none = settings(tmp_path / "other", '[tenants.wren.widget]\nkeys = ["wren-site"]\n')
    page = await demo(none)
    assert "Paperkite" not in page and "data-widget-key" not in page and "?widget_key=" in page and "wren-site" not in page
    # a key no tenant has is never written into the page, whichever page it is
    page = await demo(none, '?widget_key="><script>alert(1)</script>')
    assert "alert(1)" not in page and "data-widget-key" not in page
    # a mistyped key is said to be the one given, not the page's own `demo` (the operator had given one)
    page = await demo(none, "?widget_key=wren-sit")
    assert "given in this page's address" in page and "when none is given" not in page and "wren-sit" not in page
    assert "when none is given" in await demo(none)


# the port, checked before anything loads ---------------------------------------------------------
def test_the_port_check_lets_processes_that_share_a_port_through_and_names_a_taken_one() -> None:
    import socket

    import pytest

    from bot.app.operations import check_port_free
    from bot.core.errors import ConfigError

    with socket.socket() as shared_listener:  # another `serve` on PostgreSQL: it listens with SO_REUSEPORT
        shared_listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        shared_listener.bind(("127.0.0.1", 0))
        shared_listener.listen()
        port = shared_listener.getsockname()[1]
        check_port_free(host="127.0.0.1", port=port, shared=True)  # the next process of the set may bind it too
        with pytest.raises(ConfigError, match=f"cannot listen on 127.0.0.1:{port}: address already in use"):
            check_port_free(host="127.0.0.1", port=port, shared=False)
    with socket.socket() as other:  # any other program on the port
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        with pytest.raises(ConfigError, match="address already in use"):
            check_port_free(host="127.0.0.1", port=port, shared=True)
    check_port_free(host="127.0.0.1", port=port, shared=False)  # free again: the check leaves nothing bound
    check_port_free(host="127.0.0.1", port=port, shared=False)


def test_the_port_check_says_what_to_do_about_an_address_this_machine_does_not_have() -> None:
    import pytest

    from bot.app.operations import check_port_free
    from bot.core.errors import ConfigError

    # it said "(another process? choose another with --port ...)", though the port was free and --host was the fault
    with pytest.raises(ConfigError, match=r"cannot listen on 192\.0\.2\.1:8080: .*choose another with --host"):
        check_port_free(host="192.0.2.1", port=8080, shared=False)  # TEST-NET-1 (RFC 5737): no machine's address


async def test_waiting_for_the_milvus_endpoint_says_whether_readyz_answers_meanwhile(caplog: pytest.LogCaptureFixture) -> None:
    """One of several processes on PostgreSQL listens only once ready: the log said "/readyz says 503 until
    then" to an operator whose /readyz (and /healthz) refused the connection."""
    class Endpoint:
        def __init__(self) -> None:
            self.tries = 0

        def start(self) -> None:
            self.tries += 1
            if self.tries == 1:
                raise StoreUnavailableError("the Milvus endpoint http://vectors:19530 cannot be reached")

    with caplog.at_level(logging.ERROR):
        await start_waiting_for_endpoint(Endpoint(), retry=0.01)
        await start_waiting_for_endpoint(Endpoint(), retry=0.01, listening=False)
    said = [r.getMessage() for r in caplog.records]
    assert "/readyz says 503 until then" in said[0]
    assert "/readyz" not in said[1] and "listens once it is reached" in said[1]
