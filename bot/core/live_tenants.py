"""The tenants file as it is now: thresholds and the other per-message settings apply without a restart.

`supportbot eval --calibrate` writes a tenant's thresholds into a file the tenants file includes; an operator
who then had to restart every `serve` process to apply them lost conversations' WebSockets for nothing. Each
process checks the files' modification times (the tenants file and every file it includes) at most every
`every` seconds, when a setting is read, and reads them again when one changed.

What is read again is what each message reads anew: `thresholds`, `rollout`, `routing`, `budget`, `language`
and `pii_kinds`. The rest is set up at the start (widget keys and origins, Slack and Telegram, staff, groups and
users, handoff topics and their examples, the terms redaction keeps), so a change to it, or a tenant added or
removed, is logged as needing a restart and the running process keeps its start values. A file that no longer
reads (bad TOML, a wrong value) is logged with the error and the last good settings stay: a typo while editing
never stops the bot.

Hand-written, not a file-watching library (watchfiles, watchdog): a stat of two or three small files every few
seconds, on the thread that reads the setting, costs microseconds, and works the same on every filesystem and in
every process of a multi-process deployment, where inotify would need a thread per process.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import fields, replace
from pathlib import Path

from bot.core.errors import ConfigError
from bot.core.tenants import TenantConfig, load_tenants

logger = logging.getLogger(__name__)

# what a message reads anew from its tenant's settings; the rest is set up once at the start
LIVE = frozenset({"thresholds", "rollout", "routing", "budget", "language", "pii_kinds"})
CHECK_EVERY = 2.0  # seconds between two looks at the files' modification times

Stamp = tuple[tuple[str, int, int], ...]


def _stamp(files: list[Path]) -> Stamp:
    out = []
    for path in files:
        try:
            stat = path.stat()
            out.append((str(path), stat.st_mtime_ns, stat.st_size))
        except OSError:
            out.append((str(path), -1, -1))  # gone: a change too (it is read again, and refused, below)
    return tuple(out)


class LiveTenants(Mapping[str, TenantConfig]):
    def __init__(self, path: Path, *, every: float = CHECK_EVERY, clock: Callable[[], float] = time.monotonic) -> None:
        self._path = path
        self._files: list[Path] = []
        self._tenants = load_tenants(path, files=self._files)  # at the start a bad file stops the start
        self._stamp = _stamp(self._files)
        self._every = every
        self._clock = clock
        self._checked = clock()
        self._lock = threading.Lock()

    def _current(self) -> dict[str, TenantConfig]:
        now = self._clock()
        if now - self._checked < self._every:
            return self._tenants
        with self._lock:
            if now - self._checked >= self._every:
                self._checked = now
                stamp = _stamp(self._files)
                if stamp != self._stamp:
                    self._stamp = stamp
                    self._read_again()
            return self._tenants

    def _read_again(self) -> None:
        files: list[Path] = []
        try:
            fresh = load_tenants(self._path, files=files)
        except ConfigError as exc:
            logger.warning("the tenants file changed but cannot be used, the settings read before stay: %s", exc)
            return
        self._files = files
        self._stamp = _stamp(files)
        if set(fresh) != set(self._tenants):
            logger.warning("tenants were added or removed in the tenants file %s: that takes a restart", self._path)
        merged = {}
        for name, old in self._tenants.items():
            new = fresh.get(name)
            if new is None:
                merged[name] = old
                continue
            fixed = sorted(f.name for f in fields(TenantConfig) if f.name not in LIVE and getattr(new, f.name) != getattr(old, f.name))
            if fixed:
                logger.warning("tenant %s: %s changed in the tenants file: that takes a restart", name, ", ".join(fixed))
            merged[name] = replace(old, **{key: getattr(new, key) for key in LIVE})
        # what changed, per tenant: the line named every live setting, changed or not, for any change
        applied = {name: sorted(k for k in LIVE if getattr(merged[name], k) != getattr(self._tenants[name], k)) for name in merged}
        self._tenants = merged
        for name, keys in sorted(applied.items()):
            if keys:
                logger.info("tenants file read again: %s applied for %s", ", ".join(keys), name)

    def check(self) -> None:
        """Look at the files now (if `every` seconds have passed), as reading a setting does."""
        self._current()

    def __getitem__(self, name: str) -> TenantConfig:
        return self._current()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._current())

    def __len__(self) -> int:
        return len(self._current())


async def watch_tenants(tenants: LiveTenants, *, every: float = CHECK_EVERY) -> None:
    """Under `serve`: the files looked at every `every` seconds even while no message reads a setting. The
    look was only made when a message came, so an operator who edited the thresholds (or broke the file) saw
    nothing in the log, neither "applied" nor the error, until the next customer wrote."""
    while True:
        await asyncio.sleep(every)
        try:
            await asyncio.to_thread(tenants.check)  # a stat, and on a change a file read and parse: off the event loop
        except Exception:  # a watcher that died would leave the edits unseen again
            logger.exception("looking at the tenants file failed")
