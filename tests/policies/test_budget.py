"""Budgets: periods that reset (day, week from Monday, month; anything else refused at start), a
customer's own limit apart from the tenant's, prices per 1,000 tokens, spend per day in `supportbot
usage` and on the dashboard, and an over-budget message that steps down to the extractive tier and,
when that has nothing confident to say, to a person; never an error, never a model call."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.database import open_database
from bot.core.errors import ConfigError
from bot.engine.models import ModelReply
from bot.engine.pipeline import Identity
from bot.app.composition import Services, build_services
from policies.budget import BudgetBook, period_start
from tests.conftest import make_settings
from tests.databases import database_env
from tests.fakes.model_servers import FakeOllama, FakeOpenAI

ROOT = Path(__file__).resolve().parents[2]
PRICES = json.dumps({"gpt-4o-mini": [0.00015, 0.0006], "qwen2.5:0.5b": [0.00001, 0.00002]})


def book(tmp_path: Path, tenants: str, clock: list[datetime]) -> BudgetBook:
    (tmp_path / "tenants.toml").write_text(tenants)
    settings = make_settings(tmp_path / "data", SUPPORTBOT_TENANTS_FILE=str(tmp_path / "tenants.toml"), SUPPORTBOT_PRICES=PRICES)
    return BudgetBook(engine=open_database(settings.database_url, upgrade=True), settings=settings, clock=lambda: clock[0])


def call(tokens_in: int, tokens_out: int, *, model: str = "gpt-4o-mini", tier: str = "remote") -> ModelReply:
    return ModelReply("answer [1]", tokens_in, tokens_out, model, tier, 0.5)


@pytest.mark.parametrize("period", ["fortnight", "weekly", ""])
def test_an_unknown_budget_period_is_refused_at_start(tmp_path: Path, period: str) -> None:
    with pytest.raises(ConfigError, match=rf"\[tenants.acme.budget\] period must be one of 'day', 'week', 'month', not '{period}'"):
        book(tmp_path, f'[tenants.default]\n[tenants.acme.budget]\nperiod = "{period}"\ntenant_usd = 5\n', [datetime.now(UTC)])
    with pytest.raises(ConfigError, match="tenant_usd must be a number"):
        book(tmp_path, '[tenants.default]\n[tenants.acme.budget]\ntenant_usd = "lots"\n', [datetime.now(UTC)])


def test_prices_are_per_thousand_tokens(tmp_path: Path) -> None:
    budget = book(tmp_path, "[tenants.default]\n", [datetime.now(UTC)])
    # gpt-4o-mini: $0.15 per million tokens in, $0.60 per million out
    assert budget.price(call(1_000_000, 1_000_000)) == pytest.approx(0.75)


def test_a_customers_own_limit_stops_only_that_customer(tmp_path: Path) -> None:
    clock = [datetime(2026, 11, 25, 10, tzinfo=UTC)]
    budget = book(tmp_path, "[tenants.default]\n[tenants.default.budget]\nuser_usd = 0.01\ntenant_usd = 1.0\n", clock)
    budget.record(call(20_000, 10_000), tenant="default", user="spender", conversation_id="c1")  # $0.009
    assert budget.allows("remote", tenant="default", user="spender")
    budget.record(call(10_000, 0), tenant="default", user="spender", conversation_id="c1")  # $0.0105 in all
    assert not budget.allows("remote", tenant="default", user="spender")
    assert budget.allows("extractive", tenant="default", user="spender")
    assert budget.allows("remote", tenant="default", user="someone-else")


def test_anonymous_visitors_share_one_budget_that_leaves_signed_in_customers_theirs(tmp_path: Path) -> None:
    clock = [datetime(2026, 11, 25, 10, tzinfo=UTC)]
    budget = book(tmp_path, "[tenants.default]\n[tenants.default.budget]\nanonymous_usd = 0.01\ntenant_usd = 1.0\n", clock)
    budget.record(call(20_000, 10_000), tenant="default", user=None, conversation_id="a1")  # $0.009
    assert budget.allows("remote", tenant="default", user=None)
    budget.record(call(10_000, 0), tenant="default", user=None, conversation_id="a2")  # another visitor: $0.0105 in all
    assert not budget.allows("remote", tenant="default", user=None)  # every anonymous visitor steps down now
    assert budget.allows("extractive", tenant="default", user=None)
    assert budget.allows("remote", tenant="default", user="signed-in")  # a known customer is not held back
    clock[0] = datetime(2026, 11, 26, 0, 1, tzinfo=UTC)
    assert budget.allows("remote", tenant="default", user=None)  # a new day
    with pytest.raises(ConfigError, match="anonymous_usd must be a number"):
        book(tmp_path, '[tenants.default]\n[tenants.acme.budget]\nanonymous_usd = "some"\n', clock)


@pytest.mark.parametrize(("period", "spent_at", "still_over", "reset_at"), [
    ("day", datetime(2026, 11, 25, 23, 50, tzinfo=UTC), datetime(2026, 11, 25, 23, 59, tzinfo=UTC), datetime(2026, 11, 26, 0, 1, tzinfo=UTC)),
    # 2026-11-25 is a Wednesday: the week runs to Sunday night
    ("week", datetime(2026, 11, 25, 9, tzinfo=UTC), datetime(2026, 11, 29, 23, 0, tzinfo=UTC), datetime(2026, 11, 30, 0, 1, tzinfo=UTC)),
    ("month", datetime(2026, 11, 2, 9, tzinfo=UTC), datetime(2026, 11, 30, 23, 0, tzinfo=UTC), datetime(2026, 12, 1, 0, 1, tzinfo=UTC)),
])
def test_spend_resets_when_the_period_ends(tmp_path: Path, period: str, spent_at: datetime, still_over: datetime, reset_at: datetime) -> None:
    clock = [spent_at]
    budget = book(tmp_path, f'[tenants.default]\n[tenants.default.budget]\nperiod = "{period}"\ntenant_usd = 0.001\n', clock)
    budget.record(call(10_000, 10_000), tenant="default", user="u1", conversation_id="c1")
    clock[0] = still_over
    assert not budget.allows("remote", tenant="default", user="u1")
    clock[0] = reset_at
    assert budget.allows("remote", tenant="default", user="u1")
    assert period_start(period, reset_at) <= reset_at


def test_usage_reports_spend_per_day_tenant_and_user(tmp_path: Path) -> None:
    clock = [datetime.now(UTC).replace(hour=1)]
    (tmp_path / "tenants.toml").write_text("[tenants.default]\n[tenants.acme]\n")
    budget = book(tmp_path, "[tenants.default]\n[tenants.acme]\n", clock)
    budget.record(call(10_000, 1_000), tenant="acme", user="alice", conversation_id="c1")
    budget.record(call(10_000, 1_000), tenant="acme", user="bob", conversation_id="c2")
    budget.record(call(1_000, 0), tenant="default", user="carol", conversation_id="c3")
    env = {"SUPPORTBOT_DATA_DIR": str(tmp_path / "data"), "SUPPORTBOT_TENANTS_FILE": str(tmp_path / "tenants.toml"),
           "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", **database_env(tmp_path / "data")}

    def usage(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "bot.app.cli.main", "usage", *args], capture_output=True, text=True, timeout=120, cwd=ROOT, env=env)

    text = usage("--tenant", "acme")
    assert text.returncode == 0, text.stderr
    today = clock[0].strftime("%Y-%m-%d")
    assert "acme: $0.0042 in 2 model calls" in text.stdout and "spend per user: alice $0.0021, bob $0.0021" in text.stdout
    assert f"{today}: $0.0042 in 2 calls; per user: alice $0.0021, bob $0.0021" in text.stdout
    assert "carol" not in text.stdout and "default" not in text.stdout
    report = json.loads(usage("--json").stdout)["tenants"]
    assert report["default"]["days"][today] == {"cost_usd": 0.00015, "calls": 1, "users": {"carol": 0.00015}}
    assert report["acme"]["tier_cost_usd"] == {"remote": 0.0042}
    refused = usage("--days", "0")
    assert refused.returncode == 2 and "--days" in refused.stderr
    unknown = usage("--tenant", "nobody")
    assert unknown.returncode == 2 and "unknown tenant 'nobody'" in unknown.stderr


@pytest.fixture(scope="module")
def services(servers: tuple[FakeOllama, FakeOpenAI], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    ollama, openai = servers
    folder = tmp_path_factory.mktemp("budget")
    (folder / "tenants.toml").write_text(
        "[tenants.default]\n"
        "[tenants.broke.budget]\ntenant_usd = 0\n"
        "[tenants.strict.budget]\ntenant_usd = 0\n[tenants.strict.thresholds]\nmin_confidence = 0.99\nmin_words_confidence = 1.0\n"
    )
    built = build_services(make_settings(
        folder / "data", SUPPORTBOT_TENANTS_FILE=str(folder / "tenants.toml"), SUPPORTBOT_PRICES=PRICES,
        OLLAMA_HOST=ollama.url, SUPPORTBOT_LOCAL_MODEL="qwen2.5:0.5b",
        OPENAI_BASE_URL=openai.url + "/v1", OPENAI_API_KEY="sk-test", SUPPORTBOT_REMOTE_MODEL="gpt-4o-mini",
    ))
    built.start()
    sample = ROOT / "knowledge" / "sample_kb"
    for tenant in ("broke", "strict"):
        built.ingestor.ingest([sample], tenant=tenant, display_base=sample.parent)
        built.access.refresh(tenant)
    yield built
    built.close()


async def test_over_budget_steps_down_to_extractive_then_to_a_person(services: Services, servers: tuple[FakeOllama, FakeOpenAI]) -> None:
    ollama, openai = servers
    question = "I followed the SAML guide but users from Okta still can't log in, what else should we check and why?"
    quoted = await services.assistant.ask(question, identity=Identity(tenant="broke", user="u1", channel="test"))
    assert quoted.route == "extractive" and quoted.outcome.value == "answer" and "Source:" in quoted.answer
    assert {"over budget for remote", "over budget for local"} <= set(quoted.details["routing"]["reasons"])
    # the same question where the quote is not confident enough: a person, with the usual notice
    handed = await services.assistant.ask(question, identity=Identity(tenant="strict", user="u1", channel="test"))
    # the quote comes from relevant passages the gate does not trust enough: low confidence
    assert handed.outcome.value == "handoff" and handed.handoff_reason is not None and handed.handoff_reason.value == "low_confidence"
    assert "over budget for local" in handed.details["routing"]["reasons"]
    assert ollama.requests == [] and openai.requests == []  # nothing spent over budget


def test_the_dashboard_shows_spend_per_day_tenant_and_user(services: Services) -> None:
    from bot.app.admin import collect_stats, dashboard_html, pseudonym_key
    from bot.engine.assistant import pseudonym

    services.budget.record(call(10_000, 1_000), tenant="default", user="dana", conversation_id="c9")
    stats = collect_stats(services, days=7)
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    assert stats["spend"]["default"]["days"][today]["cost_usd"] >= 0.0021
    assert stats["cost_usd"]["default"] >= 0.0021
    # per user as the audit trail names them (a keyed pseudonym), never the id, which may be an e-mail
    dana = "default/" + pseudonym(pseudonym_key(services), tenant="default", user="dana")
    assert stats["spend_per_user"][dana] == pytest.approx(0.0021)
    page = dashboard_html(services, days=7)
    assert "Model spend per day" in page and f"<td>{today}</td><td>default</td>" in page and f"{dana}</td><td>0.0021" in page
    assert 'aria-label="Model spend per user' in page and "dana<" not in page and ">dana" not in page