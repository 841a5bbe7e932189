"""A count of a product line named like a street is no address (policies/street_goods.py); an address that a verb,
a home's word or a place's preposition surrounds stays one."""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    "text",
    [
        "My 3 Brookfield Lane lamps arrived broken.",
        "I ordered 4 Willow Avenue cushions and one is torn.",
        "Are the 6 Garden Way planters frost proof?",
        "We need 10 Harbour Drive licences for the new team.",
        "The 5 Linden Lane mugs are out of stock again.",
        "Is 12 Copper Street Blend coffee decaf?",
        "Is 1 Marlow Street Edition still on sale?",
        "Does the 3 Foundry Square bundle include the stand?",
        "The 11 Orchard Close tea sets are missing lids.",
    ],
)
def test_a_count_of_a_product_line_is_left_alone(redactor: SpacyRedactor, text: str) -> None:
    assert redactor.redact_sync(text).redacted == text


@pytest.mark.parametrize(
    ("text", "street"),
    [
        ("I think 14 Brookfield Road needs a new meter", "14 Brookfield Road"),
        ("Mum's 14 Brookfield Road gets no post", "14 Brookfield Road"),
        ("Our 14 Brookfield Road tenants are moving out", "14 Brookfield Road"),
        ("Water comes in whenever 14 Brookfield Road floods.", "14 Brookfield Road"),
        ("Please send the 2 boxes to 3 Willow Street tomorrow", "3 Willow Street"),
        ("My 9 Harbour Drive parcels are missing", "9 Harbour Drive"),
        ("The flat at 12 Linden Lane floods every winter", "12 Linden Lane"),
    ],
)
def test_an_address_a_verb_or_a_home_surrounds_is_still_redacted(redactor: SpacyRedactor, text: str, street: str) -> None:
    found = redactor.redact_sync(text)
    assert street not in found.redacted
    assert any(e.kind == "STREET_ADDRESS" for e in found.entities)
