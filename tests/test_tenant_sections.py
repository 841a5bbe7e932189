"""Each tenant section is parsed once, when the tenants file loads, into a typed record; nothing
outside bot/core reads the TOML table (the reason: a section parsed in six places was parsed six
ways, and a mistake in it surfaced on a customer's message instead of at start)."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

import pytest

from bot.core.errors import ConfigError
from bot.core.tiers import Tier
from handoff.staff_accounts import hash_password
from tests.conftest import make_settings

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "channels", "handoff", "knowledge", "policies")
GROUND = ROOT / "bot" / "core"


def _raw_reads(source: str, name: str) -> list[str]:
    """`x.raw` anywhere in the module: every tenant record is a `TenantConfig`, whose sections are
    fields; no other object in these packages has a `raw` attribute, so any read of one is suspect."""
    return [f"{name}:{node.lineno}: {ast.unparse(node)}"
            for node in ast.walk(ast.parse(source, filename=name)) if isinstance(node, ast.Attribute) and node.attr == "raw"]


def test_no_module_outside_the_ground_layer_reads_a_tenant_table() -> None:
    modules = [p for package in PACKAGES for p in (ROOT / package).rglob("*.py")
               if GROUND not in p.parents and ".venv" not in p.parts]
    assert len(modules) > 100  # the walk found the code, not an empty folder
    assert [hit for path in modules for hit in _raw_reads(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))] == []


def test_the_check_finds_a_read_however_it_is_spelt() -> None:
    source = ('def f(settings, t):\n    a = settings.tenant("acme").raw.get("routing", {})\n'
              '    return a, dict(t.raw)["slack"], getattr(t, "slack")\n')
    assert _raw_reads(source, "m.py") == ['m.py:2: settings.tenant(\'acme\').raw', "m.py:3: t.raw"]


def test_sections_arrive_as_typed_records(tmp_path: Path) -> None:
    digest = hash_password("correct horse battery")
    path = tmp_path / "tenants.toml"
    path.write_text(
        '[tenants.acme.routing]\nprefer = "local"\nremote_groups = ["enterprise"]\n'
        '[tenants.acme.budget]\nperiod = "week"\nuser_usd = 0.5\n'
        '[tenants.acme.handoff]\nreannounce_minutes = 3\n[tenants.acme.handoff.topics.billing]\nchannel = "C0BILL"\nexamples = ["charged twice"]\n'
        '[tenants.acme.widget]\nkeys = ["k"]\njwt_secret = "s3cret"\n'
        '[tenants.acme.telegram]\nbot_token = "123:abc"\n'
        '[tenants.acme.slack]\nteam_id = "T0ACME"\n'
        f'[tenants.acme.staff.alice]\npassword_hash = "{digest}"\ndisplay_name = "Alice"\n'
        '[tenants.beta]\n'
    )
    settings = make_settings(tmp_path, SUPPORTBOT_TENANTS_FILE=str(path))
    acme, beta = settings.tenant("acme"), settings.tenant("beta")
    assert acme.routing.prefer is Tier.LOCAL and acme.routing.remote_groups == ("enterprise",)
    assert (acme.budget.period, acme.budget.user_usd, acme.budget.tenant_usd) == ("week", 0.5, None) and acme.budget.limited
    assert acme.handoff.reannounce_after == timedelta(minutes=3) and acme.handoff.topic("billing").channel == "C0BILL"
    assert (acme.widget.keys, acme.widget.jwt_secret, acme.widget_keys) == (("k",), "s3cret", ("k",))
    assert (acme.telegram.bot_token, acme.telegram.webhook_secret, acme.slack.team_id) == ("123:abc", None, "T0ACME")
    assert acme.staff["alice"].display_name == "Alice" and acme.staff["alice"].password_hash == digest
    # a tenant without the sections gets the defaults: no limits, no topics, no desk accounts
    assert beta.routing.prefer is None and not beta.budget.limited and beta.handoff.topics == () and beta.staff == {}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[tenants.acme.budget]\nperiod = "year"\n', "[tenants.acme.budget] period must be one of"),
        ('[tenants.acme.routing]\nprefer = "cloud"\n', "[tenants.acme.routing] prefer must be one of"),
        ('[tenants.acme.telegram]\nbot_tokn = "1:a"\n', "unknown key(s) 'bot_tokn' in [tenants.acme.telegram]"),
        ('[tenants.acme.staff.bob]\npassword_hash = "plain"\n', "[tenants.acme.staff.bob] in the tenants file: password_hash must be"),
    ],
)
def test_a_bad_section_stops_the_start_naming_file_tenant_and_key(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "tenants.toml"
    path.write_text(content)
    with pytest.raises(ConfigError) as raised:
        make_settings(tmp_path, SUPPORTBOT_TENANTS_FILE=str(path))
    assert message in str(raised.value) and str(path) in str(raised.value)
