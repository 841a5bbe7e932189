"""The app the HTTP hardening tests run against (test_http_hardening.py, test_http_limits.py): three
tenants with widget keys and allowed origins, an admin and a metrics token, X-Forwarded-For trusted
and low limits per client address and widget key; and a widget customer starting a conversation from
an address of the test's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from aiohttp.test_utils import TestClient

from tests.conftest import make_settings, running_app

ACME = "https://help.acme.example"


ADMIN = "admin-secret-for-tests"


METRICS_TOKEN = "metrics-scraper-token-0123"


TENANTS = f"""
[tenants.default.widget]
keys = ["demo"]
[tenants.acme.widget]
keys = ["acme-key"]
allowed_origins = ["{ACME}"]
[tenants.other.widget]
keys = ["other-key"]
allowed_origins = ["https://help.other.example"]
[tenants.shop1.widget]
keys = ["shop1-key"]
allowed_origins = ["https://shops.example"]
[tenants.shop2.widget]
keys = ["shop2-key"]
allowed_origins = ["https://shops.example"]
""" + "".join(f'[tenants.t{n}.widget]\nkeys = ["k{n}"]\n' for n in range(1, 7))


LIMITS = {
    "SUPPORTBOT_LIMIT_CONVERSATIONS_PER_ADDRESS": "4", "SUPPORTBOT_LIMIT_MESSAGES_PER_ADDRESS": "6",
    "SUPPORTBOT_LIMIT_FEEDBACK_PER_ADDRESS": "3", "SUPPORTBOT_LIMIT_HANDOFFS_PER_ADDRESS": "2",
    "SUPPORTBOT_LIMIT_CONVERSATIONS_PER_WIDGET_KEY": "20", "SUPPORTBOT_LIMIT_HANDOFFS_PER_WIDGET_KEY": "4",
}


@asynccontextmanager
async def hardened_app(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TestClient]:
    """The whole app on these settings, ready (a module's `client` fixture)."""
    tenants = tmp_path_factory.mktemp("tenants") / "tenants.toml"
    tenants.write_text(TENANTS)
    settings = make_settings(tmp_path_factory.mktemp("hardening"), SUPPORTBOT_TENANTS_FILE=str(tenants), SUPPORTBOT_ADMIN_TOKEN=ADMIN,
                             SUPPORTBOT_METRICS_TOKEN=METRICS_TOKEN, SUPPORTBOT_TRUST_FORWARDED_FOR="1", **LIMITS)
    async with running_app(settings, timeout=180) as client:
        yield client


def at(address: str, **headers: str) -> dict[str, str]:
    return {"X-Forwarded-For": address, **headers}


async def start(client: TestClient, address: str, key: str = "demo", **headers: str) -> tuple[str, dict[str, str]]:
    response = await client.post("/api/v1/conversations", json={"widget_key": key}, headers=at(address, **headers))
    assert response.status == 201, await response.text()
    data = await response.json()
    return data["conversation_id"], {"Authorization": f"Bearer {data['token']}", **at(address, **headers)}
