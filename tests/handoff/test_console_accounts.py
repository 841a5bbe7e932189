"""Console accounts and sessions on their own: hashes, the staff file, signed cookies."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.core.errors import ConfigError, InputError
from handoff.console_session import Sessions
from handoff.staff_accounts import StaffDirectory, add_account, hash_password, verify_password
from tests.conftest import make_settings


def test_a_password_is_kept_as_a_salted_scrypt_hash() -> None:
    first, second = hash_password("correct horse battery"), hash_password("correct horse battery")
    assert first.startswith("scrypt$") and first != second and "correct" not in first
    assert verify_password("correct horse battery", first) and not verify_password("correct horse batterY", first)
    with pytest.raises(InputError):
        hash_password("short")


def test_accounts_added_while_running_sign_in_and_a_bad_tenants_file_entry_stops_the_start(tmp_path: Path) -> None:
    tenants = tmp_path / "tenants.toml"
    tenants.write_text(f'[tenants.default.staff.alice]\npassword_hash = "{hash_password("alice password 1")}"\n[tenants.acme]\n')
    settings = make_settings(tmp_path / "data", SUPPORTBOT_TENANTS_FILE=str(tenants))
    directory = StaffDirectory(settings=settings)
    assert directory.count() == 1 and directory.verify("default", "alice", "alice password 1") is not None
    assert directory.verify("acme", "alice", "alice password 1") is None  # an account is one tenant's

    path = add_account(settings, tenant="acme", name="bob", password="bob password 12", display_name="Bob")
    assert oct(path.stat().st_mode & 0o777) == "0o600" and "bob password" not in path.read_text()
    bob = directory.verify("acme", "bob", "bob password 12")  # read again: no restart needed
    assert bob is not None and bob.display_name == "Bob" and bob.staff_id == "console:acme:bob"
    add_account(settings, tenant="acme", name="bob", password="a new password")
    assert directory.verify("acme", "bob", "bob password 12") is None and directory.find("acme", "bob").fingerprint != bob.fingerprint
    with pytest.raises(ConfigError):
        add_account(settings, tenant="nobody", name="eve", password="eve password 1")

    tenants.write_text('[tenants.default.staff.alice]\npassword_hash = "plain text password"\n')
    with pytest.raises(ConfigError, match="password_hash"):
        StaffDirectory(settings=make_settings(tmp_path / "data", SUPPORTBOT_TENANTS_FILE=str(tenants)))


def test_a_session_cookie_is_signed_and_expires() -> None:
    now = [1000.0]
    sessions = Sessions(b"secret", lifetime=60, clock=lambda: now[0])
    session = sessions.signed_in(tenant="default", staff="alice", fingerprint="f")
    cookie = sessions.encode(session)
    assert sessions.decode(cookie) == session
    payload, signature = cookie.rsplit(".", 1)
    assert sessions.decode(payload[:-2] + "xx." + signature) is None
    assert Sessions(b"another secret", clock=lambda: now[0]).decode(cookie) is None
    assert sessions.csrf_ok(session, sessions.csrf_token(session)) and not sessions.csrf_ok(sessions.anonymous(), sessions.csrf_token(session))
    now[0] += 61
    assert sessions.decode(cookie) is None


def test_a_password_piped_in_without_the_flag_is_told_to_use_it(tmp_path: Path) -> None:
    # the prompt read the piped line, asked for it again, and ended in "Aborted!"
    import subprocess
    import sys

    env = {**os.environ, "SUPPORTBOT_DATA_DIR": str(tmp_path), "SUPPORTBOT_TENANTS_FILE": str(tmp_path / "tenants.toml")}
    (tmp_path / "tenants.toml").write_text("[tenants.default]\n")
    ran = subprocess.run([sys.executable, "-m", "bot.app.cli.main", "staff", "add", "alice"], input="alice password 1\n",
                         capture_output=True, text=True, env=env, timeout=120)
    assert ran.returncode == 2 and "--password-stdin" in ran.stderr and "Aborted" not in ran.stderr
    assert "alice" not in (tmp_path / "tenants.toml").read_text()


def test_serve_names_the_tenants_whose_handoffs_no_console_account_can_take(tmp_path: Path) -> None:
    from bot.app.web import console_accounts_warning

    tenants = tmp_path / "tenants.toml"
    tenants.write_text("[tenants.default]\n[tenants.acme]\n")
    settings = make_settings(tmp_path / "data", SUPPORTBOT_TENANTS_FILE=str(tenants))
    directory = StaffDirectory(settings=settings)
    assert console_accounts_warning(settings, directory) == ("the staff console (/console) has no accounts yet: add one with "
                                                             "`supportbot staff add --tenant default NAME` (and so for the others)")
    # one tenant's account: the other's handoffs still reach no one (this said nothing)
    add_account(settings, tenant="default", name="alice", password="alice password 1")
    assert console_accounts_warning(settings, directory) == ("the staff console (/console) has no account for tenant acme, whose "
                                                             "handoffs no one can take: add one with `supportbot staff add --tenant acme NAME`")
    slack = make_settings(tmp_path / "data", SUPPORTBOT_TENANTS_FILE=str(tenants), SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s",
                          SUPPORTBOT_HANDOFF_CHANNEL="C1")
    assert console_accounts_warning(slack, StaffDirectory(settings=slack)) is None  # Slack is acme's desk
    add_account(settings, tenant="acme", name="bob", password="bob password 12")
    assert console_accounts_warning(settings, directory) is None


def test_the_first_sign_in_page_tells_how_to_add_an_account_without_naming_a_tenant() -> None:
    """With no account yet, the page says which command to run; it named `--tenant default`, wrong on a tenants file
    without that tenant, and it names no tenant of the server (the page is open to anyone)."""
    from handoff.console_pages import sign_in_page

    page = sign_in_page(csrf="token", no_staff=True)
    assert "supportbot staff add --tenant TENANT YOUR-NAME" in page and "--tenant default" not in page
    assert "staff add" not in sign_in_page(csrf="token")
