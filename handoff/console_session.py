"""The web console's sessions: a signed cookie (HMAC-SHA256 with a key derived from the one secret),
and the CSRF token every form carries.

The cookie holds who signed in (tenant and account), a fingerprint of their password hash (a new
password ends every session signed with the old one), an expiry and a random nonce; it is HttpOnly,
SameSite=Strict, limited to /console, and Secure when the console is reached over https. Visitors who
have not signed in get one too (without an account), so the sign-in form has a CSRF token as well.
The CSRF token is an HMAC of the session's nonce: a page of another site can neither read it nor
make it, and a new sign-in (a new nonce) retires the old one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from aiohttp import web

COOKIE = "supportbot_console"
LIFETIME = 12 * 3600.0  # a working day; then sign in again


@dataclass(frozen=True, slots=True)
class Session:
    nonce: str
    expires: float
    tenant: str | None = None
    staff: str | None = None
    fingerprint: str | None = None

    @property
    def signed_in(self) -> bool:
        return self.staff is not None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Sessions:
    def __init__(self, secret: bytes, *, lifetime: float = LIFETIME, clock: Callable[[], float] = time.time) -> None:
        self._key = hashlib.sha256(b"console-session:" + secret).digest()
        self._lifetime = lifetime
        self._clock = clock

    def anonymous(self) -> Session:
        return Session(nonce=secrets.token_urlsafe(16), expires=self._clock() + self._lifetime)

    def signed_in(self, *, tenant: str, staff: str, fingerprint: str) -> Session:
        """A fresh nonce: whatever a visitor's cookie held before signing in is not carried over."""
        return replace(self.anonymous(), tenant=tenant, staff=staff, fingerprint=fingerprint)

    def _sign(self, payload: bytes) -> str:
        return _b64(hmac.new(self._key, payload, hashlib.sha256).digest())

    def encode(self, session: Session) -> str:
        payload = _b64(json.dumps([session.nonce, session.expires, session.tenant, session.staff, session.fingerprint]).encode())
        return f"{payload}.{self._sign(payload.encode())}"

    def decode(self, value: str | None) -> Session | None:
        """None for a missing, forged, malformed or expired cookie."""
        if not value or "." not in value:
            return None
        payload, signature = value.rsplit(".", 1)
        if not hmac.compare_digest(signature, self._sign(payload.encode())):
            return None
        try:
            nonce, expires, tenant, staff, fingerprint = json.loads(_unb64(payload))
            session = Session(nonce=str(nonce), expires=float(expires), tenant=tenant, staff=staff, fingerprint=fingerprint)
        except (ValueError, TypeError):
            return None
        return session if session.expires > self._clock() else None

    def csrf_token(self, session: Session) -> str:
        return _b64(hmac.new(self._key, b"csrf:" + session.nonce.encode(), hashlib.sha256).digest())

    def csrf_ok(self, session: Session | None, token: str | None) -> bool:
        return session is not None and bool(token) and hmac.compare_digest(str(token), self.csrf_token(session))

    def set_cookie(self, response: web.StreamResponse, session: Session, *, secure: bool) -> None:
        response.set_cookie(
            COOKIE, self.encode(session), max_age=int(self._lifetime), path="/console", httponly=True, samesite="Strict", secure=secure
        )

    def clear_cookie(self, response: web.StreamResponse) -> None:
        response.del_cookie(COOKIE, path="/console")


def is_https(request: web.Request) -> bool:
    """Behind a proxy that ends TLS the request arrives over http; the proxy's header says how it came
    (trusting it can only make the cookie stricter)."""
    return request.secure or request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip() == "https"
