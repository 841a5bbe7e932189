from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.settings import Settings, load_tenants


def test_defaults_live_in_the_data_dir(tmp_path: Path) -> None:
    settings = Settings.from_env({"SUPPORTBOT_DATA_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'supportbot.db'}"
    assert settings.milvus_uri == str(tmp_path / "milvus.db") and settings.milvus_is_local
    assert list(settings.tenants) == ["default"]
    assert settings.ollama_host is None and settings.openai_base_url is None


def test_tenants_file_sets_thresholds_groups_and_widget(tmp_path: Path) -> None:
    path = tmp_path / "tenants.toml"
    path.write_text(
        '[tenants.acme]\nhuman_request_examples = ["my account manager please"]\n'
        '[tenants.acme.thresholds]\nmin_confidence = 0.6\n'
        '[tenants.acme.users]\nU1 = ["billing-admins"]\n'
        '[tenants.acme.widget]\nkeys = ["k1"]\nallowed_origins = ["https://help.acme.example"]\n'
    )
    settings = Settings.from_env({"SUPPORTBOT_DATA_DIR": str(tmp_path), "SUPPORTBOT_TENANTS_FILE": str(path)})
    acme = settings.tenant("acme")
    assert acme.thresholds.min_confidence == 0.6
    assert acme.groups_for("U1") == ("billing-admins", "public")
    assert acme.groups_for("U2") == ("public",)
    assert acme.widget_keys == ("k1",) and acme.allowed_origins == ("https://help.acme.example",)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[tenants.a.thresholds]\nmin_confidance = 0.5\n", "unknown threshold"),
        ("not toml at all [", "not valid TOML"),
        ("[other]\nx = 1\n", "defines no"),
    ],
)
def test_bad_tenants_file_fails_loudly_at_start(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "tenants.toml"
    path.write_text(content)
    with pytest.raises(ConfigError, match=message):
        Settings.from_env({"SUPPORTBOT_DATA_DIR": str(tmp_path), "SUPPORTBOT_TENANTS_FILE": str(path)})


def test_missing_tenants_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        Settings.from_env({"SUPPORTBOT_TENANTS_FILE": str(tmp_path / "nope.toml")})
    with pytest.raises(ConfigError, match="unknown tenant 'x'"):
        Settings.from_env({"SUPPORTBOT_DATA_DIR": str(tmp_path)}).tenant("x")


@pytest.mark.parametrize(("value", "expected"), [(None, None), ("2", 2)])
def test_embedding_threads_are_a_setting(tmp_path: Path, value: str | None, expected: int | None) -> None:
    env = {"SUPPORTBOT_DATA_DIR": str(tmp_path)} | ({"SUPPORTBOT_EMBED_THREADS": value} if value else {})
    assert Settings.from_env(env).embed_threads == expected


@pytest.mark.parametrize("value", ["zero", "-1"])
def test_bad_embedding_threads_fail_with_the_setting_named(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigError, match="SUPPORTBOT_EMBED_THREADS"):
        Settings.from_env({"SUPPORTBOT_DATA_DIR": str(tmp_path), "SUPPORTBOT_EMBED_THREADS": value})


def test_a_tenants_file_includes_the_thresholds_eval_calibrated(tmp_path: Path) -> None:
    (tmp_path / "calibrated").mkdir()
    (tmp_path / "calibrated" / "acme.toml").write_text(
        '[tenants.acme.thresholds]\nmin_confidence = 0.83\nmin_choice_confidence = 0.7\nclarify_gap = 0.05\nmin_dense = 0.45\n'
    )
    tenants = tmp_path / "tenants.toml"
    tenants.write_text('include = ["calibrated/acme.toml"]\n[tenants.acme]\nlanguage = "de"\n[tenants.acme.thresholds]\nmin_dense = 0.5\n')
    acme = load_tenants(tenants)["acme"]
    assert acme.language == "de"
    assert (acme.thresholds.min_confidence, acme.thresholds.min_choice_confidence, acme.thresholds.clarify_gap) == (0.83, 0.7, 0.05)
    assert acme.thresholds.min_dense == 0.5  # the including file's own value wins


def test_a_missing_or_looping_include_stops_the_start_with_the_file_named(tmp_path: Path) -> None:
    tenants = tmp_path / "tenants.toml"
    tenants.write_text('include = "nope.toml"\n[tenants.acme]\n')
    with pytest.raises(ConfigError, match="nope.toml"):
        load_tenants(tenants)
    tenants.write_text('include = ["tenants.toml"]\n[tenants.acme]\n')
    with pytest.raises(ConfigError, match="loop"):
        load_tenants(tenants)
    tenants.write_text('include = [1]\n[tenants.acme]\n')
    with pytest.raises(ConfigError, match="include must be"):
        load_tenants(tenants)
