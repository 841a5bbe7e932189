"""Claims a host site signs for its widget visitors (a JWT): who they are and which groups they have.

The tenant's `widget.jwt_secret` (HS256) or `widget.jwt_public_key` (RS256/ES256) in the tenants file
verifies the token; `groups` (a list) and `plan` (a string, mapped to the group `plan-<plan>`) become
access groups, `sub` the user id. Anything the token does not prove is not trusted.
"""

from __future__ import annotations

from dataclasses import dataclass
import jwt

from bot.core.errors import InputError
from bot.core.config import TenantConfig


class InvalidClaims(InputError):
    pass


@dataclass(frozen=True, slots=True)
class VisitorClaims:
    user: str | None
    groups: tuple[str, ...]


def verify_visitor_token(token: str, *, tenant: TenantConfig) -> VisitorClaims:
    secret, public_key = tenant.widget.jwt_secret, tenant.widget.jwt_public_key
    if not secret and not public_key:
        raise InvalidClaims(f"tenant {tenant.name!r} does not accept signed visitor claims")
    key, algorithms = (public_key, ["RS256", "ES256"]) if public_key else (secret or "", ["HS256"])
    try:
        data = jwt.decode(token, key, algorithms=algorithms, options={"require": ["exp"]}, leeway=30)
    except jwt.PyJWTError as exc:
        raise InvalidClaims(f"visitor token rejected: {exc}") from None
    groups = data.get("groups", [])
    if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
        raise InvalidClaims("visitor token rejected: 'groups' must be a list of strings")
    plan = data.get("plan")
    if isinstance(plan, str) and plan:
        groups = [*groups, f"plan-{plan}"]
    sub = data.get("sub")
    return VisitorClaims(user=str(sub) if sub else None, groups=tuple(sorted(set(groups))))
