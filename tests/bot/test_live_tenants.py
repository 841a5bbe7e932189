"""The tenants file read again when it changes: calibrated thresholds apply to a running bot without a restart;
what is set up at the start stays as it was, and a broken edit never stops the bot."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.app.composition import Services
from bot.core.live_tenants import LiveTenants, watch_tenants
from bot.engine.pipeline import Identity

TENANTS = """include = ["thresholds-acme.toml"]
[tenants.acme]
[tenants.acme.widget]
keys = ["acme-key"]
"""


def thresholds(min_confidence: float) -> str:
    return f"[tenants.acme.thresholds]\nmin_confidence = {min_confidence}\nmin_choice_confidence = 0.99\nmin_words_confidence = 1.0\n"


def write(path: Path, text: str) -> None:
    path.write_text(text)
    stamp = time.time_ns() + 5_000_000_000  # a later modification time, whatever the filesystem's granularity
    os.utime(path, ns=(stamp, stamp))


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def live(tmp_path: Path, clock: Clock) -> LiveTenants:
    (tmp_path / "thresholds-acme.toml").write_text(thresholds(0.8))
    (tmp_path / "tenants.toml").write_text(TENANTS)
    return LiveTenants(tmp_path / "tenants.toml", every=2.0, clock=clock)


def test_an_included_file_that_changes_is_read_again_after_the_interval(tmp_path: Path) -> None:
    clock = Clock()
    tenants = live(tmp_path, clock)
    assert tenants["acme"].thresholds.min_confidence == 0.8
    write(tmp_path / "thresholds-acme.toml", thresholds(0.4))
    clock.now = 1.0
    assert tenants["acme"].thresholds.min_confidence == 0.8  # not looked at again yet
    clock.now = 2.5
    assert tenants["acme"].thresholds.min_confidence == 0.4


def test_a_broken_edit_keeps_the_settings_read_before_and_says_why(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    tenants = live(tmp_path, clock)
    write(tmp_path / "thresholds-acme.toml", "[tenants.acme.thresholds]\nmin_confidence = \n")
    clock.now = 3.0
    with caplog.at_level(logging.WARNING):
        assert tenants["acme"].thresholds.min_confidence == 0.8
    assert "cannot be used" in caplog.text and "thresholds-acme.toml" in caplog.text and "not valid TOML" in caplog.text
    write(tmp_path / "thresholds-acme.toml", thresholds(0.3))  # mended: read
    clock.now = 6.0
    assert tenants["acme"].thresholds.min_confidence == 0.3


async def test_under_serve_an_edit_is_logged_when_made_not_at_the_next_message(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "thresholds-acme.toml").write_text(thresholds(0.8))
    (tmp_path / "tenants.toml").write_text(TENANTS)
    tenants = LiveTenants(tmp_path / "tenants.toml", every=0.05)
    watcher = asyncio.create_task(watch_tenants(tenants, every=0.05))
    try:
        with caplog.at_level(logging.INFO):
            write(tmp_path / "thresholds-acme.toml", thresholds(0.4))
            deadline = time.monotonic() + 5
            while "applied for acme" not in caplog.text and time.monotonic() < deadline:
                await asyncio.sleep(0.05)  # no setting is read meanwhile: no customer writes
            assert "read again: thresholds applied for acme" in caplog.text  # what changed, not every live setting
            write(tmp_path / "tenants.toml", TENANTS + "[tenants.acme\n")
            while "cannot be used" not in caplog.text and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            assert "cannot be used" in caplog.text and "not valid TOML" in caplog.text
    finally:
        watcher.cancel()
    assert tenants["acme"].thresholds.min_confidence == 0.4  # the last good settings stay


def test_what_is_set_up_at_the_start_waits_for_a_restart(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    tenants = live(tmp_path, clock)
    write(tmp_path / "tenants.toml", TENANTS.replace("acme-key", "other-key") + "[tenants.beta]\n")
    clock.now = 3.0
    with caplog.at_level(logging.WARNING):
        assert tenants["acme"].widget_keys == ("acme-key",)
        assert list(tenants) == ["acme"]
    assert "tenant acme: widget changed" in caplog.text and "added or removed" in caplog.text


async def test_calibrated_thresholds_apply_to_a_running_bot(make_services: Callable[..., Services], tmp_path: Path) -> None:
    (tmp_path / "thresholds-acme.toml").write_text(thresholds(1.0))
    (tmp_path / "tenants.toml").write_text(TENANTS)
    services = make_services(sample=True, SUPPORTBOT_TENANTS_FILE=str(tmp_path / "tenants.toml"))
    docs = Path(__file__).resolve().parents[2] / "knowledge" / "sample_kb"
    await asyncio.to_thread(services.ingestor.ingest, [docs / "reset-your-password.md", docs / "export-your-data.md"], tenant="acme")
    await asyncio.to_thread(services.after_ingest, "acme")
    identity = Identity(tenant="acme", user="u-live", channel="test")
    question = "I forgot my password, how do I set a new one?"
    before = await services.assistant.ask(question, identity=identity, record=False)
    assert before.outcome.value == "handoff" and before.confidence < 1.0, before
    write(tmp_path / "thresholds-acme.toml", thresholds(max(0.05, before.confidence - 0.05)))
    deadline = time.monotonic() + 10
    while True:
        after = await services.assistant.ask(question, identity=identity, record=False)
        if after.outcome.value == "answer" or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.5)
    assert after.outcome.value == "answer" and "reset-your-password" in after.citations[0].source, after
