"""The per-conversation vault of redacted values: encrypted at rest, expiring, never shared.

`ConversationVault` gives each (kind, value) of one conversation a stable placeholder
(`<EMAIL_1>` stays `<EMAIL_1>` for the whole conversation, across restarts), keeps the original
encrypted (Fernet, key derived from the secret key), finds it again by a keyed hash (no plaintext
in the database), and puts originals back into text meant for that same customer. Expired values
are purged and no longer restored.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
from datetime import datetime, timedelta

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import Engine, String, cast, literal, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.core.tables import VaultEntry, utcnow
from policies.placeholders import PLACEHOLDER_RE, normalize
from bot.core.clock import utc

logger = logging.getLogger(__name__)


class VaultKeys:
    """Encryption and lookup keys, both derived from the one secret."""

    def __init__(self, secret: bytes) -> None:
        self.fernet = Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"vault-encryption:" + secret).digest()))
        self.lookup_key = hashlib.sha256(b"vault-lookup:" + secret).digest()


class Vault:
    """Opens conversation vaults; one per process."""

    def __init__(self, *, engine: Engine, secret: bytes, ttl: timedelta) -> None:
        self._engine = engine
        self._keys = VaultKeys(secret)
        self._ttl = ttl

    def conversation(self, conversation_id: str) -> ConversationVault:
        return ConversationVault(engine=self._engine, keys=self._keys, ttl=self._ttl, conversation_id=conversation_id)

    def purge_expired(self, now: datetime | None = None) -> int:
        """Forget expired values: their ciphertext and lookup go, the placeholder stays taken (a new
        value never gets the number of one that old messages mention). Returns how many expired."""
        with Session(self._engine) as session:
            result = session.exec(
                update(VaultEntry)  # type: ignore[call-overload]
                .where(col(VaultEntry.expires_at) < (now or utcnow()), col(VaultEntry.ciphertext) != "")
                .values(ciphertext="", lookup=literal("expired:") + cast(col(VaultEntry.id), String))
            )
            session.commit()
            return int(result.rowcount or 0)

    async def purge_periodically(self, *, every: float) -> None:
        """While the server runs: expired values go within `every` seconds, not only at the next start."""
        while True:
            await asyncio.sleep(every)
            try:
                purged = await asyncio.to_thread(self.purge_expired)
            except Exception:  # a busy database now is no reason to stop purging later
                logger.exception("purging expired vault entries failed")
                continue
            if purged:
                logger.info("purged %d expired vault entries", purged)


class ConversationVault:
    def __init__(self, *, engine: Engine, keys: VaultKeys, ttl: timedelta, conversation_id: str) -> None:
        self._engine = engine
        self._keys = keys
        self._ttl = ttl
        self.conversation_id = conversation_id

    def _lookup(self, kind: str, value: str) -> str:
        message = f"{self.conversation_id}\x00{kind}\x00{normalize(kind, value)}".encode()
        return hmac.new(self._keys.lookup_key, message, hashlib.sha256).hexdigest()

    def placeholder(self, kind: str, value: str) -> str:
        """The conversation's placeholder for this value, created on first sight."""
        lookup = self._lookup(kind, value)
        for _ in range(3):  # a concurrent writer may take the same number: retry
            with Session(self._engine) as session:
                found = session.exec(
                    select(VaultEntry).where(VaultEntry.conversation_id == self.conversation_id, VaultEntry.lookup == lookup)
                ).first()
                if found is not None:
                    found.expires_at = utcnow() + self._ttl
                    session.add(found)
                    session.commit()
                    return found.placeholder
                taken = session.exec(
                    select(VaultEntry.placeholder).where(VaultEntry.conversation_id == self.conversation_id, VaultEntry.kind == kind)
                ).all()
                # the highest number + 1, not the count + 1: numbers of expired values stay taken
                placeholder = f"<{kind}_{max((_number(p) for p in taken), default=0) + 1}>"
                session.add(
                    VaultEntry(
                        conversation_id=self.conversation_id, placeholder=placeholder, kind=kind, lookup=lookup,
                        ciphertext=self._keys.fernet.encrypt(value.encode()).decode(), expires_at=utcnow() + self._ttl,
                    )
                )
                try:
                    session.commit()
                    return placeholder
                except IntegrityError:
                    session.rollback()
        raise RuntimeError("could not allocate a placeholder")

    def originals(self, now: datetime | None = None) -> dict[str, str]:
        moment = now or utcnow()
        with Session(self._engine) as session:
            rows = session.exec(select(VaultEntry).where(VaultEntry.conversation_id == self.conversation_id)).all()
        out = {}
        for row in rows:
            if _aware(row.expires_at) < moment or not row.ciphertext:
                continue
            try:
                out[row.placeholder] = self._keys.fernet.decrypt(row.ciphertext.encode()).decode()
            except InvalidToken:  # secret key changed: the value is gone, the placeholder stays
                continue
        return out

    def restore(self, text: str) -> str:
        """For the customer's own eyes only: their values back in place of the placeholders."""
        if not PLACEHOLDER_RE.search(text):
            return text
        values = self.originals()
        return PLACEHOLDER_RE.sub(lambda m: values.get(m.group(), m.group()), text)


def _number(placeholder: str) -> int:
    match = PLACEHOLDER_RE.fullmatch(placeholder)
    return int(match.group(2)) if match else 0


_aware = utc

