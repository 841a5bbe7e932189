from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.core.config import Rollout, Settings, load_tenants
from bot.core.errors import ConfigError


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
        ("[tenants.a.thresholds]\nmin_confidence = 1.5\n", "threshold min_confidence must be from 0 to 1, not 1.5"),
        ("[tenants.a.thresholds]\nclarify_gap = -0.1\n", "threshold clarify_gap must be 0 or more"),
        ('[tenants.a.widget]\nkeys = ["k"]\n[tenants.b.widget]\nkeys = ["k"]\n', "widget key 'k' is listed by both tenant 'a' and tenant 'b'"),
    ],
)
def test_bad_tenants_file_fails_loudly_at_start(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "tenants.toml"
    path.write_text(content)
    with pytest.raises(ConfigError, match=message):
        Settings.from_env({"SUPPORTBOT_DATA_DIR": str(tmp_path), "SUPPORTBOT_TENANTS_FILE": str(path)})


def test_a_tenants_file_that_is_a_folder_or_binary_is_named_without_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot be read"):
        Settings.from_env({"SUPPORTBOT_DATA_DIR": str(tmp_path), "SUPPORTBOT_TENANTS_FILE": str(tmp_path)})
    binary = tmp_path / "tenants.toml"
    binary.write_bytes(b"\xff\xfe\x00[tenants.a]")
    with pytest.raises(ConfigError, match="is not UTF-8 text"):
        Settings.from_env({"SUPPORTBOT_DATA_DIR": str(tmp_path), "SUPPORTBOT_TENANTS_FILE": str(binary)})


def test_a_settings_file_that_is_missing_or_a_folder_says_which(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope.toml \(SUPPORTBOT_CONFIG\) does not exist"):
        Settings.from_env({"SUPPORTBOT_CONFIG": str(tmp_path / "nope.toml"), "SUPPORTBOT_DATA_DIR": str(tmp_path)})
    with pytest.raises(ConfigError, match=r"\(SUPPORTBOT_CONFIG\) is a folder, not a file"):
        Settings.from_env({"SUPPORTBOT_CONFIG": str(tmp_path), "SUPPORTBOT_DATA_DIR": str(tmp_path)})


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


# the settings file (supportbot.toml): typed values, errors that name the key and the file -------
def settings_file(tmp_path: Path, body: str, **env: str) -> Settings:
    path = tmp_path / "supportbot.toml"
    path.write_text(body)
    return Settings.from_env({"SUPPORTBOT_CONFIG": str(path), "SUPPORTBOT_DATA_DIR": str(tmp_path), **env})


@pytest.mark.parametrize(("line", "expected"), [
    ("SUPPORTBOT_SAMPLE_KB = false", False), ("SUPPORTBOT_SAMPLE_KB = true", True),
    ('SUPPORTBOT_SAMPLE_KB = "off"', False), ('SUPPORTBOT_SAMPLE_KB = "False"', False), ("SUPPORTBOT_SAMPLE_KB = 0", False),
])
def test_a_toml_boolean_turns_the_sample_kb_off(tmp_path: Path, line: str, expected: bool) -> None:
    assert settings_file(tmp_path, line + "\n").load_sample_kb is expected


def test_toml_numbers_and_tables_are_typed(tmp_path: Path) -> None:
    settings = settings_file(
        tmp_path, 'SUPPORTBOT_PORT = 9090\nSUPPORTBOT_MAX_QUESTION_CHARS = 500\nSUPPORTBOT_PRICES = {"m" = [0.001, 0.002]}\n'
        'SUPPORTBOT_LOG_FORMAT = "json"\n',
    )
    assert (settings.port, settings.max_question_chars, settings.log_format) == (9090, 500, "json")
    assert settings.prices == {"m": (0.001, 0.002)}


def test_the_environment_wins_over_the_file(tmp_path: Path) -> None:
    assert settings_file(tmp_path, "SUPPORTBOT_SAMPLE_KB = false\n", SUPPORTBOT_SAMPLE_KB="1").load_sample_kb is True


@pytest.mark.parametrize(("line", "key"), [
    ('SUPPORTBOT_PORT = "abc"', "SUPPORTBOT_PORT"),
    ("SUPPORTBOT_PORT = 70000", "SUPPORTBOT_PORT"),
    ("SUPPORTBOT_RATE_LIMIT_PER_MINUTE = -5", "SUPPORTBOT_RATE_LIMIT_PER_MINUTE"),
    ('SUPPORTBOT_MAX_QUESTION_CHARS = "lots"', "SUPPORTBOT_MAX_QUESTION_CHARS"),
    ("SUPPORTBOT_MAX_QUESTION_CHARS = -1", "SUPPORTBOT_MAX_QUESTION_CHARS"),
    ('SUPPORTBOT_PROCESSING_DELAY = "soon"', "SUPPORTBOT_PROCESSING_DELAY"),
    ("SUPPORTBOT_VAULT_TTL_HOURS = 0", "SUPPORTBOT_VAULT_TTL_HOURS"),
    ('SUPPORTBOT_SAMPLE_KB = "maybe"', "SUPPORTBOT_SAMPLE_KB"),
    ('SUPPORTBOT_LOG_FORMAT = "xml"', "SUPPORTBOT_LOG_FORMAT"),
    ('SUPPORTBOT_PRICES = "cheap"', "SUPPORTBOT_PRICES"),
])
def test_a_bad_value_in_the_file_names_the_key_and_the_file(tmp_path: Path, line: str, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        settings_file(tmp_path, line + "\n")
    assert f"{key} in {tmp_path / 'supportbot.toml'}" in str(caught.value)


def test_a_bad_value_in_the_environment_says_so(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="SUPPORTBOT_PORT in the environment must be a whole number from 1 to 65535, got 'abc'"):
        Settings.from_env({"SUPPORTBOT_DATA_DIR": str(tmp_path), "SUPPORTBOT_PORT": "abc"})


@pytest.mark.parametrize(("url", "message"), [
    ("notaurl", "is not a database URL"),
    ("postgresql://bob:pw-never-shown@127.0.0.1:abc/db", "is not a database URL"),
    ("mysql://bob:pw-never-shown@db.example/support", "names a mysql database"),
    ("postgresql+asyncpg://bob:pw-never-shown@db.example/support", "names the driver asyncpg"),
])
def test_a_database_url_supportbot_cannot_use_is_named_without_its_password(tmp_path: Path, url: str, message: str) -> None:
    # before: SQLAlchemy's ArgumentError, int()'s ValueError or ModuleNotFoundError('MySQLdb') tracebacks
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"SUPPORTBOT_DATA_DIR": str(tmp_path), "SUPPORTBOT_DATABASE_URL": url})
    text = str(caught.value)
    assert text.startswith("SUPPORTBOT_DATABASE_URL in the environment ") and message in text, text
    assert "pw-never-shown" not in text and "postgresql://user:password@host:5432/db" in text, text


@pytest.mark.parametrize("uri", ["http://127.0.0.1:abc", "http://:19530", "http://milvus.example:99999", "https://"])
def test_a_milvus_address_without_a_host_or_a_port_number_is_named(tmp_path: Path, uri: str) -> None:
    # before: "http://127.0.0.1:abc" was pymilvus's ValueError traceback at the first search
    with pytest.raises(ConfigError, match=re.escape(f"SUPPORTBOT_MILVUS_URI in the environment must be a server's address such as "
                                                    f"http://host:19530, or a local path, got {uri!r}")):
        Settings.from_env({"SUPPORTBOT_DATA_DIR": str(tmp_path), "SUPPORTBOT_MILVUS_URI": uri})
    for taken in ("http://milvus.example:19530", "https://milvus.example", "http://[::1]:19530", str(tmp_path / "m.db")):
        assert Settings.from_env({"SUPPORTBOT_DATA_DIR": str(tmp_path), "SUPPORTBOT_MILVUS_URI": taken}).milvus_uri == taken


@pytest.mark.parametrize("url", ["postgres://bob@db.example/support", "postgresql+psycopg://bob@db.example/support", "sqlite:////srv/s.db"])
def test_the_database_urls_supportbot_speaks_are_taken(tmp_path: Path, url: str) -> None:
    assert Settings.from_env({"SUPPORTBOT_DATA_DIR": str(tmp_path), "SUPPORTBOT_DATABASE_URL": url}).database_url == url


@pytest.mark.parametrize(("body", "message"), [
    ("SUPPORTBOT_SAMPLE_KBB = false\n", "unknown setting(s) 'SUPPORTBOT_SAMPLE_KBB' in"),
    # the likely name first, before the seventy known ones
    ("SUPPORTBOT_PROT = 9000\n", "supportbot.toml (did you mean SUPPORTBOT_PORT?); known: "),
    ("not toml [", "is not valid TOML"),
])
def test_a_settings_file_with_a_typo_is_refused(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        settings_file(tmp_path, body)


def test_serve_reports_a_bad_setting_in_one_line_without_a_traceback(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from bot.app.cli.main import main

    path = tmp_path / "supportbot.toml"
    path.write_text('SUPPORTBOT_PORT = "abc"\n')
    result = CliRunner().invoke(main, ["serve"], env={"SUPPORTBOT_CONFIG": str(path), "SUPPORTBOT_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 2
    assert f"error: SUPPORTBOT_PORT in {path} must be a whole number from 1 to 65535, got 'abc'" in result.output
    assert "Traceback" not in result.output


# tenants file: every key of every table known and typed ------------------------------------------
def tenants(tmp_path: Path, body: str) -> Settings:
    path = tmp_path / "tenants.toml"
    path.write_text(body)
    return Settings.from_env({"SUPPORTBOT_DATA_DIR": str(tmp_path), "SUPPORTBOT_TENANTS_FILE": str(path)})


@pytest.mark.parametrize(("body", "message"), [
    ("[tenants.acme.routing]\nnever_remte = true\n", "unknown key(s) 'never_remte' in [tenants.acme.routing]"),
    ("[tenants.acme.routing]\nnever_remote = \"false\"\n", "[tenants.acme.routing] never_remote must be true or false"),
    ("[tenants.acme.routing]\nprefer = \"cheapest\"\n", "[tenants.acme.routing] prefer must be one of 'local', 'remote'"),
    ("[tenants.acme.budget]\nuser_usd = -1\n", "[tenants.acme.budget] user_usd must be at least 0"),
    ("[tenants.acme.budget]\nperiod = \"year\"\n", "[tenants.acme.budget] period must be one of"),
    ("[tenants.acme.handoff]\nstaff_sees_pii = \"no\"\n", "[tenants.acme.handoff] staff_sees_pii must be true or false"),
    ("[tenants.acme.handoff]\nreannounce_minutes = \"ten\"\n", "[tenants.acme.handoff] reannounce_minutes must be a number"),
    ("[tenants.acme.handoff.business_hours]\ntimezone = \"Mars/Olympus\"\n", "[tenants.acme.handoff.business_hours] timezone must be a time zone"),
    ("[tenants.acme.handoff.business_hours]\ndays = \"weekdays\"\n", "[tenants.acme.handoff.business_hours] days must be days"),
    ("[tenants.acme.handoff.topics.billing]\nexampels = [\"x\"]\n", "unknown key(s) 'exampels' in [tenants.acme.handoff.topics.billing]"),
    ("[tenants.acme.handoff.topics.billing]\nhuman_only = 1\n", "[tenants.acme.handoff.topics.billing] human_only must be true or false"),
    ("[tenants.acme.slack]\nteam = \"T1\"\n", "unknown key(s) 'team' in [tenants.acme.slack]"),
    ("[tenants.acme.telegram]\ntoken = \"1:x\"\n", "unknown key(s) 'token' in [tenants.acme.telegram]"),
    ("[tenants.acme.users]\nU1 = \"admins\"\n", "[tenants.acme.users] U1 must be a list"),
    ("[tenants.acme.widget]\nkeys = \"k1\"\n", "[tenants.acme.widget] keys must be a list"),
    ("[tenants.acme]\ndefault_groups = \"public\"\n", "[tenants.acme] default_groups must be a list"),
    ("[tenants.acme.thresholds]\nmin_confidence = \"high\"\n", "threshold min_confidence must be a number"),
    ("[tenants.acme]\nchannels = [\"slack\"]\n", "unknown key 'channels' in [tenants.acme]: a tenant's channels are its"),
    ("[tenants.acme.rollout]\nstage = \"half\"\n", "[tenants.acme.rollout] stage must be one of 'off', 'shadow', 'beta', 'percent', 'on'"),
    ("[tenants.acme.rollout]\nstage = \"percent\"\npercent = 150\n", "[tenants.acme.rollout] percent must be at most 100"),
    ("[tenants.acme.rollout]\nstage = \"percent\"\n", "stage = \"percent\" needs percent"),
    ("[tenants.acme.rollout]\nstage = \"beta\"\n", "stage = \"beta\" needs beta_groups"),
    ("[tenants.acme.rollout]\nstagee = \"on\"\n", "unknown key(s) 'stagee' in [tenants.acme.rollout]"),
    # a browser's Origin is scheme://host[:port], lower case: any other entry never matched, and the widget on that
    # site was refused with a 403 only its console showed (qa11)
    ("[tenants.acme.widget]\nallowed_origins = [\"https://help.acme.example/\"]\n",
     ("[tenants.acme.widget] allowed_origins must be origins like \"https://help.acme.example\" (scheme and host, no path)"
      " or \"*\", not 'https://help.acme.example/' (write 'https://help.acme.example')")),
    ("[tenants.acme.widget]\nallowed_origins = [\"help.acme.example\"]\n", "not 'help.acme.example' (write 'https://help.acme.example')"),
    ("[tenants.acme.widget]\nallowed_origins = [\"https://Help.Acme.example:8443\"]\n", "(write 'https://help.acme.example:8443')"),
    ("[tenants.acme.widget]\nallowed_origins = [\"https://help.acme.example/kb/\"]\n", "(write 'https://help.acme.example')"),
    # hours that end before they start were never open: every customer was told staff are back at the next start (qa11)
    ("[tenants.acme.handoff.business_hours]\nstart = \"22:00\"\nend = \"06:00\"\n",
     "[tenants.acme.handoff.business_hours] end (06:00) must be later than start (22:00)"),
    ("[tenants.acme.handoff.business_hours]\nstart = \"18:00\"\n", "end (17:00) must be later than start (18:00)"),
    # a topic is detected by meaning from its examples: without them it never was (a human_only topic did nothing; qa11)
    ("[tenants.acme.handoff.topics.security]\nhuman_only = true\n",
     "[tenants.acme.handoff.topics.security] needs examples (messages of the topic: it is detected by meaning from them)"),
    ("[tenants.acme.handoff.topics.security]\nexamples = []\n", "[tenants.acme.handoff.topics.security] needs examples"),
])
def test_a_tenant_key_that_would_do_nothing_or_the_wrong_thing_stops_the_start(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        tenants(tmp_path, body)
    assert str(caught.value).startswith(f"tenants file {tmp_path / 'tenants.toml'}: ")
    assert message in str(caught.value)


def test_the_readme_tenants_file_is_valid(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    sample = readme.split("A tenants file", 1)[1].split("```toml\n", 1)[1].split("```", 1)[0]
    acme = tenants(tmp_path, sample).tenant("acme")
    assert acme.routing.never_remote is False and acme.rollout.stage == "on"


@pytest.mark.parametrize(("body", "expected"), [
    ("", Rollout()),
    ("stage = \"off\"\n", Rollout(stage="off")),
    ("stage = \"shadow\"\n", Rollout(stage="shadow")),
    ("stage = \"beta\"\nbeta_groups = [\"staff\"]\n", Rollout(stage="beta", beta_groups=("staff",))),
    ("stage = \"percent\"\npercent = 10\n", Rollout(stage="percent", percent=10.0)),
])
def test_rollout_stages_are_read_into_a_typed_record(tmp_path: Path, body: str, expected: Rollout) -> None:
    assert tenants(tmp_path, "[tenants.acme.rollout]\n" + body).tenant("acme").rollout == expected


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


@pytest.mark.parametrize(("env", "expected"), [
    ({}, "http://127.0.0.1:8080"),
    ({"SUPPORTBOT_PORT": "9000"}, "http://127.0.0.1:9000"),  # the port `serve` was given in the same settings
    ({"SUPPORTBOT_HOST": "0.0.0.0", "SUPPORTBOT_PORT": "9000"}, "http://127.0.0.1:9000"),
    ({"SUPPORTBOT_HOST": "::1"}, "http://[::1]:8080"),
    ({"SUPPORTBOT_PORT": "9000", "SUPPORTBOT_SERVER_URL": "http://bot.internal:7000"}, "http://bot.internal:7000"),
])
def test_cli_commands_find_serve_where_the_settings_put_it(tmp_path: Path, env: dict[str, str], expected: str) -> None:
    assert Settings.from_env({"SUPPORTBOT_DATA_DIR": str(tmp_path), **env}).server_url == expected


def test_a_bad_keep_term_is_named_with_the_file_it_is_in_included_or_not(tmp_path: Path) -> None:
    # before: a bad value in an included file was reported against the including file, which does not hold it
    (tmp_path / "privacy.toml").write_text("[tenants.acme.privacy]\nkeep_terms = [1]\n")
    main = tmp_path / "tenants.toml"
    main.write_text('include = ["privacy.toml"]\n[tenants.acme]\nlanguage = "en"\n')
    with pytest.raises(ConfigError) as caught:
        load_tenants(main)
    assert str(caught.value) == (f"included file (from {main}) {tmp_path / 'privacy.toml'}: "
                                 "[tenants.acme.privacy] keep_terms[0] must be a non-empty string, not 1")
    main.write_text('include = ["privacy.toml"]\n[tenants.acme.privacy]\nkeep_terms = ["Paperkite", 2]\n')  # its own values win
    with pytest.raises(ConfigError) as caught:
        load_tenants(main)
    assert str(caught.value) == f"tenants file {main}: [tenants.acme.privacy] keep_terms[1] must be a non-empty string, not 2"


@pytest.mark.parametrize("name", ["SUPPORTBOT_ADMIN_TOKEN", "SUPPORTBOT_METRICS_TOKEN"])
def test_a_short_token_stops_the_start_naming_the_setting_never_the_value(tmp_path: Path, name: str) -> None:
    """A 6-character admin token was taken: guessable in a short time, and it guards the kill switch."""
    with pytest.raises(ConfigError) as refused:
        Settings.from_env({"SUPPORTBOT_DATA_DIR": str(tmp_path), name: "hunter2secret"})
    assert str(refused.value).startswith(f"{name} in the environment must be at least 16 characters")
    assert "got 13" in str(refused.value) and "hunter2secret" not in str(refused.value)
    assert getattr(Settings.from_env({"SUPPORTBOT_DATA_DIR": str(tmp_path), name: "x" * 16}), name.removeprefix("SUPPORTBOT_").lower()) == "x" * 16
