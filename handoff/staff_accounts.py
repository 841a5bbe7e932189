"""Staff accounts of the web console: per tenant, with scrypt password hashes, never the passwords.

Two places hold them, read together: the tenants file (`[tenants.acme.staff.alice]` with
`password_hash = "scrypt$..."`, made by `supportbot staff hash`, for teams that keep their
configuration in version control) and the data dir's `staff.toml`, which `supportbot staff add`
writes (the way in on a fresh install, where there is no tenants file). The data dir's file is read
again when it changes, so an account added while the server runs can sign in at once. An account in
both places is the tenants file's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.errors import InputError
from bot.core.config import Settings
from bot.core.tenant_sections import STAFF_NAME, StaffEntry, scrypt_parts, staff_from

STAFF_FILE = "staff.toml"
NAME = STAFF_NAME
# scrypt's cost: one of OWASP's equivalent minimums for password storage (N=2**14, r=8, p=5: 16 MiB,
# a few hundred milliseconds of one core); each hash keeps its own parameters, so raising them later
# leaves existing hashes valid
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 5
MIN_PASSWORD = 10


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=256 * 1024 * 1024, dklen=32)


def hash_password(password: str) -> str:
    """`scrypt$N$r$p$salt$hash`, salt and hash in URL-safe base64: what the tenants file holds."""
    if len(password) < MIN_PASSWORD:
        raise InputError(f"a staff password needs at least {MIN_PASSWORD} characters")
    salt = secrets.token_bytes(16)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(_scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P))}"


def _parsed(encoded: str) -> tuple[int, int, int, bytes, bytes]:
    n, r, p, salt, digest = scrypt_parts(encoded)
    return n, r, p, _unb64(salt), _unb64(digest)


def verify_password(password: str, encoded: str) -> bool:
    n, r, p, salt, digest = _parsed(encoded)
    return hmac.compare_digest(_scrypt(password, salt, n, r, p), digest)


# checked against when the account does not exist, so an unknown name costs what a wrong password does
_DUMMY = f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(b'0' * 16)}${_b64(b'0' * 32)}"


@dataclass(frozen=True, slots=True)
class StaffAccount:
    tenant: str
    name: str
    display_name: str
    password_hash: str

    @property
    def fingerprint(self) -> str:
        """Changes with the password: a session signed with the old one is no longer valid."""
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]

    @property
    def staff_id(self) -> str:
        return f"console:{self.tenant}:{self.name}"


def _accounts(tenant: str, entries: Mapping[str, StaffEntry]) -> dict[tuple[str, str], StaffAccount]:
    return {(tenant, e.name): StaffAccount(tenant, e.name, e.display_name, e.password_hash) for e in entries.values()}


class StaffDirectory:
    """Synchronous (scrypt takes tens of milliseconds): call `verify` from a thread."""

    def __init__(self, *, settings: Settings, path: Path | None = None) -> None:
        self._tenants = list(settings.tenants)
        self._path = path or settings.data_dir / STAFF_FILE
        self._configured: dict[tuple[str, str], StaffAccount] = {}
        for name, tenant in settings.tenants.items():
            self._configured |= _accounts(name, tenant.staff)  # checked when the tenants file loaded
        self._from_file: dict[tuple[str, str], StaffAccount] = {}
        self._stamp: tuple[int, int] | None = None
        self._lock = threading.Lock()
        self._reload()

    def _reload(self) -> None:
        """The data dir's file, when it changed since it was last read (mtime and size)."""
        try:
            stat = self._path.stat()
        except FileNotFoundError:
            self._from_file, self._stamp = {}, None
            return
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if stamp == self._stamp:
                return
            data = tomllib.loads(self._path.read_text(encoding="utf-8"))
            found: dict[tuple[str, str], StaffAccount] = {}
            for tenant, body in (data.get("tenants") or {}).items():
                if tenant in self._tenants:  # a tenant since removed from the tenants file has no staff
                    found |= _accounts(str(tenant), staff_from(str(tenant), (body or {}).get("staff", {}), str(self._path)))
            self._from_file, self._stamp = found, stamp

    def find(self, tenant: str, name: str) -> StaffAccount | None:
        self._reload()
        return self._configured.get((tenant, name)) or self._from_file.get((tenant, name))

    def verify(self, tenant: str, name: str, password: str) -> StaffAccount | None:
        """The account, when the password is right; None for a wrong password, an unknown name or tenant
        alike, after the same work."""
        account = self.find(tenant, name)
        ok = verify_password(password, account.password_hash if account is not None else _DUMMY)
        return account if ok and account is not None else None

    def verify_named(self, name: str, password: str) -> list[StaffAccount]:
        """The accounts of every team with this name whose password is this one (the console's sign-in, which
        lists no team: a team's name tells who the tenants are). Usually one; none for a wrong password or an
        unknown name, after the same work; two or more when one person's name and password are on two teams."""
        self._reload()
        named = [a for key, a in (self._from_file | self._configured).items() if key[1] == name]
        if not named:
            verify_password(password, _DUMMY)
            return []
        return [a for a in named if verify_password(password, a.password_hash)]

    def count(self) -> int:
        self._reload()
        return len(self._configured.keys() | self._from_file.keys())

    def tenants_without_accounts(self) -> list[str]:
        """The tenants no one can sign in to the console for, in the tenants file's order."""
        self._reload()
        having = {tenant for tenant, _ in self._configured.keys() | self._from_file.keys()}
        return [t for t in self._tenants if t not in having]


def _toml(data: Mapping[str, Any]) -> str:
    """The staff file's own shape, written back: `[tenants."t".staff."name"]` tables of strings."""
    lines = ["# staff accounts of the web console, written by `supportbot staff add` (passwords hashed with scrypt)"]
    for tenant, body in sorted((data.get("tenants") or {}).items()):
        for name, account in sorted(((body or {}).get("staff") or {}).items()):
            lines += ["", f"[tenants.{json.dumps(tenant)}.staff.{json.dumps(name)}]"]
            lines += [f"{key} = {json.dumps(str(value))}" for key, value in sorted(account.items())]
    return "\n".join(lines) + "\n"


def add_account(settings: Settings, *, tenant: str, name: str, password: str, display_name: str | None = None) -> Path:
    """Write (or replace) an account in the data dir's staff file. Returns the file's path."""
    settings.tenant(tenant)  # ConfigError naming the known tenants
    if not NAME.match(name):
        raise InputError("a staff name has letters, digits, '.', '_' or '-' (at most 64)")
    path = settings.data_dir / STAFF_FILE
    data = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    account = {"password_hash": hash_password(password), **({"display_name": display_name} if display_name else {})}
    data.setdefault("tenants", {}).setdefault(tenant, {}).setdefault("staff", {})[name] = account
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(_toml(data), encoding="utf-8")
    os.chmod(temporary, 0o600)
    temporary.replace(path)  # whole or not at all: a running server reads it on its next sign-in
    return path
