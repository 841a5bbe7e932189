"""An order's, an invoice's or a booking's number named so in another language is no phone number
(policies/pii_patterns.py `NOT_A_CARD`), as in English; a phone number in the same language still is."""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    "text",
    [
        "Meine Bestellung 2024-771305 ist noch nicht da",
        "mi pedido 3380-512274 llegó incompleto",
        "la mia prenotazione 5512-908812 risulta annullata",
    ],
)
def test_a_foreign_order_number_is_kept(redactor: SpacyRedactor, text: str) -> None:
    assert redactor.redact_sync(text).redacted == text


def test_a_foreign_phone_number_is_still_redacted(redactor: SpacyRedactor) -> None:
    result = redactor.redact_sync("Bitte rufen Sie mich an: 030 5512 9087")
    assert "5512" not in result.redacted, result.redacted
