"""The kinds of personal data the redactor finds: the names a tenant's `pii_kinds` may list.

In the ground layer because configuration checks a tenant's list against them (bot/core/tenant_keys.py)
and the detectors emit them (policies/pii_patterns.py, which re-exports them).
"""

from __future__ import annotations

PERSON = "PERSON"
EMAIL = "EMAIL"
PHONE = "PHONE"
CREDIT_CARD = "CREDIT_CARD"
IBAN = "IBAN"
US_SSN = "US_SSN"
IP_ADDRESS = "IP_ADDRESS"
STREET_ADDRESS = "STREET_ADDRESS"
SECRET = "SECRET"  # an API key, access token, private key or a password given (policies/pii_patterns.py SECRET_RES)
ALL_KINDS: frozenset[str] = frozenset({PERSON, EMAIL, PHONE, CREDIT_CARD, IBAN, US_SSN, IP_ADDRESS, STREET_ADDRESS, SECRET})
