from __future__ import annotations

import time

import jwt
import pytest

from bot.core.config import TenantConfig
from bot.core.tenant_sections import WidgetSection
from policies.claims import InvalidClaims, verify_visitor_token

TENANT = TenantConfig(name="acme", widget=WidgetSection(jwt_secret="s3cret-s3cret-s3cret-s3cret-s3cret"))


def token(claims: dict[str, object], secret: str = "s3cret-s3cret-s3cret-s3cret-s3cret") -> str:
    return jwt.encode({"exp": int(time.time()) + 60, **claims}, secret, algorithm="HS256")


def test_signed_claims_give_user_and_groups() -> None:
    claims = verify_visitor_token(token({"sub": "visitor-7", "groups": ["billing-admins"], "plan": "enterprise"}), tenant=TENANT)
    assert claims.user == "visitor-7"
    assert claims.groups == ("billing-admins", "plan-enterprise")


@pytest.mark.parametrize(
    "bad",
    [
        token({"groups": ["billing-admins"]}, secret="another-secret-another-secret-xx"),
        jwt.encode({"groups": ["billing-admins"]}, "s3cret-s3cret-s3cret-s3cret-s3cret", algorithm="HS256"),  # no expiry
        token({"groups": "billing-admins"}),
        jwt.encode({"exp": int(time.time()) + 60, "groups": ["x"]}, None, algorithm="none"),
    ],
    # named, not by the tokens: they carry the time, and parallel workers collecting a second apart saw
    # different test ids (pytest-xdist refused the run)
    ids=["other-secret", "no-expiry", "groups-not-a-list", "unsigned"],
)
def test_forged_expired_or_malformed_claims_are_refused(bad: str) -> None:
    with pytest.raises(InvalidClaims):
        verify_visitor_token(bad, tenant=TENANT)


def test_tenants_without_a_key_accept_no_claims() -> None:
    with pytest.raises(InvalidClaims, match="does not accept"):
        verify_visitor_token(token({}), tenant=TenantConfig(name="plain"))
