"""The start-up line and warnings as functions; tests/bot/test_serve.py sees them from a real process."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from bot.app.operations import startup_summary, startup_warnings
from bot.core.config import Settings


def settings(tmp_path: Path, tenants: str = "", **env: str) -> Settings:
    base = {"SUPPORTBOT_DATA_DIR": str(tmp_path)}
    if tenants:
        (tmp_path / "tenants.toml").write_text(tenants)
        base["SUPPORTBOT_TENANTS_FILE"] = str(tmp_path / "tenants.toml")
    return Settings.from_env(base | env)


def test_the_summary_names_tiers_and_desks_but_no_secret(tmp_path: Path) -> None:
    configured = settings(
        tmp_path, OPENAI_API_KEY="sk-secret", OPENAI_BASE_URL="https://user:pw@llm.example/v1", SUPPORTBOT_REMOTE_MODEL="gpt-4o-mini",
        SLACK_BOT_TOKEN="xoxb-secret", SUPPORTBOT_HANDOFF_CHANNEL="C0STAFF", SUPPORTBOT_ADMIN_TOKEN="admin-secret",
    )
    line, fields = startup_summary(
        settings=configured, url="http://0.0.0.0:8080/", models={"remote": SimpleNamespace(model="gpt-4o-mini")},
        desks=["Slack (channel C0STAFF)", "console (/console)"],
    )
    assert fields["tiers"] == ["extractive", "remote (gpt-4o-mini)"]
    assert "staff desks: Slack (channel C0STAFF), console (/console)" in line
    for secret in ("sk-secret", "pw@", "xoxb-secret", "admin-secret"):
        assert secret not in line and secret not in str(fields)


def test_start_warns_of_a_missing_secret_key(tmp_path: Path) -> None:
    # a rollout stage other than `on` is acted on now (bot/engine/rollout.py): no warning for it
    warnings = startup_warnings(settings(tmp_path, '[tenants.acme.rollout]\nstage = "shadow"\n[tenants.default]\n'))
    assert len(warnings) == 1
    assert warnings[0].startswith("SUPPORTBOT_SECRET_KEY is not set")
    assert startup_warnings(settings(tmp_path / "x", SUPPORTBOT_SECRET_KEY="k")) == []
