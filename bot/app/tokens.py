"""Conversation tokens: `v2.<key id>.<issued at>.<mac>`, the MAC an HMAC-SHA256 of the conversation id
and the issue time under one key of a key ring.

The first key signs; the others (earlier secret keys, SUPPORTBOT_OLD_SECRET_KEYS) still verify, so a
key can be rotated without cutting off every open conversation, and dropped from the ring once the
tokens it signed have expired (`ttl`). Every failure reads the same to the caller: no oracle for
which part was wrong.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable, Sequence

_VERSION = "v2"
_CLOCK_SKEW = 300.0  # seconds a token may claim to come from the future (several processes' clocks)


def _key_id(key: bytes) -> str:
    return hashlib.sha256(b"supportbot-token-key:" + key).hexdigest()[:8]


class Tokens:
    def __init__(self, keys: Sequence[bytes], *, ttl: float, clock: Callable[[], float] = time.time) -> None:
        if not keys:
            raise ValueError("at least one key is needed to sign tokens")
        self._signing = keys[0]
        self._ring = {_key_id(key): key for key in reversed(keys)}  # the signing key wins a (freak) id clash
        self._ttl = ttl
        self._clock = clock

    @staticmethod
    def _mac(key: bytes, conversation_id: str, issued: int) -> str:
        digest = hmac.new(key, f"{conversation_id}.{issued}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def issue(self, conversation_id: str) -> str:
        issued = int(self._clock())
        return f"{_VERSION}.{_key_id(self._signing)}.{issued}.{self._mac(self._signing, conversation_id, issued)}"

    def check(self, conversation_id: str, token: str) -> bool:
        """Signed by a key of the ring for this conversation, and neither expired nor from the future."""
        parts = token.split(".")
        if len(parts) != 4 or parts[0] != _VERSION or not parts[2].isascii() or not parts[2].isdigit() or len(parts[2]) > 12:
            return False
        key = self._ring.get(parts[1])
        if key is None:
            return False
        issued = int(parts[2])
        if not hmac.compare_digest(self._mac(key, conversation_id, issued).encode(), parts[3].encode("utf-8", "replace")):
            return False
        age = self._clock() - issued
        return -_CLOCK_SKEW <= age <= self._ttl
